//! Cells and tables: what the dashboard, the report and the CSV files show, and how each
//! kind of figure reads on the page and in a file.

use super::privacy::Vis;
use serde::{Deserialize, Serialize};

/// One figure of a table.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Cell {
    Text(String),
    Count(u64),
    /// Minutes, shown as hours.
    Hours(i64),
    /// Per 1,000 residents.
    Rate(f64),
    /// A share in per cent, with what it is a share of.
    Share(f64),
    /// Days, one decimal.
    Days(f64),
    /// A mean change, signed.
    Change(f64),
    Hidden(Vis),
    /// Nothing to show, and why ("no population set").
    Blank(String),
}

fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Whole hours to one decimal place, "1,234.5".
pub fn hours_text(minutes: i64) -> String {
    let tenths = (minutes as f64 / 6.0).round() as i64;
    let sign = if tenths < 0 { "-" } else { "" };
    let t = tenths.unsigned_abs();
    format!("{sign}{}.{}", thousands(t / 10), t % 10)
}

impl Cell {
    pub fn count(n: u64, vis: Vis) -> Cell {
        if vis.hidden() {
            Cell::Hidden(vis)
        } else {
            Cell::Count(n)
        }
    }

    /// As shown on the page (hours as the rest of the app writes them: "5 h 48 min").
    pub fn display(&self) -> String {
        match self {
            Cell::Text(s) | Cell::Blank(s) => s.clone(),
            Cell::Count(n) => thousands(*n),
            Cell::Hours(m) => crate::ledger::domain::Minutes(*m).display(),
            Cell::Rate(r) => format!("{r:.1}"),
            Cell::Share(p) => format!("{p:.0}%"),
            Cell::Days(d) => format!("{d:.1}"),
            Cell::Change(c) if *c > 0.0 => format!("+{c:.2}"),
            Cell::Change(c) => format!("{c:.2}"),
            Cell::Hidden(Vis::FewerThan5) => "fewer than 5".into(),
            Cell::Hidden(_) => "withheld".into(),
        }
    }

    /// As written to a CSV file: plain numbers, no thousands separators.
    pub fn csv(&self) -> String {
        match self {
            Cell::Count(n) => n.to_string(),
            Cell::Hours(m) => hours_text(*m).replace(',', ""),
            Cell::Share(p) => format!("{p:.1}"),
            Cell::Rate(_) | Cell::Days(_) | Cell::Change(_) | Cell::Text(_) | Cell::Blank(_) | Cell::Hidden(_) => self.display(),
        }
    }

    /// The number a chart draws, if it may be drawn.
    pub fn number(&self) -> Option<f64> {
        match self {
            Cell::Count(n) => Some(*n as f64),
            Cell::Hours(m) => Some(*m as f64 / 60.0),
            Cell::Rate(r) | Cell::Share(r) | Cell::Days(r) | Cell::Change(r) => Some(*r),
            _ => None,
        }
    }

    pub fn is_number(&self) -> bool {
        !matches!(self, Cell::Text(_))
    }
}

/// A chart drawn from one column of a table.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Chart {
    pub title: String,
    pub column: usize,
    /// Bars side by side over time (true) or one bar per row, across the page (false).
    pub over_time: bool,
}

/// One table of the dashboard, with its total row and the charts drawn from it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Table {
    /// Used in the CSV address and the element ids.
    pub slug: String,
    pub title: String,
    pub note: String,
    pub columns: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
    pub total: Option<Vec<Cell>>,
    pub charts: Vec<Chart>,
}
