//! Background work, run by every server process once a minute: warn a day before recorded
//! hours are confirmed automatically, confirm them after the network's setting (default 7
//! days), send daily digests of notifications, remind builders of referred members'
//! follow-ups, erase referrals' personal details once their retention period ends, and
//! forget sign-in attempts and security events once they are too old to matter.
//!
//! Every step claims its row with a conditional UPDATE (or a fixed ledger transfer id), so
//! any number of servers can run these at once and each thing happens once.

use crate::error::AppError;
use crate::platform::state::AppState;
use crate::util::now;
use sqlx::Row;

#[derive(Debug, Default, PartialEq, Eq)]
pub struct JobReport {
    pub warned: usize,
    pub confirmed: usize,
    pub digests: usize,
    pub repaired: usize,
    /// Referrals whose personal details the retention schedule erased.
    pub erased: usize,
    /// Follow-up wellbeing reminders sent to builders.
    pub follow_ups: usize,
}

pub async fn run_forever(st: AppState) {
    loop {
        if let Err(e) = run_once(&st, now()).await {
            tracing::warn!("background jobs: {e}");
        }
        tokio::time::sleep(std::time::Duration::from_secs(60)).await;
    }
}

/// One pass, as if the time were `t` (tests move time forward by passing a later `t`).
pub async fn run_once(st: &AppState, t: i64) -> Result<JobReport, AppError> {
    let mut report = JobReport::default();
    // Attempts older than any limit's window, and security events older than a year.
    crate::platform::limits::prune(&st.db, t).await?;
    sqlx::query("DELETE FROM security_events WHERE at < $1").bind(t - 366 * 86_400).execute(&st.db.pool).await?;
    // A day's notice before the automatic confirmation.
    let due_warning = sqlx::query(
        "SELECT e.id, e.owner_id, e.asker_id, e.recorded_by, l.title FROM exchanges e JOIN networks n ON n.id = e.network_id
         JOIN listings l ON l.id = e.listing_id
         WHERE e.status = 'recorded' AND e.warned_at IS NULL AND e.recorded_at <= $1 - (n.auto_confirm_days - 1) * 86400",
    )
    .bind(t)
    .fetch_all(&st.db.pool)
    .await?;
    for r in due_warning {
        let id: String = r.get("id");
        let mut tx = st.db.pool.begin().await?;
        let claimed = sqlx::query("UPDATE exchanges SET warned_at = $1 WHERE id = $2 AND warned_at IS NULL AND status = 'recorded'")
            .bind(t)
            .bind(&id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if claimed == 1 {
            let recorder: Option<String> = r.get("recorded_by");
            let owner: String = r.get("owner_id");
            let confirmer = if recorder.as_deref() == Some(owner.as_str()) { r.get("asker_id") } else { owner };
            let title: String = r.get("title");
            crate::notifications::notify(
                &mut tx,
                &st.config.public_url,
                &confirmer,
                &format!("The hours for \"{title}\" will be confirmed automatically tomorrow. If something is wrong, say so now"),
                &format!("/exchanges/{id}"),
            )
            .await?;
            report.warned += 1;
        }
        tx.commit().await?;
    }
    // Automatic confirmation.
    let due = sqlx::query(
        "SELECT e.id FROM exchanges e JOIN networks n ON n.id = e.network_id
         WHERE e.status = 'recorded' AND e.recorded_at <= $1 - n.auto_confirm_days * 86400",
    )
    .bind(t)
    .fetch_all(&st.db.pool)
    .await?;
    for r in due {
        let id: String = r.get("id");
        match crate::exchanges::confirm_exchange(st, &id, "", None, vec![]).await? {
            Ok(()) => report.confirmed += 1,
            Err(refusal) => tracing::warn!(exchange = %id, "automatic confirmation refused: {}", refusal.message()),
        }
    }
    // Confirmed exchanges whose transfer never landed (a crash between claim and ledger).
    report.repaired = crate::exchanges::repair_confirmed(st).await?;
    // Daily digests.
    let due_digest = sqlx::query(
        "SELECT u.id, u.email, u.display_name, u.last_digest_at FROM users u
         WHERE u.email_frequency = 'daily' AND u.email IS NOT NULL AND (u.last_digest_at IS NULL OR u.last_digest_at <= $1)
           AND EXISTS (SELECT 1 FROM notifications nt WHERE nt.user_id = u.id AND nt.read_at IS NULL AND nt.created_at >= COALESCE(u.last_digest_at, 0))",
    )
    .bind(t - 86_400)
    .fetch_all(&st.db.pool)
    .await?;
    for u in due_digest {
        let id: String = u.get("id");
        let since: Option<i64> = u.get("last_digest_at");
        let mut tx = st.db.pool.begin().await?;
        let claimed =
            sqlx::query("UPDATE users SET last_digest_at = $1 WHERE id = $2 AND (last_digest_at IS NULL OR last_digest_at <= $3)")
                .bind(t)
                .bind(&id)
                .bind(t - 86_400)
                .execute(&mut *tx)
                .await?
                .rows_affected();
        if claimed == 1 {
            let items = sqlx::query(
                "SELECT text, link FROM notifications WHERE user_id = $1 AND read_at IS NULL AND created_at >= $2 ORDER BY created_at",
            )
            .bind(&id)
            .bind(since.unwrap_or(0))
            .fetch_all(&mut *tx)
            .await?;
            let lines: Vec<String> = items
                .iter()
                .map(|i| format!("- {}\n  {}{}", i.get::<String, _>("text"), st.config.public_url, i.get::<String, _>("link")))
                .collect();
            crate::email::queue(
                &mut tx,
                &u.get::<String, _>("email"),
                "Your day on Timeweave",
                &format!(
                    "Hello {},\n\nSince yesterday:\n\n{}\n\nChange how often we email you: {}/notifications\n",
                    u.get::<String, _>("display_name"),
                    lines.join("\n"),
                    st.config.public_url
                ),
            )
            .await?;
            report.digests += 1;
        }
        tx.commit().await?;
    }
    report.erased = crate::referrals::retention(st, t).await?;
    report.follow_ups = crate::referrals::follow_up_reminders(st, t).await?;
    // Keep the dashboard's derived index of the ledger close behind, so a dashboard read
    // rarely has transfers to index (it still brings it up to date itself).
    for r in sqlx::query("SELECT id FROM networks").fetch_all(&st.db.pool).await? {
        crate::insight::store::index_new_transfers(&st.db, &r.get::<String, _>("id")).await?;
    }
    Ok(report)
}
