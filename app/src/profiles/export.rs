//! A member's own data, as one JSON file from Account (`GET /account/my-data.json`): the
//! account, memberships, listings, exchanges with their messages, hours (every statement
//! line), notifications, the What's on dates they said they were going to, the photo,
//! requests to move area, the phones that get alerts, and the actions taken on the account
//! as the member sees them.

use crate::error::AppError;
use crate::ledger::store::AccountRef;
use crate::platform::state::AppState;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use http::{header, HeaderMap, StatusCode};
use serde::Serialize;

#[derive(Serialize)]
struct MyData {
    exported_at: String,
    about_this_file: &'static str,
    account: super::store::AccountData,
    memberships: Vec<super::store::MembershipData>,
    /// The photo as kept (a JPEG), base64-encoded; `null` when there is none.
    photo_jpeg_base64: Option<String>,
    area_moves: Vec<crate::community::AreaMoveView>,
    /// The browsers that get alerts: each one's push service (its host only).
    alerts_on_phones: Vec<crate::push::store::Device>,
    listings: Vec<crate::listings::ListingCard>,
    exchanges: Vec<ExchangeData>,
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

pub async fn my_data_json(State(st): State<AppState>, headers: HeaderMap) -> Response {
    match build(&st, &headers).await {
        Ok(body) => (
            [
                (header::CONTENT_TYPE, "application/json; charset=utf-8".to_string()),
                (
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"timeweave-my-data-{}.json\"", crate::util::iso_date(crate::util::now())),
                ),
                (header::CACHE_CONTROL, "private, no-store".to_string()),
            ],
            body,
        )
            .into_response(),
        Err(e) => (StatusCode::from_u16(e.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR), e.to_string()).into_response(),
    }
}

async fn build(st: &AppState, headers: &HeaderMap) -> Result<Vec<u8>, AppError> {
    let viewer = crate::platform::request::signed_in_from_headers(st, headers).await?;
    let db = &st.db;
    let me = viewer.user_id.as_str();
    let account = super::store::account_data(db, me).await?.ok_or_else(|| AppError::not_found("account"))?;
    let memberships = super::store::memberships_data(db, me).await?;
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
        photo_jpeg_base64: super::store::photo_image(db, me).await?.map(|b| {
            use base64::Engine;
            base64::engine::general_purpose::STANDARD.encode(b)
        }),
        area_moves: crate::community::store::moves_of(db, me).await?,
        alerts_on_phones: crate::push::store::devices_of(db, me).await?,
        listings: crate::listings::store::mine(db, me).await?,
        exchanges,
        hours,
        notifications: crate::notifications::store::latest(db, me).await?,
        going_along: crate::directory::store::going_of(db, me).await?,
        actions_on_your_account: crate::audit::about_member(db, me).await?,
    };
    serde_json::to_vec_pretty(&data).map_err(crate::error::unexpected)
}
