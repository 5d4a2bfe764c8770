//! Suggestions: listings that fit a member's own offers and requests, and what is new in
//! their area.

use super::{card, CardRow, CARD_COLUMNS, CARD_JOINS};
use crate::error::AppError;
use crate::listings::domain::ListingKind;
use crate::listings::ListingCard;
use crate::platform::db::{placeholders, Db};
use crate::util::now;

/// Open listings of `kind` in any of `categories` (not the viewer's own), the viewer's area
/// first, newest next; each with the reason it is suggested, in words. Listings of other
/// areas only where the network lets members see them, as in `browse`.
///
/// Two reads, the viewer's area and then the rest, each newest first, rather than one
/// ordered by "own area first": that order cannot come from an index, so one read sorted
/// every matching listing of the network for a handful of results (10 ms and more with
/// 10,000 listings). Each read picks ids first and joins names only for the few it keeps,
/// and stops walking once it has enough (see `suggestions_in`).
pub async fn suggestions(
    db: &Db,
    network_id: &str,
    kind: ListingKind,
    categories: &[String],
    home_locality: &str,
    exclude_owner: &str,
    limit: i64,
) -> Result<Vec<(ListingCard, String)>, AppError> {
    if categories.is_empty() {
        return Ok(vec![]);
    }
    let mut found: Vec<(ListingCard, bool)> = suggestions_in(db, network_id, kind, categories, home_locality, true, exclude_owner, limit)
        .await?
        .into_iter()
        .map(|c| (c, true))
        .collect();
    let wanted = limit - found.len() as i64;
    if wanted > 0 {
        let others = suggestions_in(db, network_id, kind, categories, home_locality, false, exclude_owner, wanted).await?;
        found.extend(others.into_iter().map(|c| (c, false)));
    }
    Ok(found
        .into_iter()
        .map(|(card, same_area)| {
            let what = crate::listings::domain::offers_or_asks(kind, &card.category_name);
            let reason =
                if same_area { format!("also in {} · {what}", card.locality_name) } else { format!("{} · {what}", card.locality_name) };
            (card, reason)
        })
        .collect())
}

/// The newest open listings in an area, offers and requests, not the viewer's own: what
/// Home shows when the viewer's own listings match too little (or they have none yet).
/// Walks `listings_area_newest` newest first and stops at the limit.
pub async fn newest_in_area(
    db: &Db,
    network_id: &str,
    locality_id: &str,
    exclude_owner: &str,
    limit: i64,
) -> Result<Vec<ListingCard>, AppError> {
    let sql = format!(
        "SELECT {CARD_COLUMNS} FROM listings l {CARD_JOINS}
         WHERE l.network_id = $1 AND l.locality_id = $2 AND l.status = 'open' AND l.expires_at + 0 > $3 AND l.owner_id <> $4
           AND l.hidden_at IS NULL
           AND NOT EXISTS (SELECT 1 FROM memberships sm WHERE sm.user_id = l.owner_id AND sm.network_id = l.network_id AND sm.status = 'suspended')
         ORDER BY l.created_at DESC, l.id DESC LIMIT $5"
    );
    let rows = sqlx::query_as::<_, CardRow>(&sql)
        .bind(network_id)
        .bind(locality_id)
        .bind(now())
        .bind(exclude_owner)
        .bind(limit)
        .fetch_all(&db.pool)
        .await?;
    Ok(rows.iter().map(card).collect())
}

/// One read of `suggestions`: the viewer's own area, or (where the network shows them) the others.
#[allow(clippy::too_many_arguments)]
async fn suggestions_in(
    db: &Db,
    network_id: &str,
    kind: ListingKind,
    categories: &[String],
    home_locality: &str,
    own_area: bool,
    exclude_owner: &str,
    limit: i64,
) -> Result<Vec<ListingCard>, AppError> {
    // Shared by both reads: open, not expired (`+ 0` keeps SQLite off the expiry index, whose
    // range would make it sort), not the viewer's own, not hidden, owner not suspended.
    let open = "l.network_id = $1 AND l.kind = $2 AND l.status = 'open' AND l.expires_at + 0 > $3 AND l.owner_id <> $4 AND l.hidden_at IS NULL
             AND NOT EXISTS (SELECT 1 FROM memberships sm WHERE sm.user_id = l.owner_id AND sm.network_id = l.network_id AND sm.status = 'suspended')";
    let ids = if own_area {
        // One newest-first walk per category inside the area (index `listings_match_area`),
        // each stopping at the limit, then the newest of those. A single walk over the
        // network stopped at the limit too, but crossed every listing when the area held
        // few matches (BENCHMARKS.md, session 8).
        let walks = (0..categories.len())
            .map(|i| {
                format!(
                    "SELECT * FROM (SELECT l.id, l.created_at FROM listings l WHERE {open} AND l.locality_id = $5 AND l.category_id = ${}
                     ORDER BY l.created_at DESC, l.id DESC LIMIT $6) AS walk{i}",
                    7 + i
                )
            })
            .collect::<Vec<_>>()
            .join(" UNION ALL ");
        format!("SELECT id FROM ({walks}) AS walks ORDER BY created_at DESC, id DESC LIMIT $6")
    } else {
        // Other areas: the network's open listings newest first, stopping at the limit.
        format!(
            "SELECT l.id FROM listings l WHERE {open}
               AND l.locality_id <> $5 AND EXISTS (SELECT 1 FROM networks nw WHERE nw.id = $1 AND nw.see_other_localities = 1)
               AND l.category_id IN ({})
             ORDER BY l.created_at DESC, l.id DESC LIMIT $6",
            placeholders(categories.len(), 6)
        )
    };
    let sql = format!("SELECT {CARD_COLUMNS} FROM listings l {CARD_JOINS} WHERE l.id IN ({ids}) ORDER BY l.created_at DESC, l.id DESC");
    let mut q = sqlx::query_as::<_, CardRow>(&sql)
        .bind(network_id)
        .bind(kind.as_str())
        .bind(now())
        .bind(exclude_owner)
        .bind(home_locality)
        .bind(limit);
    for c in categories {
        q = q.bind(c.as_str());
    }
    Ok(q.fetch_all(&db.pool).await?.iter().map(card).collect())
}
