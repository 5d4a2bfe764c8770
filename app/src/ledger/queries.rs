//! The read side of the ledger: an account's summary and its statement, pages of it, and
//! the lists the builders' screens need. Everything shown is read from the journal itself
//! (entries, with the running balance each one left), never from a second copy.

use super::domain::TransferKind;
use super::store::{effective_limits, AccountRef};
use super::{AccountSummary, LimitChange, OrgAccount, StatementLine};
use crate::error::AppError;
use crate::platform::db::{placeholders, Db};
use sqlx::Row;
use std::collections::HashMap;

/// An account's balance, limits, help given and received, and one page of its statement
/// (newest first). `page` counts from 1; `per_page` of 0 means everything (for CSV).
pub async fn account_summary(
    db: &Db,
    network_id: &str,
    account: &AccountRef,
    label: &str,
    page: u32,
    per_page: u32,
) -> Result<AccountSummary, AppError> {
    let id = account.id(network_id);
    let net = sqlx::query("SELECT default_floor_minutes, default_ceiling_minutes FROM networks WHERE id = $1")
        .bind(network_id)
        .fetch_optional(&db.pool)
        .await?
        .ok_or_else(|| AppError::not_found("time bank"))?;
    let acct = sqlx::query("SELECT kind, floor_minutes, ceiling_minutes, balance_minutes FROM accounts WHERE id = $1")
        .bind(&id)
        .fetch_optional(&db.pool)
        .await?;
    let kind = match account {
        AccountRef::Network => "network",
        AccountRef::Pool => "pool",
        AccountRef::Member(_) => "member",
        AccountRef::Organisation(_) => "organisation",
    };
    let (own_floor, own_ceiling, balance): (Option<i64>, Option<i64>, i64) = match &acct {
        Some(r) => (r.get("floor_minutes"), r.get("ceiling_minutes"), r.get("balance_minutes")),
        None => (None, None, 0),
    };
    let limits = effective_limits(kind, own_floor, own_ceiling, net.get("default_floor_minutes"), net.get("default_ceiling_minutes"));
    let (given, received) = help_totals(db, &id).await?;
    let page = page.max(1);
    let (limit, offset) = if per_page == 0 { (i64::MAX / 2, 0i64) } else { (per_page as i64 + 1, (page as i64 - 1) * per_page as i64) };
    let mut statement = statement_lines(db, &id, limit, offset).await?;
    let has_more = per_page > 0 && statement.len() > per_page as usize;
    statement.truncate(if per_page == 0 { usize::MAX } else { per_page as usize });
    Ok(AccountSummary {
        label: label.to_string(),
        balance_minutes: balance,
        floor_minutes: limits.floor_minutes,
        ceiling_minutes: limits.ceiling_minutes,
        limits_are_own: own_floor.is_some() || own_ceiling.is_some(),
        given_minutes: given,
        received_minutes: received,
        statement,
        page,
        has_more,
    })
}

/// Help given (credit earned) and received by an account, in minutes: its exchange and
/// organisation legs not reversed since.
pub async fn help_totals(db: &Db, account_id: &str) -> Result<(i64, i64), AppError> {
    let row = sqlx::query(
        "SELECT CAST(COALESCE(SUM(CASE WHEN e.amount_minutes > 0 THEN e.amount_minutes ELSE 0 END), 0) AS BIGINT) AS given,
                CAST(COALESCE(SUM(CASE WHEN e.amount_minutes < 0 THEN -e.amount_minutes ELSE 0 END), 0) AS BIGINT) AS received
         FROM entries e JOIN transfers t ON t.id = e.transfer_id
         WHERE e.account_id = $1 AND t.kind IN ('exchange', 'organisation')
           AND NOT EXISTS (SELECT 1 FROM transfers r WHERE r.reverses_id = t.id)",
    )
    .bind(account_id)
    .fetch_one(&db.pool)
    .await?;
    Ok((row.get("given"), row.get("received")))
}

async fn statement_lines(db: &Db, account_id: &str, limit: i64, offset: i64) -> Result<Vec<StatementLine>, AppError> {
    let rows = sqlx::query(
        "SELECT e.transfer_id, e.amount_minutes, e.balance_after_minutes, t.kind, t.memo, t.reason, t.recorded_at, t.reverses_id,
                rb.display_name AS recorded_by_name
         FROM entries e JOIN transfers t ON t.id = e.transfer_id LEFT JOIN users rb ON rb.id = t.recorded_by
         WHERE e.account_id = $1 ORDER BY e.seq DESC LIMIT $2 OFFSET $3",
    )
    .bind(account_id)
    .bind(limit)
    .bind(offset)
    .fetch_all(&db.pool)
    .await?;
    if rows.is_empty() {
        return Ok(vec![]);
    }
    let ids: Vec<String> = rows.iter().map(|r| r.get("transfer_id")).collect();
    // The other side of each line, and which lines have been reversed since.
    let mut others: HashMap<String, Vec<(i64, String)>> = HashMap::new();
    let mut reversed: std::collections::HashSet<String> = Default::default();
    for chunk in ids.chunks(200) {
        let sql = format!(
            "SELECT e.transfer_id, e.account_id, e.amount_minutes, a.kind, COALESCE(u.display_name, o.name, '') AS name
             FROM entries e JOIN accounts a ON a.id = e.account_id LEFT JOIN users u ON u.id = a.user_id
             LEFT JOIN organisations o ON o.id = a.organisation_id WHERE e.transfer_id IN ({})",
            placeholders(chunk.len(), 0)
        );
        let mut q = sqlx::query(&sql);
        for id in chunk {
            q = q.bind(id.as_str());
        }
        for r in q.fetch_all(&db.pool).await? {
            if r.get::<String, _>("account_id") == account_id {
                continue;
            }
            let name = match r.get::<String, _>("kind").as_str() {
                "network" => "the time bank".to_string(),
                "pool" => "the community pool".to_string(),
                _ => r.get("name"),
            };
            others.entry(r.get("transfer_id")).or_default().push((r.get("amount_minutes"), name));
        }
        let sql = format!("SELECT reverses_id FROM transfers WHERE reverses_id IN ({})", placeholders(chunk.len(), 0));
        let mut q = sqlx::query(&sql);
        for id in chunk {
            q = q.bind(id.as_str());
        }
        for r in q.fetch_all(&db.pool).await? {
            reversed.insert(r.get("reverses_id"));
        }
    }
    Ok(rows
        .into_iter()
        .map(|r| {
            let id: String = r.get("transfer_id");
            let amount: i64 = r.get("amount_minutes");
            let kind = TransferKind::parse(&r.get::<String, _>("kind")).unwrap_or(TransferKind::Exchange);
            // Counterparts: those whose leg goes the other way.
            let mut names: Vec<String> = others
                .get(&id)
                .map(|v| v.iter().filter(|(m, _)| m.signum() != amount.signum()).map(|(_, n)| n.clone()).collect())
                .unwrap_or_default();
            names.sort();
            let with = match names.len() {
                0 => String::new(),
                1 | 2 => names.join(" and "),
                n => format!("{}, {} and {} more", names[0], names[1], n - 2),
            };
            let memo: String = r.get("memo");
            StatementLine {
                transfer_id: id.clone(),
                recorded_at: r.get("recorded_at"),
                kind,
                memo,
                with,
                amount_minutes: amount,
                balance_after_minutes: r.get("balance_after_minutes"),
                reason: r.get("reason"),
                recorded_by: r.get("recorded_by_name"),
                reversed: reversed.contains(&id),
                is_reversal: r.get::<Option<String>, _>("reverses_id").is_some(),
            }
        })
        .collect())
}

/// The organisation accounts of a network, with their balances and named members.
pub async fn organisation_accounts(db: &Db, network_id: &str) -> Result<Vec<OrgAccount>, AppError> {
    let rows = sqlx::query(
        "SELECT o.id, o.name, o.kind, a.balance_minutes FROM accounts a JOIN organisations o ON o.id = a.organisation_id
         WHERE a.network_id = $1 AND a.kind = 'organisation' ORDER BY o.name",
    )
    .bind(network_id)
    .fetch_all(&db.pool)
    .await?;
    let named = sqlx::query(
        "SELECT m.organisation_id, u.display_name FROM organisation_members m JOIN users u ON u.id = m.user_id
         WHERE m.network_id = $1 ORDER BY u.display_name",
    )
    .bind(network_id)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let id: String = r.get("id");
            OrgAccount {
                named_members: named
                    .iter()
                    .filter(|n| n.get::<String, _>("organisation_id") == id)
                    .map(|n| n.get::<String, _>("display_name"))
                    .collect(),
                id,
                name: r.get("name"),
                kind: r.get("kind"),
                balance_minutes: r.get("balance_minutes"),
            }
        })
        .collect())
}

/// The organisations a person acts for in a network.
pub async fn organisations_of(db: &Db, network_id: &str, user_id: &str) -> Result<Vec<OrgAccount>, AppError> {
    let mine: std::collections::HashSet<String> =
        sqlx::query("SELECT organisation_id FROM organisation_members WHERE network_id = $1 AND user_id = $2")
            .bind(network_id)
            .bind(user_id)
            .fetch_all(&db.pool)
            .await?
            .into_iter()
            .map(|r| r.get("organisation_id"))
            .collect();
    if mine.is_empty() {
        return Ok(vec![]);
    }
    Ok(organisation_accounts(db, network_id).await?.into_iter().filter(|o| mine.contains(&o.id)).collect())
}

/// Where a member belongs: network, locality and name (their first membership).
pub async fn member_place(db: &Db, user_id: &str) -> Result<Option<(String, String, String)>, AppError> {
    Ok(sqlx::query(
        "SELECT m.network_id, m.locality_id, u.display_name FROM memberships m JOIN users u ON u.id = m.user_id
         WHERE m.user_id = $1 ORDER BY m.created_at LIMIT 1",
    )
    .bind(user_id)
    .fetch_optional(&db.pool)
    .await?
    .map(|r| (r.get("network_id"), r.get("locality_id"), r.get("display_name"))))
}

/// Where several members belong, in one query: id → (network, locality, name).
pub async fn member_places(db: &Db, user_ids: &[String]) -> Result<HashMap<String, (String, String, String)>, AppError> {
    let mut out = HashMap::new();
    if user_ids.is_empty() {
        return Ok(out);
    }
    let sql = format!(
        "SELECT m.user_id, m.network_id, m.locality_id, u.display_name, m.created_at FROM memberships m JOIN users u ON u.id = m.user_id
         WHERE m.user_id IN ({}) ORDER BY m.created_at DESC",
        placeholders(user_ids.len(), 0)
    );
    let mut q = sqlx::query(&sql);
    for id in user_ids {
        q = q.bind(id.as_str());
    }
    // Oldest last, so each member's first membership wins (as in `member_place`).
    for r in q.fetch_all(&db.pool).await? {
        out.insert(r.get("user_id"), (r.get("network_id"), r.get("locality_id"), r.get("display_name")));
    }
    Ok(out)
}

/// The changes made to an account's limits, newest first.
pub async fn limit_changes(db: &Db, account_id: &str) -> Result<Vec<LimitChange>, AppError> {
    Ok(sqlx::query(
        "SELECT c.floor_after, c.ceiling_after, c.reason, c.changed_at, u.display_name FROM account_limit_changes c
         JOIN users u ON u.id = c.changed_by WHERE c.account_id = $1 ORDER BY c.changed_at DESC, c.id",
    )
    .bind(account_id)
    .fetch_all(&db.pool)
    .await?
    .into_iter()
    .map(|r| LimitChange {
        floor_minutes: r.get("floor_after"),
        ceiling_minutes: r.get("ceiling_after"),
        reason: r.get("reason"),
        changed_at: r.get("changed_at"),
        changed_by: r.get("display_name"),
    })
    .collect())
}

/// The network's own account and pool balances, and its starting-credit settings.
pub async fn network_balances(db: &Db, network_id: &str) -> Result<(i64, i64), AppError> {
    let rows = sqlx::query("SELECT kind, balance_minutes FROM accounts WHERE network_id = $1 AND kind IN ('network', 'pool')")
        .bind(network_id)
        .fetch_all(&db.pool)
        .await?;
    let get = |k: &str| rows.iter().find(|r| r.get::<String, _>("kind") == k).map(|r| r.get::<i64, _>("balance_minutes")).unwrap_or(0);
    Ok((get("network"), get("pool")))
}

/// Active members in a builder's scopes (or a whole network), for the pick lists.
pub async fn members_for_picking(db: &Db, network_id: &str, locality: Option<&str>) -> Result<Vec<(String, String, String)>, AppError> {
    let rows = sqlx::query(
        "SELECT u.id, u.display_name, l.name AS locality_name FROM memberships m JOIN users u ON u.id = m.user_id
         JOIN localities l ON l.id = m.locality_id
         WHERE m.network_id = $1 AND m.status = 'active' AND ($2 = '' OR m.locality_id = $2) ORDER BY u.display_name",
    )
    .bind(network_id)
    .bind(locality.unwrap_or(""))
    .fetch_all(&db.pool)
    .await?;
    Ok(rows.into_iter().map(|r| (r.get("id"), r.get("display_name"), r.get("locality_name"))).collect())
}

/// Is this person an active member of the network?
pub async fn is_active_member(db: &Db, network_id: &str, user_id: &str) -> Result<bool, AppError> {
    Ok(sqlx::query("SELECT 1 AS x FROM memberships WHERE network_id = $1 AND user_id = $2 AND status = 'active'")
        .bind(network_id)
        .bind(user_id)
        .fetch_optional(&db.pool)
        .await?
        .is_some())
}
