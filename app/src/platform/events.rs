//! Security events: written to the log (tracing, structured, target `security`) and kept in
//! `security_events`, which site admins read at `/admin/security`. Never a password, code,
//! token or health detail: only what happened, to which account or path, and from where.

use crate::platform::db::Db;
use crate::util::{new_id, now};
use serde::{Deserialize, Serialize};

/// What happened.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum EventKind {
    SignInFailed,
    SignInThrottled,
    /// An account reached its limit of wrong passwords from unknown devices.
    AccountLocked,
    UnlockLinkSent,
    UnlockUsed,
    CodeWrong,
    CodeThrottled,
    TwoStepOn,
    TwoStepOff,
    PasswordChanged,
    PasswordReset,
    /// A limit on joining, resets or self-referral.
    RateLimited,
    CrossOriginRefused,
    Forbidden,
    MalformedRequest,
    PartnerTokenUsed,
    PartnerTokenRefused,
}

impl EventKind {
    pub const ALL: [EventKind; 17] = [
        EventKind::SignInFailed,
        EventKind::SignInThrottled,
        EventKind::AccountLocked,
        EventKind::UnlockLinkSent,
        EventKind::UnlockUsed,
        EventKind::CodeWrong,
        EventKind::CodeThrottled,
        EventKind::TwoStepOn,
        EventKind::TwoStepOff,
        EventKind::PasswordChanged,
        EventKind::PasswordReset,
        EventKind::RateLimited,
        EventKind::CrossOriginRefused,
        EventKind::Forbidden,
        EventKind::MalformedRequest,
        EventKind::PartnerTokenUsed,
        EventKind::PartnerTokenRefused,
    ];

    /// The stored code.
    pub fn code(self) -> &'static str {
        match self {
            EventKind::SignInFailed => "sign_in_failed",
            EventKind::SignInThrottled => "sign_in_throttled",
            EventKind::AccountLocked => "account_locked",
            EventKind::UnlockLinkSent => "unlock_link_sent",
            EventKind::UnlockUsed => "unlock_used",
            EventKind::CodeWrong => "code_wrong",
            EventKind::CodeThrottled => "code_throttled",
            EventKind::TwoStepOn => "two_step_on",
            EventKind::TwoStepOff => "two_step_off",
            EventKind::PasswordChanged => "password_changed",
            EventKind::PasswordReset => "password_reset",
            EventKind::RateLimited => "rate_limited",
            EventKind::CrossOriginRefused => "cross_origin_refused",
            EventKind::Forbidden => "forbidden",
            EventKind::MalformedRequest => "malformed_request",
            EventKind::PartnerTokenUsed => "partner_token_used",
            EventKind::PartnerTokenRefused => "partner_token_refused",
        }
    }

    pub fn from_code(code: &str) -> Option<EventKind> {
        EventKind::ALL.into_iter().find(|k| k.code() == code)
    }
}

/// One event to keep.
#[derive(Clone, Debug, Default)]
pub struct Event<'a> {
    pub user_id: Option<&'a str>,
    /// The email tried, the path refused, the partner token's label.
    pub subject: &'a str,
    pub client: &'a str,
    pub detail: &'a str,
}

/// Logs and keeps an event. A failure to keep it is logged, never passed on: refusing a
/// sign-in because the event table is busy would help nobody.
pub async fn record(db: &Db, kind: EventKind, event: Event<'_>) {
    let subject: String = event.subject.chars().take(200).collect();
    let detail: String = event.detail.chars().take(500).collect();
    tracing::warn!(
        target: "security",
        kind = kind.code(),
        user = event.user_id.unwrap_or(""),
        subject = %subject,
        client = event.client,
        detail = %detail,
        "security event"
    );
    let kept =
        sqlx::query("INSERT INTO security_events (id, at, kind, user_id, subject, client, detail) VALUES ($1, $2, $3, $4, $5, $6, $7)")
            .bind(new_id())
            .bind(now())
            .bind(kind.code())
            .bind(event.user_id)
            .bind(&subject)
            .bind(event.client)
            .bind(&detail)
            .execute(&db.pool)
            .await;
    if let Err(e) = kept {
        tracing::error!(target: "security", "could not keep a security event: {e}");
    }
}

/// The marker a server function leaves on its response (through [`crate::platform::request::finish`])
/// for the middleware to record a refusal with the request's path and address.
pub const EVENT_HEADER: &str = "x-timeweave-event";
