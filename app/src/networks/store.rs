//! Storage for networks, localities, memberships and roles.

use super::domain::{BuilderScope, Membership, MembershipStatus, Professional, Viewer};
use super::{LocalityChoice, NetworkChoice};
use crate::error::AppError;
use crate::platform::db::{flag, Db};

const VIEWER_COLUMNS: &str = "u.id, u.display_name, u.email, u.is_site_admin,
    m.network_id, n.name AS network_name, m.locality_id, l.name AS locality_name, m.status,
    p.organisation_id, o.name AS organisation_name, p.job_title, p.is_org_lead, p.verified_at,
    (SELECT COUNT(*) FROM builder_roles b WHERE b.user_id = u.id) AS builder_roles,
    (SELECT COUNT(*) FROM notifications nt WHERE nt.user_id = u.id AND nt.read_at IS NULL) AS unread_notifications,
    bv.version AS browse_version";

const VIEWER_JOINS: &str = "
    LEFT JOIN memberships m ON m.id = (SELECT m2.id FROM memberships m2 WHERE m2.user_id = u.id ORDER BY m2.created_at, m2.id LIMIT 1)
    LEFT JOIN networks n ON n.id = m.network_id
    LEFT JOIN localities l ON l.id = m.locality_id
    LEFT JOIN browse_versions bv ON bv.network_id = m.network_id
    LEFT JOIN professionals p ON p.user_id = u.id
    LEFT JOIN organisations o ON o.id = p.organisation_id";

/// One row of the viewer query as plain values, whichever way it was read.
#[derive(sqlx::FromRow)]
struct ViewerRow {
    id: String,
    display_name: String,
    email: Option<String>,
    is_site_admin: i64,
    network_id: Option<String>,
    network_name: Option<String>,
    locality_id: Option<String>,
    locality_name: Option<String>,
    status: Option<String>,
    browse_version: Option<i64>,
    organisation_id: Option<String>,
    organisation_name: Option<String>,
    job_title: Option<String>,
    is_org_lead: Option<i64>,
    verified_at: Option<i64>,
    builder_roles: i64,
    unread_notifications: i64,
}

/// Reads a `ViewerRow` from a rusqlite row (sqlx reads it with its `FromRow`).
macro_rules! viewer_row {
    ($r:expr, $get:ident) => {
        ViewerRow {
            id: $r.$get("id")?,
            display_name: $r.$get("display_name")?,
            email: $r.$get("email")?,
            is_site_admin: $r.$get("is_site_admin")?,
            network_id: $r.$get("network_id")?,
            network_name: $r.$get("network_name")?,
            locality_id: $r.$get("locality_id")?,
            locality_name: $r.$get("locality_name")?,
            status: $r.$get("status")?,
            browse_version: $r.$get("browse_version")?,
            organisation_id: $r.$get("organisation_id")?,
            organisation_name: $r.$get("organisation_name")?,
            job_title: $r.$get("job_title")?,
            is_org_lead: $r.$get("is_org_lead")?,
            verified_at: $r.$get("verified_at")?,
            builder_roles: $r.$get("builder_roles")?,
            unread_notifications: $r.$get("unread_notifications")?,
        }
    };
}

/// Everything the rules need about a user: one query, and a second only for community
/// builders (their scopes).
pub async fn load_viewer(db: &Db, user_id: &str) -> Result<Option<Viewer>, AppError> {
    let row = sqlx::query_as::<_, ViewerRow>(&format!("SELECT {VIEWER_COLUMNS} FROM users u {VIEWER_JOINS} WHERE u.id = $1"))
        .bind(user_id)
        .fetch_optional(&db.pool)
        .await?;
    match row {
        Some(r) => Ok(Some(viewer_from_row(db, r, false).await?)),
        None => Ok(None),
    }
}

#[derive(sqlx::FromRow)]
struct SessionViewerRow {
    #[sqlx(flatten)]
    viewer: ViewerRow,
    last_seen_at: i64,
    expires_at: i64,
    second_factor_at: Option<i64>,
}

impl crate::platform::direct::DirectRow for SessionViewerRow {
    fn from_direct(r: &rusqlite::Row<'_>) -> rusqlite::Result<Self> {
        Ok(SessionViewerRow {
            viewer: viewer_row!(r, get),
            last_seen_at: r.get("last_seen_at")?,
            expires_at: r.get("expires_at")?,
            second_factor_at: r.get("second_factor_at")?,
        })
    }
}

/// The viewer behind a session (by the token's hash) with the session's last-seen and
/// expiry times: what every signed-in request needs, in one query (two for builders).
/// On a SQLite file it is read on this thread (`Db::read_optional`, `platform::direct`),
/// skipping the hand-off to sqlx's connection thread; on PostgreSQL through the pool.
pub async fn load_session_viewer(db: &Db, id_hash: &str) -> Result<Option<(Viewer, i64, i64)>, AppError> {
    // Built once: this runs on every signed-in request.
    static SQL: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
        format!(
            "SELECT {VIEWER_COLUMNS}, s.last_seen_at, s.expires_at, s.second_factor_at FROM sessions s JOIN users u ON u.id = s.user_id {VIEWER_JOINS}
             WHERE s.id_hash = $1"
        )
    });
    let row = db
        .read_optional::<SessionViewerRow>(&SQL, &[crate::platform::direct::Arg::from(id_hash)])
        .await?
        .map(|r| (r.viewer, r.last_seen_at, r.expires_at, r.second_factor_at));
    match row {
        Some((v, last_seen, expires, second_factor_at)) => {
            let viewer = viewer_from_row(db, v, second_factor_at.is_some()).await?.without_staff_powers();
            Ok(Some((viewer, last_seen, expires)))
        }
        None => Ok(None),
    }
}

async fn viewer_from_row(db: &Db, r: ViewerRow, second_factor: bool) -> Result<Viewer, AppError> {
    let user_id = r.id;
    let membership = match (r.network_id, r.network_name, r.locality_id, r.locality_name) {
        (Some(network_id), Some(network_name), Some(locality_id), Some(locality_name)) => Some(Membership {
            network_id,
            network_name,
            locality_id,
            locality_name,
            status: r.status.as_deref().and_then(MembershipStatus::parse).unwrap_or(MembershipStatus::Suspended),
            browse_version: r.browse_version,
        }),
        _ => None,
    };
    let professional = match (r.organisation_id, r.organisation_name) {
        (Some(organisation_id), Some(organisation_name)) => Some(Professional {
            organisation_id,
            organisation_name,
            job_title: r.job_title.unwrap_or_default(),
            is_org_lead: flag(r.is_org_lead.unwrap_or(0)),
            verified: r.verified_at.is_some(),
        }),
        _ => None,
    };
    let builder_of = if r.builder_roles == 0 {
        vec![]
    } else {
        sqlx::query_as::<_, (String, Option<String>, String, Option<String>)>(
            "SELECT b.network_id, b.locality_id, n.name AS network_name, l.name AS locality_name
             FROM builder_roles b JOIN networks n ON n.id = b.network_id LEFT JOIN localities l ON l.id = b.locality_id
             WHERE b.user_id = $1 ORDER BY b.created_at",
        )
        .bind(&user_id)
        .fetch_all(&db.pool)
        .await?
        .into_iter()
        .map(|(network_id, locality_id, network_name, locality_name)| BuilderScope {
            network_id,
            locality_id,
            label: locality_name.unwrap_or_else(|| format!("All of {network_name}")),
        })
        .collect()
    };
    Ok(Viewer {
        user_id,
        display_name: r.display_name,
        email: r.email,
        is_site_admin: flag(r.is_site_admin),
        membership,
        builder_of,
        professional,
        unread_notifications: r.unread_notifications,
        second_factor,
        needs_second_factor: false,
    })
}

/// Networks and their localities, for the join form.
pub async fn network_choices(db: &Db) -> Result<Vec<NetworkChoice>, AppError> {
    #[derive(sqlx::FromRow)]
    struct ChoiceRow {
        network_id: String,
        network_name: String,
        slug: String,
        visitors_browse: i64,
        locality_id: String,
        locality_name: String,
    }
    let rows = sqlx::query_as::<_, ChoiceRow>(
        "SELECT n.id AS network_id, n.name AS network_name, n.slug, n.visitors_browse, l.id AS locality_id, l.name AS locality_name
         FROM networks n JOIN localities l ON l.network_id = n.id ORDER BY n.name, l.name",
    )
    .fetch_all(&db.pool)
    .await?;
    let mut out: Vec<NetworkChoice> = Vec::new();
    for r in rows {
        if out.last().is_none_or(|n| n.id != r.network_id) {
            out.push(NetworkChoice {
                id: r.network_id.clone(),
                name: r.network_name,
                browse: flag(r.visitors_browse).then_some(r.slug),
                localities: vec![],
            });
        }
        if let Some(last) = out.last_mut() {
            last.localities.push(LocalityChoice { id: r.locality_id, name: r.locality_name });
        }
    }
    Ok(out)
}

/// The network a locality belongs to and whether joining it needs approval.
pub async fn locality_network(db: &Db, locality_id: &str) -> Result<Option<(String, bool)>, AppError> {
    let row = sqlx::query_as::<_, (String, i64)>(
        "SELECT n.id, n.requires_approval FROM localities l JOIN networks n ON n.id = l.network_id WHERE l.id = $1",
    )
    .bind(locality_id)
    .fetch_optional(&db.pool)
    .await?;
    Ok(row.map(|(id, requires_approval)| (id, flag(requires_approval))))
}

/// `(network = … AND locality = …) OR …` for the viewer's builder scopes, with its binds,
/// numbered after `offset`. Site admins: everything.
pub fn scope_clause(viewer: &Viewer, network_col: &str, locality_col: &str, offset: usize) -> (String, Vec<String>) {
    if viewer.is_site_admin {
        return ("1 = 1".into(), vec![]);
    }
    let mut parts = vec![];
    let mut binds = vec![];
    for s in &viewer.builder_of {
        binds.push(s.network_id.clone());
        let n = offset + binds.len();
        match &s.locality_id {
            Some(l) => {
                binds.push(l.clone());
                parts.push(format!("({network_col} = ${n} AND {locality_col} = ${})", n + 1));
            }
            None => parts.push(format!("({network_col} = ${n})")),
        }
    }
    if parts.is_empty() {
        ("1 = 0".into(), vec![])
    } else {
        (format!("({})", parts.join(" OR ")), binds)
    }
}

/// The network a builder's desk shows ([`super::domain::builder_network_choice`]), with
/// whether they build for the whole of it. A site admin with no scope gets the first network.
pub async fn builder_network(db: &Db, viewer: &Viewer, asked: Option<&str>) -> Result<(String, bool), AppError> {
    let network_id = match super::domain::builder_network_choice(viewer, asked)? {
        Some(n) => n,
        None => sqlx::query_scalar::<_, String>("SELECT id FROM networks ORDER BY created_at, id LIMIT 1")
            .fetch_optional(&db.pool)
            .await?
            .ok_or_else(|| AppError::not_found("time bank"))?,
    };
    let whole = super::domain::is_whole_network_builder(viewer, &network_id);
    Ok((network_id, whole))
}

/// A new account: a user row. Residents joining themselves have an email and password;
/// people joined by a builder or a referral have neither until they claim the account.
#[derive(Default)]
pub struct NewAccount<'a> {
    pub display_name: &'a str,
    pub email: Option<&'a str>,
    pub password_hash: Option<&'a str>,
    /// A phone number as written ('' when not known); kept as its digits.
    pub phone: &'a str,
}

/// How a membership came about.
pub enum JoinedBy<'a> {
    /// The resident joined online; `requires_approval` leaves it pending.
    Themselves { requires_approval: bool },
    /// A community builder (or a referral) joined them, on a signed paper consent.
    Builder { builder_id: &'a str },
}

/// A new membership of `network_id`, living in `locality_id`.
pub struct NewMembership<'a> {
    pub network_id: &'a str,
    pub locality_id: &'a str,
    pub about: &'a str,
    pub joined_by: JoinedBy<'a>,
}

/// Creates the user; returns its id. Run inside the caller's transaction.
pub async fn insert_account(tx: &mut sqlx::Transaction<'_, sqlx::Any>, a: &NewAccount<'_>) -> Result<String, AppError> {
    let user_id = crate::util::new_id();
    sqlx::query("INSERT INTO users (id, email, display_name, password_hash, created_at, phone) VALUES ($1, $2, $3, $4, $5, $6)")
        .bind(&user_id)
        .bind(a.email)
        .bind(a.display_name)
        .bind(a.password_hash)
        .bind(crate::util::now())
        .bind(super::find::phone_digits(a.phone))
        .execute(&mut **tx)
        .await?;
    Ok(user_id)
}

/// Creates a member: the user and their membership, in the caller's transaction; returns
/// the user id. Joining online, assisted joining and joining from a referral all come here.
pub async fn create_member(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    account: &NewAccount<'_>,
    membership: &NewMembership<'_>,
) -> Result<String, AppError> {
    let user_id = insert_account(tx, account).await?;
    let t = crate::util::now();
    let (status, joined_by, paper_consent_at) = match membership.joined_by {
        JoinedBy::Themselves { requires_approval } => (if requires_approval { "pending" } else { "active" }, None, None),
        JoinedBy::Builder { builder_id } => ("active", Some(builder_id), Some(t)),
    };
    sqlx::query(
        "INSERT INTO memberships (id, user_id, network_id, locality_id, status, about, code_of_conduct_agreed_at, joined_by, paper_consent_at, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $7)",
    )
    .bind(crate::util::new_id())
    .bind(&user_id)
    .bind(membership.network_id)
    .bind(membership.locality_id)
    .bind(status)
    .bind(membership.about)
    .bind(t)
    .bind(joined_by)
    .bind(paper_consent_at)
    .execute(&mut **tx)
    .await?;
    Ok(user_id)
}

/// How many days back the network lets help be dated (`networks.record_days_back`).
pub async fn record_days_back(db: &Db, network_id: &str) -> Result<i64, AppError> {
    Ok(sqlx::query_scalar::<_, i64>("SELECT record_days_back FROM networks WHERE id = $1")
        .bind(network_id)
        .fetch_optional(&db.pool)
        .await?
        .unwrap_or(60))
}

/// Where a search for a member looks: the members a builder looks after (site admins:
/// everyone), one network or one area of it, or both at once.
#[derive(Clone, Copy, Debug, Default)]
pub struct Within<'a> {
    pub builder: Option<&'a Viewer>,
    pub network: Option<&'a str>,
    pub locality: Option<&'a str>,
    /// Only members who can take part now (not waiting or suspended).
    pub active_only: bool,
}

/// A member a search found, with where they stand.
#[derive(Clone, Debug)]
pub struct FoundMember {
    pub hit: super::find::MemberHit,
    pub status: MembershipStatus,
    pub joined_at: i64,
    pub network_id: String,
    pub locality_id: String,
}

#[derive(sqlx::FromRow)]
struct FoundRow {
    id: String,
    display_name: String,
    email: Option<String>,
    locality_name: String,
    status: String,
    created_at: i64,
    network_id: String,
    locality_id: String,
}

/// The `WHERE` of a member search and its binds, in the order they are numbered.
fn member_filter(within: &Within, search: Option<&super::find::MemberSearch>) -> (String, Vec<String>) {
    use super::find::contains_pattern;
    let mut clauses = vec![];
    let mut binds: Vec<String> = vec![];
    if let Some(viewer) = within.builder {
        let (clause, b) = scope_clause(viewer, "m.network_id", "m.locality_id", 0);
        clauses.push(clause);
        binds.extend(b);
    }
    let bind = |clauses: &mut Vec<String>, binds: &mut Vec<String>, sql: &str, value: String| {
        binds.push(value);
        clauses.push(sql.replace('?', &format!("${}", binds.len())));
    };
    if let Some(n) = within.network {
        bind(&mut clauses, &mut binds, "m.network_id = ?", n.to_string());
    }
    if let Some(l) = within.locality {
        bind(&mut clauses, &mut binds, "m.locality_id = ?", l.to_string());
    }
    if within.active_only {
        clauses.push("m.status = 'active'".into());
    }
    if let Some(s) = search {
        // A member's id as it is, or every word in the name or email, or the phone's digits.
        let mut found = vec![];
        bind(&mut found, &mut binds, "u.id = ?", s.exact.clone());
        // Only builders find people by email or phone number; others by name alone.
        let staff = within.builder.is_some();
        if let Some(digits) = s.phone.as_ref().filter(|_| staff) {
            bind(&mut found, &mut binds, "u.phone LIKE ? ESCAPE '\\'", contains_pattern(digits));
        } else if !s.words.is_empty() {
            let mut words = vec![];
            let word_sql = if staff {
                "(lower(u.display_name) LIKE ? ESCAPE '\\' OR lower(COALESCE(u.email, '')) LIKE ? ESCAPE '\\')"
            } else {
                "lower(u.display_name) LIKE ? ESCAPE '\\'"
            };
            for w in &s.words {
                bind(&mut words, &mut binds, word_sql, contains_pattern(w));
            }
            if let Some(area) = &s.area {
                bind(&mut words, &mut binds, "lower(l.name) = ?", area.clone());
            }
            found.push(format!("({})", words.join(" AND ")));
        }
        clauses.push(format!("({})", found.join(" OR ")));
    }
    if clauses.is_empty() {
        clauses.push("1 = 1".into());
    }
    (clauses.join(" AND "), binds)
}

const FOUND_FROM: &str = "FROM memberships m JOIN users u ON u.id = m.user_id JOIN localities l ON l.id = m.locality_id";

/// Members matching a search (or all, without one), by name, `limit` from `offset`.
/// Emails are returned only for builders' searches.
pub async fn find_members(
    db: &Db,
    within: &Within<'_>,
    search: Option<&super::find::MemberSearch>,
    limit: i64,
    offset: i64,
) -> Result<Vec<FoundMember>, AppError> {
    let (filter, binds) = member_filter(within, search);
    let sql = format!(
        "SELECT u.id, u.display_name, u.email, l.name AS locality_name, m.status, m.created_at, m.network_id, m.locality_id
         {FOUND_FROM} WHERE {filter} ORDER BY u.display_name, l.name, u.id LIMIT {limit} OFFSET {offset}",
        limit = limit.clamp(1, 500),
        offset = offset.max(0)
    );
    let mut q = sqlx::query_as::<_, FoundRow>(&sql);
    for b in &binds {
        q = q.bind(b);
    }
    let with_email = within.builder.is_some();
    Ok(q.fetch_all(&db.pool)
        .await?
        .into_iter()
        .map(|r| FoundMember {
            hit: super::find::MemberHit {
                user_id: r.id,
                display_name: r.display_name,
                locality_name: r.locality_name,
                email: r.email.filter(|_| with_email),
            },
            status: MembershipStatus::parse(&r.status).unwrap_or(MembershipStatus::Suspended),
            joined_at: r.created_at,
            network_id: r.network_id,
            locality_id: r.locality_id,
        })
        .collect())
}

/// How many members a search finds, and how many of those wait for approval.
pub async fn count_members(db: &Db, within: &Within<'_>, search: Option<&super::find::MemberSearch>) -> Result<(i64, i64), AppError> {
    let (filter, binds) = member_filter(within, search);
    let sql = format!(
        "SELECT COUNT(*) AS total, COALESCE(SUM(CASE WHEN m.status = 'pending' THEN 1 ELSE 0 END), 0) AS waiting
         {FOUND_FROM} WHERE {filter}"
    );
    let mut q = sqlx::query_as::<_, (i64, i64)>(&sql);
    for b in &binds {
        q = q.bind(b);
    }
    Ok(q.fetch_one(&db.pool).await?)
}

/// The community builders whose scope reaches a locality (its own and the whole
/// network's); for `None` (something filed under the whole network), the whole network's.
pub async fn builders_of(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    network_id: &str,
    locality_id: Option<&str>,
) -> Result<Vec<String>, AppError> {
    Ok(sqlx::query_scalar::<_, String>(
        "SELECT DISTINCT user_id FROM builder_roles WHERE network_id = $1 AND (locality_id IS NULL OR locality_id = $2)",
    )
    .bind(network_id)
    .bind(locality_id)
    .fetch_all(&mut **tx)
    .await?)
}
