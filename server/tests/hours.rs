//! The ledger through the server: the screens' server functions, who may use them, the
//! statement CSV, and the ledger under load from 64 HTTP clients on two servers sharing
//! one database. Runs on the engine named by TIMEWEAVE_TEST_ENGINE.
// Tables of cases (caller, form, expected) read best written out in full.
#![allow(clippy::type_complexity)]

mod common;

use common::{Actor, Client, TestApp};
use sqlx::Row;
use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};

fn tid() -> String {
    app::util::new_id()
}

async fn verify_clean(app: &TestApp) -> app::ledger::store::VerifyReport {
    let report = app::ledger::store::verify(&app.state.db).await.unwrap();
    assert!(report.faults.is_empty(), "ledger verify: {:?}", report.faults);
    report
}

/// A signed-in client for an existing user.
async fn sign_in(app: &TestApp, email: &str) -> Client {
    let mut c = app.client();
    c.sign_in_with_code(email).await;
    c
}

#[tokio::test]
async fn the_builders_tools_move_hours_with_reasons_and_members_see_them() {
    let app = TestApp::spawn().await;
    let (ann, ann_email) = app.make_user(Actor::Resident).await;
    let (bob, _) = app.make_user(Actor::Resident).await;
    let (_, builder_email) = app.make_user(Actor::AirdrieBuilder).await;
    let mut a = sign_in(&app, &ann_email).await;
    let mut b = sign_in(&app, &builder_email).await;

    // Ann gives 1 h 30 min to the pool; pressing twice (same id) moves it once.
    let id = tid();
    for _ in 0..2 {
        let r = a.call("donate_to_pool", &[("transfer_id", &id), ("hours", "1"), ("minutes", "30"), ("memo", "For a neighbour")]).await;
        assert_eq!(r.status, 200, "{}", r.body);
    }
    assert_eq!(app.balance(&ann).await, -90);

    // Ids the server keeps for itself, and text PostgreSQL would refuse, are turned away.
    let r = a.call("donate_to_pool", &[("transfer_id", "exchange-0123456789"), ("hours", "1"), ("minutes", ""), ("memo", "")]).await;
    assert_eq!(r.status, 409, "{}", r.body);
    let r = a.call("donate_to_pool", &[("transfer_id", &tid()), ("hours", "1"), ("minutes", ""), ("memo", "nul\u{0}byte")]).await;
    assert_eq!(r.status, 422, "{}", r.body);

    // The builder grants 1 h from the pool to Bob, with a reason; a reason is required.
    let r = b.call("grant_from_pool", &[("transfer_id", &tid()), ("user_id", &bob), ("hours", "1"), ("minutes", ""), ("reason", "")]).await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("reason"), "{}", r.body);
    let r = b
        .call(
            "grant_from_pool",
            &[("transfer_id", &tid()), ("user_id", &bob), ("hours", "1"), ("minutes", ""), ("reason", "Starter hours")],
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    // More than the pool holds is refused, naming the limit and by how much.
    let r =
        b.call("grant_from_pool", &[("transfer_id", &tid()), ("user_id", &bob), ("hours", "1"), ("minutes", ""), ("reason", "More")]).await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("community pool") && r.body.contains("30 min"), "{}", r.body);
    assert_eq!(app.balance(&bob).await, 60);

    // Record help on behalf: Ann helped Bob for 45 min.
    let r = b
        .call(
            "record_hours",
            &[("transfer_id", &tid()), ("giver", &ann), ("receiver1", &bob), ("hours", ""), ("minutes", "45"), ("memo", "Shopping")],
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(app.balance(&ann).await, -45);
    assert_eq!(app.balance(&bob).await, 15);

    // Adjust with a reason, then reverse the adjustment; a second reversal is refused.
    let r = b
        .call(
            "adjust_balance",
            &[
                ("transfer_id", &tid()),
                ("user_id", &bob),
                ("direction", "add"),
                ("hours", "2"),
                ("minutes", ""),
                ("reason", "Hours lost on paper"),
            ],
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(app.balance(&bob).await, 135);
    let adjustment: String =
        sqlx::query("SELECT id FROM transfers WHERE kind = 'adjustment'").fetch_one(&app.state.db.pool).await.unwrap().get("id");
    let r = b.call("reverse_transfer", &[("transfer_id", &tid()), ("original_id", &adjustment), ("reason", "Entered twice")]).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(app.balance(&bob).await, 15);
    let r = b.call("reverse_transfer", &[("transfer_id", &tid()), ("original_id", &adjustment), ("reason", "Again")]).await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("already been reversed"), "{}", r.body);
    let reversal: String =
        sqlx::query("SELECT id FROM transfers WHERE kind = 'reversal'").fetch_one(&app.state.db.pool).await.unwrap().get("id");
    let r = b.call("reverse_transfer", &[("transfer_id", &tid()), ("original_id", &reversal), ("reason", "Undo the undo")]).await;
    assert_eq!(r.status, 422, "a reversal cannot be reversed: {}", r.body);
    // Bob's statement as his builder reads it (its head and lines read together): the
    // adjustment marked reversed, the reversal marked as one, the ledger's balance.
    let view = b.call("member_hours", &[("user_id", &bob)]).await.json();
    let lines = view["summary"]["statement"].as_array().unwrap().clone();
    let line = |id: &str| lines.iter().find(|l| l["transfer_id"] == id).cloned().unwrap();
    assert_eq!(line(&adjustment)["reversed"], true, "{view}");
    assert_eq!((line(&reversal)["is_reversal"].clone(), line(&reversal)["reversed"].clone()), (true.into(), false.into()));
    assert_eq!(view["summary"]["balance_minutes"], 15);
    assert_eq!((view["summary"]["given_minutes"].as_i64(), view["summary"]["received_minutes"].as_i64()), (Some(0), Some(45)), "{view}");

    // Limits: Bob may not go below zero; a transfer that would take him below is refused.
    let r = b.call("set_account_limits", &[("user_id", &bob), ("below_zero", "0"), ("ceiling", ""), ("reason", "Asked for it")]).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let r = b
        .call(
            "record_hours",
            &[("transfer_id", &tid()), ("giver", &ann), ("receiver1", &bob), ("hours", "1"), ("minutes", ""), ("memo", "Garden")],
        )
        .await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("below their lowest allowed balance of 0 min by 45 min"), "{}", r.body);
    // Limits that the balance is already outside are refused.
    let r = b.call("set_account_limits", &[("user_id", &ann), ("below_zero", "0"), ("ceiling", ""), ("reason", "Try")]).await;
    assert_eq!(r.status, 422, "{}", r.body);

    // Ann's statement: her own lines, with running balances; the CSV has them too.
    let r = a.call("my_hours", &[]).await;
    assert_eq!(r.status, 200);
    let j = r.json();
    assert_eq!(j["summary"]["balance_minutes"], -45);
    assert_eq!(j["summary"]["given_minutes"], 45);
    let lines = j["summary"]["statement"].as_array().unwrap();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["balance_after_minutes"], -45);
    assert_eq!(lines[1]["balance_after_minutes"], -90);
    let csv = a.get("/hours/statement.csv").await;
    assert_eq!(csv.status, 200);
    assert!(csv.body.contains("1 h 30 min") && csv.body.contains("-45"), "{}", csv.body);
    // The page shows it in words.
    let page = a.get("/hours").await;
    assert!(page.body.contains("−45 min") && page.body.contains("Gift to the community pool"), "{}", page.body);
    verify_clean(&app).await;
}

#[tokio::test]
async fn a_member_sees_only_their_own_statement() {
    let app = TestApp::spawn().await;
    let (_, ann_email) = app.make_user(Actor::Resident).await;
    let (bob, _) = app.make_user(Actor::Resident).await;
    let mut a = sign_in(&app, &ann_email).await;
    assert_eq!(a.call("member_hours", &[("user_id", &bob)]).await.status, 403);
    assert_eq!(a.get(&format!("/hours/statement.csv?member={bob}")).await.status, 403);
    assert_eq!(a.get(&format!("/community/members/{bob}/hours")).await.status, 403);
    let mut anon = app.client();
    assert_eq!(anon.get("/hours/statement.csv").await.status, 401);
    // A Wishaw builder cannot see or touch an Airdrie member.
    let mut w = app.as_actor(Actor::WishawBuilder).await;
    assert_eq!(w.call("member_hours", &[("user_id", &bob)]).await.status, 403);
    assert_eq!(w.get(&format!("/hours/statement.csv?member={bob}")).await.status, 403);
}

#[tokio::test]
async fn organisations_give_hours_through_their_named_members() {
    let app = TestApp::spawn().await;
    let (ann, ann_email) = app.make_user(Actor::Resident).await;
    let (bob, bob_email) = app.make_user(Actor::Resident).await;
    let mut nb = app.as_actor(Actor::NetworkBuilder).await;
    let r = nb.call("add_organisation_account", &[("name", "Kirkshaws Care Home"), ("kind", "Care home"), ("named_member", &ann)]).await;
    assert_eq!(r.status, 200, "{}", r.body);
    // A locality builder may not open one.
    let mut lb = app.as_actor(Actor::AirdrieBuilder).await;
    assert_eq!(lb.call("add_organisation_account", &[("name", "Other"), ("kind", "Charity"), ("named_member", &ann)]).await.status, 403);
    let org: String = sqlx::query("SELECT id FROM organisations WHERE name = 'Kirkshaws Care Home'")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap()
        .get("id");
    let mut a = sign_in(&app, &ann_email).await;
    let r = a
        .call(
            "organisation_gives",
            &[
                ("transfer_id", &tid()),
                ("organisation_id", &org),
                ("user_id", &bob),
                ("hours", "2"),
                ("minutes", ""),
                ("memo", "Tea with residents"),
            ],
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(app.balance(&bob).await, 120);
    assert_eq!(a.call("organisation_hours", &[("organisation_id", &org)]).await.json()["summary"]["balance_minutes"], -120);
    // My hours: Ann sees the organisation she acts for; Bob sees who gave him the hours, and
    // acts for none.
    let ann_hours = a.call("my_hours", &[]).await.json();
    assert_eq!(ann_hours["organisations"][0]["name"], "Kirkshaws Care Home");
    let mut b = sign_in(&app, &bob_email).await;
    let bob_hours = b.call("my_hours", &[]).await.json();
    assert!(bob_hours["organisations"].as_array().unwrap().is_empty());
    assert_eq!(bob_hours["summary"]["statement"][0]["with"], "Kirkshaws Care Home");
    assert_eq!(bob_hours["summary"]["statement"].as_array().unwrap().len(), 1);
    // Nobody pays the organisation's hours to themselves.
    let r = a
        .call(
            "organisation_gives",
            &[("transfer_id", &tid()), ("organisation_id", &org), ("user_id", &ann), ("hours", "1"), ("minutes", ""), ("memo", "Me")],
        )
        .await;
    assert_eq!(r.status, 422, "{}", r.body);
    // Someone not named for it cannot act for it.
    let mut other = app.as_actor(Actor::Resident).await;
    let r = other
        .call(
            "organisation_gives",
            &[("transfer_id", &tid()), ("organisation_id", &org), ("user_id", &bob), ("hours", "1"), ("minutes", ""), ("memo", "x")],
        )
        .await;
    assert_eq!(r.status, 403);
    assert_eq!(other.call("organisation_hours", &[("organisation_id", &org)]).await.status, 403);
    // Suggestions for "who helped": for the named members only, by name, never an email.
    assert_eq!(other.call("organisation_find_members", &[("organisation_id", &org), ("q", "resid")]).await.status, 403);
    let r = a.call("organisation_find_members", &[("organisation_id", &org), ("q", "resid")]).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let hits = r.json();
    assert!(!hits.as_array().unwrap().is_empty() && hits.as_array().unwrap().iter().all(|h| h["email"].is_null()), "{}", r.body);
    let r = a.call("organisation_find_members", &[("organisation_id", &org), ("q", &ann_email[..12])]).await;
    assert_eq!(r.json().as_array().map(|a| a.len()), Some(0), "no finding people by email: {}", r.body);
    verify_clean(&app).await;
}

#[tokio::test]
async fn welcome_hours_come_once_when_no_approval_is_needed() {
    let app = TestApp::spawn().await;
    sqlx::query("UPDATE networks SET requires_approval = 0, starting_credit_minutes = 120, starting_credit_source = 'pool'")
        .execute(&app.state.db.pool)
        .await
        .unwrap();
    // Fill the pool from the network account so it can pay for welcomes.
    let seed = app::ledger::store::NewTransfer {
        id: "fill".into(),
        network_id: app.network_id.clone(),
        kind: app::ledger::domain::TransferKind::Grant,
        legs: vec![(app::ledger::store::AccountRef::Network, -600), (app::ledger::store::AccountRef::Pool, 600)],
        memo: String::new(),
        category: None,
        exchange_id: None,
        reverses_id: None,
        reason: Some("Fill".into()),
        recorded_by: None,
        happened_on: None,
        audit: vec![],
    };
    app::ledger::store::apply(&app.state.db, &seed).await.unwrap();
    let mut c = app.client();
    let r = c
        .call(
            "join",
            &[
                ("display_name", "Nell"),
                ("email", "nell@example.org"),
                ("password", common::PASSWORD),
                ("locality", &app.locality("Airdrie")),
                ("code_of_conduct", "yes"),
            ],
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let nell: String =
        sqlx::query("SELECT id FROM users WHERE email = 'nell@example.org'").fetch_one(&app.state.db.pool).await.unwrap().get("id");
    assert_eq!(app.balance(&nell).await, 120);
    // Granting again (say, on approval) changes nothing: the welcome's id is fixed.
    let outcome = app::ledger::grant_starting_credit(&app.state, &app.network_id, &nell).await.unwrap();
    assert!(matches!(outcome, app::ledger::store::Outcome::AlreadyApplied { .. }), "{outcome:?}");
    assert_eq!(app.balance(&nell).await, 120);
    verify_clean(&app).await;
}

/// Every ledger server function × every kind of caller.
#[tokio::test]
async fn ledger_authorisation_matrix() {
    use Actor::*;
    let app = TestApp::spawn().await;
    let (ann, _) = app.make_user(Resident).await;
    let (bob, _) = app.make_user(Resident).await;
    let members = vec![Resident, WishawResident, AirdrieBuilder, WishawBuilder, NetworkBuilder];
    let airdrie_builders = vec![AirdrieBuilder, NetworkBuilder, Admin];
    let builders = vec![AirdrieBuilder, WishawBuilder, NetworkBuilder, Admin];
    let whole_network = vec![NetworkBuilder, Admin];
    // A transfer between two Airdrie members, for the reversal rows.
    let original = tid();
    let legs = vec![(app::ledger::store::AccountRef::Member(ann.clone()), 30), (app::ledger::store::AccountRef::Member(bob.clone()), -30)];
    let t =
        app::ledger::store::NewTransfer::new(original.clone(), &app.network_id, app::ledger::domain::TransferKind::Exchange, legs, "Help");
    app::ledger::store::apply(&app.state.db, &t).await.unwrap();
    let mut failures = vec![];
    for actor in Actor::ALL {
        let rows: Vec<(&str, Vec<(&str, String)>, &Vec<Actor>)> = vec![
            ("my_hours", vec![], &members),
            ("donate_to_pool", vec![("transfer_id", tid()), ("hours", "1".into()), ("minutes", "".into()), ("memo", "".into())], &members),
            ("member_hours", vec![("user_id", ann.clone())], &airdrie_builders),
            (
                "grant_from_pool",
                vec![
                    ("transfer_id", tid()),
                    ("user_id", ann.clone()),
                    ("hours", "1".into()),
                    ("minutes", "".into()),
                    ("reason", "Because".into()),
                ],
                &airdrie_builders,
            ),
            (
                "adjust_balance",
                vec![
                    ("transfer_id", tid()),
                    ("user_id", ann.clone()),
                    ("direction", "add".into()),
                    ("hours", "1".into()),
                    ("minutes", "".into()),
                    ("reason", "Because".into()),
                ],
                &airdrie_builders,
            ),
            (
                "set_account_limits",
                vec![("user_id", ann.clone()), ("below_zero", "".into()), ("ceiling", "".into()), ("reason", "Because".into())],
                &airdrie_builders,
            ),
            (
                "record_hours",
                vec![
                    ("transfer_id", tid()),
                    ("giver", ann.clone()),
                    ("receiver1", bob.clone()),
                    ("hours", "".into()),
                    ("minutes", "1".into()),
                    ("memo", "Help".into()),
                ],
                &airdrie_builders,
            ),
            ("transfer_for_reversal", vec![("transfer_id", original.clone())], &airdrie_builders),
            // A reason too short: allowed callers get 422, refused ones 401/403.
            ("reverse_transfer", vec![("transfer_id", tid()), ("original_id", original.clone()), ("reason", "".into())], &airdrie_builders),
            ("community_hours", vec![], &builders),
            ("add_organisation_account", vec![("name", "".into()), ("kind", "".into()), ("named_member", "".into())], &whole_network),
        ];
        for (endpoint, args, allowed) in &rows {
            let mut c = app.as_actor(actor).await;
            let args: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let r = c.call(endpoint, &args).await;
            let refused = matches!(r.status, 401 | 403);
            if refused == allowed.contains(&actor) {
                failures.push(format!("{endpoint} as {actor:?}: status {} ({})", r.status, r.body));
            }
        }
    }
    assert!(failures.is_empty(), "ledger authorisation failures:\n{}", failures.join("\n"));
    verify_clean(&app).await;
}

/// 64 concurrent HTTP clients on two servers sharing one database; 10 % of requests repeat
/// an id already sent, 20 % touch the pool. Afterwards every invariant holds and the number
/// of applied transfers equals the number of distinct ids acknowledged.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sixty_four_clients_through_two_servers_keep_every_invariant() {
    let app = TestApp::spawn().await;
    let second = app.spawn_second_server().await;
    let mut members = vec![];
    for _ in 0..8 {
        members.push(app.make_user(Actor::Resident).await);
    }
    let (_, builder_email) = app.make_user(Actor::AirdrieBuilder).await;
    let builder_session = sign_in(&app, &builder_email).await.session;
    let mut member_sessions = vec![];
    for (_, email) in &members {
        member_sessions.push(sign_in(&app, email).await.session);
    }
    let ids: Vec<String> = members.iter().map(|(id, _)| id.clone()).collect();
    let acked = Arc::new(Mutex::new(BTreeSet::new()));
    let mut tasks = vec![];
    for client in 0..64usize {
        let base = if client % 2 == 0 { app.base.clone() } else { second.clone() };
        let mut builder = app.client_for(&base, builder_session.clone());
        let mut member = app.client_for(&base, member_sessions[client % 8].clone());
        let ids = ids.clone();
        let acked = acked.clone();
        tasks.push(tokio::spawn(async move {
            let mut sent: Vec<(String, Vec<(String, String)>, bool)> = vec![];
            for n in 0..12usize {
                let k = client * 12 + n;
                let (id, form, as_member) = if n > 0 && k % 10 == 0 {
                    sent[n - 1].clone() // a retry: same id, same content
                } else {
                    let id = format!("c{client}n{n}x{}", &app::util::new_id()[..6]);
                    let form: Vec<(String, String)> = match k % 10 {
                        // 20 %: the pool (half gifts to it, half grants from it).
                        1 => vec![
                            ("transfer_id".into(), id.clone()),
                            ("hours".into(), "".into()),
                            ("minutes".into(), "20".into()),
                            ("memo".into(), "".into()),
                        ],
                        2 => vec![
                            ("transfer_id".into(), id.clone()),
                            ("user_id".into(), ids[k % 8].clone()),
                            ("hours".into(), "".into()),
                            ("minutes".into(), "15".into()),
                            ("reason".into(), "Load test".into()),
                        ],
                        _ => vec![
                            ("transfer_id".into(), id.clone()),
                            ("giver".into(), ids[k % 8].clone()),
                            ("receiver1".into(), ids[(k + 3) % 8].clone()),
                            ("hours".into(), "".into()),
                            ("minutes".into(), "10".into()),
                            ("memo".into(), "Help".into()),
                        ],
                    };
                    (id, form, k % 10 == 1)
                };
                sent.push((id.clone(), form.clone(), as_member));
                let endpoint = match (as_member, form.iter().any(|(k, _)| k == "reason")) {
                    (true, _) => "donate_to_pool",
                    (false, true) => "grant_from_pool",
                    (false, false) => "record_hours",
                };
                let args: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
                let r = if as_member { member.call(endpoint, &args).await } else { builder.call(endpoint, &args).await };
                match r.status {
                    200 => {
                        acked.lock().unwrap().insert(id);
                    }
                    422 => {} // refused by a limit: nothing written
                    other => panic!("{endpoint}: unexpected status {other}: {}", r.body),
                }
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let report = verify_clean(&app).await;
    let acked = acked.lock().unwrap().clone();
    assert_eq!(report.transfers, acked.len(), "applied transfers = distinct acknowledged ids");
    for id in &acked {
        let found = sqlx::query("SELECT 1 AS x FROM transfers WHERE id = $1").bind(id).fetch_optional(&app.state.db.pool).await.unwrap();
        assert!(found.is_some(), "acknowledged {id} is missing");
    }
    assert!(acked.len() > 500, "most requests should succeed: {}", acked.len());
}

/// A builder records hours for members found by typing: a name two people share comes back
/// as a choice between them (with nothing typed lost), and the one chosen is recorded.
#[tokio::test]
async fn members_found_by_typing_are_chosen_between_when_a_name_is_shared() {
    let app = TestApp::spawn().await;
    let (ann, ann_email) = app.make_user(Actor::Resident).await; // both named "resident"
    let (bob, _) = app.make_user(Actor::Resident).await;
    let (_, builder_email) = app.make_user(Actor::AirdrieBuilder).await;
    let mut b = sign_in(&app, &builder_email).await;
    let form = |giver: &str, pick: &str, tid: &str| {
        vec![
            ("transfer_id".to_string(), tid.to_string()),
            ("giver".into(), giver.to_string()),
            ("giver_pick".into(), pick.to_string()),
            ("receiver1".into(), bob.clone()),
            ("hours".into(), "1".into()),
            ("minutes".into(), "".into()),
            ("memo".into(), "Lift to the clinic".into()),
        ]
    };
    let id = tid();
    let r = call(&mut b, form("Resident", "", &id)).await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(r.body.contains("2 members match") && r.body.contains(&ann) && r.body.contains(&ann_email), "{}", r.body);
    assert!(r.body.contains("Lift to the clinic"), "what was typed comes back: {}", r.body);
    let r = call(&mut b, form("nobody-of-that-name", "", &id)).await;
    assert!(r.status == 422 && r.body.contains("No member here matches"), "{}", r.body);
    let r = call(&mut b, form("Resident", &ann, &id)).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!((app.balance(&ann).await, app.balance(&bob).await), (60, -60));
    // An email typed in full names one person.
    let r = call(&mut b, form(&ann_email, "", &tid())).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(app.balance(&ann).await, 120);
    // Without JavaScript, markup typed into the field comes back to the page as text.
    let f = form("<b>Bold</b>", "", &tid());
    let r = b.post_form("record_hours", "/community/hours", &f.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect::<Vec<_>>()).await;
    let location = r.location().expect("back to the form");
    let page = b.get(location.trim_start_matches(&app.base)).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("&lt;b&gt;Bold&lt;/b&gt;") && !page.body.contains("<b>Bold</b>"), "escaped");
}

async fn call(b: &mut Client, form: Vec<(String, String)>) -> common::Resp {
    b.call("record_hours", &form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect::<Vec<_>>()).await
}
