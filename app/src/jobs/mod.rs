//! Background work, run by every server process once a minute: warn a day before recorded
//! hours are confirmed automatically, confirm them after the network's setting (default 7
//! days), send daily digests of notifications, remind builders of referred members'
//! follow-ups, settle and erase accounts closed by their members once the grace period
//! ends, remind organisations of onward referrals past their answer date and keepers
//! of What's on entries nobody has checked for six months, erase referrals' personal
//! details once their retention period ends, and
//! forget sign-in attempts and security events once they are too old to matter.
//!
//! Every step claims its row with a conditional UPDATE (or a fixed ledger transfer id), so
//! any number of servers can run these at once and each thing happens once. Besides, the
//! pass itself runs on one server at a time: the one holding the `jobs` lease
//! (`job_runs`), renewed each pass; if that server stops, another takes over once the
//! lease runs out (`LEASE`). The scheduled backup (`TIMEWEAVE_BACKUP_DIR`) is claimed the
//! same way and written by one server.

pub mod store;

use crate::error::AppError;
use crate::platform::state::AppState;
use crate::util::{now, DAY};

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
    /// Onward referrals past their answer date, reminded about.
    pub onward_overdue: usize,
    /// What's on entries due for a check, reminded about.
    pub reviews: usize,
    /// Closed accounts whose grace period ended: hours settled, personal details erased.
    pub accounts_erased: usize,
}

/// How long a server holds the jobs' lease after each pass: long enough to outlast a pass
/// and the minute between passes, short enough that another takes over soon after it stops.
pub const LEASE: i64 = 150;

pub async fn run_forever(st: AppState) {
    let me = crate::util::new_id();
    loop {
        let t = now();
        match store::take_lease(&st.db, "jobs", &me, t, t + LEASE).await {
            Ok(true) => {
                if let Err(e) = run_once(&st, t).await {
                    tracing::warn!("background jobs: {e}");
                }
                if let Err(e) = scheduled_backup(&st, now()).await {
                    tracing::error!("scheduled backup failed: {e:#}");
                }
            }
            Ok(false) => {}
            Err(e) => tracing::warn!("background jobs' lease: {e}"),
        }
        tokio::time::sleep(std::time::Duration::from_secs(60)).await;
    }
}

/// A backup into `TIMEWEAVE_BACKUP_DIR` when one is due (by one server), then only the
/// newest `TIMEWEAVE_BACKUP_KEEP` kept. Whether one was made.
pub async fn scheduled_backup(st: &AppState, t: i64) -> anyhow::Result<bool> {
    let plan = &st.config.backup;
    let Some(dir) = &plan.dir else { return Ok(false) };
    if !store::claim_backup(&st.db, t, t - plan.every.as_secs() as i64).await? {
        return Ok(false);
    }
    std::fs::create_dir_all(dir)?;
    let name = format!("timeweave-{}.twbk", crate::util::iso_datetime(t).replace([':', '-'], "").replace('T', "-").trim_end_matches('Z'));
    let manifest = crate::platform::backup::backup_to_file(&st.db, &dir.join(&name), plan.passphrase.as_deref()).await?;
    let mut kept: Vec<std::path::PathBuf> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with("timeweave-") && n.ends_with(".twbk")))
        .collect();
    kept.sort();
    let extra = kept.len().saturating_sub(plan.keep);
    for old in &kept[..extra] {
        std::fs::remove_file(old)?;
    }
    st.metrics.backup_last_success.set(now());
    tracing::info!(file = %name, transfers = manifest.rows("transfers"), "scheduled backup written");
    Ok(true)
}

/// One pass, as if the time were `t` (tests move time forward by passing a later `t`).
pub async fn run_once(st: &AppState, t: i64) -> Result<JobReport, AppError> {
    // Attempts older than any limit's window, and security events older than a year.
    crate::platform::limits::prune(&st.db, t).await?;
    store::prune_security_events(&st.db, t - 366 * DAY).await?;
    let warned = warn_before_confirming(st, t).await?;
    let confirmed = confirm_automatically(st, t).await?;
    // Confirmed exchanges whose transfer never landed (a crash between claim and ledger).
    let repaired = crate::exchanges::repair_confirmed(st).await?;
    let digests = send_digests(st, t).await?;
    let erased = crate::referrals::retention(st, t).await?;
    let follow_ups = crate::referrals::follow_up_reminders(st, t).await?;
    let onward_overdue = crate::referrals::overdue_reminders(st, t).await?;
    let reviews = crate::directory::review_reminders(st, t).await?;
    let accounts_erased = crate::profiles::closing::erase_closed_accounts(st, t).await?;
    // Keep the dashboard's derived index of the ledger close behind, so a dashboard read
    // rarely has transfers to index (it still brings it up to date itself).
    for network_id in store::network_ids(&st.db).await? {
        crate::insight::store::index_new_transfers(&st.db, &network_id).await?;
    }
    st.metrics.jobs_last_run.set(now());
    Ok(JobReport { warned, confirmed, digests, repaired, erased, follow_ups, onward_overdue, reviews, accounts_erased })
}

/// A day's notice before the automatic confirmation, to whoever would confirm.
async fn warn_before_confirming(st: &AppState, t: i64) -> Result<usize, AppError> {
    let mut warned = 0;
    for r in store::due_warnings(&st.db, t).await? {
        let mut tx = st.db.pool.begin().await?;
        if store::claim_warning(&mut tx, &r.id, t).await? {
            let confirmer = if r.recorded_by.as_deref() == Some(r.owner_id.as_str()) { &r.asker_id } else { &r.owner_id };
            crate::notifications::notify(
                &mut tx,
                &st.config.public_url,
                confirmer,
                &format!("The hours for \"{}\" will be confirmed automatically tomorrow. If something is wrong, say so now", r.title),
                &format!("/exchanges/{}", r.id),
            )
            .await?;
            warned += 1;
        }
        tx.commit().await?;
    }
    Ok(warned)
}

/// Confirms recorded hours once the network's waiting time has passed.
async fn confirm_automatically(st: &AppState, t: i64) -> Result<usize, AppError> {
    let mut confirmed = 0;
    for id in store::due_confirmations(&st.db, t).await? {
        match crate::exchanges::confirm_exchange(st, &id, "", None, vec![]).await? {
            Ok(()) => confirmed += 1,
            Err(refusal) => tracing::warn!(exchange = %id, "automatic confirmation refused: {}", refusal.message()),
        }
    }
    Ok(confirmed)
}

/// Daily digests: one email a day with the unread notifications since the last one.
async fn send_digests(st: &AppState, t: i64) -> Result<usize, AppError> {
    let mut digests = 0;
    for u in store::due_digests(&st.db, t - DAY).await? {
        let mut tx = st.db.pool.begin().await?;
        if store::claim_digest(&mut tx, &u.id, t, t - DAY).await? {
            let items = store::unread_since(&mut tx, &u.id, u.last_digest_at.unwrap_or(0)).await?;
            let lines: Vec<String> = items.iter().map(|i| format!("- {}\n  {}{}", i.text, st.config.public_url, i.link)).collect();
            crate::email::queue(
                &mut tx,
                &u.email,
                "Your day on Timeweave",
                &format!(
                    "Hello {},\n\nSince yesterday:\n\n{}\n\nChange how often we email you: {}/notifications\n",
                    u.display_name,
                    lines.join("\n"),
                    st.config.public_url
                ),
            )
            .await?;
            digests += 1;
        }
        tx.commit().await?;
    }
    Ok(digests)
}
