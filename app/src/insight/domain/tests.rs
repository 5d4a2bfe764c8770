//! The insight rules on made-up figures: periods, small-number protection (with a property
//! test that no hidden count can be worked out), cells, and the dashboard's tables.

use super::period::midnight;
use super::*;
use proptest::prelude::*;
use std::collections::BTreeMap;

#[test]
fn periods_parse_and_cover_whole_days() {
    let p = Period::parse("2026-07-01", "2026-09-30").unwrap();
    assert_eq!(p, Period::quarter(2026, 3));
    assert_eq!(p.days(), 92);
    assert_eq!(p.quarter_label().as_deref(), Some("July to September 2026"));
    assert_eq!(p.to_iso(), "2026-09-30");
    assert!(Period::parse("2026-09-30", "2026-07-01").is_err());
    assert!(Period::parse("2026-13-01", "2026-12-01").is_err());
    assert!(Period::parse("2010-01-01", "2026-01-01").is_err());
    assert_eq!(Period::parse_quarter("2026-Q4"), Some(Period::quarter(2026, 4)));
    assert_eq!(Period::parse_quarter("2026-Q5"), None);
}

#[test]
fn last_full_quarter_and_twelve_months() {
    let now = midnight(2026, 11, 26) + 3600;
    assert_eq!(Period::last_full_quarter(now), Period::quarter(2026, 3));
    assert_eq!(Period::last_full_quarter(midnight(2026, 2, 1)), Period::quarter(2025, 4));
    let y = Period::last_twelve_months(now);
    assert_eq!(y.from_iso(), "2025-12-01");
    assert_eq!(y.to_iso(), "2026-11-26");
    assert_eq!(y.buckets().len(), 12);
    assert_eq!(y.buckets()[0].label, "Dec 2025");
    let q = Period::quarter(2026, 3).buckets();
    assert_eq!(q.len(), 14);
    assert_eq!(q.last().unwrap().end, Period::quarter(2026, 3).end);
    assert_eq!(Period::recent_quarters(now, 2)[1].1, "2026-Q2");
}

#[test]
fn small_counts_are_hidden_and_cannot_be_subtracted_out() {
    // 3 next to 10 with a total of 13: the 10 must go too.
    let (v, t) = protect(&[3, 10], 13);
    assert_eq!(v, vec![Vis::FewerThan5, Vis::Withheld]);
    assert_eq!(t, Vis::Shown);
    // Two small ones that could only be 4 and 4.
    let (v, t) = protect(&[4, 4], 8);
    assert!(v.iter().all(|x| x.hidden()));
    assert_eq!(t, Vis::Withheld);
    // Nothing small: nothing hidden.
    assert_eq!(protect(&[0, 7, 12], 19), (vec![Vis::Shown; 3], Vis::Shown));
    // A small total hides itself.
    assert_eq!(protect(&[2, 1], 3).1, Vis::FewerThan5);
    // Two small ones that can vary: enough.
    let (v, t) = protect(&[2, 3, 40], 45);
    assert_eq!(v, vec![Vis::FewerThan5, Vis::FewerThan5, Vis::Shown]);
    assert_eq!(t, Vis::Shown);
}

proptest! {
    #[test]
    fn no_hidden_count_can_be_worked_out(parts in proptest::collection::vec(0u64..30, 1..8)) {
        let total: u64 = parts.iter().sum();
        let (vis, total_vis) = protect(&parts, total);
        for (p, v) in parts.iter().zip(&vis) {
            if is_small(*p) { prop_assert!(v.hidden()); }
            if *p == 0 { prop_assert!(!v.hidden()); }
        }
        if !total_vis.hidden() {
            prop_assert!(!pins_down(&parts, total, &vis));
            // Brute force for small groups: every hidden cell has two possible values.
            let hidden: Vec<usize> = (0..parts.len()).filter(|&i| vis[i].hidden()).collect();
            if !hidden.is_empty() && hidden.len() <= 3 && total - (0..parts.len()).filter(|&i| !vis[i].hidden()).map(|i| parts[i]).sum::<u64>() <= 60 {
                let shown: u64 = (0..parts.len()).filter(|&i| !vis[i].hidden()).map(|i| parts[i]).sum();
                let rest = total - shown;
                for &i in &hidden {
                    let mut values = std::collections::BTreeSet::new();
                    let cap = (0..parts.len()).filter(|&j| !vis[j].hidden() && parts[j] > 0).map(|j| parts[j]).min().unwrap_or(rest).min(rest);
                    let ranges: Vec<(u64, u64)> = hidden.iter().map(|&j| if vis[j] == Vis::FewerThan5 { (1, 4) } else { (5, cap.max(5)) }).collect();
                    let pos = hidden.iter().position(|&j| j == i).unwrap();
                    fn walk(k: usize, ranges: &[(u64, u64)], acc: &mut Vec<u64>, rest: u64, pos: usize, out: &mut std::collections::BTreeSet<u64>) {
                        if k == ranges.len() {
                            if acc.iter().sum::<u64>() == rest { out.insert(acc[pos]); }
                            return;
                        }
                        for x in ranges[k].0..=ranges[k].1.min(rest) {
                            acc.push(x);
                            walk(k + 1, ranges, acc, rest, pos, out);
                            acc.pop();
                        }
                    }
                    walk(0, &ranges, &mut vec![], rest, pos, &mut values);
                    prop_assert!(values.len() >= 2, "cell {} of {:?} pinned: {:?}", i, parts, vis);
                }
            }
        }
    }
}

#[test]
fn cells_read_well() {
    assert_eq!(Cell::Hours(90).display(), "1 h 30 min");
    assert_eq!(Cell::Hours(348).display(), "5 h 48 min");
    assert_eq!(Cell::Hours(90).csv(), "1.5", "files keep plain numbers for spreadsheets");
    assert_eq!(Cell::Hours(123_456 * 60).csv(), "123456.0");
    assert_eq!(Cell::Hours(123_456 * 60).csv(), "123456.0");
    assert_eq!(Cell::Count(12_345).display(), "12,345");
    assert_eq!(Cell::Hidden(Vis::FewerThan5).display(), "fewer than 5");
    assert_eq!(Cell::Change(0.5).display(), "+0.50");
    assert_eq!(median(&mut [3.0, 1.0, 2.0]), Some(2.0));
    assert_eq!(median(&mut [4.0, 1.0, 2.0, 3.0]), Some(2.5));
    assert_eq!(nice_ceiling(7.0), 10.0);
    assert_eq!(nice_ceiling(130.0), 200.0);
    assert_eq!(nice_ceiling(0.0), 1.0);
}

fn figures() -> Figures {
    let loc = |id: &str, pop| Locality { id: id.into(), name: id.to_uppercase(), population: Some(pop) };
    let mut members = BTreeMap::new();
    members.insert(
        "a".into(),
        MemberCounts { members: 40, new_members: 3, active: 12, gave_and_received: 6, requests_posted: 9, requests_unanswered: 2 },
    );
    members.insert(
        "b".into(),
        MemberCounts { members: 20, new_members: 8, active: 7, gave_and_received: 2, requests_posted: 0, requests_unanswered: 0 },
    );
    Figures {
        localities: vec![loc("a", 10_000), loc("b", 5_000)],
        members,
        transfers: vec![
            TransferGroup {
                locality: "a".into(),
                kind: "exchange".into(),
                reversal: false,
                category: "gardening".into(),
                count: 10,
                minutes: 600,
            },
            TransferGroup { locality: "b".into(), kind: "exchange".into(), reversal: false, category: "".into(), count: 3, minutes: 200 },
            TransferGroup {
                locality: "a".into(),
                kind: "exchange".into(),
                reversal: true,
                category: "gardening".into(),
                count: 1,
                minutes: 60,
            },
            TransferGroup { locality: "a".into(), kind: "grant".into(), reversal: false, category: "".into(), count: 2, minutes: 120 },
        ],
        days: vec![],
        referrals: (0..7)
            .map(|i| ReferralFact {
                locality: if i < 5 { "a".into() } else { "b".into() },
                organisation: if i < 6 { "GP".into() } else { "Self".into() },
                status: "accepted".into(),
                created_at: 0,
                first_exchange_at: None,
            })
            .collect(),
        outcomes: vec![],
        categories: [("gardening".to_string(), "Gardening".to_string())].into(),
    }
}

fn find<'a>(tables: &'a [Table], slug: &str) -> &'a Table {
    tables.iter().find(|t| t.slug == slug).unwrap()
}

#[test]
fn the_dashboard_adds_up_and_protects() {
    let p = Period::quarter(2026, 3);
    let exact = dashboard(&figures(), &Focus::Network, &p, true);
    let s = find(&exact, "summary");
    assert_eq!(s.rows[3][1], Cell::Count(13));
    assert_eq!(s.rows[4][1], Cell::Hours(740));
    let kinds = find(&exact, "by-kind");
    assert_eq!(kinds.total.as_ref().unwrap()[1], Cell::Hours(860));
    let guarded = dashboard(&figures(), &Focus::Network, &p, false);
    let cats = find(&guarded, "by-category");
    // 10 gardening and 3 not from a listing, total 13: both hidden.
    assert!(cats.rows.iter().all(|r| matches!(r[1], Cell::Hidden(_))));
    let orgs = find(&guarded, "referrals-by-organisation");
    assert_eq!(orgs.rows[1][1], Cell::Hidden(Vis::FewerThan5));
    assert_eq!(orgs.rows[0][1], Cell::Hidden(Vis::Withheld));
    let cmp = find(&guarded, "localities");
    assert_eq!(cmp.rows[0][4], Cell::Hidden(Vis::FewerThan5)); // 3 new members in a
                                                               // 8 in b would give the 3 away (the network's total is 11): withheld.
    assert_eq!(cmp.rows[1][4], Cell::Hidden(Vis::Withheld));
    assert_eq!(cmp.rows[1][2], Cell::Rate(4.0)); // 20 members per 1,000 of 5,000
                                                 // Exchanges: 10 in a, 3 in b: a is withheld so b cannot be worked out.
    assert_eq!(cmp.rows[0][5], Cell::Hidden(Vis::Withheld));
    let local = dashboard(&figures(), &Focus::Locality("b".into()), &p, false);
    assert!(local.iter().all(|t| t.slug != "localities"));
    assert_eq!(find(&local, "summary").rows[0][1], Cell::Count(20));
}

#[test]
fn a_total_hidden_in_one_table_stays_hidden_in_the_others() {
    let mut fig = figures();
    // 4 from a GP and 4 self-referrals: both hidden and (4 + 4 = 8) the total too;
    // all 8 have one status, which must not give the total back.
    fig.referrals = (0..8)
        .map(|i| ReferralFact {
            locality: "a".into(),
            organisation: if i < 4 { "GP".into() } else { "Self".into() },
            status: "accepted".into(),
            created_at: 0,
            first_exchange_at: None,
        })
        .collect();
    // Three new members' welcome hours, all the same size.
    fig.transfers.push(TransferGroup {
        locality: "a".into(),
        kind: "starting_credit".into(),
        reversal: false,
        category: "".into(),
        count: 3,
        minutes: 360,
    });
    let t = dashboard(&fig, &Focus::Network, &Period::quarter(2026, 3), false);
    let by_org = find(&t, "referrals-by-organisation");
    assert!(by_org.rows.iter().all(|r| matches!(r[1], Cell::Hidden(_))));
    assert!(matches!(by_org.total.as_ref().unwrap()[1], Cell::Hidden(_)));
    let by_status = find(&t, "referrals-by-status");
    assert!(matches!(by_status.rows[0][1], Cell::Hidden(_)), "{:?}", by_status.rows);
    assert!(matches!(by_status.total.as_ref().unwrap()[1], Cell::Hidden(_)));
    let summary = find(&t, "summary");
    let row = |name: &str| summary.rows.iter().find(|r| r[0] == Cell::Text(name.into())).unwrap()[1].clone();
    assert!(matches!(row("Referrals made in the period"), Cell::Hidden(_)));
    let kinds = find(&t, "by-kind");
    let welcome = kinds.rows.iter().find(|r| r[0] == Cell::Text("Welcome hours from the network".into())).unwrap();
    assert_eq!(welcome[1], Cell::Hidden(Vis::Withheld));
    assert_eq!(kinds.rows.iter().filter(|r| matches!(r[1], Cell::Hidden(_))).count(), 2);
    // A site admin sees it all.
    let exact = dashboard(&fig, &Focus::Network, &Period::quarter(2026, 3), true);
    assert_eq!(find(&exact, "referrals-by-status").rows[0][1], Cell::Count(8));
}
