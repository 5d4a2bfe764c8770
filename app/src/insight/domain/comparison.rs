//! The comparison of a whole network's localities, per 1,000 residents. Its columns are
//! protected against the network's totals, so it is built before the other tables and
//! may withhold a total they show.

use super::dashboard::{counts, is_help, localities_in, signed, Help, Members, Referrals};
use super::figures::{per_thousand, Figures, Focus, Locality, MemberCounts};
use super::privacy::{Breakdown, Linked, Vis};
use super::table::{Cell, Table};

/// The table of localities compared; withholds the network's totals where its columns
/// would give a small count away.
pub(super) fn localities_compared(fig: &Figures, help: &mut Help, m: &mut Members, r: &mut Referrals, exact: bool) -> Table {
    let locs = localities_in(fig, &Focus::Network);
    let per_locality = |f: &dyn Fn(&Locality) -> u64| -> Vec<(String, u64)> { locs.iter().map(|l| (l.name.clone(), f(l))).collect() };
    let of_members = |f: fn(&MemberCounts) -> u64| per_locality(&|l| f(&counts(fig, l)));
    let exchanges =
        per_locality(&|l| fig.transfers.iter().filter(|t| t.locality == l.id && is_help(&t.kind) && !t.reversal).map(|t| t.count).sum());
    let referrals = per_locality(&|l| r.facts.iter().filter(|f| f.locality == l.id).count() as u64);
    // Each column is protected against its total, which is withheld where the column needs it.
    let mut columns = [
        ("Members", Breakdown::new(of_members(|c| c.members), &mut m.members, exact)),
        ("Active members", Breakdown::new(of_members(|c| c.active), &mut m.active, exact)),
        ("New members", Breakdown::new(of_members(|c| c.new_members), &mut m.new_members, exact)),
        ("Exchanges", Breakdown::new(exchanges, &mut help.helped, exact)),
        ("Referrals", Breakdown::new(referrals, &mut r.made, exact)),
    ];
    // Every total is settled now: a column whose total is hidden keeps a row hidden.
    let totals = [m.members, m.active, m.new_members, help.helped, r.made];
    for ((_, column), total) in columns.iter_mut().zip(&totals) {
        column.settle(total);
    }
    let rows = locs
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let minutes: i64 =
                fig.transfers.iter().filter(|t| t.locality == l.id && is_help(&t.kind)).map(|t| signed(t.reversal, t.minutes)).sum();
            locality_row(l, &columns, i, minutes)
        })
        .collect();
    let mut names = vec!["Locality".to_string(), "Residents".to_string()];
    names.extend(columns.iter().map(|(n, _)| format!("{n} per 1,000 residents")));
    names.push("Hours exchanged per 1,000 residents".into());
    Table {
        slug: "localities".into(),
        title: "Localities compared, per 1,000 residents".into(),
        note: "Residents are each locality's population as set by the network. Exchanges and hours count in the locality of the member who gave the help.".into(),
        columns: names,
        rows,
        total: Some(network_row(&locs, &totals, help.minutes)),
        charts: vec![],
    }
}

/// One locality's row: its residents, each column per 1,000 of them, and the hours.
fn locality_row(l: &Locality, columns: &[(&str, Breakdown)], i: usize, minutes: i64) -> Vec<Cell> {
    let mut row =
        vec![Cell::Text(l.name.clone()), l.population.map(|p| Cell::Count(p as u64)).unwrap_or_else(|| Cell::Blank("not set".into()))];
    for (_, column) in columns {
        row.push(rate(column.parts[i], column.vis[i], l.population));
    }
    row.push(hours_rate(minutes, l.population));
    row
}

/// The whole network's row, from its settled totals (residents only if every locality has them).
fn network_row(locs: &[&Locality], totals: &[Linked], minutes: i64) -> Vec<Cell> {
    let population: i64 = locs.iter().filter_map(|l| l.population).sum();
    let pop = locs.iter().all(|l| l.population.is_some()).then_some(population);
    let mut row = vec![
        Cell::Text("The whole network".into()),
        pop.map(|p| Cell::Count(p as u64)).unwrap_or_else(|| Cell::Blank("not set for every locality".into())),
    ];
    for total in totals {
        row.push(rate(total.n, total.vis, pop));
    }
    row.push(hours_rate(minutes, pop));
    row
}

/// A count per 1,000 residents, unless it is hidden.
fn rate(n: u64, vis: Vis, pop: Option<i64>) -> Cell {
    if vis.hidden() {
        return Cell::Hidden(vis);
    }
    per_thousand(n, pop).map(Cell::Rate).unwrap_or_else(|| Cell::Blank("no population set".into()))
}

/// Hours per 1,000 residents.
fn hours_rate(minutes: i64, pop: Option<i64>) -> Cell {
    pop.filter(|p| *p > 0)
        .map(|p| Cell::Rate(minutes as f64 / 60.0 * 1000.0 / p as f64))
        .unwrap_or_else(|| Cell::Blank("no population set".into()))
}
