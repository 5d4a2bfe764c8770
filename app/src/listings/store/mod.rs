//! Listings in the database, and search over the application's own term index.

mod suggest;
pub use suggest::{newest_in_area, suggestions};

use super::domain::{index_terms, prefix_range, terms, ListingDraft, ListingKind, ListingStatus, Place};
use super::{BrowseFilters, Category, ListingCard, ListingDetail};
use crate::error::AppError;
use crate::platform::db::{value_rows, Db};
use crate::util::{new_id, now, DAY};
use sqlx::{Any, Transaction};

#[derive(sqlx::FromRow)]
struct CategoryRow {
    id: String,
    name: String,
    theme: String,
}

impl From<CategoryRow> for Category {
    fn from(r: CategoryRow) -> Self {
        Category { wellbeing: r.theme == "wellbeing", id: r.id, name: r.name }
    }
}

/// The categories a network's members can choose: everyone's and the network's own, not retired.
pub async fn categories(db: &Db, network_id: &str) -> Result<Vec<Category>, AppError> {
    Ok(sqlx::query_as::<_, CategoryRow>(
        "SELECT id, name, theme FROM categories WHERE (network_id IS NULL OR network_id = $1) AND retired_at IS NULL ORDER BY position, name",
    )
    .bind(network_id)
    .fetch_all(&db.pool)
    .await?
    .into_iter()
    .map(Category::from)
    .collect())
}

/// The network's open categories and its localities, in one round trip (the browse page and
/// the listing form need both on every request).
/// A network that lets visitors look at its listings, with what browsing needs of it.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct OpenNetwork {
    pub id: String,
    pub slug: String,
    pub name: String,
    /// Its browse cache number (`browse_versions`), if it has one.
    pub version: Option<i64>,
}

/// The networks visitors may browse, by name; with `only` (a network's slug or id) just that one.
pub async fn open_networks(db: &Db, only: Option<&str>) -> Result<Vec<OpenNetwork>, AppError> {
    let rows = sqlx::query_as::<_, OpenNetwork>(
        "SELECT n.id, n.slug, n.name, v.version FROM networks n LEFT JOIN browse_versions v ON v.network_id = n.id
         WHERE n.visitors_browse = 1 AND ($1 = '' OR n.slug = $1 OR n.id = $1) ORDER BY n.name",
    )
    .bind(only.unwrap_or(""))
    .fetch_all(&db.pool)
    .await?;
    Ok(rows)
}

pub async fn choices(db: &Db, network_id: &str) -> Result<(Vec<Category>, Vec<(String, String)>), AppError> {
    #[derive(sqlx::FromRow)]
    struct ChoiceRow {
        part: i64,
        #[sqlx(flatten)]
        category: CategoryRow,
    }
    let rows = sqlx::query_as::<_, ChoiceRow>(
        "SELECT CAST(0 AS BIGINT) AS part, id, name, theme, position FROM categories
         WHERE (network_id IS NULL OR network_id = $1) AND retired_at IS NULL
         UNION ALL
         SELECT CAST(1 AS BIGINT) AS part, id, name, '' AS theme, CAST(0 AS BIGINT) AS position FROM localities WHERE network_id = $1
         ORDER BY part, position, name",
    )
    .bind(network_id)
    .fetch_all(&db.pool)
    .await?;
    let (mut categories, mut localities) = (vec![], vec![]);
    for r in rows {
        if r.part == 0 {
            categories.push(Category::from(r.category));
        } else {
            localities.push((r.category.id, r.category.name));
        }
    }
    Ok((categories, localities))
}

pub async fn category_name(db: &Db, network_id: &str, id: &str) -> Result<Option<String>, AppError> {
    Ok(sqlx::query_scalar::<_, String>(
        "SELECT name FROM categories WHERE id = $1 AND (network_id IS NULL OR network_id = $2) AND retired_at IS NULL",
    )
    .bind(id)
    .bind(network_id)
    .fetch_optional(&db.pool)
    .await?)
}

pub async fn locality_in_network(db: &Db, network_id: &str, locality_id: &str) -> Result<bool, AppError> {
    Ok(sqlx::query("SELECT 1 AS x FROM localities WHERE id = $1 AND network_id = $2")
        .bind(locality_id)
        .bind(network_id)
        .fetch_optional(&db.pool)
        .await?
        .is_some())
}

async fn reindex(tx: &mut Transaction<'_, Any>, id: &str, d: &ListingDraft, category: &str) -> Result<(), AppError> {
    sqlx::query("DELETE FROM listing_terms WHERE listing_id = $1").bind(id).execute(&mut **tx).await?;
    let rows = index_terms(&d.title, &d.tags, &d.description, category);
    for chunk in rows.chunks(200) {
        let sql = format!("INSERT INTO listing_terms (term, listing_id, weight) VALUES {}", value_rows(chunk.len(), 3, 0));
        let mut q = sqlx::query(&sql);
        for (term, weight) in chunk {
            q = q.bind(term.as_str()).bind(id).bind(*weight);
        }
        q.execute(&mut **tx).await?;
    }
    Ok(())
}

/// Saves a new listing (open, expiring after the network's listing lifetime, 60 days
/// unless its builders changed it) and indexes it, in one transaction.
pub async fn insert(db: &Db, network_id: &str, owner_id: &str, d: &ListingDraft, category: &str) -> Result<String, AppError> {
    let id = new_id();
    let t = now();
    let mut tx = db.pool.begin().await?;
    sqlx::query(
        "INSERT INTO listings (id, network_id, owner_id, kind, title, description, category_id, tags, locality_id, place, availability,
                               estimate_minutes, status, expires_at, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 'open',
                 $13 + $15 * (SELECT listing_expiry_days FROM networks WHERE id = $2), $14, $14)",
    )
    .bind(&id)
    .bind(network_id)
    .bind(owner_id)
    .bind(d.kind.as_str())
    .bind(&d.title)
    .bind(&d.description)
    .bind(&d.category_id)
    .bind(d.tags.join(", "))
    .bind(&d.locality_id)
    .bind(d.place.as_str())
    .bind(&d.availability)
    .bind(d.estimate_minutes)
    .bind(t)
    .bind(t)
    .bind(DAY)
    .execute(&mut *tx)
    .await?;
    reindex(&mut tx, &id, d, category).await?;
    tx.commit().await?;
    Ok(id)
}

/// Replaces a listing's content and its index entries (only the owner's: `owner_id` must match).
pub async fn update(db: &Db, id: &str, owner_id: &str, d: &ListingDraft, category: &str) -> Result<bool, AppError> {
    let mut tx = db.pool.begin().await?;
    let changed = sqlx::query(
        "UPDATE listings SET kind = $1, title = $2, description = $3, category_id = $4, tags = $5, locality_id = $6, place = $7,
                availability = $8, estimate_minutes = $9, updated_at = $10 WHERE id = $11 AND owner_id = $12",
    )
    .bind(d.kind.as_str())
    .bind(&d.title)
    .bind(&d.description)
    .bind(&d.category_id)
    .bind(d.tags.join(", "))
    .bind(&d.locality_id)
    .bind(d.place.as_str())
    .bind(&d.availability)
    .bind(d.estimate_minutes)
    .bind(now())
    .bind(id)
    .bind(owner_id)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if changed == 0 {
        tx.rollback().await?;
        return Ok(false);
    }
    reindex(&mut tx, id, d, category).await?;
    tx.commit().await?;
    Ok(true)
}

/// Pause, resume, close or renew (renewing opens it again for the network's listing
/// lifetime).
pub async fn set_status(db: &Db, id: &str, owner_id: &str, status: ListingStatus, renew: bool) -> Result<bool, AppError> {
    let t = now();
    let q = if renew {
        sqlx::query(
            "UPDATE listings SET status = $1, updated_at = $2,
                    expires_at = $3 + $6 * (SELECT n.listing_expiry_days FROM networks n WHERE n.id = listings.network_id)
             WHERE id = $4 AND owner_id = $5",
        )
        .bind(status.as_str())
        .bind(t)
        .bind(t)
        .bind(id)
        .bind(owner_id)
        .bind(DAY)
    } else {
        sqlx::query("UPDATE listings SET status = $1, updated_at = $2 WHERE id = $3 AND owner_id = $4")
            .bind(status.as_str())
            .bind(t)
            .bind(id)
            .bind(owner_id)
    };
    Ok(q.execute(&db.pool).await?.rows_affected() == 1)
}

/// What a card shows: the description only as far as its snippet needs.
const CARD_COLUMNS: &str = "l.id, l.kind, l.title, substr(l.description, 1, 141) AS description, l.status, l.expires_at, l.created_at, l.estimate_minutes, l.place,
    l.owner_id, l.tags, l.availability, l.category_id, l.locality_id, l.network_id, l.hidden_at,
    c.name AS category_name, loc.name AS locality_name, u.display_name AS owner_name";
const CARD_JOINS: &str =
    "JOIN categories c ON c.id = l.category_id JOIN localities loc ON loc.id = l.locality_id JOIN users u ON u.id = l.owner_id";

/// A row of `CARD_COLUMNS`.
#[derive(sqlx::FromRow)]
struct CardRow {
    id: String,
    network_id: String,
    kind: String,
    title: String,
    /// The first 141 characters only.
    description: String,
    category_name: String,
    locality_name: String,
    owner_name: String,
    place: String,
    estimate_minutes: Option<i64>,
    status: String,
    expires_at: i64,
    created_at: i64,
    hidden_at: Option<i64>,
    owner_id: String,
    tags: String,
    availability: String,
    category_id: String,
    locality_id: String,
}

fn card(r: &CardRow) -> ListingCard {
    let mut snippet: String = r.description.chars().take(140).collect();
    if r.description.chars().count() > 140 {
        snippet.push('…');
    }
    ListingCard {
        id: r.id.clone(),
        network_id: r.network_id.clone(),
        kind: ListingKind::parse(&r.kind).unwrap_or(ListingKind::Offer),
        title: r.title.clone(),
        snippet,
        category_name: r.category_name.clone(),
        locality_name: r.locality_name.clone(),
        owner_name: r.owner_name.clone(),
        place: Place::parse(&r.place).unwrap_or(Place::Home),
        estimate_minutes: r.estimate_minutes,
        status: ListingStatus::parse(&r.status).unwrap_or(ListingStatus::Closed),
        expires_at: r.expires_at,
        created_at: r.created_at,
        hidden: r.hidden_at.is_some(),
    }
}

/// A card's row with the whole description, for one listing.
#[derive(sqlx::FromRow)]
struct DetailRow {
    #[sqlx(flatten)]
    card: CardRow,
    full_description: String,
}

pub async fn get(db: &Db, id: &str) -> Result<Option<(ListingDetail, String)>, AppError> {
    let row = sqlx::query_as::<_, DetailRow>(&format!(
        "SELECT {CARD_COLUMNS}, l.description AS full_description FROM listings l {CARD_JOINS} WHERE l.id = $1"
    ))
    .bind(id)
    .fetch_optional(&db.pool)
    .await?;
    Ok(row.map(|r| {
        let card_view = card(&r.card);
        let c = r.card;
        (
            ListingDetail {
                card: card_view,
                description: r.full_description,
                tags: c.tags.split(", ").filter(|t| !t.is_empty()).map(str::to_string).collect(),
                availability: c.availability,
                owner_id: c.owner_id,
                category_id: c.category_id,
                locality_id: c.locality_id,
                is_owner: false,
                looker: super::domain::Looker::Member,
            },
            c.network_id,
        )
    }))
}

/// Whether someone has ever posted a listing (for a new member's first steps).
pub async fn has_any(db: &Db, owner_id: &str) -> Result<bool, AppError> {
    Ok(sqlx::query_scalar::<_, i64>("SELECT 1 FROM listings WHERE owner_id = $1 LIMIT 1")
        .bind(owner_id)
        .fetch_optional(&db.pool)
        .await?
        .is_some())
}

/// A member's own listings, newest first, whatever their state.
pub async fn mine(db: &Db, owner_id: &str) -> Result<Vec<ListingCard>, AppError> {
    Ok(sqlx::query_as::<_, CardRow>(&format!(
        "SELECT {CARD_COLUMNS} FROM listings l {CARD_JOINS} WHERE l.owner_id = $1 ORDER BY l.created_at DESC, l.id DESC"
    ))
    .bind(owner_id)
    .fetch_all(&db.pool)
    .await?
    .iter()
    .map(card)
    .collect())
}

/// The query's words, the one with the fewest postings first (one round trip of index
/// counts).
async fn rarest_first(db: &Db, terms: Vec<String>) -> Result<Vec<String>, AppError> {
    if terms.len() < 2 {
        return Ok(terms);
    }
    let counts: Vec<String> = (0..terms.len())
        .map(|k| {
            format!(
                "SELECT CAST({k} AS BIGINT) AS k, COUNT(*) AS n FROM listing_terms WHERE term >= ${} AND term < ${}",
                2 * k + 1,
                2 * k + 2
            )
        })
        .collect();
    let sql = counts.join(" UNION ALL ");
    let mut q = sqlx::query_as::<_, (i64, i64)>(&sql);
    for t in &terms {
        let (from, to) = prefix_range(t);
        q = q.bind(from).bind(to);
    }
    let mut postings = vec![i64::MAX; terms.len()];
    for (k, n) in q.fetch_all(&db.pool).await? {
        if let Some(slot) = usize::try_from(k).ok().and_then(|k| postings.get_mut(k)) {
            *slot = n;
        }
    }
    let mut ranked: Vec<(i64, String)> = postings.into_iter().zip(terms).collect();
    ranked.sort_by_key(|(n, _)| *n);
    Ok(ranked.into_iter().map(|(_, t)| t).collect())
}

enum Bind {
    Text(String),
    Int(i64),
}

/// Open, unexpired listings of a network whose owners are not suspended, filtered; with a
/// text query, only listings matching every word, best match first (an exact title match
/// first of all); otherwise newest first, or the viewer's own area first. (The rank is only
/// ordered by, never selected: PostgreSQL's SUM is NUMERIC, which sqlx's Any driver cannot read.)
pub async fn browse(
    db: &Db,
    network_id: &str,
    f: &BrowseFilters,
    home_locality: &str,
    per_page: u32,
) -> Result<(Vec<ListingCard>, bool), AppError> {
    let mut binds: Vec<Bind> = vec![Bind::Text(network_id.into()), Bind::Int(now())];
    let push = |b: Bind, binds: &mut Vec<Bind>| {
        binds.push(b);
        format!("${}", binds.len())
    };
    let mut filters = String::new();
    if let Some(k) = f.kind.as_deref().and_then(ListingKind::parse) {
        filters += &format!(" AND l.kind = {}", push(Bind::Text(k.as_str().into()), &mut binds));
    }
    if let Some(c) = f.category.as_deref().filter(|c| !c.is_empty()) {
        filters += &format!(" AND l.category_id = {}", push(Bind::Text(c.into()), &mut binds));
    }
    if let Some(l) = f.locality.as_deref().filter(|l| !l.is_empty()) {
        filters += &format!(" AND l.locality_id = {}", push(Bind::Text(l.into()), &mut binds));
    }
    let query_terms: Vec<String> = {
        let mut t = terms(f.q.as_deref().unwrap_or(""));
        t.dedup();
        t.truncate(8);
        t
    };
    // A network can keep each locality's listings to its own members.
    let home = push(Bind::Text(home_locality.into()), &mut binds);
    // `expires_at + 0`: with a plain range SQLite chose the expiry index and sorted every
    // open listing (14–32 ms with 10,000); this way it walks `listings_browse_newest` and
    // stops after one page (BENCHMARKS.md, session 8).
    let base_where = format!(
        "l.network_id = $1 AND l.status = 'open' AND l.expires_at + 0 > $2 AND l.hidden_at IS NULL
         AND NOT EXISTS (SELECT 1 FROM memberships sm WHERE sm.user_id = l.owner_id AND sm.network_id = l.network_id AND sm.status = 'suspended')
         AND (l.locality_id = {home} OR EXISTS (SELECT 1 FROM networks nw WHERE nw.id = $1 AND nw.see_other_localities = 1))
         {filters}"
    );
    let page = f.page.unwrap_or(1).max(1) as i64;
    let limit = push(Bind::Int(per_page as i64 + 1), &mut binds);
    let offset = push(Bind::Int((page - 1) * per_page as i64), &mut binds);
    let sql = if query_terms.is_empty() {
        let order = if f.sort.as_deref() == Some("near") {
            format!("CASE WHEN l.locality_id = {home} THEN 0 ELSE 1 END, l.created_at DESC, l.id DESC")
        } else {
            "l.created_at DESC, l.id DESC".to_string()
        };
        format!("SELECT {CARD_COLUMNS} FROM listings l {CARD_JOINS} WHERE {base_where} ORDER BY {order} LIMIT {limit} OFFSET {offset}")
    } else {
        // Walk the postings of the rarest word only; every other word is checked (and its
        // weight added) per candidate through the (listing, term) index. Rarest first keeps
        // two very common words from grouping thousands of postings.
        let query_terms = rarest_first(db, query_terms).await?;
        let ranges: Vec<(String, String)> = query_terms
            .iter()
            .map(|t| {
                let (from, to) = prefix_range(t);
                (push(Bind::Text(from), &mut binds), push(Bind::Text(to), &mut binds))
            })
            .collect();
        let (a0, b0) = &ranges[0];
        let others: Vec<&(String, String)> = ranges.iter().skip(1).collect();
        let also: String = others
            .iter()
            .map(|(a, b)| {
                format!(" AND EXISTS (SELECT 1 FROM listing_terms t WHERE t.listing_id = h.listing_id AND t.term >= {a} AND t.term < {b})")
            })
            .collect();
        let weights: String = others
            .iter()
            .map(|(a, b)| format!(" + (SELECT COALESCE(SUM(t.weight), 0) FROM listing_terms t WHERE t.listing_id = h.listing_id AND t.term >= {a} AND t.term < {b})"))
            .collect();
        let exact =
            push(Bind::Text(f.q.as_deref().unwrap_or("").split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()), &mut binds);
        // Rank first (ids and scores only, one page of them), then fetch what the cards
        // show for that page alone.
        format!(
            "WITH hits AS (SELECT listing_id, SUM(weight) AS w FROM listing_terms WHERE term >= {a0} AND term < {b0} GROUP BY listing_id),
             ranked AS (
                 SELECT l.id, h.w{weights} + CASE WHEN lower(l.title) = {exact} THEN 1000 ELSE 0 END AS rank, l.created_at
                 FROM hits h JOIN listings l ON l.id = h.listing_id
                 WHERE {base_where}{also}
                 ORDER BY rank DESC, l.created_at DESC, l.id DESC LIMIT {limit} OFFSET {offset})
             SELECT {CARD_COLUMNS}
             FROM ranked r JOIN listings l ON l.id = r.id {CARD_JOINS}
             ORDER BY r.rank DESC, r.created_at DESC, l.id DESC"
        )
    };
    let mut q = sqlx::query_as::<_, CardRow>(&sql);
    for b in binds {
        q = match b {
            Bind::Text(s) => q.bind(s),
            Bind::Int(i) => q.bind(i),
        };
    }
    let rows = q.fetch_all(&db.pool).await?;
    let mut cards: Vec<ListingCard> = rows.iter().map(card).collect();
    let more = cards.len() > per_page as usize;
    cards.truncate(per_page as usize);
    Ok((cards, more))
}

/// The first expiry after `after` among the network's open listings (or far in the future):
/// until then, a page of browse results read at `after` stays true.
pub async fn next_expiry(db: &Db, network_id: &str, after: i64) -> Result<i64, AppError> {
    let first = sqlx::query_scalar::<_, Option<i64>>(
        "SELECT MIN(expires_at) AS first FROM listings WHERE network_id = $1 AND status = 'open' AND expires_at > $2",
    )
    .bind(network_id)
    .bind(after)
    .fetch_one(&db.pool)
    .await?;
    Ok(first.unwrap_or(i64::MAX))
}

/// The categories of a member's open listings of one kind.
pub async fn my_categories(db: &Db, owner_id: &str, kind: ListingKind) -> Result<Vec<String>, AppError> {
    Ok(sqlx::query_scalar::<_, String>(
        "SELECT DISTINCT category_id FROM listings WHERE owner_id = $1 AND kind = $2 AND status = 'open' AND expires_at > $3",
    )
    .bind(owner_id)
    .bind(kind.as_str())
    .bind(now())
    .fetch_all(&db.pool)
    .await?)
}

/// Whether the network lets members see other areas' listings (`see_other_localities`).
pub async fn areas_see_each_other(db: &Db, network_id: &str) -> Result<bool, AppError> {
    let v: Option<i64> =
        sqlx::query_scalar("SELECT see_other_localities FROM networks WHERE id = $1").bind(network_id).fetch_optional(&db.pool).await?;
    Ok(v.unwrap_or(0) != 0)
}
