//! The read side of the ledger: an account's summary and its statement, pages of it, and
//! the lists the builders' screens need. Everything shown is read from the journal itself
//! (entries, with the running balance each one left), never from a second copy; the SQL is
//! in `store::reads`, this module puts the pieces together.

pub use super::store::reads::{help_totals, is_active_member, limit_changes, member_place, member_places, network_balances};

use super::domain::{effective_limits, TransferKind};
use super::store::{reads, AccountRef};
use super::{AccountSummary, OrgAccount, StatementLine};
use crate::error::AppError;
use crate::platform::db::Db;

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
    Ok(account_summary_around(db, network_id, account, label, page, per_page).await?.0)
}

/// What a statement page shows around the account, read with its head: the community
/// pool's balance, and whether the member acts for any organisation.
pub struct Around {
    pub pool_minutes: i64,
    pub acts_for_organisations: bool,
}

/// [`account_summary`] with [`Around`], in the same reads.
pub async fn account_summary_around(
    db: &Db,
    network_id: &str,
    account: &AccountRef,
    label: &str,
    page: u32,
    per_page: u32,
) -> Result<(AccountSummary, Around), AppError> {
    let id = account.id(network_id);
    let user = match account {
        AccountRef::Member(u) => u.as_str(),
        _ => "",
    };
    let page = page.max(1);
    let (limit, offset) = if per_page == 0 { (i64::MAX / 2, 0i64) } else { (per_page as i64 + 1, (page as i64 - 1) * per_page as i64) };
    let (head, rows) =
        reads::account_page(db, network_id, &id, user, limit, offset).await?.ok_or_else(|| AppError::not_found("time bank"))?;
    let around = Around { pool_minutes: head.pool_minutes, acts_for_organisations: head.organisations > 0 };
    let (own_floor, own_ceiling) = (head.floor_minutes, head.ceiling_minutes);
    let limits = effective_limits(account.kind(), own_floor, own_ceiling, head.default_floor_minutes, head.default_ceiling_minutes);
    let (balance, given, received) = (head.balance_minutes.unwrap_or(0), head.given, head.received);
    let mut statement = statement_lines(rows, &id);
    let has_more = per_page > 0 && statement.len() > per_page as usize;
    statement.truncate(if per_page == 0 { usize::MAX } else { per_page as usize });
    let summary = AccountSummary {
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
    };
    Ok((summary, around))
}

/// One row per leg of each line's transfer, lines newest first: gathered into lines.
fn statement_lines(rows: Vec<reads::StatementRow>, account_id: &str) -> Vec<StatementLine> {
    let mut lines: Vec<(reads::StatementRow, Vec<(i64, String)>)> = vec![];
    for r in rows {
        if lines.last().is_none_or(|(line, _)| line.seq != r.seq) {
            lines.push((r.clone(), vec![]));
        }
        if r.leg_account_id == account_id {
            continue;
        }
        let name = match r.leg_kind.as_str() {
            "network" => "the time bank".to_string(),
            "pool" => "the community pool".to_string(),
            _ => r.leg_name,
        };
        if let Some((_, others)) = lines.last_mut() {
            others.push((r.leg_amount_minutes, name));
        }
    }
    lines
        .into_iter()
        .map(|(r, others)| {
            let amount = r.amount_minutes;
            StatementLine {
                with: counterparts(Some(&others), amount),
                reversed: r.reversed != 0,
                transfer_id: r.transfer_id,
                recorded_at: r.recorded_at,
                happened_on: r.happened_on,
                kind: TransferKind::parse(&r.kind).unwrap_or(TransferKind::Exchange),
                memo: r.memo,
                amount_minutes: amount,
                balance_after_minutes: r.balance_after_minutes,
                reason: r.reason,
                recorded_by: r.recorded_by_name,
                is_reversal: r.reverses_id.is_some(),
            }
        })
        .collect()
}

/// The other side of a statement line in words: those whose leg goes the other way,
/// "Ann", "Ann and Bob", "Ann, Bob and 2 more".
fn counterparts(others: Option<&Vec<(i64, String)>>, amount_minutes: i64) -> String {
    let mut names: Vec<String> = others
        .map(|v| v.iter().filter(|(m, _)| m.signum() != amount_minutes.signum()).map(|(_, n)| n.clone()).collect())
        .unwrap_or_default();
    names.sort();
    match names.len() {
        0 => String::new(),
        1 | 2 => names.join(" and "),
        n => format!("{}, {} and {} more", names[0], names[1], n - 2),
    }
}

/// The organisation accounts of a network, with their balances and named members.
pub async fn organisation_accounts(db: &Db, network_id: &str) -> Result<Vec<OrgAccount>, AppError> {
    let rows = reads::organisations(db, network_id).await?;
    let named = reads::named_members(db, network_id).await?;
    Ok(rows
        .into_iter()
        .map(|r| OrgAccount {
            named_members: named.iter().filter(|(org, _)| *org == r.id).map(|(_, name)| name.clone()).collect(),
            id: r.id,
            name: r.name,
            kind: r.kind,
            balance_minutes: r.balance_minutes,
        })
        .collect())
}

/// The organisations a person acts for in a network.
pub async fn organisations_of(db: &Db, network_id: &str, user_id: &str) -> Result<Vec<OrgAccount>, AppError> {
    let mine = reads::organisation_ids_of(db, network_id, user_id).await?;
    if mine.is_empty() {
        return Ok(vec![]);
    }
    Ok(organisation_accounts(db, network_id).await?.into_iter().filter(|o| mine.contains(&o.id)).collect())
}
