//! Small-number protection: counts from 1 to 4 are hidden, and further counts are withheld
//! wherever a total or a neighbouring count would give a hidden one away. A count shown in
//! several tables ([`Linked`]) is shown the same way in each.

use super::figures::share;
use super::table::Cell;
use serde::{Deserialize, Serialize};

/// How a count is shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Vis {
    Shown,
    /// A count from 1 to 4.
    FewerThan5,
    /// A larger count hidden so that a small one next to it cannot be worked out.
    Withheld,
}

impl Vis {
    pub fn hidden(self) -> bool {
        self != Vis::Shown
    }
}

pub fn is_small(n: u64) -> bool {
    (1..=4).contains(&n)
}

/// Protects one group of counts that add up to `total` (the rows of a table and its total
/// row). Counts from 1 to 4 are hidden; then, while the total still pins down any hidden
/// count (one hidden cell, or hidden cells that can only be all 1s or all 4s), the
/// smallest shown non-zero count is withheld too, and if none is left, the total.
pub fn protect(parts: &[u64], total: u64) -> (Vec<Vis>, Vis) {
    let mut vis: Vec<Vis> = parts.iter().map(|&p| if is_small(p) { Vis::FewerThan5 } else { Vis::Shown }).collect();
    if is_small(total) {
        return (vis, Vis::FewerThan5);
    }
    let mut total_vis = Vis::Shown;
    while pins_down(parts, total, &vis) {
        let smallest = (0..parts.len()).filter(|&i| vis[i] == Vis::Shown && parts[i] > 0).min_by_key(|&i| parts[i]);
        match smallest {
            Some(i) => vis[i] = Vis::Withheld,
            None => {
                total_vis = Vis::Withheld;
                break;
            }
        }
    }
    (vis, total_vis)
}

/// Whether someone who knows the total, the shown counts and what "fewer than 5" and
/// "withheld" mean could work out any hidden count exactly.
pub fn pins_down(parts: &[u64], total: u64, vis: &[Vis]) -> bool {
    let hidden: Vec<usize> = (0..parts.len()).filter(|&i| vis[i].hidden()).collect();
    if hidden.is_empty() {
        return false;
    }
    let shown: i64 = (0..parts.len()).filter(|&i| !vis[i].hidden()).map(|i| parts[i] as i64).sum();
    let rest = total as i64 - shown;
    // Someone who knows the method knows a withheld count is no bigger than any count
    // still shown (the smallest shown is withheld first).
    let cap = (0..parts.len()).filter(|&i| !vis[i].hidden() && parts[i] > 0).map(|i| parts[i] as i64).min().unwrap_or(rest).min(rest);
    let range = |v: Vis| match v {
        Vis::FewerThan5 => (1, 4),
        _ => (5, cap.max(5)),
    };
    hidden.iter().any(|&i| {
        let (lo_i, hi_i) = range(vis[i]);
        let others_lo: i64 = hidden.iter().filter(|&&j| j != i).map(|&j| range(vis[j]).0).sum();
        let others_hi: i64 = hidden.iter().filter(|&&j| j != i).map(|&j| range(vis[j]).1).sum();
        let lo = lo_i.max(rest - others_hi);
        let hi = hi_i.min(rest - others_lo);
        lo >= hi
    })
}

/// A count, its visibility settled across every table it appears in.
#[derive(Clone, Copy, Debug)]
pub(super) struct Linked {
    pub n: u64,
    pub vis: Vis,
}

impl Linked {
    pub fn new(n: u64, exact: bool) -> Linked {
        Linked { n, vis: if !exact && is_small(n) { Vis::FewerThan5 } else { Vis::Shown } }
    }
    /// Withheld when a count it must be hidden with is hidden.
    pub fn hide_if(&mut self, other: Vis) {
        if self.vis == Vis::Shown && other.hidden() {
            self.vis = Vis::Withheld;
        }
    }
    pub fn cell(&self) -> Cell {
        Cell::count(self.n, self.vis)
    }
}

/// [`protect`], unless the viewer sees exact counts.
pub(super) fn protect_for(parts: &[u64], total: u64, exact: bool) -> (Vec<Vis>, Vis) {
    if exact {
        (vec![Vis::Shown; parts.len()], Vis::Shown)
    } else {
        protect(parts, total)
    }
}

/// When a breakdown's total is hidden, one of its non-zero rows must be too, or adding up
/// the rows gives the total back.
fn keep_total_hidden(parts: &[u64], vis: &mut [Vis], total: Vis) {
    if total.hidden() && !(0..parts.len()).any(|i| parts[i] > 0 && vis[i].hidden()) {
        if let Some(i) = (0..parts.len()).filter(|&i| parts[i] > 0).min_by_key(|&i| parts[i]) {
            vis[i] = Vis::Withheld;
        }
    }
}

/// A part of a whole shown next to it (reached a first exchange, of referrals): protected
/// together with the rest of the whole, so neither can be worked out from the other.
pub(super) fn part_of(part: u64, whole: &mut Linked, exact: bool) -> Linked {
    if exact {
        return Linked { n: part, vis: Vis::Shown };
    }
    let (v, total) = protect(&[part, whole.n.saturating_sub(part)], whole.n);
    whole.hide_if(total);
    Linked { n: part, vis: v[0] }
}

/// A part's share of its whole, withheld if either is hidden.
pub(super) fn share_cell(part: Linked, of: Linked) -> Cell {
    if part.vis.hidden() || of.vis.hidden() {
        return Cell::Hidden(Vis::Withheld);
    }
    share(part.n, of.n).map(Cell::Share).unwrap_or_else(|| Cell::Blank("none".into()))
}

/// The rows of a table that break a [`Linked`] total down, protected as a group with it.
#[derive(Clone, Debug, Default)]
pub(super) struct Breakdown {
    pub labels: Vec<String>,
    pub parts: Vec<u64>,
    pub vis: Vec<Vis>,
}

impl Breakdown {
    /// Protects the rows against their total, withholding the total too where the rows
    /// would give it away.
    pub fn new(rows: Vec<(String, u64)>, total: &mut Linked, exact: bool) -> Breakdown {
        let (labels, parts): (Vec<String>, Vec<u64>) = rows.into_iter().unzip();
        let (vis, total_vis) = protect_for(&parts, total.n, exact);
        total.hide_if(total_vis);
        Breakdown { labels, parts, vis }
    }

    /// Once the total is settled: if it is hidden, a row stays hidden too.
    pub fn settle(&mut self, total: &Linked) {
        keep_total_hidden(&self.parts, &mut self.vis, total.vis);
    }

    /// Row `i`'s count, as shown.
    pub fn cell(&self, i: usize) -> Cell {
        Cell::count(self.parts[i], self.vis[i])
    }
}
