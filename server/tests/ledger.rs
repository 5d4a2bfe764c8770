//! The ledger store against the in-memory model of its rules (issue 3, first part):
//! random transfers, group transfers, reversals, repeated and reused ids and limit changes, compared
//! after every step; then `ledger verify` over what is left. Runs on the engine named by
//! TIMEWEAVE_TEST_ENGINE.
// Tables of cases (caller, form, expected) read best written out in full.
#![allow(clippy::type_complexity)]

mod common;

use app::ledger::domain::{Applied, Leg, Limits, Model};
use app::ledger::store::{self, AccountRef, NewTransfer, Outcome};
use common::{Actor, TestApp};
use proptest::prelude::*;

/// A plain transfer with no memo, category or links: what every test here needs.
fn transfer(id: impl Into<String>, network_id: &str, kind: &str, legs: Vec<(AccountRef, i64)>) -> NewTransfer {
    NewTransfer::new(id, network_id, app::ledger::domain::TransferKind::parse(kind).expect("a transfer kind"), legs, "")
}

#[derive(Clone, Debug)]
enum Op {
    Transfer { id: u8, from: usize, to: usize, minutes: i64 },
    Group { id: u8, provider: usize, recipients: Vec<usize>, minutes: i64 },
    SetFloor { who: usize, floor_hours: i64 },
    Reverse { id: u8, of: u8 },
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        6 => (0u8..30, 0usize..6, 0usize..6, 1i64..900).prop_map(|(id, from, to, minutes)| Op::Transfer { id, from, to, minutes }),
        2 => (0u8..30, 2usize..6, prop::collection::vec(2usize..6, 1..4), 1i64..300)
            .prop_map(|(id, provider, recipients, minutes)| Op::Group { id, provider, recipients, minutes }),
        1 => (2usize..6, -20i64..1).prop_map(|(who, floor_hours)| Op::SetFloor { who, floor_hours }),
        2 => (0u8..8, 0u8..30).prop_map(|(id, of)| Op::Reverse { id, of }),
    ]
}

async fn new_network(app: &TestApp, users: &[String]) -> String {
    let id = app::util::new_id();
    sqlx::query("INSERT INTO networks (id, slug, name, created_at) VALUES ($1, $1, 'Prop', 0)")
        .bind(&id)
        .execute(&app.state.db.pool)
        .await
        .unwrap();
    let _ = users;
    id
}

fn name_of(i: usize, users: &[String], network: &str) -> (AccountRef, String) {
    let r = match i {
        0 => AccountRef::Network,
        1 => AccountRef::Pool,
        n => AccountRef::Member(users[n - 2].clone()),
    };
    let id = r.id(network);
    (r, id)
}

#[test]
fn store_matches_the_model() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let app = rt.block_on(TestApp::spawn());
    let users: Vec<String> = rt.block_on(async {
        let mut v = vec![];
        for _ in 0..4 {
            v.push(app.make_user(Actor::Resident).await.0);
        }
        v
    });
    let cases = if common::engine() == "postgres" { 24 } else { 48 };
    let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig { cases, ..ProptestConfig::default() });
    runner
        .run(&prop::collection::vec(op(), 1..40), |ops| {
            rt.block_on(async {
                let network = new_network(&app, &users).await;
                let mut model = Model { max_transfer_minutes: 1440, ..Default::default() };
                for i in 0..6 {
                    let (_, id) = name_of(i, &users, &network);
                    let limits = match i {
                        0 => Limits { floor_minutes: None, ceiling_minutes: None },
                        1 => Limits { floor_minutes: Some(0), ceiling_minutes: None },
                        _ => Limits { floor_minutes: Some(-600), ceiling_minutes: Some(6000) },
                    };
                    model.open(&id, limits);
                }
                for op in ops {
                    match op {
                        Op::Reverse { id, of } => {
                            let (rid, original) = (format!("{network}-r{id}"), format!("{network}-t{of}"));
                            let expected = model.reverse(&rid, &original);
                            let got = match store::reversal_of(&app.state.db, &network, &original, &rid, "test", None).await.unwrap() {
                                Ok(t) => store::apply(&app.state.db, &t).await.unwrap(),
                                Err(r) => Outcome::Refused(r),
                            };
                            match (&expected, &got) {
                                (Ok(Applied::New), Outcome::Applied { .. }) => {}
                                (Ok(Applied::Repeat), Outcome::AlreadyApplied { .. }) => {}
                                (Err(a), Outcome::Refused(b)) => prop_assert_eq!(
                                    std::mem::discriminant(a),
                                    std::mem::discriminant(b),
                                    "reversal: model {:?} store {:?}",
                                    a,
                                    b
                                ),
                                _ => prop_assert!(false, "reversal: model {:?} but store {:?}", expected, got),
                            }
                        }
                        Op::SetFloor { who, floor_hours } => {
                            let (r, id) = name_of(who, &users, &network);
                            let floor = floor_hours * 60;
                            let got = store::set_limits(&app.state.db, &network, &r, Some(floor), None, None, None).await.unwrap();
                            let balance = model.balances[&id];
                            let ok = balance >= floor;
                            prop_assert_eq!(got.is_ok(), ok, "set floor {} with balance {}", floor, balance);
                            if ok {
                                model.limits.insert(id, Limits { floor_minutes: Some(floor), ceiling_minutes: Some(6000) });
                            }
                        }
                        Op::Transfer { .. } | Op::Group { .. } => {
                            let (tid, legs) = match &op {
                                Op::Transfer { id, from, to, minutes } => (*id, vec![(*from, -*minutes), (*to, *minutes)]),
                                Op::Group { id, provider, recipients, minutes } => {
                                    let mut legs = vec![(*provider, -(*minutes * recipients.len() as i64))];
                                    legs.extend(recipients.iter().map(|r| (*r, *minutes)));
                                    (*id, legs)
                                }
                                _ => unreachable!(),
                            };
                            let transfer_id = format!("{network}-t{tid}");
                            let model_legs: Vec<Leg> =
                                legs.iter().map(|(i, m)| Leg { account: name_of(*i, &users, &network).1, amount_minutes: *m }).collect();
                            let expected = model.apply(&transfer_id, &model_legs);
                            let got = store::apply(
                                &app.state.db,
                                &transfer(
                                    transfer_id,
                                    &network,
                                    "exchange",
                                    legs.iter().map(|(i, m)| (name_of(*i, &users, &network).0, *m)).collect(),
                                ),
                            )
                            .await
                            .unwrap();
                            match (&expected, &got) {
                                (Ok(Applied::New), Outcome::Applied { .. }) => {}
                                (Ok(Applied::Repeat), Outcome::AlreadyApplied { .. }) => {}
                                (Err(a), Outcome::Refused(b)) => {
                                    prop_assert_eq!(std::mem::discriminant(a), std::mem::discriminant(b), "model {:?} store {:?}", a, b)
                                }
                                _ => prop_assert!(false, "model {:?} but store {:?}", expected, got),
                            }
                        }
                    }
                    for i in 0..6 {
                        let (r, id) = name_of(i, &users, &network);
                        let stored = store::balance(&app.state.db, &network, &r).await.unwrap();
                        prop_assert_eq!(stored, model.balances[&id], "balance of {}", id);
                    }
                }
                Ok(())
            })
        })
        .unwrap();
    let report = rt.block_on(store::verify(&app.state.db)).unwrap();
    assert!(report.faults.is_empty(), "{:?}", report.faults);
    assert!(report.transfers > 0);
}

/// The day help happened is part of a transfer's content: changed afterwards, it shows.
#[tokio::test]
async fn the_day_help_happened_is_sealed_with_the_transfer() {
    let app = TestApp::spawn().await;
    let (a, _) = app.make_user(Actor::Resident).await;
    let (b, _) = app.make_user(Actor::Resident).await;
    let t = NewTransfer {
        happened_on: Some("2026-11-20".into()),
        ..transfer("dated", &app.network_id, "exchange", vec![(AccountRef::Member(a.clone()), -60), (AccountRef::Member(b.clone()), 60)])
    };
    assert_eq!(store::apply(&app.state.db, &t).await.unwrap(), Outcome::Applied { seq: 1 });
    let plain = transfer("undated", &app.network_id, "exchange", vec![(AccountRef::Member(a), -30), (AccountRef::Member(b), 30)]);
    assert_eq!(store::apply(&app.state.db, &plain).await.unwrap(), Outcome::Applied { seq: 2 });
    assert!(store::verify(&app.state.db).await.unwrap().faults.is_empty());
    // The same id asking for another day is not the same transfer.
    let other_day = NewTransfer { happened_on: Some("2026-11-21".into()), ..t.clone() };
    assert!(matches!(store::apply(&app.state.db, &other_day).await.unwrap(), Outcome::Refused(_)), "same id, other content");
    sqlx::query("UPDATE transfers SET happened_on = '2026-11-21' WHERE id = 'dated'").execute(&app.state.db.pool).await.unwrap();
    let faults = store::verify(&app.state.db).await.unwrap().faults;
    assert!(faults.iter().any(|f| f.contains("dated") && f.contains("hash")), "{faults:?}");
}

#[tokio::test]
async fn verify_finds_tampering() {
    let app = TestApp::spawn().await;
    let (a, _) = app.make_user(Actor::Resident).await;
    let (b, _) = app.make_user(Actor::WishawResident).await;
    let t = |id: &str| NewTransfer {
        memo: "Gardening".into(),
        ..transfer(id, &app.network_id, "exchange", vec![(AccountRef::Member(a.clone()), -90), (AccountRef::Member(b.clone()), 90)])
    };
    assert_eq!(store::apply(&app.state.db, &t("t1")).await.unwrap(), Outcome::Applied { seq: 1 });
    assert_eq!(store::apply(&app.state.db, &t("t2")).await.unwrap(), Outcome::Applied { seq: 2 });
    assert!(store::verify(&app.state.db).await.unwrap().faults.is_empty());
    // Someone edits an entry and the balances to match: the content hash gives it away.
    sqlx::query("UPDATE entries SET amount_minutes = -30, balance_after_minutes = -30 WHERE transfer_id = 't1' AND amount_minutes = -90")
        .execute(&app.state.db.pool)
        .await
        .unwrap();
    let faults = store::verify(&app.state.db).await.unwrap().faults;
    assert!(faults.iter().any(|f| f.contains("t1") && f.contains("hash")), "{faults:?}");
    assert!(faults.iter().any(|f| f.contains("do not balance")), "{faults:?}");
}

/// 64 concurrent clients, 10 % of requests repeating an id, 20 % touching the pool: no
/// transfer applied twice, no limit passed, every acknowledged id applied exactly once.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_transfers_keep_every_invariant() {
    let app = TestApp::spawn().await;
    let mut members = vec![];
    for _ in 0..8 {
        members.push(app.make_user(Actor::Resident).await.0);
    }
    // Seed the pool so grants from it can succeed.
    let seed = transfer("seed", &app.network_id, "grant", vec![(AccountRef::Network, -600), (AccountRef::Pool, 600)]);
    assert_eq!(store::apply(&app.state.db, &seed).await.unwrap(), Outcome::Applied { seq: 1 });
    let acknowledged = std::sync::Arc::new(std::sync::Mutex::new(std::collections::BTreeSet::new()));
    let mut tasks = vec![];
    for client in 0..64usize {
        let db = app.state.db.clone();
        let network = app.network_id.clone();
        let members = members.clone();
        let acknowledged = acknowledged.clone();
        tasks.push(tokio::spawn(async move {
            for n in 0..10usize {
                let k = client * 10 + n;
                // Every tenth request repeats the client's previous id with the same content.
                let id_n = if n > 0 && k % 10 == 3 { n - 1 } else { n };
                let kk = client * 10 + id_n;
                let (from, to) = if kk % 5 == 0 {
                    (AccountRef::Pool, AccountRef::Member(members[kk % members.len()].clone()))
                } else {
                    (AccountRef::Member(members[kk % members.len()].clone()), AccountRef::Member(members[(kk + 3) % members.len()].clone()))
                };
                let t = transfer(format!("c{client}-{id_n}"), &network, "exchange", vec![(from, -30), (to, 30)]);
                match store::apply(&db, &t).await.expect("no storage error under concurrency") {
                    Outcome::Applied { .. } | Outcome::AlreadyApplied { .. } => {
                        acknowledged.lock().unwrap().insert(t.id.clone());
                    }
                    Outcome::Refused(_) => {}
                }
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let report = store::verify(&app.state.db).await.unwrap();
    assert!(report.faults.is_empty(), "{:?}", report.faults);
    let acked = acknowledged.lock().unwrap().len();
    assert_eq!(report.transfers, acked + 1, "applied transfers = distinct acknowledged ids (+ the seed)");
}
