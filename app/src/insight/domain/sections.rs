//! The dashboard's tables, one function each, laid out from counts whose protection is
//! already settled (see [`super::dashboard`]).

use super::dashboard::{Help, Members, Referrals};
use super::figures::{kind_label, status_label, Figures, Focus, OutcomeChange, WELLBEING_MEASURES};
use super::period::Period;
use super::privacy::{is_small, share_cell, Breakdown, Linked, Vis};
use super::table::{Cell, Chart, Table};

/// The transfer kinds of the "by kind" table, in its order.
const KINDS: [&str; 6] = ["exchange", "organisation", "grant", "donation", "starting_credit", "adjustment"];

/// A breakdown's rows: each label (in words, through `label`) and its count.
fn count_rows(rows: &Breakdown, label: impl Fn(&str) -> String) -> Vec<Vec<Cell>> {
    (0..rows.parts.len()).map(|i| vec![Cell::Text(label(&rows.labels[i])), rows.cell(i)]).collect()
}

/// "The period at a glance".
pub(super) fn summary(help: &Help, m: &Members, r: &Referrals, focus: &Focus) -> Table {
    let mut summary = vec![
        ("Members at the end of the period", m.members.cell()),
        ("Active members (an exchange in the 90 days to the end of the period)", m.active.cell()),
        ("New members who joined in the period", m.new_members.cell()),
        ("Exchanges completed", help.helped.cell()),
        ("Hours exchanged", Cell::Hours(help.minutes)),
        ("Active members who both gave and received", m.both.cell()),
        ("Reciprocity: share of active members who both gave and received", share_cell(m.both, m.active)),
        ("Requests posted in the period (30 days ago or more)", m.posted.cell()),
        ("Requests left unanswered for 30 days", m.unanswered.cell()),
        ("Share of those requests left unanswered", share_cell(m.unanswered, m.posted)),
        ("Referrals made in the period", r.made.cell()),
        ("Referred people who reached a first exchange", r.reached.cell()),
        ("Share of referred people who reached a first exchange", share_cell(r.reached, r.made)),
    ];
    summary.push((
        "Median days from referral to first exchange",
        match r.median_days {
            _ if r.reached.vis.hidden() => Cell::Hidden(Vis::Withheld),
            Some(d) => Cell::Days(d),
            None => Cell::Blank("none yet".into()),
        },
    ));
    // Members counts are not part of the organisation view.
    if *focus == Focus::Organisation {
        summary.retain(|(name, _)| name.contains("eferr"));
    }
    Table {
        slug: "summary".into(),
        title: "The period at a glance".into(),
        note: String::new(),
        columns: vec!["Measure".into(), "Figure".into()],
        rows: summary.into_iter().map(|(k, v)| vec![Cell::Text(k.into()), v]).collect(),
        total: None,
        charts: vec![],
    }
}

/// Exchanges and hours per week (a period of up to 100 days) or month.
pub(super) fn over_time(help: &Help, period: &Period) -> Table {
    let t = &help.over_time;
    Table {
        slug: "over-time".into(),
        title: "Exchanges and hours over time".into(),
        note: "Hours undone later by a builder are taken off in the week or month they were undone.".into(),
        columns: vec![if period.days() <= 100 { "Week" } else { "Month" }.into(), "Exchanges".into(), "Hours".into()],
        rows: (0..t.parts.len()).map(|i| vec![Cell::Text(t.labels[i].clone()), t.cell(i), Cell::Hours(help.time_minutes[i])]).collect(),
        total: Some(vec![Cell::Text("Total".into()), help.helped.cell(), Cell::Hours(help.minutes)]),
        charts: vec![
            Chart { title: "Hours exchanged".into(), column: 2, over_time: true },
            Chart { title: "Exchanges completed".into(), column: 1, over_time: true },
        ],
    }
}

/// Help by the category of the listing it came from.
pub(super) fn by_category(help: &Help) -> Table {
    let c = &help.by_category;
    Table {
        slug: "by-category".into(),
        title: "Help by category".into(),
        note: "The category of the offer or request the exchange came from. \u{201c}Not from a listing\u{201d} is help a builder recorded, a referred person\u{2019}s first exchange, or help to an organisation.".into(),
        columns: vec!["Category".into(), "Exchanges".into(), "Hours".into()],
        rows: (0..c.parts.len()).map(|i| vec![Cell::Text(c.labels[i].clone()), c.cell(i), Cell::Hours(help.category_minutes[i])]).collect(),
        total: Some(vec![Cell::Text("Total".into()), help.helped.cell(), Cell::Hours(help.minutes)]),
        charts: vec![Chart { title: "Hours by category".into(), column: 2, over_time: false }],
    }
}

/// Every hour moved in the ledger, by kind.
pub(super) fn by_kind(help: &Help, exact: bool) -> Table {
    let all_minutes: i64 = help.kinds.values().map(|k| k.minutes).sum();
    // Hours of a kind made by 1 to 4 transfers are hidden (welcome hours, all the same
    // size, would give the number of new members away), and one more beside a single
    // hidden one, so the total does not give it back.
    let kind_counts: Vec<u64> = KINDS.iter().map(|k| help.kinds.get(*k).map(|v| v.count).unwrap_or(0)).collect();
    let kind_hours: Vec<i64> = KINDS.iter().map(|k| help.kinds.get(*k).map(|v| v.minutes).unwrap_or(0)).collect();
    let mut hours_vis: Vec<Vis> = kind_counts.iter().map(|&n| if !exact && is_small(n) { Vis::Withheld } else { Vis::Shown }).collect();
    if hours_vis.iter().filter(|v| v.hidden()).count() == 1 {
        if let Some(i) = (0..KINDS.len()).filter(|&i| !hours_vis[i].hidden() && kind_hours[i] != 0).min_by_key(|&i| kind_hours[i].abs()) {
            hours_vis[i] = Vis::Withheld;
        }
    }
    Table {
        slug: "by-kind".into(),
        title: "All hours that moved, by what they were for".into(),
        note: "Help between members, welcome hours, gifts to the community pool and what the pool gave out, and builders' corrections, from the hours records themselves. A transfer undone by a builder is taken off its kind. Hours moved by fewer than 5 transfers are not shown.".into(),
        columns: vec!["Kind".into(), "Hours".into()],
        rows: KINDS
            .iter()
            .enumerate()
            .map(|(i, k)| {
                let hours = if hours_vis[i].hidden() { Cell::Hidden(hours_vis[i]) } else { Cell::Hours(kind_hours[i]) };
                vec![Cell::Text(kind_label(k).into()), hours]
            })
            .collect(),
        total: Some(vec![Cell::Text("All hours moved".into()), Cell::Hours(all_minutes)]),
        charts: vec![],
    }
}

/// Referrals by the organisation that made them (or "Referred themselves", ...).
pub(super) fn referrals_by_organisation(r: &Referrals) -> Table {
    Table {
        slug: "referrals-by-organisation".into(),
        title: "Referrals by where they came from".into(),
        note: String::new(),
        columns: vec!["Referred by".into(), "Referrals".into()],
        rows: count_rows(&r.by_organisation, str::to_string),
        total: Some(vec![Cell::Text("Total".into()), r.made.cell()]),
        charts: vec![],
    }
}

/// Referrals by their status now.
pub(super) fn referrals_by_status(r: &Referrals) -> Table {
    Table {
        slug: "referrals-by-status".into(),
        title: "Referrals by where they stand now".into(),
        note: String::new(),
        columns: vec!["Status".into(), "Referrals".into()],
        rows: count_rows(&r.by_status, |s| status_label(s).into()),
        total: Some(vec![Cell::Text("Total".into()), r.made.cell()]),
        charts: vec![],
    }
}

/// The mean change in each wellbeing measure of the referred people followed up in the
/// period, shown only for 5 people or more.
pub(super) fn wellbeing(fig: &Figures, focus: &Focus, exact: bool) -> Table {
    let outcomes: Vec<&OutcomeChange> = fig.outcomes.iter().filter(|o| focus.includes(&o.locality)).collect();
    let people = Linked::new(outcomes.len() as u64, exact);
    let mean = |i: usize| -> Cell {
        if people.vis.hidden() {
            return Cell::Hidden(Vis::Withheld);
        }
        if outcomes.is_empty() {
            return Cell::Blank("none yet".into());
        }
        Cell::Change(outcomes.iter().map(|o| o.change[i] as f64).sum::<f64>() / outcomes.len() as f64)
    };
    Table {
        slug: "wellbeing".into(),
        title: "Wellbeing of referred people: change from joining to follow-up".into(),
        note: "People whose follow-up answers were given in the period and who also answered when they joined. A mean change is shown only for 5 people or more.".into(),
        columns: vec!["Measure".into(), "People".into(), "Mean change".into()],
        rows: WELLBEING_MEASURES.iter().enumerate().map(|(i, m)| vec![Cell::Text((*m).into()), people.cell(), mean(i)]).collect(),
        total: None,
        charts: vec![],
    }
}

/// An organisation's referrals by the locality they went to (the organisation view only).
pub(super) fn referrals_by_locality(r: &Referrals) -> Table {
    Table {
        slug: "referrals-by-locality".into(),
        title: "Referrals by the locality they went to".into(),
        note: String::new(),
        columns: vec!["Locality".into(), "Referrals".into()],
        rows: count_rows(&r.by_locality, str::to_string),
        total: Some(vec![Cell::Text("Total".into()), r.made.cell()]),
        charts: vec![],
    }
}
