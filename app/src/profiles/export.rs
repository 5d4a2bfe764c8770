//! A member's own data from Account, as one JSON file (`GET /account/my-data.json`) or the
//! same as a CSV for a spreadsheet (`GET /account/my-data.csv`, one row per value: section,
//! item, field, value): the account, memberships, roles, a professional's record,
//! listings, exchanges with their messages, thanks, hours (every statement line),
//! notifications, the What's on dates they said they were going to, the photo, requests to
//! move area, reports they made, the phones that get alerts, and the actions taken on the
//! account as the member sees them. [`COVERAGE`] says, for every column of the schema that
//! points at a member, where the download shows it or why it does not (a test holds it to
//! the schema).

use crate::error::AppError;
use crate::ledger::store::AccountRef;
use crate::platform::state::AppState;
use axum::extract::State;
use axum::response::Response;
use http::HeaderMap;
use serde::Serialize;

#[derive(Serialize)]
struct MyData {
    exported_at: String,
    about_this_file: &'static str,
    account: super::store::AccountData,
    memberships: Vec<super::store::MembershipData>,
    roles: Vec<super::store::RoleData>,
    professional: Option<super::store::ProfessionalData>,
    /// When you asked to close your account, if you did.
    closing_asked_at: Option<i64>,
    /// The photo as kept (a JPEG), base64-encoded; `null` when there is none.
    photo_jpeg_base64: Option<String>,
    area_moves: Vec<crate::community::AreaMoveView>,
    /// The browsers that get alerts: each one's push service (its host only).
    alerts_on_phones: Vec<crate::push::store::Device>,
    listings: Vec<crate::listings::ListingCard>,
    exchanges: Vec<ExchangeData>,
    thanks: Vec<super::store::ThanksData>,
    reports_made: Vec<super::store::ReportData>,
    hours: Vec<HoursData>,
    notifications: Vec<crate::notifications::Notification>,
    /// The What's on dates you said you were going to.
    going_along: Vec<crate::directory::store::GoingOf>,
    actions_on_your_account: Vec<crate::audit::domain::AuditLine>,
}

#[derive(Serialize)]
struct ExchangeData {
    #[serde(flatten)]
    exchange: crate::exchanges::ExchangeRow,
    messages: Vec<MessageData>,
}

#[derive(Serialize)]
struct MessageData {
    from: String,
    text: String,
    kind: String,
    at: i64,
}

#[derive(Serialize)]
struct HoursData {
    network: String,
    balance_minutes: i64,
    statement: Vec<crate::ledger::StatementLine>,
}

/// Where the download shows each column that points at a member (`users`), by table and
/// column: the name of its section, or `-` and why it is not in it.
pub const COVERAGE: &[(&str, &str, &str)] = &[
    ("account_limit_changes", "changed_by", "- a builder's change to someone's limits: their work"),
    ("accounts", "user_id", "hours"),
    ("announcements", "posted_by", "- a builder's noticeboard post: their work, shown to everyone"),
    ("area_moves", "user_id", "area_moves"),
    ("area_moves", "decided_by", "- the builder who decided someone's move: their work"),
    ("audit_log", "subject_user_id", "actions_on_your_account"),
    ("audit_log", "actor_id", "- a builder's own actions: the audit trail of their work"),
    ("builder_roles", "user_id", "roles"),
    ("directory_entries", "created_by", "- What's on entries a builder or organisation added: shared work"),
    ("directory_entries", "checked_by", "- What's on entries a builder checked: shared work"),
    ("directory_going", "user_id", "going_along"),
    ("directory_org_members", "user_id", "roles"),
    ("directory_org_members", "added_by", "- the builder who named someone: their work"),
    ("email_tokens", "user_id", "- single-use links, kept only as hashes: secrets"),
    ("exchange_messages", "author_id", "exchanges"),
    ("exchanges", "owner_id", "exchanges"),
    ("exchanges", "asker_id", "exchanges"),
    ("exchanges", "provider_id", "exchanges"),
    ("exchanges", "receiver_id", "exchanges"),
    ("exchanges", "recorded_by", "exchanges"),
    ("listings", "owner_id", "listings"),
    ("member_notes", "user_id", "- builders' private notes: given on a subject access request through the builders"),
    ("member_notes", "written_by", "- a builder's notes on others: their work"),
    ("member_photos", "user_id", "photo_jpeg_base64"),
    ("memberships", "user_id", "memberships"),
    ("memberships", "joined_by", "- the builder who signed someone up: their work"),
    ("notifications", "user_id", "notifications"),
    ("onward_referrals", "sent_by", "- a referral sent on: the referral pathway's work record"),
    ("onward_referrals", "answered_by", "- an organisation's answer: the referral pathway's work record"),
    ("organisation_members", "user_id", "roles"),
    ("organisation_members", "named_by", "- the builder who named someone: their work"),
    ("partner_tokens", "created_by", "- an admin's partner tokens: secrets"),
    ("professionals", "user_id", "professional"),
    ("professionals", "verified_by", "- the admin who verified someone: their work"),
    ("push_outbox", "user_id", "- alerts waiting a few seconds to be sent: they are in notifications"),
    ("push_subscriptions", "user_id", "alerts_on_phones"),
    ("recovery_codes", "user_id", "- two-step recovery codes, kept only as hashes: secrets"),
    ("referral_access_log", "user_id", "- who read a referral: the referral pathway's access log"),
    ("referral_drafts", "user_id", "- a professional's unsent referral: another person's health details"),
    ("referral_events", "by_user_id", "- steps taken on referrals: the referral pathway's work record"),
    ("referral_outcomes", "entered_by", "- outcomes entered on referrals: the referral pathway's work record"),
    ("referrals", "member_id", "- a referral about the member: given through the builders' subject-access export (health details)"),
    ("referrals", "referrer_id", "- referrals a professional made: other people's health details"),
    ("reports", "reporter_id", "reports_made"),
    ("reports", "subject_user_id", "- reports about the member: given through the builders (who reported is protected)"),
    ("reports", "handled_by", "- a builder's handling of reports: their work"),
    ("second_factors", "user_id", "- the two-step secret, sealed: a secret"),
    ("sessions", "user_id", "- sign-in sessions, kept only as hashes: secrets"),
    ("sign_in_challenges", "user_id", "- a sign-in half done, for minutes: a secret"),
    ("thanks", "from_id", "thanks"),
    ("thanks", "to_id", "thanks"),
    ("transfers", "recorded_by", "hours"),
    ("trusted_devices", "user_id", "- remembered devices, kept only as hashes: secrets"),
    ("vetting", "user_id", "- the builders' vetting checklist: given on a subject access request through the builders"),
    ("vetting", "updated_by", "- a builder's vetting work"),
];

fn file_name(extension: &str) -> String {
    format!("timeweave-my-data-{}.{extension}", crate::util::iso_date(crate::util::now()))
}

pub async fn my_data_json(State(st): State<AppState>, headers: HeaderMap) -> Response {
    let file = build(&st, &headers).await.and_then(|d| serde_json::to_vec_pretty(&d).map_err(crate::error::unexpected));
    crate::platform::csv::private_file("application/json; charset=utf-8", file.map(|body| (file_name("json"), body)))
}

/// The same as a CSV: one row per value (section, item, field, value), so every part opens
/// in a spreadsheet.
pub async fn my_data_csv(State(st): State<AppState>, headers: HeaderMap) -> Response {
    let file = build(&st, &headers).await.and_then(|d| serde_json::to_value(&d).map_err(crate::error::unexpected)).and_then(|v| {
        let mut w = csv::Writer::from_writer(vec![]);
        w.write_record(["section", "item", "field", "value"]).map_err(crate::error::unexpected)?;
        for r in flatten(&v) {
            w.write_record(&r).map_err(crate::error::unexpected)?;
        }
        w.into_inner().map_err(crate::error::unexpected)
    });
    crate::platform::csv::download(file.map(|body| (file_name("csv"), body)))
}

/// Every leaf of the data as (section, item number, field path, value).
pub fn flatten(v: &serde_json::Value) -> Vec<[String; 4]> {
    use serde_json::Value;
    fn leaves(v: &Value, path: String, out: &mut Vec<(String, String)>) {
        match v {
            Value::Object(m) => m.iter().for_each(|(k, x)| leaves(x, if path.is_empty() { k.clone() } else { format!("{path}.{k}") }, out)),
            Value::Array(a) => a.iter().enumerate().for_each(|(i, x)| leaves(x, format!("{path}[{}]", i + 1), out)),
            Value::Null => out.push((path, String::new())),
            Value::String(s) => out.push((path, crate::platform::csv::safe_cell(s))),
            other => out.push((path, other.to_string())),
        }
    }
    let mut out = vec![];
    let Value::Object(sections) = v else { return out };
    for (section, value) in sections {
        match value {
            // An empty section still has its row, so the file shows it was looked at.
            Value::Array(items) if items.is_empty() => out.push([section.clone(), String::new(), String::new(), String::new()]),
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    let mut fields = vec![];
                    leaves(item, String::new(), &mut fields);
                    out.extend(fields.into_iter().map(|(f, x)| [section.clone(), (i + 1).to_string(), f, x]));
                }
            }
            other => {
                let mut fields = vec![];
                leaves(other, String::new(), &mut fields);
                out.extend(fields.into_iter().map(|(f, x)| [section.clone(), String::new(), f, x]));
            }
        }
    }
    out
}

async fn build(st: &AppState, headers: &HeaderMap) -> Result<MyData, AppError> {
    let viewer = crate::platform::request::signed_in_from_headers(st, headers).await?;
    let db = &st.db;
    let me = viewer.user_id.as_str();
    let account = super::store::account_data(db, me).await?.ok_or_else(|| AppError::not_found("account"))?;
    let memberships = super::store::memberships_data(db, me).await?;
    let (closing, _) = super::store::closing_of(db, me).await?;
    let mut exchanges = vec![];
    for e in crate::exchanges::store::mine(db, me).await? {
        let messages = crate::exchanges::store::messages(db, &e.id)
            .await?
            .into_iter()
            .map(|m| MessageData { from: m.display_name, text: m.body, kind: m.kind, at: m.created_at })
            .collect();
        exchanges.push(ExchangeData { exchange: e, messages });
    }
    let mut hours = vec![];
    for m in &memberships {
        let summary =
            crate::ledger::queries::account_summary(db, &m.network_id, &AccountRef::Member(me.to_string()), &account.display_name, 1, 0)
                .await?;
        hours.push(HoursData { network: m.network.clone(), balance_minutes: summary.balance_minutes, statement: summary.statement });
    }
    let data = MyData {
        exported_at: crate::util::format_date_time(crate::util::now()),
        about_this_file:
            "Everything Timeweave holds about you as a member. Times are seconds since 1 January 1970 (UTC); hours are in minutes.",
        account,
        memberships,
        roles: super::store::roles_of(db, me).await?,
        professional: super::store::professional_of(db, me).await?,
        closing_asked_at: closing.map(|(asked, _)| asked),
        photo_jpeg_base64: super::store::photo_image(db, me).await?.map(|b| {
            use base64::Engine;
            base64::engine::general_purpose::STANDARD.encode(b)
        }),
        area_moves: crate::community::store::moves_of(db, me).await?,
        alerts_on_phones: crate::push::store::devices_of(db, me).await?,
        listings: crate::listings::store::mine(db, me).await?,
        exchanges,
        thanks: super::store::thanks_of(db, me).await?,
        reports_made: super::store::reports_by(db, me).await?,
        hours,
        notifications: crate::notifications::store::latest(db, me).await?,
        going_along: crate::directory::store::going_of(db, me).await?,
        actions_on_your_account: crate::audit::about_member(db, me).await?,
    };
    Ok(data)
}
