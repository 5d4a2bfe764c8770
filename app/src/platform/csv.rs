//! CSV downloads, shared by every feature that offers one (statements, the audit trail,
//! insight tables): the response with its headers, and cells that are safe to open in a
//! spreadsheet.

use crate::error::AppError;
use axum::response::{IntoResponse, Response};
use http::{header, StatusCode};

/// A CSV file as a private download (never cached), or the error with its status.
pub fn download(file: Result<(String, Vec<u8>), AppError>) -> Response {
    private_file("text/csv; charset=utf-8", file)
}

/// A file of any type as a private download (never cached), or the error with its status.
pub fn private_file(content_type: &str, file: Result<(String, Vec<u8>), AppError>) -> Response {
    match file {
        Ok((name, body)) => (
            [
                (header::CONTENT_TYPE, content_type.to_string()),
                (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{name}\"")),
                (header::CACHE_CONTROL, "private, no-store".to_string()),
            ],
            body,
        )
            .into_response(),
        Err(e) => (StatusCode::from_u16(e.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR), e.to_string()).into_response(),
    }
}

/// Text people typed must not run as a formula when the file is opened in a spreadsheet.
pub fn safe_cell(s: &str) -> String {
    match s.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{s}"),
        _ => s.to_string(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn formulas_are_defused() {
        assert_eq!(super::safe_cell("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(super::safe_cell("Gardening"), "Gardening");
    }
}
