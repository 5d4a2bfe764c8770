//! The rules of the insight pages, pure: periods, small-number protection, the cells and
//! tables the dashboard shows (and exports), and the geometry of its charts.
//!
//! Everything here works on raw figures (`Figures`, read by `store`) and knows nothing of
//! the database, so the tests can feed it any numbers.
//!
//! - `period`: the days a page covers, quarters, and the weeks or months of the charts;
//! - `figures`: the raw figures, the focus (network, locality, organisation), labels, statistics;
//! - `privacy`: hiding counts from 1 to 4, and whatever would give them away;
//! - `table`: cells and tables, as shown and as written to CSV;
//! - `dashboard`: the dashboard's counts, gathered and protected; `sections` and
//!   `comparison` lay out its tables;
//! - `charts`: the scale and bar lengths of a chart.

mod charts;
mod comparison;
mod dashboard;
mod figures;
mod period;
mod privacy;
mod sections;
mod table;

pub use charts::{bar_lengths, nice_ceiling};
pub use dashboard::dashboard;
pub use figures::{
    kind_label, median, per_thousand, share, status_label, DayGroup, Figures, Focus, Locality, MemberCounts, OutcomeChange, ReferralFact,
    TransferGroup, ACTIVE_DAYS, HELP_KINDS, UNANSWERED_DAYS, WELLBEING_MEASURES,
};
pub use period::{Bucket, Period, MAX_DAYS};
pub use privacy::{is_small, pins_down, protect, Vis};
pub use table::{hours_text, Cell, Chart, Table};

#[cfg(test)]
mod tests;
