//! The one application error type.
//!
//! Every server function returns `Result<T, AppError>`. Inside the server, storage and
//! I/O failures are logged with their detail and become [`AppError::Unexpected`] with a
//! short reference the user can quote; nothing internal leaks to the page. Each variant
//! maps to one HTTP status ([`AppError::status`]) and one plain-words message (`Display`).
//!
//! Form problems carry the fields' messages *and* the values the person typed (never
//! passwords), because without JavaScript the error travels through a redirect and the
//! page must show the form again as it was.

use serde::{Deserialize, Serialize};
use server_fn_compat::*;

/// The end of the value name under which a field's choices are kept.
const CHOICES: &str = "__choices";

/// A form that could not be accepted: one message per field, and the values to put back.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormProblem {
    /// Shown above the form, e.g. "Please check 2 answers".
    pub summary: String,
    /// (field name, message) in form order.
    pub fields: Vec<(String, String)>,
    /// (field name, value) the person typed, to fill the form again. Never secrets.
    pub values: Vec<(String, String)>,
}

impl FormProblem {
    pub fn new() -> Self {
        Self::default()
    }
    /// Adds a message for a field.
    pub fn field(mut self, name: &str, message: impl Into<String>) -> Self {
        self.fields.push((name.to_string(), message.into()));
        self
    }
    pub fn push(&mut self, name: &str, message: impl Into<String>) {
        self.fields.push((name.to_string(), message.into()));
    }
    /// Keeps a typed value so the form can be shown again with it.
    pub fn keep(mut self, name: &str, value: &str) -> Self {
        self.values.push((name.to_string(), value.chars().take(4000).collect()));
        self
    }
    /// Keeps the people (id, words) a field found, for the form to offer as choices.
    pub fn keep_choices(&mut self, name: &str, choices: Vec<(String, String)>) {
        let joined = choices.into_iter().map(|(id, label)| format!("{id}\u{1f}{label}")).collect::<Vec<_>>().join("\u{1e}");
        self.values.push((format!("{name}{CHOICES}"), joined));
    }
    /// The choices [`Self::keep_choices`] kept for a field.
    pub fn choices_for(&self, name: &str) -> Vec<(String, String)> {
        self.value_for(&format!("{name}{CHOICES}"))
            .map(|v| {
                v.split('\u{1e}').filter_map(|c| c.split_once('\u{1f}')).map(|(id, label)| (id.to_string(), label.to_string())).collect()
            })
            .unwrap_or_default()
    }
    pub fn is_empty(&self) -> bool {
        self.fields.is_empty() && self.summary.is_empty()
    }
    pub fn message_for(&self, name: &str) -> Option<String> {
        self.fields.iter().find(|(n, _)| n == name).map(|(_, m)| m.clone())
    }
    pub fn value_for(&self, name: &str) -> Option<String> {
        self.values.iter().find(|(n, _)| n == name).map(|(_, v)| v.clone())
    }
    /// Turns the collected problems into an error, or `Ok(())` when there are none.
    pub fn into_result(mut self) -> Result<(), AppError> {
        if self.fields.is_empty() && self.summary.is_empty() {
            return Ok(());
        }
        if self.summary.is_empty() {
            self.summary = match self.fields.len() {
                1 => "Please check the answer marked below.".to_string(),
                n => format!("Please check the {n} answers marked below."),
            };
        }
        Err(AppError::Invalid(self))
    }
}

/// A reason, a note or a message from a builder: required, trimmed, at most `max` characters.
pub fn read_text(problem: &mut FormProblem, name: &str, text: &str, what: &str, max: usize) -> Option<String> {
    let t = text.trim();
    if t.is_empty() {
        problem.push(name, format!("Write {what}."));
        None
    } else if t.chars().count() > max {
        problem.push(name, format!("Keep it to {max} characters or fewer."));
        None
    } else if crate::util::has_control_chars(t) {
        problem.push(name, "Please remove the unusual characters.");
        None
    } else {
        Some(t.to_string())
    }
}

/// What went wrong, in terms the person using the page can act on.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    #[error("{}", .0.summary)]
    Invalid(FormProblem),
    #[error("Please sign in to continue.")]
    Unauthenticated,
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Conflict(String),
    #[error("{message}")]
    TooManyAttempts { message: String, retry_after_secs: u64 },
    #[error("Something went wrong on our side and nothing was saved. Please try again. If it keeps happening, tell us this reference: {reference}")]
    Unexpected { reference: String },
    /// The request itself could not be read or sent (a server-function transport error).
    #[error("We could not send that. Please check your connection and try again. ({0})")]
    Transport(String),
}

impl AppError {
    pub fn forbidden() -> Self {
        AppError::Forbidden("You do not have permission to do that.".to_string())
    }
    pub fn not_found(what: &str) -> Self {
        AppError::NotFound(format!("We could not find that {what}."))
    }
    /// One problem with one field, keeping nothing else.
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        AppError::Invalid(FormProblem { summary: String::new(), fields: vec![(field.to_string(), message.into())], values: vec![] })
            .with_default_summary()
    }
    fn with_default_summary(self) -> Self {
        match self {
            AppError::Invalid(p) => match p.into_result() {
                Err(e) => e,
                Ok(()) => AppError::Invalid(FormProblem::default()),
            },
            other => other,
        }
    }
    /// The form problem, if this is one.
    pub fn problem(&self) -> Option<&FormProblem> {
        match self {
            AppError::Invalid(p) => Some(p),
            _ => None,
        }
    }
    /// The HTTP status this error answers with.
    pub fn status(&self) -> u16 {
        match self {
            AppError::Invalid(_) => 422,
            AppError::Unauthenticated => 401,
            AppError::Forbidden(_) => 403,
            AppError::NotFound(_) => 404,
            AppError::Conflict(_) => 409,
            AppError::TooManyAttempts { .. } => 429,
            AppError::Unexpected { .. } => 500,
            AppError::Transport(_) => 400,
        }
    }
}

/// `FromServerFnError` lets server functions return `AppError` directly.
mod server_fn_compat {
    pub use leptos::server_fn::codec::JsonEncoding;
    pub use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;
    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        AppError::Transport(value.to_string())
    }
}

#[cfg(feature = "ssr")]
mod ssr {
    use super::AppError;

    /// Logs the real cause with a short reference and returns the friendly error.
    pub fn unexpected(cause: impl std::fmt::Display) -> AppError {
        let reference = crate::util::new_id()[..8].to_string();
        tracing::error!(reference = %reference, "unexpected error: {cause:#}");
        AppError::Unexpected { reference }
    }

    impl From<sqlx::Error> for AppError {
        fn from(e: sqlx::Error) -> Self {
            unexpected(anyhow::Error::from(e))
        }
    }
    impl From<anyhow::Error> for AppError {
        fn from(e: anyhow::Error) -> Self {
            unexpected(e)
        }
    }
}
#[cfg(feature = "ssr")]
pub use ssr::unexpected;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_problem_summary_counts_fields() {
        let err = FormProblem::new().field("email", "x").field("password", "y").into_result();
        match err {
            Err(AppError::Invalid(p)) => assert_eq!(p.summary, "Please check the 2 answers marked below."),
            other => panic!("unexpected {other:?}"),
        }
        assert!(FormProblem::new().into_result().is_ok());
    }

    #[test]
    fn errors_round_trip_through_json() {
        let e = AppError::invalid("email", "Enter an email address");
        let s = serde_json::to_string(&e).unwrap();
        let back: AppError = serde_json::from_str(&s).unwrap();
        assert_eq!(back, e);
        assert_eq!(back.status(), 422);
    }
}
