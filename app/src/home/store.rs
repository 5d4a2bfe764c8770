//! Home's one read: everything a resident's Home shows apart from the suggestions (which
//! are kept between visits) in a single statement — their balance, the exchanges waiting
//! for them, the noticeboard of their area, and their latest referral's wellbeing answers —
//! so the page costs one round trip to the database after the session's. Each part is a
//! branch of a `UNION ALL` in one row shape, told apart by `part`. The rules that read
//! these rows stay with their features (`referrals::wellbeing_stage`, the exchange states).

use crate::error::AppError;
use crate::platform::db::Db;
use crate::platform::direct::Arg;
use crate::referrals::domain::Status;

crate::read_row! {
    /// One row of [`glance`]: `part` says which branch it is and so what the columns hold.
    pub struct GlanceRow {
        /// "balance", "waiting", "notice" or "wellbeing".
        pub part: String,
        pub id: String,
        pub title: String,
        pub body: String,
        /// The other person (waiting), who posted it (notice).
        pub who: String,
        /// The exchange's status (waiting), the area's name (notice).
        pub status: String,
        /// The area's id (notice).
        pub place: String,
        /// The balance; when it was last active (waiting), posted (notice), joined (wellbeing).
        pub at: i64,
        /// Wellbeing: the follow-up weeks, the first answers, the follow-up answers.
        pub n1: i64,
        pub n2: i64,
        pub n3: i64,
    }
}

/// Joined at, for a referral not joined yet: never.
const NEVER: i64 = i64::MAX / 2;

/// Home's rows for `user_id`, whose account is `account_id`, living in `locality_id` of
/// `network_id`: waiting exchanges oldest first (at most 20), notices newest first (at most 5).
pub async fn glance(db: &Db, user_id: &str, account_id: &str, network_id: &str, locality_id: &str) -> Result<Vec<GlanceRow>, AppError> {
    db.read_all::<GlanceRow>(
        "SELECT 'balance' AS part, '' AS id, '' AS title, '' AS body, '' AS who, '' AS status, '' AS place,
                balance_minutes AS at, 0 AS n1, 0 AS n2, 0 AS n3
         FROM accounts WHERE id = $1
         UNION ALL
         SELECT * FROM (
             SELECT 'waiting' AS part, e.id AS id, l.title AS title, '' AS body,
                    CASE WHEN e.provider_id = $2 THEN r.display_name ELSE p.display_name END AS who,
                    e.status AS status, '' AS place, e.updated_at AS at, 0 AS n1, 0 AS n2, 0 AS n3
             FROM exchanges e JOIN listings l ON l.id = e.listing_id JOIN users p ON p.id = e.provider_id
                  JOIN users r ON r.id = e.receiver_id
             WHERE (e.status = 'requested' AND e.owner_id = $2)
                OR (e.status = 'recorded' AND (e.owner_id = $2 OR e.asker_id = $2) AND e.recorded_by <> $2)
             ORDER BY e.updated_at, e.id LIMIT 20) w
         UNION ALL
         SELECT * FROM (
             SELECT 'notice' AS part, a.id AS id, a.title AS title, a.body AS body, u.display_name AS who,
                    COALESCE(lo.name, '') AS status, COALESCE(a.locality_id, '') AS place, a.created_at AS at,
                    0 AS n1, 0 AS n2, 0 AS n3
             FROM announcements a JOIN users u ON u.id = a.posted_by LEFT JOIN localities lo ON lo.id = a.locality_id
             WHERE a.network_id = $3 AND a.ended_at IS NULL AND (a.locality_id IS NULL OR a.locality_id = $4)
             ORDER BY a.created_at DESC, a.id LIMIT 5) n
         UNION ALL
         SELECT * FROM (
             SELECT 'wellbeing' AS part, rf.id AS id, '' AS title, '' AS body, '' AS who, '' AS status, '' AS place,
                    COALESCE(rf.joined_at, $7) AS at, nw.follow_up_weeks AS n1,
                    (SELECT COUNT(*) FROM referral_outcomes o WHERE o.referral_id = rf.id AND o.stage = 'baseline') AS n2,
                    (SELECT COUNT(*) FROM referral_outcomes o WHERE o.referral_id = rf.id AND o.stage = 'follow_up') AS n3
             FROM referrals rf JOIN networks nw ON nw.id = rf.network_id
             WHERE rf.member_id = $2 AND rf.status IN ($5, $6) AND rf.consent_withdrawn_at IS NULL AND rf.erased_at IS NULL
             ORDER BY rf.created_at DESC LIMIT 1) f",
        &[
            Arg::from(account_id),
            Arg::from(user_id),
            Arg::from(network_id),
            Arg::from(locality_id),
            Arg::from(Status::Joined.as_str()),
            Arg::from(Status::Active.as_str()),
            Arg::from(NEVER),
        ],
    )
    .await
}

/// The referral's `joined_at` as kept (`None` for one not joined yet).
pub fn joined_at(row: &GlanceRow) -> Option<i64> {
    (row.at != NEVER).then_some(row.at)
}
