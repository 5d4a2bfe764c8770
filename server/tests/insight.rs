//! Insight and funder reports through the server: every figure of the dashboard's CSV files
//! against a recomputation here from the raw rows (not the same SQL), small-number
//! protection, and who may see which figures. Runs on the engine named by
//! TIMEWEAVE_TEST_ENGINE.
// Tables of cases (caller, form, expected) read best written out in full.
#![allow(clippy::type_complexity)]

mod common;

use app::ledger::store::{apply, AccountRef, NewTransfer, Outcome};
use common::{Actor, Client, TestApp};
use sqlx::Row;
use std::collections::{BTreeMap, BTreeSet};

const DAY: i64 = 86_400;

struct Seeded {
    from: String,
    to: String,
    org_a: String,
}

async fn exec(app: &TestApp, sql: &str, binds: &[&dyn ToBind]) {
    let mut q = sqlx::query(sql);
    for b in binds {
        q = b.bind_to(q);
    }
    q.execute(&app.state.db.pool).await.unwrap_or_else(|e| panic!("{sql}: {e}"));
}

trait ToBind: Sync {
    fn bind_to<'q>(
        &'q self,
        q: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
    ) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>;
}
impl ToBind for String {
    fn bind_to<'q>(
        &'q self,
        q: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
    ) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
        q.bind(self.as_str())
    }
}
impl ToBind for &str {
    fn bind_to<'q>(
        &'q self,
        q: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
    ) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
        q.bind(*self)
    }
}
impl ToBind for i64 {
    fn bind_to<'q>(
        &'q self,
        q: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
    ) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
        q.bind(*self)
    }
}

fn id() -> String {
    app::util::new_id()
}

async fn member(app: &TestApp, locality: &str, joined_days_ago: i64, status: &str) -> String {
    let u = id();
    let at = app::util::now() - joined_days_ago * DAY;
    exec(
        app,
        "INSERT INTO users (id, email, display_name, created_at) VALUES ($1, $2, $3, $4)",
        &[&u, &format!("{u}@t.example"), &format!("Member {}", &u[..5]), &at],
    )
    .await;
    exec(
        app,
        "INSERT INTO memberships (id, user_id, network_id, locality_id, status, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
        &[&id(), &u, &app.network_id, &app.locality(locality), &status, &at],
    )
    .await;
    u
}

async fn transfer(app: &TestApp, kind: &str, legs: Vec<(AccountRef, i64)>, exchange: Option<&str>, reverses: Option<&str>) -> String {
    let t = NewTransfer {
        id: id(),
        network_id: app.network_id.clone(),
        kind: app::ledger::domain::TransferKind::parse(kind).expect("a transfer kind"),
        legs,
        memo: "seeded".into(),
        category: None,
        exchange_id: exchange.map(str::to_string),
        reverses_id: reverses.map(str::to_string),
        reason: Some("seeded for the insight test".into()),
        recorded_by: None,
        happened_on: None,
        audit: vec![],
    };
    let out = apply(&app.state.db, &t).await.expect("apply");
    assert!(matches!(out, Outcome::Applied { .. }), "{kind}: {out:?}");
    t.id
}

/// A listing (and, when `answered_after_days` is set, an exchange on it that many days
/// after it was posted); returns (listing, exchange).
#[allow(clippy::too_many_arguments)]
async fn listing(
    app: &TestApp,
    owner: &str,
    other: &str,
    kind: &str,
    category: &str,
    locality: &str,
    days_ago: i64,
    answered_after_days: Option<i64>,
) -> (String, Option<String>) {
    let l = id();
    let at = app::util::now() - days_ago * DAY;
    exec(
        app,
        "INSERT INTO listings (id, network_id, owner_id, kind, title, description, category_id, locality_id, place, status, expires_at, created_at, updated_at)
         VALUES ($1, $2, $3, $4, 'Seeded', 'Seeded listing', $5, $6, 'home', 'open', $7, $8, $8)",
        &[&l, &app.network_id, &owner.to_string(), &kind, &category, &app.locality(locality), &(at + 60 * DAY), &at],
    )
    .await;
    let x = match answered_after_days {
        None => None,
        Some(d) => {
            let x = id();
            let (provider, receiver) = if kind == "offer" { (owner, other) } else { (other, owner) };
            exec(
                app,
                "INSERT INTO exchanges (id, network_id, listing_id, title, owner_id, asker_id, provider_id, receiver_id, status, created_at, updated_at)
                 VALUES ($1, $2, $3, 'Seeded', $4, $5, $6, $7, 'confirmed', $8, $8)",
                &[&x, &app.network_id, &l, &owner.to_string(), &other.to_string(), &provider.to_string(), &receiver.to_string(), &(at + d * DAY)],
            )
            .await;
            Some(x)
        }
    };
    (l, x)
}

async fn organisation(app: &TestApp, name: &str) -> String {
    let o = id();
    exec(app, "INSERT INTO organisations (id, name, kind, created_at) VALUES ($1, $2, 'GP practice', $3)", &[&o, &name, &app::util::now()])
        .await;
    o
}

async fn referral(app: &TestApp, locality: &str, org: Option<&str>, status: &str, days_ago: i64, first_after_days: Option<i64>) -> String {
    let r = id();
    let at = app::util::now() - days_ago * DAY;
    let first = first_after_days.map(|d| at + d * DAY);
    let source = if org.is_some() { "professional" } else { "self" };
    let mut q = sqlx::query(
        "INSERT INTO referrals (id, network_id, locality_id, source, organisation_id, person_name, consent_referral_at, consent_sharing_at,
                                consent_method, consent_recorded_by, status, first_exchange_at, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, 'Seeded Person', $6, $6, 'verbal', 'Seeder', $7, $8, $6, $6)",
    );
    q = q.bind(&r).bind(&app.network_id).bind(app.locality(locality)).bind(source).bind(org).bind(at).bind(status).bind(first);
    q.execute(&app.state.db.pool).await.expect("referral");
    r
}

async fn outcome(app: &TestApp, referral: &str, stage: &str, days_ago: i64, scores: [i64; 7], by: &str) {
    exec(
        app,
        "INSERT INTO referral_outcomes (id, referral_id, stage, life_satisfaction, worthwhile, happiness, anxiety, lack_companionship, left_out, isolated,
                                        answered_by, entered_by, at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'builder', $11, $12)",
        &[&id(), &referral.to_string(), &stage, &scores[0], &scores[1], &scores[2], &scores[3], &scores[4], &scores[5], &scores[6], &by.to_string(), &(app::util::now() - days_ago * DAY)],
    )
    .await;
}

/// A small network with everything the dashboard counts, in both localities.
async fn seed(app: &TestApp) -> Seeded {
    exec(app, "UPDATE localities SET population = 37000 WHERE name = 'Airdrie'", &[]).await;
    exec(app, "UPDATE localities SET population = 30000 WHERE name = 'Wishaw'", &[]).await;
    let mut airdrie = vec![];
    for i in 0..14 {
        airdrie.push(member(app, "Airdrie", if i < 6 { 20 } else { 400 }, "active").await);
    }
    let mut wishaw = vec![];
    for i in 0..9 {
        wishaw.push(member(app, "Wishaw", if i < 3 { 10 } else { 400 }, "active").await);
    }
    member(app, "Airdrie", 5, "pending").await;
    member(app, "Wishaw", 30, "suspended").await;
    let m = |u: &String| AccountRef::Member(u.clone());
    // Listings: requests long enough ago to count, answered or not within 30 days.
    let (_, x1) = listing(app, &airdrie[0], &airdrie[1], "request", "gardening", "Airdrie", 60, Some(3)).await;
    let (_, x2) = listing(app, &airdrie[2], &airdrie[3], "offer", "shopping", "Airdrie", 50, Some(1)).await;
    listing(app, &airdrie[4], &airdrie[5], "request", "gardening", "Airdrie", 45, Some(35)).await; // answered too late
    listing(app, &airdrie[6], &airdrie[5], "request", "shopping", "Airdrie", 40, None).await;
    listing(app, &wishaw[0], &wishaw[1], "request", "lifts", "Wishaw", 70, None).await;
    listing(app, &wishaw[2], &wishaw[1], "request", "lifts", "Wishaw", 10, None).await; // too recent to count
    listing(app, &wishaw[3], &wishaw[1], "request", "lifts", "Wishaw", 300, None).await; // before the period
                                                                                         // Help between members: from listings (with a category) and recorded by builders.
    transfer(app, "exchange", vec![(m(&airdrie[1]), 90), (m(&airdrie[0]), -90)], x1.as_deref(), None).await;
    transfer(app, "exchange", vec![(m(&airdrie[2]), 60), (m(&airdrie[3]), -60)], x2.as_deref(), None).await;
    for i in 0..8 {
        transfer(
            app,
            "exchange",
            vec![(m(&airdrie[7 + i % 6]), 30 + 15 * i as i64), (m(&airdrie[(8 + i) % 14]), -(30 + 15 * i as i64))],
            None,
            None,
        )
        .await;
    }
    let undone = transfer(app, "exchange", vec![(m(&wishaw[4]), 120), (m(&airdrie[9]), -120)], None, None).await;
    for i in 0..3 {
        transfer(app, "exchange", vec![(m(&wishaw[5 + i]), 45), (m(&wishaw[(6 + i) % 9]), -45)], None, None).await;
    }
    // The pool, the network and an organisation.
    let care = organisation(app, "Rosebank Care Home").await;
    transfer(app, "grant", vec![(AccountRef::Network, -600), (AccountRef::Pool, 600)], None, None).await;
    transfer(app, "grant", vec![(AccountRef::Pool, -180), (m(&wishaw[0]), 180)], None, None).await;
    transfer(app, "donation", vec![(m(&airdrie[10]), -60), (AccountRef::Pool, 60)], None, None).await;
    transfer(app, "starting_credit", vec![(AccountRef::Network, -120), (m(&airdrie[0]), 120)], None, None).await;
    transfer(app, "adjustment", vec![(AccountRef::Network, -30), (m(&wishaw[1]), 30)], None, None).await;
    transfer(app, "organisation", vec![(AccountRef::Organisation(care.clone()), -150), (m(&wishaw[2]), 150)], None, None).await;
    transfer(app, "reversal", vec![(m(&wishaw[4]), -120), (m(&airdrie[9]), 120)], None, Some(&undone)).await;

    // Referrals: two organisations and self-referrals, in both localities.
    let org_a = organisation(app, "Airdrie Health Centre").await;
    let org_b = organisation(app, "NHS Lanarkshire").await;
    let mut with_outcomes = vec![];
    for i in 0..9 {
        let status = ["submitted", "accepted", "joined", "active", "active", "closed", "active", "declined", "active"][i];
        let first = matches!(status, "active" | "closed").then_some(5 + 3 * i as i64);
        let r = referral(app, "Airdrie", Some(&org_a), status, 100 - i as i64, first).await;
        if first.is_some() {
            with_outcomes.push(r);
        }
    }
    for i in 0..3 {
        referral(app, "Wishaw", Some(&org_b), if i == 0 { "active" } else { "submitted" }, 30, (i == 0).then_some(12)).await;
    }
    referral(app, "Airdrie", None, "contacted", 20, None).await;
    referral(app, "Wishaw", Some(&org_a), "accepted", 15, None).await;
    referral(app, "Airdrie", Some(&org_a), "closed", 400, Some(20)).await; // before the period
    let builder = app.make_user(Actor::AirdrieBuilder).await.0;
    for (k, r) in with_outcomes.iter().enumerate() {
        let k = k as i64;
        outcome(app, r, "baseline", 90, [4, 5, 4, 7, 3, 3, 2], &builder).await;
        outcome(app, r, "follow_up", 5, [6 + k % 3, 6, 5 + k % 2, 5 - k % 2, 2, 2, 2], &builder).await;
    }
    let now = app::util::now();
    Seeded { from: app::util::iso_date(now - 200 * DAY), to: app::util::iso_date(now), org_a }
}

/// A CSV file of the dashboard as (header, rows).
async fn csv(c: &mut Client, table: &str, query: &str) -> (u16, Vec<Vec<String>>) {
    let r = c.raw(reqwest::Method::GET, &format!("/insight/{table}.csv?{query}"), &[], "").await;
    if r.status != 200 {
        return (r.status, vec![]);
    }
    assert!(r.header("content-type").unwrap_or_default().starts_with("text/csv"));
    let mut reader = ::csv::ReaderBuilder::new().has_headers(false).from_reader(r.body.as_bytes());
    (200, reader.records().map(|r| r.unwrap().iter().map(str::to_string).collect()).collect())
}

fn cell<'a>(rows: &'a [Vec<String>], first: &str, col: usize) -> &'a str {
    &rows.iter().find(|r| r[0] == first).unwrap_or_else(|| panic!("no row {first} in {rows:?}"))[col]
}

fn hours(minutes: i64) -> String {
    let tenths = (minutes as f64 / 6.0).round() as i64;
    format!("{}{}.{}", if tenths < 0 { "-" } else { "" }, tenths.abs() / 10, tenths.abs() % 10)
}

/// What the dashboard should say, worked out here from the raw rows.
struct Expected {
    help_count: u64,
    help_minutes: i64,
    by_kind: BTreeMap<String, i64>,
    all_minutes: i64,
    by_category: BTreeMap<String, (u64, i64)>,
    members: u64,
    new_members: u64,
    active: u64,
    both: u64,
    posted: u64,
    unanswered: u64,
    referrals: u64,
    by_org: BTreeMap<String, u64>,
    by_status: BTreeMap<String, u64>,
    reached: u64,
    median_days: f64,
    people: u64,
    mean_change: [f64; 5],
}

async fn expected(app: &TestApp, from: &str, to: &str, locality: Option<&str>) -> Expected {
    let pool = &app.state.db.pool;
    let start = app::util::days_from_civil(from[..4].parse().unwrap(), from[5..7].parse().unwrap(), from[8..].parse().unwrap()) * DAY;
    let end = app::util::days_from_civil(to[..4].parse().unwrap(), to[5..7].parse().unwrap(), to[8..].parse().unwrap()) * DAY + DAY;
    let now = app::util::now();
    let member_loc: BTreeMap<String, (String, String, i64)> =
        sqlx::query("SELECT user_id, locality_id, status, created_at FROM memberships")
            .fetch_all(pool)
            .await
            .unwrap()
            .iter()
            .map(|r| (r.get("user_id"), (r.get("locality_id"), r.get("status"), r.get("created_at"))))
            .collect();
    let in_loc = |l: &str| locality.map(|x| x == l).unwrap_or(true);
    // Every transfer with its legs.
    let transfers: Vec<(String, String, Option<String>, Option<String>, i64)> =
        sqlx::query("SELECT id, kind, exchange_id, reverses_id, recorded_at FROM transfers")
            .fetch_all(pool)
            .await
            .unwrap()
            .iter()
            .map(|r| (r.get("id"), r.get("kind"), r.get("exchange_id"), r.get("reverses_id"), r.get("recorded_at")))
            .collect();
    let mut legs: BTreeMap<String, Vec<(Option<String>, i64)>> = BTreeMap::new();
    for r in sqlx::query("SELECT e.transfer_id, a.user_id, a.kind, e.amount_minutes FROM entries e JOIN accounts a ON a.id = e.account_id")
        .fetch_all(pool)
        .await
        .unwrap()
    {
        let user: Option<String> = r.get("user_id");
        let kind: String = r.get("kind");
        legs.entry(r.get("transfer_id")).or_default().push((user.filter(|_| kind == "member"), r.get("amount_minutes")));
    }
    let category_of: BTreeMap<String, String> = sqlx::query(
        "SELECT x.id, c.name FROM exchanges x JOIN listings l ON l.id = x.listing_id JOIN categories c ON c.id = l.category_id",
    )
    .fetch_all(pool)
    .await
    .unwrap()
    .iter()
    .map(|r| (r.get("id"), r.get("name")))
    .collect();
    let by_id: BTreeMap<String, (String, Option<String>)> = transfers.iter().map(|t| (t.0.clone(), (t.1.clone(), t.2.clone()))).collect();
    let reversed: BTreeSet<String> = transfers.iter().filter_map(|t| t.3.clone()).collect();
    // Where a transfer counts: the member with the largest credit of the original.
    let place = |t: &str| -> String {
        let mut ls: Vec<(String, i64)> = legs[t].iter().filter_map(|(u, a)| u.clone().map(|u| (u, *a))).collect();
        ls.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        ls.first().map(|(u, _)| member_loc[u].0.clone()).unwrap_or_default()
    };
    let mut e = Expected {
        help_count: 0,
        help_minutes: 0,
        by_kind: BTreeMap::new(),
        all_minutes: 0,
        by_category: BTreeMap::new(),
        members: 0,
        new_members: 0,
        active: 0,
        both: 0,
        posted: 0,
        unanswered: 0,
        referrals: 0,
        by_org: BTreeMap::new(),
        by_status: BTreeMap::new(),
        reached: 0,
        median_days: 0.0,
        people: 0,
        mean_change: [0.0; 5],
    };
    for (tid, kind, xid, rev, at) in &transfers {
        if *at < start || *at >= end {
            continue;
        }
        let origin = rev.clone().unwrap_or_else(|| tid.clone());
        if !in_loc(&place(&origin)) {
            continue;
        }
        let credits: i64 = legs[tid].iter().map(|l| l.1).filter(|a| *a > 0).sum();
        let (okind, oxid) = if rev.is_some() { by_id[&origin].clone() } else { (kind.clone(), xid.clone()) };
        let signed = if rev.is_some() { -credits } else { credits };
        *e.by_kind.entry(okind.clone()).or_default() += signed;
        e.all_minutes += signed;
        if okind == "exchange" || okind == "organisation" {
            e.help_minutes += signed;
            let cat = oxid.and_then(|x| category_of.get(&x).cloned()).unwrap_or_else(|| "Not from a listing".into());
            let c = e.by_category.entry(cat).or_default();
            c.1 += signed;
            // An exchange undone later is not counted (its hours come off with the reversal).
            if rev.is_none() && !reversed.contains(tid) {
                e.help_count += 1;
                c.0 += 1;
            }
        }
    }
    // Active members and reciprocity: help in the 90 days to the end, not undone.
    let mut roles: BTreeMap<String, (bool, bool)> = BTreeMap::new();
    for (tid, kind, _, _, at) in &transfers {
        if (kind == "exchange" || kind == "organisation") && *at >= end - 90 * DAY && *at < end && !reversed.contains(tid) {
            for (u, a) in &legs[tid] {
                if let Some(u) = u {
                    if in_loc(&member_loc[u].0) {
                        let r = roles.entry(u.clone()).or_default();
                        if *a > 0 {
                            r.0 = true
                        } else {
                            r.1 = true
                        }
                    }
                }
            }
        }
    }
    e.active = roles.len() as u64;
    e.both = roles.values().filter(|(g, r)| *g && *r).count() as u64;
    for (loc, status, created) in member_loc.values() {
        if in_loc(loc) && *created < end {
            if status == "active" {
                e.members += 1
            }
            if *created >= start && status != "pending" {
                e.new_members += 1
            }
        }
    }
    let exchange_starts: Vec<(String, i64)> = sqlx::query("SELECT listing_id, created_at FROM exchanges")
        .fetch_all(pool)
        .await
        .unwrap()
        .iter()
        .map(|r| (r.get("listing_id"), r.get("created_at")))
        .collect();
    for r in sqlx::query("SELECT id, kind, locality_id, created_at FROM listings").fetch_all(pool).await.unwrap() {
        let (lid, kind, loc, at): (String, String, String, i64) = (r.get("id"), r.get("kind"), r.get("locality_id"), r.get("created_at"));
        if kind == "request" && in_loc(&loc) && at >= start && at < end && at <= now - 30 * DAY {
            e.posted += 1;
            if !exchange_starts.iter().any(|(l, x)| *l == lid && *x < at + 30 * DAY) {
                e.unanswered += 1;
            }
        }
    }
    let orgs: BTreeMap<String, String> = sqlx::query("SELECT id, name FROM organisations")
        .fetch_all(pool)
        .await
        .unwrap()
        .iter()
        .map(|r| (r.get("id"), r.get("name")))
        .collect();
    let mut days = vec![];
    let mut in_scope = BTreeSet::new();
    for r in sqlx::query("SELECT id, locality_id, organisation_id, status, created_at, first_exchange_at FROM referrals")
        .fetch_all(pool)
        .await
        .unwrap()
    {
        let (rid, loc, org, status, at, first): (String, String, Option<String>, String, i64, Option<i64>) =
            (r.get("id"), r.get("locality_id"), r.get("organisation_id"), r.get("status"), r.get("created_at"), r.get("first_exchange_at"));
        if in_loc(&loc) {
            in_scope.insert(rid.clone());
        }
        if !in_loc(&loc) || at < start || at >= end {
            continue;
        }
        e.referrals += 1;
        *e.by_org.entry(org.map(|o| orgs[&o].clone()).unwrap_or_else(|| "Referred themselves".into())).or_default() += 1;
        *e.by_status.entry(app::referrals::domain::Status::parse(&status).unwrap().label().to_string()).or_default() += 1;
        if let Some(f) = first {
            e.reached += 1;
            days.push((f - at) as f64 / DAY as f64);
        }
    }
    days.sort_by(|a, b| a.total_cmp(b));
    e.median_days = if days.len() % 2 == 1 { days[days.len() / 2] } else { (days[days.len() / 2 - 1] + days[days.len() / 2]) / 2.0 };
    let mut pairs: BTreeMap<String, (Option<[i64; 5]>, Option<[i64; 5]>)> = BTreeMap::new();
    for r in sqlx::query("SELECT referral_id, stage, at, life_satisfaction, worthwhile, happiness, anxiety, lack_companionship, left_out, isolated FROM referral_outcomes ORDER BY at")
        .fetch_all(pool).await.unwrap()
    {
        let rid: String = r.get("referral_id");
        if !in_scope.contains(&rid) {
            continue;
        }
        let s: [i64; 5] = [r.get("life_satisfaction"), r.get("worthwhile"), r.get("happiness"), r.get("anxiety"),
            r.get::<i64, _>("lack_companionship") + r.get::<i64, _>("left_out") + r.get::<i64, _>("isolated")];
        let at: i64 = r.get("at");
        let p = pairs.entry(rid).or_default();
        if r.get::<String, _>("stage") == "baseline" && p.0.is_none() { p.0 = Some(s) }
        if r.get::<String, _>("stage") == "follow_up" && at >= start && at < end { p.1 = Some(s) }
    }
    let changes: Vec<[i64; 5]> = pairs
        .values()
        .filter(|(b, f)| b.is_some() && f.is_some())
        .map(|(b, f)| std::array::from_fn(|i| f.unwrap()[i] - b.unwrap()[i]))
        .collect();
    e.people = changes.len() as u64;
    for i in 0..5 {
        e.mean_change[i] = changes.iter().map(|c| c[i] as f64).sum::<f64>() / changes.len().max(1) as f64;
    }
    e
}

fn change(x: f64) -> String {
    if x > 0.0 {
        format!("+{x:.2}")
    } else {
        format!("{x:.2}")
    }
}

async fn check_against(c: &mut Client, query: &str, e: &Expected) {
    let (s, summary) = csv(c, "summary", query).await;
    assert_eq!(s, 200);
    assert_eq!(cell(&summary, "Exchanges completed", 1), e.help_count.to_string());
    assert_eq!(cell(&summary, "Hours exchanged", 1), hours(e.help_minutes));
    assert_eq!(cell(&summary, "Members at the end of the period", 1), e.members.to_string());
    assert_eq!(cell(&summary, "New members who joined in the period", 1), e.new_members.to_string());
    assert_eq!(cell(&summary, "Active members (an exchange in the 90 days to the end of the period)", 1), e.active.to_string());
    assert_eq!(cell(&summary, "Active members who both gave and received", 1), e.both.to_string());
    assert_eq!(cell(&summary, "Requests posted in the period (30 days ago or more)", 1), e.posted.to_string());
    assert_eq!(cell(&summary, "Requests left unanswered for 30 days", 1), e.unanswered.to_string());
    assert_eq!(cell(&summary, "Referrals made in the period", 1), e.referrals.to_string());
    assert_eq!(cell(&summary, "Referred people who reached a first exchange", 1), e.reached.to_string());
    assert_eq!(cell(&summary, "Median days from referral to first exchange", 1), format!("{:.1}", e.median_days));
    assert_eq!(
        cell(&summary, "Reciprocity: share of active members who both gave and received", 1),
        format!("{:.1}", e.both as f64 * 100.0 / e.active as f64)
    );
    let (_, kinds) = csv(c, "by-kind", query).await;
    for (kind, label) in [
        ("exchange", "Help between members"),
        ("organisation", "Help to an organisation"),
        ("grant", "Hours from the community pool"),
        ("donation", "Gifts to the community pool"),
        ("starting_credit", "Welcome hours from the network"),
        ("adjustment", "Corrections by builders"),
    ] {
        assert_eq!(cell(&kinds, label, 1), hours(e.by_kind.get(kind).copied().unwrap_or(0)), "{label}");
    }
    assert_eq!(cell(&kinds, "All hours moved", 1), hours(e.all_minutes));
    let (_, cats) = csv(c, "by-category", query).await;
    assert_eq!(cats.len(), e.by_category.len() + 2, "{cats:?}");
    for (name, (n, m)) in &e.by_category {
        assert_eq!(cell(&cats, name, 1), n.to_string(), "{name}");
        assert_eq!(cell(&cats, name, 2), hours(*m), "{name}");
    }
    assert_eq!(cell(&cats, "Total", 1), e.help_count.to_string());
    let (_, time) = csv(c, "over-time", query).await;
    let months: u64 = time[1..time.len() - 1].iter().map(|r| r[1].parse::<u64>().unwrap()).sum();
    assert_eq!(months, e.help_count);
    assert_eq!(cell(&time, "Total", 2), hours(e.help_minutes));
    let (_, orgs) = csv(c, "referrals-by-organisation", query).await;
    for (org, n) in &e.by_org {
        assert_eq!(cell(&orgs, org, 1), n.to_string(), "{org}");
    }
    assert_eq!(cell(&orgs, "Total", 1), e.referrals.to_string());
    let (_, statuses) = csv(c, "referrals-by-status", query).await;
    assert_eq!(statuses.len(), e.by_status.len() + 2);
    for (st, n) in &e.by_status {
        assert_eq!(cell(&statuses, st, 1), n.to_string(), "{st}");
    }
    let (_, wellbeing) = csv(c, "wellbeing", query).await;
    for (i, row) in wellbeing[1..].iter().enumerate() {
        assert_eq!(row[1], e.people.to_string());
        assert_eq!(row[2], change(e.mean_change[i]), "{}", row[0]);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_figure_equals_an_independent_recomputation() {
    let app = TestApp::spawn().await;
    let s = seed(&app).await;
    let mut admin = app.as_actor(Actor::Admin).await;
    let q = format!("network={}&from={}&to={}", app.network_id, s.from, s.to);
    let whole = expected(&app, &s.from, &s.to, None).await;
    // The seeding gave every kind of figure something to count.
    assert!(
        whole.help_count > 10 && whole.by_kind.len() == 6 && whole.people >= 5 && whole.unanswered >= 2 && whole.reached >= 5,
        "seed too thin"
    );
    check_against(&mut admin, &q, &whole).await;
    let airdrie = app.locality("Airdrie");
    let local = expected(&app, &s.from, &s.to, Some(&airdrie)).await;
    check_against(&mut admin, &format!("{q}&locality={airdrie}"), &local).await;
    // The comparison: rates per 1,000 residents.
    let (_, cmp) = csv(&mut admin, "localities", &q).await;
    assert_eq!(cell(&cmp, "Airdrie", 1), "37000");
    assert_eq!(cell(&cmp, "Airdrie", 2), format!("{:.1}", local.members as f64 * 1000.0 / 37000.0));
    assert_eq!(cell(&cmp, "Airdrie", 5), format!("{:.1}", local.help_count as f64 * 1000.0 / 37000.0));
    assert_eq!(cell(&cmp, "The whole network", 1), "67000");
    assert_eq!(cell(&cmp, "The whole network", 6), format!("{:.1}", whole.referrals as f64 * 1000.0 / 67000.0));
    // The page shows the same numbers, and a chart of them.
    let page = admin.get(&format!("/insight?{q}")).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("<svg") && page.body.contains("Help by category"));
    assert!(page.body.contains(&format!(">{}</td>", whole.help_count)));
    // The quarterly report renders for the last full quarter by default.
    let report = admin.get(&format!("/insight/report?network={}", app.network_id)).await;
    assert_eq!(report.status, 200);
    assert!(report.body.contains("Quarterly report"));
    // A transfer made after a read is in the next read: the derived index catches up.
    let two: Vec<String> =
        sqlx::query("SELECT user_id FROM memberships WHERE locality_id = $1 AND status = 'active' ORDER BY user_id LIMIT 2")
            .bind(&airdrie)
            .fetch_all(&app.state.db.pool)
            .await
            .unwrap()
            .iter()
            .map(|r| r.get("user_id"))
            .collect();
    transfer(&app, "exchange", vec![(AccountRef::Member(two[0].clone()), 45), (AccountRef::Member(two[1].clone()), -45)], None, None).await;
    let again = expected(&app, &s.from, &s.to, None).await;
    assert_eq!(again.help_count, whole.help_count + 1);
    check_against(&mut admin, &q, &again).await;
}

/// Every way a hidden count could be pinned down by the rest of its column and the total.
fn assert_protected(name: &str, rows: &[Vec<String>], col: usize) {
    let body = &rows[1..rows.len() - 1];
    let total = &rows[rows.len() - 1][col];
    for r in body {
        if let Ok(n) = r[col].parse::<u64>() {
            assert!(n == 0 || n >= 5, "{name}: {n} shown in {r:?}");
        }
    }
    let Ok(total) = total.parse::<i64>() else { return };
    assert!(total == 0 || total >= 5, "{name}: a small total");
    let shown: i64 = body.iter().filter_map(|r| r[col].parse::<i64>().ok()).sum();
    let hidden: Vec<(i64, i64)> = body
        .iter()
        .filter(|r| r[col].parse::<i64>().is_err())
        .map(|r| {
            if r[col] == "fewer than 5" {
                (1, 4)
            } else {
                (5, body.iter().filter_map(|r| r[col].parse::<i64>().ok()).filter(|n| *n > 0).min().unwrap_or(total).min(total))
            }
        })
        .collect();
    if hidden.is_empty() {
        return;
    }
    let rest = total - shown;
    // Each hidden cell must be able to take at least two values.
    for i in 0..hidden.len() {
        let lo_others: i64 = hidden.iter().enumerate().filter(|(j, _)| *j != i).map(|(_, h)| h.0).sum();
        let hi_others: i64 = hidden.iter().enumerate().filter(|(j, _)| *j != i).map(|(_, h)| h.1).sum();
        let lo = hidden[i].0.max(rest - hi_others);
        let hi = hidden[i].1.min(rest - lo_others);
        assert!(hi > lo, "{name}: row {i} can be worked out ({lo}..{hi}) from {rows:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn small_numbers_are_hidden_and_cannot_be_worked_out_from_totals() {
    let app = TestApp::spawn().await;
    let s = seed(&app).await;
    let mut builder = app.as_actor(Actor::NetworkBuilder).await;
    let q = format!("from={}&to={}", s.from, s.to);
    let whole = expected(&app, &s.from, &s.to, None).await;
    // Something small to hide: one self-referral, three from NHS Lanarkshire.
    assert_eq!(whole.by_org.get("Referred themselves"), Some(&1));
    let (_, orgs) = csv(&mut builder, "referrals-by-organisation", &q).await;
    assert_eq!(cell(&orgs, "Referred themselves", 1), "fewer than 5");
    assert_eq!(cell(&orgs, "NHS Lanarkshire", 1), "fewer than 5");
    assert_protected("by organisation", &orgs, 1);
    for t in ["referrals-by-status", "by-category", "over-time"] {
        let (s, rows) = csv(&mut builder, t, &q).await;
        assert_eq!(s, 200, "{t}");
        assert_protected(t, &rows, 1);
    }
    let (_, cmp) = csv(&mut builder, "localities", &q).await;
    for r in &cmp[1..] {
        for c in &r[2..] {
            assert!(c.parse::<f64>().is_ok() || c == "fewer than 5" || c == "withheld", "{c}");
        }
    }
    // Wishaw has fewer than 5 referrals in the period: its rate is hidden, and so is Airdrie's,
    // or the network's rate would give it away.
    assert_eq!(cell(&cmp, "Wishaw", 6), "fewer than 5");
    assert_eq!(cell(&cmp, "Airdrie", 6), "withheld");
    let (_, wellbeing) = csv(&mut builder, "wellbeing", &q).await;
    assert!(whole.people >= 5);
    assert_eq!(wellbeing[1][1], whole.people.to_string());
    // The page says the same as the files.
    let page = builder.get(&format!("/insight?{q}")).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("fewer than 5") && page.body.contains("withheld"));
    // Never an empty chart: in a small area every chart has a bar to show, or is replaced by
    // a sentence saying why there is none.
    let wishaw = app.locality("Wishaw");
    let small = builder.get(&format!("/insight?{q}&locality={wishaw}")).await.body;
    let (charts, notes) = (small.matches("<figure class=\"chart\"").count(), small.matches("class=\"chart-note\"").count());
    assert!(charts + notes >= 3, "every chart is drawn or explained: {charts} drawn, {notes} explained");
    for (i, fig) in small.split("<figure class=\"chart\"").skip(1).enumerate() {
        let fig = fig.split("</figure>").next().unwrap_or("");
        assert!(bar_heights(fig).iter().any(|h| *h > 0.0), "chart {i} draws nothing: {fig}");
    }
    // The Airdrie view hides the self-referral and the 10 from Airdrie Health Centre.
    let airdrie = app.locality("Airdrie");
    let (_, orgs) = csv(&mut builder, "referrals-by-organisation", &format!("{q}&locality={airdrie}")).await;
    assert_protected("Airdrie by organisation", &orgs, 1);
    // A site admin sees exact counts, or what others see when they ask.
    let mut admin = app.as_actor(Actor::Admin).await;
    let (_, exact) = csv(&mut admin, "referrals-by-organisation", &format!("network={}&{q}", app.network_id)).await;
    assert_eq!(cell(&exact, "Referred themselves", 1), "1");
    let (_, as_others) = csv(&mut admin, "referrals-by-organisation", &format!("network={}&{q}&protected=1", app.network_id)).await;
    assert_eq!(as_others, orgs_of_network(&mut builder, &q).await);
    let _ = s.org_a;
}

async fn orgs_of_network(c: &mut Client, q: &str) -> Vec<Vec<String>> {
    csv(c, "referrals-by-organisation", q).await.1
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_caller_sees_only_their_own_figures() {
    let app = TestApp::spawn().await;
    let s = seed(&app).await;
    let q = format!("from={}&to={}", s.from, s.to);
    let airdrie = app.locality("Airdrie");
    let wishaw = app.locality("Wishaw");
    for actor in [Actor::Anonymous, Actor::Pending, Actor::Resident, Actor::Professional] {
        let mut c = app.as_actor(actor).await;
        let (status, _) = csv(&mut c, "summary", &q).await;
        assert!(status == 401 || status == 403, "{actor:?}: {status}");
        let page = c.get(&format!("/insight?{q}")).await;
        assert!(page.status == 401 || page.status == 403 || page.status == 303 || page.status == 302, "{actor:?} page: {}", page.status);
        assert!(!page.body.contains("The period at a glance"), "{actor:?}");
    }
    // A locality's builder: their locality, not the other, not the comparison.
    let mut b = app.as_actor(Actor::AirdrieBuilder).await;
    let (status, summary) = csv(&mut b, "summary", &q).await;
    assert_eq!(status, 200);
    let local = expected(&app, &s.from, &s.to, Some(&airdrie)).await;
    assert_eq!(cell(&summary, "Members at the end of the period", 1), local.members.to_string());
    assert_eq!(csv(&mut b, "summary", &format!("{q}&locality={wishaw}")).await.0, 403);
    assert_eq!(csv(&mut b, "localities", &q).await.0, 404);
    assert_eq!(csv(&mut b, "summary", &format!("{q}&network=someone-elses")).await.0, 404);
    // The network's builder: the comparison too.
    let mut n = app.as_actor(Actor::NetworkBuilder).await;
    assert_eq!(csv(&mut n, "localities", &q).await.0, 200);
    assert_eq!(csv(&mut n, "summary", &format!("{q}&organisation={}", s.org_a)).await.0, 403);
    // An organisation's lead: their organisation's referrals, nothing about members or hours.
    let (lead_id, lead_email) = app.make_user(Actor::Professional).await;
    sqlx::query("UPDATE professionals SET organisation_id = $1, is_org_lead = 1 WHERE user_id = $2")
        .bind(&s.org_a)
        .bind(&lead_id)
        .execute(&app.state.db.pool)
        .await
        .unwrap();
    let mut lead = app.client();
    lead.sign_in_with_code(&lead_email).await;
    let (status, summary) = csv(&mut lead, "summary", &q).await;
    assert_eq!(status, 200);
    assert!(summary.iter().all(|r| !r[0].contains("Members") && !r[0].contains("Hours")), "{summary:?}");
    let pool = &app.state.db.pool;
    let from_a: i64 = sqlx::query("SELECT COUNT(*) AS n FROM referrals WHERE organisation_id = $1 AND created_at >= $2")
        .bind(&s.org_a)
        .bind(app::util::now() - 200 * DAY - DAY)
        .fetch_one(pool)
        .await
        .unwrap()
        .get("n");
    assert_eq!(cell(&summary, "Referrals made in the period", 1), from_a.to_string());
    for t in ["by-category", "by-kind", "over-time", "localities", "referrals-by-organisation"] {
        assert_eq!(csv(&mut lead, t, &q).await.0, 404, "{t}");
    }
    let (_, by_loc) = csv(&mut lead, "referrals-by-locality", &q).await;
    assert_eq!(cell(&by_loc, "Wishaw, Test Time Bank", 1), "fewer than 5");
    let other =
        sqlx::query("SELECT id FROM organisations WHERE name = 'NHS Lanarkshire'").fetch_one(pool).await.unwrap().get::<String, _>("id");
    assert_eq!(csv(&mut lead, "summary", &format!("{q}&organisation={other}")).await.0, 403);
    let page = lead.get(&format!("/insight?{q}")).await;
    assert_eq!(page.status, 200);
    assert!(!page.body.contains("Seeded Person"));
}

/// The heights of the bars drawn in a piece of a page (`height="…" class="bar"`).
fn bar_heights(fig: &str) -> Vec<f64> {
    fig.split("class=\"bar\"")
        .filter_map(|before| before.rsplit("height=\"").next())
        .filter_map(|rest| rest.split('"').next()?.parse::<f64>().ok())
        .collect()
}
