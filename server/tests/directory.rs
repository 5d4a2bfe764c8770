//! What's on through the server: a builder adds an entry, members find it with filters and
//! see its next dates, the calendar file parses as iCalendar, a bad form is refused field by
//! field with nothing written, and each server function refuses whoever may not call it.
//! Runs on the engine named by TIMEWEAVE_TEST_ENGINE.

mod common;

use common::{Actor, Client, TestApp};
use sqlx::Row;
use std::str::FromStr;

/// A weekly walk on Tuesdays in `area` (a locality id, or "network").
fn walk<'a>(network: &'a str, area: &'a str, public: bool) -> Vec<(&'a str, &'a str)> {
    let mut f = vec![
        ("network_id", network),
        ("title", "Tuesday walk"),
        ("organisation", "Airdrie Health Walks"),
        ("kind", "group"),
        ("theme", "active"),
        ("description", "A gentle hour round the park, whatever the weather."),
        ("area", area),
        ("schedule", "weekly"),
        ("weekday", "1"),
        ("nth", ""),
        ("on_date", ""),
        ("starts", "10:00"),
        ("ends", "11:00"),
        ("until", ""),
        ("venue", "Centenary Park gates"),
        ("address", "Main Street, Airdrie"),
        ("postcode", "ml6 0aa"),
        ("accessibility", ""),
        ("cost", "free"),
        ("cost_detail", ""),
        ("audience", "Everyone"),
        ("how_to_join", "Just turn up."),
        ("contact", ""),
    ];
    if public {
        f.push(("public", "yes"));
    }
    f
}

async fn entry_count(app: &TestApp) -> i64 {
    sqlx::query("SELECT COUNT(*) AS n FROM directory_entries").fetch_one(&app.state.db.pool).await.unwrap().get::<i64, _>("n")
}

async fn only_entry(app: &TestApp) -> String {
    sqlx::query("SELECT id FROM directory_entries").fetch_one(&app.state.db.pool).await.unwrap().get("id")
}

/// The fields a refusal names.
fn refused_fields(r: &common::Resp) -> Vec<String> {
    assert_eq!(r.status, 422, "{}", r.body);
    r.json()["Invalid"]["fields"].as_array().unwrap().iter().map(|f| f[0].as_str().unwrap().to_string()).collect()
}

async fn find(c: &mut Client, filters: &[(&str, &str)]) -> Vec<String> {
    let r = c.call("whats_on", filters).await;
    assert_eq!(r.status, 200, "{}", r.body);
    r.json()["cards"].as_array().unwrap().iter().map(|c| c["title"].as_str().unwrap().to_string()).collect()
}

#[tokio::test]
async fn a_builder_adds_an_entry_and_members_find_it() {
    let app = TestApp::spawn().await;
    let airdrie = app.locality("Airdrie");
    let mut builder = app.as_actor(Actor::AirdrieBuilder).await;
    let r = builder.call("save_directory_entry", &walk(&app.network_id, &airdrie, true)).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let id = only_entry(&app).await;
    let audited: i64 = sqlx::query("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'save_directory_entry'")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap()
        .get("n");
    assert_eq!(audited, 1);

    // A member in Airdrie finds it in their own area, by day, time and words; not by others.
    let mut member = app.as_actor(Actor::Resident).await;
    assert_eq!(find(&mut member, &[]).await, ["Tuesday walk"]);
    assert_eq!(find(&mut member, &[("filters[day]", "1"), ("filters[part]", "morning"), ("filters[q]", "park")]).await, ["Tuesday walk"]);
    assert_eq!(find(&mut member, &[("filters[week]", "1"), ("filters[cost]", "free")]).await, ["Tuesday walk"]);
    assert!(find(&mut member, &[("filters[day]", "3")]).await.is_empty());
    assert!(find(&mut member, &[("filters[step_free]", "1")]).await.is_empty());
    assert!(find(&mut member, &[("filters[theme]", "learn")]).await.is_empty());
    // A member in Wishaw sees their own area first (not it), and every area when asked.
    let mut wishaw = app.as_actor(Actor::WishawResident).await;
    assert!(find(&mut wishaw, &[]).await.is_empty());
    assert_eq!(find(&mut wishaw, &[("filters[area]", "all")]).await, ["Tuesday walk"]);

    // Its page has six Tuesdays, in order.
    let r = member.call("directory_entry", &[("id", &id)]).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let e = r.json();
    let dates: Vec<&str> = e["next_dates"].as_array().unwrap().iter().map(|d| d.as_str().unwrap()).collect();
    assert_eq!(dates.len(), 6);
    assert!(dates.iter().all(|d| d.starts_with("Tuesday ")), "{dates:?}");
    assert_eq!(e["card"]["when"], "Every Tuesday, 10:00 to 11:00");
    assert_eq!(e["postcode"], "ML6 0AA");
    assert_eq!(e["keeper"], false);

    // The calendar file is iCalendar with a weekly rule, for the member and (public) for anyone.
    let (status, headers, body) = member.get_bytes(&format!("/whats-on/{id}/calendar.ics")).await;
    assert_eq!(status, 200);
    assert!(headers.get("content-type").unwrap().to_str().unwrap().starts_with("text/calendar"));
    let text = String::from_utf8(body).unwrap();
    let cal = icalendar::Calendar::from_str(&text).expect("a calendar that parses");
    let event = cal.components.iter().find_map(|c| c.as_event()).expect("one event");
    use icalendar::{Component, EventLike};
    assert_eq!(event.get_summary(), Some("Tuesday walk"));
    assert_eq!(event.property_value("RRULE"), Some("FREQ=WEEKLY;BYDAY=TU"));
    assert!(event.get_location().unwrap().contains("Centenary Park gates"));
    let (status, _, _) = app.client().get_bytes(&format!("/whats-on/{id}/calendar.ics")).await;
    assert_eq!(status, 200);
    let (status, _, body) = app.client().get_bytes(&format!("/whats-on/areas/{airdrie}/calendar.ics")).await;
    assert_eq!(status, 200);
    assert!(String::from_utf8(body).unwrap().contains("SUMMARY:Tuesday walk"));

    // Checked, then taken down: members no longer find it; the page is gone for them.
    assert_eq!(builder.call("check_directory_entry", &[("entry_id", &id)]).await.status, 200);
    assert_eq!(builder.call("close_directory_entry", &[("entry_id", &id)]).await.status, 200);
    assert_eq!(builder.call("close_directory_entry", &[("entry_id", &id)]).await.status, 409);
    assert!(find(&mut member, &[]).await.is_empty());
    assert_eq!(member.call("directory_entry", &[("id", &id)]).await.status, 404);
    assert_eq!(app.client().get_bytes(&format!("/whats-on/{id}/calendar.ics")).await.0, 404);
}

#[tokio::test]
async fn a_members_only_entry_stays_out_of_public_calendars() {
    let app = TestApp::spawn().await;
    let airdrie = app.locality("Airdrie");
    let mut builder = app.as_actor(Actor::AirdrieBuilder).await;
    assert_eq!(builder.call("save_directory_entry", &walk(&app.network_id, &airdrie, false)).await.status, 200);
    let id = only_entry(&app).await;
    assert_eq!(app.client().get_bytes(&format!("/whats-on/{id}/calendar.ics")).await.0, 404);
    let (_, _, body) = app.client().get_bytes(&format!("/whats-on/areas/{airdrie}/calendar.ics")).await;
    assert!(!String::from_utf8(body).unwrap().contains("Tuesday walk"));
    let mut member = app.as_actor(Actor::Resident).await;
    assert_eq!(member.get_bytes(&format!("/whats-on/{id}/calendar.ics")).await.0, 200);
}

#[tokio::test]
async fn a_bad_entry_is_refused_field_by_field_and_nothing_is_written() {
    let app = TestApp::spawn().await;
    let airdrie = app.locality("Airdrie");
    let mut builder = app.as_actor(Actor::AirdrieBuilder).await;
    let mut form = walk(&app.network_id, &airdrie, false);
    for (k, v) in form.iter_mut() {
        match *k {
            "address" => *v = "",
            "schedule" => *v = "monthly",
            "nth" => *v = "9",
            "ends" => *v = "09:00",
            _ => {}
        }
    }
    let r = builder.call("save_directory_entry", &form).await;
    assert_eq!(refused_fields(&r), ["address", "nth", "ends"]);
    assert!(r.body.contains("Enter the address of Centenary Park gates"), "the message names the place: {}", r.body);
    // A one-off on a day that has passed, and one on 30 February.
    for day in ["2020-01-07", "2027-02-30"] {
        let mut once = walk(&app.network_id, &airdrie, false);
        once.retain(|(k, _)| *k != "schedule" && *k != "on_date");
        once.push(("schedule", "once"));
        once.push(("on_date", day));
        let r = builder.call("save_directory_entry", &once).await;
        assert_eq!(refused_fields(&r), ["on_date"]);
    }
    // No schedule chosen at all (the radio group sends nothing): refused with a message, not a 400.
    let mut none = walk(&app.network_id, &airdrie, false);
    none.retain(|(k, _)| *k != "schedule");
    let r = builder.call("save_directory_entry", &none).await;
    assert_eq!(refused_fields(&r), ["schedule"]);
    // An Airdrie builder cannot file under Wishaw, nor for the whole network.
    for area in [app.locality("Wishaw"), "network".to_string()] {
        let r = builder.call("save_directory_entry", &walk(&app.network_id, &area, false)).await;
        assert_eq!(refused_fields(&r), ["area"]);
    }
    assert_eq!(entry_count(&app).await, 0);
}

/// A server function, its form, and who may call it.
type Case<'a> = (&'a str, Vec<(&'a str, &'a str)>, Vec<Actor>);

/// Every directory server function × every kind of caller.
#[tokio::test]
async fn who_may_call_what() {
    use Actor::*;
    let app = TestApp::spawn().await;
    let airdrie = app.locality("Airdrie");
    let mut owner = app.as_actor(AirdrieBuilder).await;
    assert_eq!(owner.call("save_directory_entry", &walk(&app.network_id, &airdrie, false)).await.status, 200);
    let id = only_entry(&app).await;
    let org: String = sqlx::query_scalar("SELECT organisation_id FROM directory_entries").fetch_one(&app.state.db.pool).await.unwrap();
    let network = app.network_id.clone();
    let seeing = vec![Resident, WishawResident, AirdrieBuilder, WishawBuilder, NetworkBuilder, Professional, Admin];
    let keepers = vec![AirdrieBuilder, NetworkBuilder, Admin];
    let cases: Vec<Case> = vec![
        ("whats_on", vec![], seeing.clone()),
        ("directory_entry", vec![("id", &id)], seeing.clone()),
        ("directory_entry_form", vec![("id", &id)], keepers.clone()),
        ("directory_keeper", vec![], vec![AirdrieBuilder, WishawBuilder, NetworkBuilder, Admin]),
        ("check_directory_entry", vec![("entry_id", &id)], keepers.clone()),
        ("entry_going", vec![("entry_id", &id)], keepers.clone()),
        ("directory_organisation", vec![("id", &org)], seeing.clone()),
    ];
    for actor in Actor::ALL {
        let mut c = app.as_actor(actor).await;
        for (endpoint, form, allowed) in &cases {
            let r = c.call(endpoint, form).await;
            let expect_ok = allowed.contains(&actor);
            assert_eq!(r.status == 200, expect_ok, "{endpoint} as {actor:?}: {} {}", r.status, r.body);
            if !expect_ok {
                let want: &[u16] = if actor == Anonymous { &[401] } else { &[403, 404] };
                assert!(want.contains(&r.status), "{endpoint} as {actor:?}: {}", r.status);
            }
        }
        // Saving a new entry in Airdrie: only who keeps Airdrie's entries.
        let r = c.call("save_directory_entry", &walk(&network, &airdrie, false)).await;
        let allowed = keepers.contains(&actor);
        assert_eq!(r.status == 200, allowed, "save as {actor:?}: {} {}", r.status, r.body);
        // Naming someone to act for the organisation: the network's builders (a member of
        // their own area) and admins; never the member named themselves.
        let (member, _) = app.make_user(if actor == WishawBuilder { WishawResident } else { Resident }).await;
        let form = [("organisation_id", org.as_str()), ("member", ""), ("member_pick", member.as_str())];
        let r = c.call("add_organisation_member", &form).await;
        let allowed = matches!(actor, AirdrieBuilder | WishawBuilder | NetworkBuilder | Admin);
        assert_eq!(r.status == 200, allowed, "add_organisation_member as {actor:?}: {} {}", r.status, r.body);
        let r = c.call("remove_organisation_member", &[("organisation_id", org.as_str()), ("user_id", member.as_str())]).await;
        assert_eq!(r.status == 200, allowed, "remove_organisation_member as {actor:?}: {} {}", r.status, r.body);
        if !allowed {
            let want: &[u16] = if actor == Anonymous { &[401] } else { &[403, 404] };
            assert!(want.contains(&r.status), "remove_organisation_member as {actor:?}: {}", r.status);
        }
    }
}

/// A schema file of the Open Referral UK profile, shipped with the tests (see oruk/README.md).
fn oruk_validator(file: &str) -> jsonschema::Validator {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/oruk").join(file);
    let schema: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    jsonschema::options().should_validate_formats(true).build(&schema).expect("the profile's schema compiles")
}

fn assert_valid(v: &jsonschema::Validator, instance: &serde_json::Value, what: &str) {
    let errors: Vec<String> = v.iter_errors(instance).map(|e| format!("{} at {}", e, e.instance_path())).collect();
    assert!(errors.is_empty(), "{what} is not valid Open Referral UK: {errors:#?}\n{instance:#}");
}

#[tokio::test]
async fn the_open_referral_api_gives_public_entries_in_the_standards_shape() {
    let app = TestApp::spawn().await;
    let airdrie = app.locality("Airdrie");
    let mut builder = app.as_actor(Actor::AirdrieBuilder).await;
    assert_eq!(builder.call("save_directory_entry", &walk(&app.network_id, &airdrie, true)).await.status, 200);
    // A members-only one, monthly on the last Friday: not in the open data.
    let mut quiet = walk(&app.network_id, &airdrie, false);
    for (k, v) in quiet.iter_mut() {
        match *k {
            "title" => *v = "Members' quiz night",
            "schedule" => *v = "monthly",
            "nth" => *v = "-1",
            "weekday" => *v = "4",
            _ => {}
        }
    }
    assert_eq!(builder.call("save_directory_entry", &quiet).await.status, 200);
    let mut anyone = app.client();

    let list = anyone.get("/openreferral/services").await;
    assert_eq!(list.status, 200, "{}", list.body);
    assert_eq!(list.header("access-control-allow-origin").as_deref(), Some("*"));
    let list = list.json();
    assert_eq!(list["total_items"], 1);
    assert_eq!(list["contents"][0]["name"], "Tuesday walk");
    let item = oruk_validator("service_list.json");
    for s in list["contents"].as_array().unwrap() {
        assert_valid(&item, s, "a service in the list");
    }
    let id = list["contents"][0]["id"].as_str().unwrap().to_string();
    let full = anyone.get(&format!("/openreferral/services/{id}")).await;
    assert_eq!(full.status, 200);
    let full = full.json();
    assert_valid(&oruk_validator("service.json"), &full, "a service");
    assert_eq!(full["schedules"][0]["freq"], "WEEKLY");
    assert_eq!(full["schedules"][0]["byday"], "TU");
    assert_eq!(full["schedules"][0]["opens_at"], "10:00:00");
    assert_eq!(full["service_at_locations"][0]["location"]["addresses"][0]["postal_code"], "ML6 0AA");

    // Filters: by day, words and taxonomy term; paging.
    let terms = anyone.get("/openreferral/taxonomy_terms").await.json();
    let term = oruk_validator("taxonomy_term.json");
    for t in terms["contents"].as_array().unwrap() {
        assert_valid(&term, t, "a taxonomy term");
    }
    let active =
        terms["contents"].as_array().unwrap().iter().find(|t| t["name"] == "Being active").unwrap()["id"].as_str().unwrap().to_string();
    let learning =
        terms["contents"].as_array().unwrap().iter().find(|t| t["name"] == "Learning").unwrap()["id"].as_str().unwrap().to_string();
    let count = |v: serde_json::Value| v["total_items"].as_u64().unwrap();
    assert_eq!(count(anyone.get("/openreferral/services?day=TU").await.json()), 1);
    assert_eq!(count(anyone.get("/openreferral/services?day=WE").await.json()), 0);
    assert_eq!(count(anyone.get("/openreferral/services?search=park").await.json()), 1);
    assert_eq!(count(anyone.get(&format!("/openreferral/services?taxonomy_term_id={active}")).await.json()), 1);
    assert_eq!(count(anyone.get(&format!("/openreferral/services?taxonomy_term_id={learning}")).await.json()), 0);
    let paged = anyone.get("/openreferral/services?page=2&per_page=1").await.json();
    assert_eq!((paged["empty"].as_bool(), paged["page_number"].as_u64()), (Some(true), Some(2)));

    // Organisations, and the members-only entry is not there by its id either.
    let orgs = anyone.get("/openreferral/organizations").await.json();
    let org = oruk_validator("organization.json");
    for o in orgs["contents"].as_array().unwrap() {
        assert_valid(&org, o, "an organisation");
    }
    let quiet_id: String = sqlx::query("SELECT id FROM directory_entries WHERE title = $1")
        .bind("Members' quiz night")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap()
        .get("id");
    assert_eq!(anyone.get(&format!("/openreferral/services/{quiet_id}")).await.status, 404);
}

/// What a builder types reaches pages (the title, the list, the form's boxes) only as text.
#[tokio::test]
async fn markup_in_an_entry_is_shown_as_text() {
    let app = TestApp::spawn().await;
    let airdrie = app.locality("Airdrie");
    let mut builder = app.as_actor(Actor::AirdrieBuilder).await;
    let title = r#"Tea </title><meta http-equiv="refresh" content="0"> dance"#;
    let mut form = walk(&app.network_id, &airdrie, false);
    for (k, v) in form.iter_mut() {
        match *k {
            "title" => *v = title,
            "description" => *v = "</textarea><script>alert(1)</script>",
            "how_to_join" => *v = r#""><img src=x onerror=alert(1)>"#,
            "organisation" => *v = "Walks <i>and</i> talks",
            _ => {}
        }
    }
    assert_eq!(builder.call("save_directory_entry", &form).await.status, 200);
    let id = only_entry(&app).await;
    let mut member = app.as_actor(Actor::Resident).await;
    for (who, path) in [(&mut member, format!("/whats-on/{id}")), (&mut builder, format!("/whats-on/{id}/edit"))] {
        let html = who.get(&path).await.body.to_lowercase();
        assert!(!html.contains("<meta http-equiv"), "{path}: markup in the title");
        assert!(!html.contains("<script>alert"), "{path}: markup in the description");
        assert!(!html.contains("<img src=x"), "{path}: markup in how to join");
        assert!(html.contains("&lt;/title&gt;") || html.contains("&lt;meta"), "{path}: the title shown as text");
    }
    let list = member.get("/whats-on").await.body.to_lowercase();
    assert!(!list.contains("<meta http-equiv") && list.contains("tea &lt;/title&gt;"), "the list shows the title as text");
    let org: String = sqlx::query_scalar("SELECT organisation_id FROM directory_entries").fetch_one(&app.state.db.pool).await.unwrap();
    let page = member.get(&format!("/whats-on/organisations/{org}")).await.body;
    assert!(page.contains("Walks &lt;i&gt;and&lt;/i&gt; talks") && !page.contains("<i>and</i>"), "the organisation's name as text");
}

/// The first coming date of an entry, YYYY-MM-DD, as its page gives it.
async fn first_date(c: &mut Client, id: &str) -> String {
    let r = c.call("directory_entry", &[("id", id)]).await;
    assert_eq!(r.status, 200, "{}", r.body);
    r.json()["dates"][0]["on"].as_str().unwrap().to_string()
}

async fn places_taken(app: &TestApp, id: &str, on: &str, status: &str) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM directory_going WHERE entry_id = $1 AND occurs_on = $2 AND status = $3")
        .bind(id)
        .bind(on)
        .bind(status)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap()
}

/// 32 members say they are going to a date with 5 places, all at once, through two
/// servers (four dates in turn): exactly 5 get a place and 27 wait; when one with a
/// place cannot go, the first waiting takes it and is told.
#[tokio::test]
async fn places_are_never_over_taken_and_the_waiting_list_moves_up() {
    let app = TestApp::spawn().await;
    let airdrie = app.locality("Airdrie");
    let mut builder = app.as_actor(Actor::AirdrieBuilder).await;
    let mut form = walk(&app.network_id, &airdrie, false);
    form.push(("places", "5"));
    assert_eq!(builder.call("save_directory_entry", &form).await.status, 200);
    let id = only_entry(&app).await;
    let on = first_date(&mut builder, &id).await;
    let second = app.spawn_second_server().await;
    let mut members = vec![];
    for i in 0..32 {
        let c = app.as_actor(Actor::Resident).await;
        members.push(if i % 2 == 0 { c } else { app.client_for(&second, c.session.clone()) });
    }
    // The next four dates, each asked for by all 32 at the same moment.
    let r = builder.call("directory_entry", &[("id", &id)]).await.json();
    let dates: Vec<String> = r["dates"].as_array().unwrap().iter().take(4).map(|d| d["on"].as_str().unwrap().to_string()).collect();
    let mut tasks = vec![];
    let barrier = std::sync::Arc::new(tokio::sync::Barrier::new(members.len()));
    for mut c in members.drain(..) {
        let (id, dates, barrier) = (id.clone(), dates.clone(), barrier.clone());
        tasks.push(tokio::spawn(async move {
            let mut statuses = vec![];
            for on in &dates {
                barrier.wait().await;
                statuses.push(c.call("say_going", &[("entry_id", &id), ("on", on)]).await.status);
            }
            (c, statuses)
        }));
    }
    for t in tasks {
        let (c, statuses) = t.await.unwrap();
        assert!(statuses.iter().all(|s| *s == 200), "{statuses:?}");
        members.push(c);
    }
    for on in &dates {
        assert_eq!(places_taken(&app, &id, on, "going").await, 5, "{on}");
        assert_eq!(places_taken(&app, &id, on, "waiting").await, 27, "{on}");
    }
    // Saying it twice changes nothing.
    assert_eq!(members[0].call("say_going", &[("entry_id", &id), ("on", &on)]).await.status, 200);
    assert_eq!(places_taken(&app, &id, &on, "going").await + places_taken(&app, &id, &on, "waiting").await, 32);

    // The page says where each stands.
    let mut states = vec![];
    for c in members.iter_mut() {
        let d = &c.call("directory_entry", &[("id", &id)]).await.json()["dates"][0];
        assert_eq!(d["places_left"], 0);
        states.push(d["mine"].as_str().unwrap_or_default().to_string());
    }
    assert_eq!(states.iter().filter(|s| *s == "going").count(), 5);
    let goer = states.iter().position(|s| s == "going").unwrap();
    let first_waiting: String = sqlx::query_scalar(
        "SELECT user_id FROM directory_going WHERE entry_id = $1 AND occurs_on = $2 AND status = 'waiting' ORDER BY signed_at, user_id LIMIT 1",
    )
    .bind(&id)
    .bind(&on)
    .fetch_one(&app.state.db.pool)
    .await
    .unwrap();
    assert_eq!(members[goer].call("not_going", &[("entry_id", &id), ("on", &on)]).await.status, 200);
    assert_eq!(places_taken(&app, &id, &on, "going").await, 5, "the freed place is taken at once");
    let promoted: String = sqlx::query_scalar("SELECT status FROM directory_going WHERE entry_id = $1 AND occurs_on = $2 AND user_id = $3")
        .bind(&id)
        .bind(&on)
        .bind(&first_waiting)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    assert_eq!(promoted, "going");
    let told: String = sqlx::query_scalar("SELECT text FROM notifications WHERE user_id = $1")
        .bind(&first_waiting)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    assert!(told.contains("A place came free at Tuesday walk"), "{told}");
    // Opening the entry's page marks it read (its link carries ?done=… and #dates).
    for c in members.iter_mut() {
        assert_eq!(c.call("directory_entry", &[("id", &id)]).await.status, 200);
    }
    let unread: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM notifications WHERE user_id = $1 AND read_at IS NULL")
        .bind(&first_waiting)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    assert_eq!(unread, 0);
}

/// A member can only go to the entry's own coming dates; the organisers see who is coming
/// and record who came on a date that has happened (nobody else may); who came is in the
/// trail, and each member's own data holds the dates they said they were going to.
#[tokio::test]
async fn going_along_and_who_came() {
    let app = TestApp::spawn().await;
    let airdrie = app.locality("Airdrie");
    let mut builder = app.as_actor(Actor::AirdrieBuilder).await;
    assert_eq!(builder.call("save_directory_entry", &walk(&app.network_id, &airdrie, false)).await.status, 200);
    let id = only_entry(&app).await;
    let mut member = app.as_actor(Actor::Resident).await;
    let on = first_date(&mut member, &id).await;
    let day = app::directory::domain::parse_day(&on).unwrap();
    let iso = app::directory::domain::iso;
    // Not a Tuesday, a Tuesday gone by, and nonsense: refused, nothing written.
    for bad in [iso(day + 1), iso(day - 7 * 10), "soon".to_string()] {
        let r = member.call("say_going", &[("entry_id", &id), ("on", &bad)]).await;
        assert_eq!(r.status, 409, "{bad}: {}", r.body);
    }
    assert_eq!(places_taken(&app, &id, &on, "going").await, 0);
    // Without JavaScript: back to the entry's page, saying so.
    let r = member.post_form("say_going", &format!("/whats-on/{id}"), &[("entry_id", &id), ("on", &on)]).await;
    assert!(r.location().unwrap_or_default().contains(&format!("/whats-on/{id}?done=going")), "{:?}", r.location());
    let page = member.get(&format!("/whats-on/{id}")).await.body;
    assert!(page.contains("You are going") && page.contains("go after all"), "{page}");
    // Another network's member, a professional and a visitor cannot say they are going.
    for actor in [Actor::Professional, Actor::Anonymous, Actor::Pending] {
        let mut c = app.as_actor(actor).await;
        let r = c.call("say_going", &[("entry_id", &id), ("on", &on)]).await;
        assert_ne!(r.status, 200, "{actor:?}");
        // Nor take back someone else's place.
        let r = c.call("not_going", &[("entry_id", &id), ("on", &on)]).await;
        assert_ne!(r.status, 200, "not_going as {actor:?}");
    }
    assert_eq!(places_taken(&app, &id, &on, "going").await, 1, "the member's place is still theirs");

    // The organisers see who is coming; a member does not.
    let v = builder.call("entry_going", &[("entry_id", &id)]).await.json();
    assert_eq!(v["dates"][0]["going"].as_array().unwrap().len(), 1, "{v}");
    assert_eq!(member.call("entry_going", &[("entry_id", &id)]).await.status, 403);
    assert_eq!(app.as_actor(Actor::WishawBuilder).await.call("entry_going", &[("entry_id", &id)]).await.status, 403);

    // Move the sign-up back to last Tuesday, as if it had happened.
    let last = iso(day - 7);
    sqlx::query("UPDATE directory_going SET occurs_on = $1").bind(&last).execute(&app.state.db.pool).await.unwrap();
    let me: String = sqlx::query_scalar("SELECT user_id FROM directory_going").fetch_one(&app.state.db.pool).await.unwrap();
    // A coming date cannot be recorded yet; a member cannot record at all.
    assert_eq!(builder.call("record_attendance", &[("entry_id", &id), ("on", &on), ("came[0]", &me)]).await.status, 409);
    assert_eq!(member.call("record_attendance", &[("entry_id", &id), ("on", &last), ("came[0]", &me)]).await.status, 403);
    let page = builder.get(&format!("/whats-on/{id}/going")).await.body;
    assert!(page.contains("Who came?") && page.contains("came[0]"), "{page}");
    let r = builder
        .post_form("record_attendance", &format!("/whats-on/{id}/going"), &[("entry_id", &id), ("on", &last), ("came[0]", &me)])
        .await;
    assert!(r.location().unwrap_or_default().contains("done=recorded"), "{:?} {}", r.location(), r.body);
    let attended: Option<i64> = sqlx::query_scalar("SELECT attended FROM directory_going").fetch_one(&app.state.db.pool).await.unwrap();
    assert_eq!(attended, Some(1));
    // Nobody ticked: recorded as not having come.
    assert_eq!(builder.call("record_attendance", &[("entry_id", &id), ("on", &last)]).await.status, 200);
    let attended: Option<i64> = sqlx::query_scalar("SELECT attended FROM directory_going").fetch_one(&app.state.db.pool).await.unwrap();
    assert_eq!(attended, Some(0));
    let trail: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'record_attendance'")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    assert_eq!(trail, 2);
    let data = member.get("/account/my-data.json").await.json();
    assert_eq!(data["going_along"][0]["title"], "Tuesday walk");
    assert_eq!(data["going_along"][0]["occurs_on"], last);
}

/// The columns an entry is made of, for comparing one with its copy.
async fn entry_columns(app: &TestApp, title: &str, status: &str) -> Vec<String> {
    let row = sqlx::query(
        "SELECT e.kind, e.theme, e.description, e.schedule, e.on_date, e.weekday, e.nth, e.until_date, e.starts_minute, e.ends_minute,
                e.venue, e.address, e.postcode, e.step_free, e.accessibility, e.cost, e.cost_detail, e.how_to_join, e.contact,
                e.locality_id, o.name AS organisation
         FROM directory_entries e JOIN directory_organisations o ON o.id = e.organisation_id WHERE e.title = $1 AND e.status = $2",
    )
    .bind(title)
    .bind(status)
    .fetch_one(&app.state.db.pool)
    .await
    .unwrap();
    let text = |c: &str| row.try_get::<Option<String>, _>(c).unwrap().unwrap_or_default();
    let int = |c: &str| row.try_get::<Option<i64>, _>(c).unwrap().map(|n| n.to_string()).unwrap_or_default();
    let mut out: Vec<String> = ["kind", "theme", "description", "schedule", "on_date", "until_date", "venue", "address", "postcode"]
        .iter()
        .map(|c| text(c))
        .collect();
    out.extend(["accessibility", "cost", "cost_detail", "how_to_join", "contact", "locality_id", "organisation"].iter().map(|c| text(c)));
    out.extend(["weekday", "nth", "starts_minute", "ends_minute", "step_free"].iter().map(|c| int(c)));
    out
}

/// What the Open Referral API gives out, read back by `timeweave directory import`: the
/// same entries; a dry run writes nothing; the same file again adds nothing; a service the
/// entry form would refuse is reported with the form's reason.
#[tokio::test]
async fn the_open_referral_import_reads_back_what_the_api_gives() {
    let app = TestApp::spawn().await;
    let airdrie = app.locality("Airdrie");
    let mut builder = app.as_actor(Actor::AirdrieBuilder).await;
    let mut network_builder = app.as_actor(Actor::NetworkBuilder).await;
    let day = app::directory::domain::iso(app::util::now().div_euclid(app::util::DAY) + 30);
    let variants: Vec<(&str, Vec<(&str, &str)>)> = vec![
        ("Tuesday walk", vec![]),
        (
            "Memory cafe",
            vec![
                ("schedule", "monthly"),
                ("weekday", "3"),
                ("nth", "-1"),
                ("until", "2031-06-30"),
                ("accessibility", "Hearing loop in the hall."),
                ("step_free", "yes"),
                ("cost", "price"),
                ("cost_detail", "£2 for tea and cake"),
                ("contact", "Jean, 01236 555 700"),
            ],
        ),
        ("Christmas fair", vec![("schedule", "once"), ("on_date", &day), ("kind", "activity"), ("theme", "give"), ("area", "network")]),
    ];
    for (title, changes) in &variants {
        let mut form = walk(&app.network_id, &airdrie, true);
        form.retain(|(k, _)| !changes.iter().any(|(c, _)| c == k) && *k != "title");
        form.push(("title", title));
        form.extend(changes.iter().cloned());
        let caller = if changes.contains(&("area", "network")) { &mut network_builder } else { &mut builder };
        let r = caller.call("save_directory_entry", &form).await;
        assert_eq!(r.status, 200, "{title}: {}", r.body);
    }
    let mut anyone = app.client();
    let list = anyone.get("/openreferral/services?per_page=200").await.json();
    let mut services = vec![];
    for s in list["contents"].as_array().unwrap() {
        services.push(anyone.get(&format!("/openreferral/services/{}", s["id"].as_str().unwrap())).await.json());
    }
    assert_eq!(services.len(), 3);
    services.push(serde_json::json!({"name": "A service with no organisation", "description": "Nobody runs it"}));
    let file = serde_json::json!({"total_items": 4, "contents": services});
    let by: String =
        sqlx::query_scalar("SELECT user_id FROM builder_roles WHERE locality_id IS NULL").fetch_one(&app.state.db.pool).await.unwrap();
    let before: Vec<Vec<String>> = {
        let mut v = vec![];
        for (title, _) in &variants {
            v.push(entry_columns(&app, title, "active").await);
        }
        v
    };

    // While they are there, the file adds nothing, and the bad service is reported.
    let report = app::directory::import::import(&app.state.db, &app.network_id, &by, &file, true).await.unwrap();
    assert_eq!((report.added.len(), report.already.len()), (0, 3), "{report:?}");
    assert_eq!(report.refused.len(), 1);
    assert!(report.refused[0].1.iter().any(|r| r.starts_with("organisation: ")), "{report:?}");
    assert_eq!(entry_count(&app).await, 3);

    // Taken down, they come back from the file: a dry run first, which writes nothing.
    for id in sqlx::query_scalar::<_, String>("SELECT id FROM directory_entries").fetch_all(&app.state.db.pool).await.unwrap() {
        assert_eq!(network_builder.call("close_directory_entry", &[("entry_id", &id)]).await.status, 200);
    }
    let dry = app::directory::import::import(&app.state.db, &app.network_id, &by, &file, false).await.unwrap();
    assert_eq!(dry.added.len(), 3, "{dry:?}");
    assert_eq!(entry_count(&app).await, 3);
    let done = app::directory::import::import(&app.state.db, &app.network_id, &by, &file, true).await.unwrap();
    assert_eq!(done.added.len(), 3);
    assert_eq!(entry_count(&app).await, 6);
    for ((title, _), original) in variants.iter().zip(&before) {
        assert_eq!(&entry_columns(&app, title, "active").await, original, "{title} came back different");
    }
    let again = app::directory::import::import(&app.state.db, &app.network_id, &by, &file, true).await.unwrap();
    assert_eq!((again.added.len(), again.already.len()), (0, 3));
    let audited: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE reason = 'Imported from an Open Referral file'")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    assert_eq!(audited, 3);
}

/// Names a new member (of `actor`'s kind) to act for the organisation; their signed-in client and id.
async fn acting_for(app: &TestApp, builder: &mut Client, org: &str, actor: Actor) -> (Client, String) {
    let (id, email) = app.make_user(actor).await;
    let r = builder.call("add_organisation_member", &[("organisation_id", org), ("member", ""), ("member_pick", id.as_str())]).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let mut c = app.client();
    c.sign_in_with_code(&email).await;
    (c, id)
}

async fn notified(app: &TestApp, user: &str, link: &str) -> i64 {
    sqlx::query("SELECT COUNT(*) AS n FROM notifications WHERE user_id = $1 AND link = $2")
        .bind(user)
        .bind(link)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap()
        .get("n")
}

#[tokio::test]
async fn an_organisations_people_keep_its_entries_and_builders_approve_new_ones() {
    let app = TestApp::spawn().await;
    let airdrie = app.locality("Airdrie");
    let mut builder = app.as_actor(Actor::AirdrieBuilder).await;
    assert_eq!(builder.call("save_directory_entry", &walk(&app.network_id, &airdrie, true)).await.status, 200);
    let walk_id = only_entry(&app).await;
    let org: String = sqlx::query_scalar("SELECT organisation_id FROM directory_entries").fetch_one(&app.state.db.pool).await.unwrap();
    let (mut keeper, keeper_id) = acting_for(&app, &mut builder, &org, Actor::Resident).await;

    // They change their own entry: the organisation stays theirs, and sharing it publicly
    // stays the builders' call (a tick from their side is ignored; the builder's stands).
    let mut changed = walk(&app.network_id, &airdrie, false);
    for (k, v) in changed.iter_mut() {
        match *k {
            "title" => *v = "Tuesday health walk",
            "organisation" => *v = "Someone Else Entirely",
            _ => {}
        }
    }
    changed.push(("entry_id", walk_id.as_str()));
    let r = keeper.call("save_directory_entry", &changed).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let e = keeper.call("directory_entry", &[("id", &walk_id)]).await.json();
    assert_eq!(
        (e["card"]["title"].as_str(), e["card"]["organisation"].as_str()),
        (Some("Tuesday health walk"), Some("Airdrie Health Walks"))
    );
    assert_eq!((e["public"].as_bool(), e["keeper"].as_bool(), e["builder"].as_bool()), (Some(true), Some(true), Some(false)));
    let form = keeper.call("directory_entry_form", &[("id", &walk_id)]).await.json();
    assert_eq!(form["organisation"][1], "Airdrie Health Walks", "{form}");
    assert_eq!(keeper.call("check_directory_entry", &[("entry_id", &walk_id)]).await.status, 200);
    assert_eq!(keeper.call("entry_going", &[("entry_id", &walk_id)]).await.status, 200, "they see who is coming");

    // A new entry from them is a proposal: members do not find it, the area's builders are told.
    let mut new = walk(&app.network_id, &airdrie, true);
    for (k, v) in new.iter_mut() {
        if *k == "title" {
            *v = "Thursday stroll";
        }
    }
    new.push(("organisation_id", org.as_str()));
    let r = keeper.call("save_directory_entry", &new).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let proposal: String =
        sqlx::query_scalar("SELECT id FROM directory_entries WHERE title = 'Thursday stroll'").fetch_one(&app.state.db.pool).await.unwrap();
    let mut member = app.as_actor(Actor::Resident).await;
    assert_eq!(find(&mut member, &[]).await, ["Tuesday health walk"]);
    assert_eq!(member.call("directory_entry", &[("id", &proposal)]).await.status, 404);
    assert_eq!(app.client().get_bytes(&format!("/whats-on/{proposal}/calendar.ics")).await.0, 404);
    let public = app.client().get("/openreferral/services").await.body;
    assert!(!public.contains("Thursday stroll"), "{public}");
    let seen = keeper.call("directory_entry", &[("id", &proposal)]).await.json();
    assert_eq!((seen["proposed"].as_bool(), seen["public"].as_bool()), (Some(true), Some(false)), "{seen}");
    let org_page = keeper.call("directory_organisation", &[("id", &org)]).await.json();
    assert_eq!(org_page["entries"].as_array().unwrap().len(), 2, "its own people see the proposal");
    let org_page = member.call("directory_organisation", &[("id", &org)]).await.json();
    assert_eq!(org_page["entries"].as_array().unwrap().len(), 1, "members do not");
    let builder_id: String = sqlx::query_scalar("SELECT user_id FROM builder_roles WHERE locality_id = $1")
        .bind(&airdrie)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    assert_eq!(notified(&app, &builder_id, &format!("/whats-on/{proposal}")).await, 1);
    let list = builder.call("directory_keeper", &[]).await.json();
    assert_eq!(list["waiting"][0]["title"], "Thursday stroll", "{list}");
    let mut wishaw_builder = app.as_actor(Actor::WishawBuilder).await;
    assert!(wishaw_builder.call("directory_keeper", &[]).await.json()["waiting"].as_array().unwrap().is_empty());

    // Only a builder of its area decides; turning it down needs a reason.
    for (who, name) in [(&mut keeper, "its own people"), (&mut member, "a member"), (&mut wishaw_builder, "another area's builder")] {
        let r = who.call("approve_directory_entry", &[("entry_id", &proposal)]).await;
        assert!([403, 404].contains(&r.status), "{name}: {}", r.status);
    }
    let refused = refused_fields(&builder.call("turn_down_directory_entry", &[("entry_id", &proposal), ("reason", " ")]).await);
    assert_eq!(refused, ["reason"]);
    assert_eq!(builder.call("approve_directory_entry", &[("entry_id", &proposal)]).await.status, 200);
    assert_eq!(builder.call("approve_directory_entry", &[("entry_id", &proposal)]).await.status, 409);
    assert_eq!(notified(&app, &keeper_id, &format!("/whats-on/{proposal}")).await, 1, "the proposer is told");
    let mut member = app.as_actor(Actor::Resident).await;
    assert_eq!(find(&mut member, &[]).await, ["Thursday stroll", "Tuesday health walk"]);
    assert_eq!(member.call("directory_entry", &[("id", &proposal)]).await.status, 200);

    // Another proposal, turned down with a reason: closed, and the reason reaches them.
    for (k, v) in new.iter_mut() {
        if *k == "title" {
            *v = "Moonlight ramble";
        }
    }
    assert_eq!(keeper.call("save_directory_entry", &new).await.status, 200);
    let ramble: String = sqlx::query_scalar("SELECT id FROM directory_entries WHERE title = 'Moonlight ramble'")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    let no = [("entry_id", ramble.as_str()), ("reason", "The park closes at dusk.")];
    assert_eq!(builder.call("turn_down_directory_entry", &no).await.status, 200);
    let told: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM notifications WHERE user_id = $1 AND text LIKE '%The park closes at dusk.%'")
        .bind(&keeper_id)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    assert_eq!(told, 1);
    assert_eq!(member.call("directory_entry", &[("id", &ramble)]).await.status, 404);
    let actions: Vec<String> = sqlx::query_scalar(
        "SELECT action FROM audit_log WHERE action IN ('approve_directory_entry', 'turn_down_directory_entry') ORDER BY action",
    )
    .fetch_all(&app.state.db.pool)
    .await
    .unwrap();
    assert_eq!(actions, ["approve_directory_entry", "turn_down_directory_entry"]);

    // Nobody else adds entries for the organisation, or changes its entries.
    let mut outsider = app.as_actor(Actor::Resident).await;
    assert_eq!(outsider.call("save_directory_entry", &new).await.status, 403);
    assert_eq!(outsider.call("directory_entry_form", &[("organisation", &org)]).await.status, 403);
    let r = outsider.call("save_directory_entry", &changed).await;
    assert!([403, 404].contains(&r.status), "{}", r.status);
    assert_eq!(outsider.call("close_directory_entry", &[("entry_id", &walk_id)]).await.status, 403);
    // Someone acting for one organisation does not keep another's entries.
    let mut other_org = walk(&app.network_id, &airdrie, false);
    for (k, v) in other_org.iter_mut() {
        match *k {
            "title" => *v = "Book club",
            "organisation" => *v = "Airdrie Library",
            _ => {}
        }
    }
    assert_eq!(builder.call("save_directory_entry", &other_org).await.status, 200);
    let book: String =
        sqlx::query_scalar("SELECT id FROM directory_entries WHERE title = 'Book club'").fetch_one(&app.state.db.pool).await.unwrap();
    assert_eq!(keeper.call("close_directory_entry", &[("entry_id", &book)]).await.status, 403);
    assert_eq!(keeper.call("directory_entry_form", &[("id", &book)]).await.status, 403);
    // And they take their own down.
    assert_eq!(keeper.call("close_directory_entry", &[("entry_id", &walk_id)]).await.status, 200);
}

#[tokio::test]
async fn keepers_are_reminded_once_of_an_entry_nobody_has_checked_for_six_months() {
    let app = TestApp::spawn().await;
    let airdrie = app.locality("Airdrie");
    let mut builder = app.as_actor(Actor::AirdrieBuilder).await;
    assert_eq!(builder.call("save_directory_entry", &walk(&app.network_id, &airdrie, false)).await.status, 200);
    let id = only_entry(&app).await;
    let org: String = sqlx::query_scalar("SELECT organisation_id FROM directory_entries").fetch_one(&app.state.db.pool).await.unwrap();
    let (mut keeper, keeper_id) = acting_for(&app, &mut builder, &org, Actor::Resident).await;
    let link = format!("/whats-on/{id}");
    let day = 86_400;
    let t = app::util::now();
    assert_eq!(app::jobs::run_once(&app.state, t + 100 * day).await.unwrap().reviews, 0, "checked when saved");
    let (r1, r2) = tokio::join!(app::jobs::run_once(&app.state, t + 190 * day), app::jobs::run_once(&app.state, t + 190 * day));
    assert_eq!(r1.unwrap().reviews + r2.unwrap().reviews, 1, "two servers remind once");
    assert_eq!(notified(&app, &keeper_id, &link).await, 1, "its organisation is reminded");
    let builder_id: String = sqlx::query_scalar("SELECT user_id FROM builder_roles WHERE locality_id = $1")
        .bind(&airdrie)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    assert_eq!(notified(&app, &builder_id, &link).await, 1, "and its area's builder");
    assert_eq!(app::jobs::run_once(&app.state, t + 200 * day).await.unwrap().reviews, 0, "once");
    // Checked again: reminded again only six months after that check.
    assert_eq!(keeper.call("check_directory_entry", &[("entry_id", &id)]).await.status, 200);
    sqlx::query("UPDATE directory_entries SET checked_at = $1").bind(t + 200 * day).execute(&app.state.db.pool).await.unwrap();
    assert_eq!(app::jobs::run_once(&app.state, t + 300 * day).await.unwrap().reviews, 0);
    assert_eq!(app::jobs::run_once(&app.state, t + 390 * day).await.unwrap().reviews, 1);
}
