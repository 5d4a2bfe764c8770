//! What happened to a referral: its history (`referral_events`), the wellbeing answers
//! (`referral_outcomes`), and the append-only access log (`referral_access_log`).

use crate::error::AppError;
use crate::platform::db::Db;
use crate::platform::direct::Arg;
use crate::referrals::domain::{Status, Wellbeing};
use crate::util::{new_id, now};
use sqlx::{Any, Executor, Transaction};

/// A line of the referral's history.
pub async fn event(
    tx: &mut Transaction<'_, Any>,
    referral_id: &str,
    from: Option<Status>,
    to: Status,
    by: Option<&str>,
    by_label: &str,
    note: &str,
) -> Result<(), AppError> {
    sqlx::query(
        "INSERT INTO referral_events (id, referral_id, from_status, to_status, by_user_id, by_label, note, at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(new_id())
    .bind(referral_id)
    .bind(from.map(|s| s.as_str()).unwrap_or(""))
    .bind(to.as_str())
    .bind(by)
    .bind(by_label)
    .bind(note)
    .bind(now())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// A line of the history as read back: the statuses as stored, who (their name now, or
/// the label kept at the time).
#[derive(sqlx::FromRow)]
pub struct EventRow {
    #[sqlx(rename = "from_status")]
    pub from: String,
    #[sqlx(rename = "to_status")]
    pub to: String,
    #[sqlx(rename = "by_name")]
    pub by: String,
    pub note: String,
    pub at: i64,
}

pub async fn events(db: &Db, id: &str) -> Result<Vec<EventRow>, AppError> {
    Ok(sqlx::query_as::<_, EventRow>(
        "SELECT e.from_status, e.to_status, COALESCE(u.display_name, e.by_label) AS by_name, e.note, e.at
         FROM referral_events e LEFT JOIN users u ON u.id = e.by_user_id WHERE e.referral_id = $1 ORDER BY e.at, e.id",
    )
    .bind(id)
    .fetch_all(&db.pool)
    .await?)
}

/// A line of the access log (append-only). `detail` never holds personal details.
pub async fn log<'e, E>(
    exec: E,
    referral_id: &str,
    user_id: Option<&str>,
    actor_label: &str,
    action: &str,
    detail: &str,
) -> Result<(), AppError>
where
    E: Executor<'e, Database = Any>,
{
    sqlx::query(
        "INSERT INTO referral_access_log (id, referral_id, user_id, actor_label, action, detail, at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(new_id())
    .bind(referral_id)
    .bind(user_id)
    .bind(actor_label)
    .bind(action)
    .bind(detail)
    .bind(now())
    .execute(exec)
    .await?;
    Ok(())
}

/// A line of the access log as read back (who: the label kept at the time).
#[derive(sqlx::FromRow)]
pub struct AccessRow {
    pub referral_id: String,
    pub actor_label: String,
    pub action: String,
    pub detail: String,
    pub at: i64,
}

/// The access log, newest first, the last 500; of one referral or of all.
pub async fn access_log(db: &Db, referral: Option<&str>) -> Result<Vec<AccessRow>, AppError> {
    let sql = format!(
        "SELECT a.referral_id, COALESCE(u.display_name, a.actor_label) AS who, a.actor_label, a.action, a.detail, a.at
         FROM referral_access_log a LEFT JOIN users u ON u.id = a.user_id {} ORDER BY a.at DESC, a.id DESC LIMIT 500",
        if referral.is_some() { "WHERE a.referral_id = $1" } else { "" }
    );
    let mut q = sqlx::query_as::<_, AccessRow>(&sql);
    if let Some(r) = referral {
        q = q.bind(r);
    }
    Ok(q.fetch_all(&db.pool).await?)
}

/// One set of wellbeing answers.
pub struct Outcome {
    pub stage: String,
    pub scores: Wellbeing,
    pub answered_by: String,
    pub at: i64,
}

#[derive(sqlx::FromRow)]
struct OutcomeRow {
    stage: String,
    life_satisfaction: i64,
    worthwhile: i64,
    happiness: i64,
    anxiety: i64,
    lack_companionship: i64,
    left_out: i64,
    isolated: i64,
    answered_by: String,
    at: i64,
}

impl From<OutcomeRow> for Outcome {
    fn from(r: OutcomeRow) -> Outcome {
        Outcome {
            stage: r.stage,
            scores: Wellbeing {
                life_satisfaction: r.life_satisfaction,
                worthwhile: r.worthwhile,
                happiness: r.happiness,
                anxiety: r.anxiety,
                lack_companionship: r.lack_companionship,
                left_out: r.left_out,
                isolated: r.isolated,
            },
            answered_by: r.answered_by,
            at: r.at,
        }
    }
}

/// A referral's wellbeing answers, oldest first.
pub async fn outcomes(db: &Db, id: &str) -> Result<Vec<Outcome>, AppError> {
    Ok(sqlx::query_as::<_, OutcomeRow>(
        "SELECT stage, life_satisfaction, worthwhile, happiness, anxiety, lack_companionship, left_out, isolated, answered_by, at
         FROM referral_outcomes WHERE referral_id = $1 ORDER BY at, id",
    )
    .bind(id)
    .fetch_all(&db.pool)
    .await?
    .into_iter()
    .map(Outcome::from)
    .collect())
}

pub async fn add_outcome(
    tx: &mut Transaction<'_, Any>,
    id: &str,
    stage: &str,
    w: &Wellbeing,
    answered_by: &str,
    by: &str,
) -> Result<(), AppError> {
    sqlx::query(
        "INSERT INTO referral_outcomes (id, referral_id, stage, life_satisfaction, worthwhile, happiness, anxiety, lack_companionship,
            left_out, isolated, answered_by, entered_by, at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
    )
    .bind(new_id())
    .bind(id)
    .bind(stage)
    .bind(w.life_satisfaction)
    .bind(w.worthwhile)
    .bind(w.happiness)
    .bind(w.anxiety)
    .bind(w.lack_companionship)
    .bind(w.left_out)
    .bind(w.isolated)
    .bind(answered_by)
    .bind(by)
    .bind(now())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

crate::read_row! {
    /// The member's latest referral still under way (joined or active, consent standing, not
    /// erased), with how many baseline and follow-up answers it has.
    pub struct WellbeingDueRow {
        pub id: String,
        pub joined_at: Option<i64>,
        pub follow_up_weeks: i64,
        pub baselines: i64,
        pub follow_ups: i64,
    }
}

pub async fn member_referral_answers(db: &Db, user_id: &str) -> Result<Option<WellbeingDueRow>, AppError> {
    db.read_optional::<WellbeingDueRow>(
        "SELECT r.id, r.joined_at, n.follow_up_weeks,
                (SELECT COUNT(*) FROM referral_outcomes o WHERE o.referral_id = r.id AND o.stage = 'baseline') AS baselines,
                (SELECT COUNT(*) FROM referral_outcomes o WHERE o.referral_id = r.id AND o.stage = 'follow_up') AS follow_ups
         FROM referrals r JOIN networks n ON n.id = r.network_id
         WHERE r.member_id = $1 AND r.status IN ($2, $3) AND r.consent_withdrawn_at IS NULL AND r.erased_at IS NULL
         ORDER BY r.created_at DESC LIMIT 1",
        &[Arg::from(user_id), Arg::from(Status::Joined.as_str()), Arg::from(Status::Active.as_str())],
    )
    .await
}
