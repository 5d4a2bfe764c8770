//! Offers and requests through the server: posting, owner-only changes, what search shows
//! and how it ranks, on the engine named by TIMEWEAVE_TEST_ENGINE.
// Tables of cases (caller, form, expected) read best written out in full.
#![allow(clippy::type_complexity)]

mod common;

use common::{Actor, Client, TestApp};
use sqlx::Row;

async fn post(app: &TestApp, c: &mut Client, kind: &str, title: &str, description: &str, category: &str) -> String {
    let airdrie = app.locality("Airdrie");
    let r = c
        .call(
            "create_listing",
            &[
                ("kind", kind),
                ("title", title),
                ("description", description),
                ("category", category),
                ("tags", ""),
                ("locality", &airdrie),
                ("place", "home"),
                ("availability", "Weekday mornings"),
                ("estimate", "1 h 30 min"),
            ],
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    sqlx::query("SELECT id FROM listings WHERE title = $1 ORDER BY created_at DESC")
        .bind(title)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap()
        .get("id")
}

async fn search(c: &mut Client, q: &str) -> Vec<String> {
    let r = c.call("browse_listings", &[("filters[q]", q)]).await;
    assert_eq!(r.status, 200, "{}", r.body);
    r.json()["cards"].as_array().unwrap().iter().map(|c| c["title"].as_str().unwrap().to_string()).collect()
}

/// "Where" is a group of radio buttons: with none chosen the browser sends no `place` at all,
/// and the form comes back with the message on it and everything typed kept (not a
/// refusal of the whole post), with JavaScript off as on.
#[tokio::test]
async fn a_listing_posted_with_no_place_chosen_comes_back_with_what_was_typed() {
    let app = TestApp::spawn().await;
    let mut a = app.as_actor(Actor::Resident).await;
    let airdrie = app.locality("Airdrie");
    let form = [
        ("kind", "offer"),
        ("title", "Knitting lessons"),
        ("description", "Casting on and plain stitch."),
        ("category", "gardening"),
        ("tags", ""),
        ("locality", airdrie.as_str()),
        ("availability", ""),
        ("estimate", ""),
    ];
    let r = a.call("create_listing", &form).await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(r.body.contains("Choose where the help would happen.") && r.body.contains("Knitting lessons"), "{}", r.body);
    let r = a.post_form("create_listing", "/listings/new?kind=offer", &form).await;
    assert_eq!(r.status, 302);
    let location = r.location().unwrap();
    let page = a.get(location.strip_prefix(&app.base).unwrap_or(&location)).await.body;
    assert!(page.contains("Choose where the help would happen.") && page.contains("value=\"Knitting lessons\""), "{page}");
}

#[tokio::test]
async fn search_ranks_an_exact_title_above_a_passing_mention() {
    let app = TestApp::spawn().await;
    let mut a = app.as_actor(Actor::Resident).await;
    post(&app, &mut a, "offer", "Baking bread together", "We could also talk about gardening while the dough rises.", "baking").await;
    post(&app, &mut a, "offer", "Gardening", "Weeding, mowing and planting in your garden.", "gardening").await;
    post(&app, &mut a, "request", "Lift to the shops", "A lift on Tuesdays, please.", "lifts").await;
    let mut b = app.as_actor(Actor::WishawResident).await;
    assert_eq!(search(&mut b, "gardening").await, vec!["Gardening", "Baking bread together"]);
    // Prefixes and stems: "gard" and "gardens" find it too; every word must match.
    assert_eq!(search(&mut b, "gard").await[0], "Gardening");
    assert_eq!(search(&mut b, "gardens").await[0], "Gardening");
    assert_eq!(search(&mut b, "gardening tuesdays").await, Vec::<String>::new());
    assert_eq!(search(&mut b, "lift tuesdays").await, vec!["Lift to the shops"]);
    // Filters: only requests.
    let r = b.call("browse_listings", &[("filters[kind]", "request")]).await;
    let cards = r.json()["cards"].as_array().unwrap().clone();
    assert_eq!(cards.len(), 1);
    assert_eq!(cards[0]["title"], "Lift to the shops");
}

#[tokio::test]
async fn only_the_owner_changes_a_listing_and_closed_or_expired_ones_leave_search() {
    let app = TestApp::spawn().await;
    let mut a = app.as_actor(Actor::Resident).await;
    let mut b = app.as_actor(Actor::Resident).await;
    let id = post(&app, &mut a, "offer", "Dog walking", "Happy to walk your dog around the park.", "pet-care").await;
    assert_eq!(search(&mut b, "dog").await, vec!["Dog walking"]);

    // Someone else cannot edit, pause or close it.
    let edit = [
        ("id", id.as_str()),
        ("kind", "offer"),
        ("title", "Mine now"),
        ("description", "Taken over by someone else."),
        ("category", "pet-care"),
        ("tags", ""),
        ("locality", &app.locality("Airdrie")),
        ("place", "outdoors"),
        ("availability", ""),
        ("estimate", ""),
    ];
    assert_eq!(b.call("update_listing", &edit).await.status, 403);
    assert_eq!(b.call("change_listing", &[("id", &id), ("change", "close")]).await.status, 403);
    // The owner can; the search index follows the edit.
    assert_eq!(a.call("update_listing", &edit).await.status, 200);
    assert_eq!(search(&mut b, "taken").await, vec!["Mine now"]);
    assert!(search(&mut b, "park").await.is_empty());

    // Renewing a listing that still has weeks to run is refused (and not offered).
    let r = a.call("change_listing", &[("id", &id), ("change", "renew")]).await;
    assert_eq!(r.status, 409, "{}", r.body);
    assert!(r.body.contains("last week"), "{}", r.body);
    let page = a.get(&format!("/listings/{id}")).await.body;
    assert!(page.contains("value=\"pause\"") && !page.contains("value=\"renew\""), "renew shown on a fresh listing");

    // Paused and closed listings leave search; renewing brings one back.
    assert_eq!(a.call("change_listing", &[("id", &id), ("change", "pause")]).await.status, 200);
    assert!(search(&mut b, "taken").await.is_empty());
    assert_eq!(a.call("change_listing", &[("id", &id), ("change", "close")]).await.status, 200);
    assert!(search(&mut b, "taken").await.is_empty());
    assert!(b.call("browse_listings", &[]).await.json()["cards"].as_array().unwrap().is_empty());
    assert_eq!(a.call("change_listing", &[("id", &id), ("change", "renew")]).await.status, 200);
    assert_eq!(search(&mut b, "taken").await, vec!["Mine now"]);

    // Expired: out of search until renewed.
    sqlx::query("UPDATE listings SET expires_at = 1 WHERE id = $1").bind(&id).execute(&app.state.db.pool).await.unwrap();
    assert!(search(&mut b, "taken").await.is_empty());
    assert_eq!(a.call("my_listings", &[]).await.json().as_array().unwrap().len(), 1, "the owner still sees it");
    assert_eq!(a.call("change_listing", &[("id", &id), ("change", "renew")]).await.status, 200);
    assert_eq!(search(&mut b, "taken").await, vec!["Mine now"]);

    // A suspended member's listings disappear from search.
    let owner: String =
        sqlx::query("SELECT owner_id FROM listings WHERE id = $1").bind(&id).fetch_one(&app.state.db.pool).await.unwrap().get("owner_id");
    sqlx::query("UPDATE memberships SET status = 'suspended' WHERE user_id = $1").bind(&owner).execute(&app.state.db.pool).await.unwrap();
    assert!(search(&mut b, "taken").await.is_empty());
}

#[tokio::test]
async fn a_bad_listing_is_refused_with_messages_by_its_fields() {
    let app = TestApp::spawn().await;
    let mut a = app.as_actor(Actor::Resident).await;
    let r = a
        .call(
            "create_listing",
            &[
                ("kind", ""),
                ("title", "x"),
                ("description", "short"),
                ("category", "nonsense"),
                ("tags", ""),
                ("locality", ""),
                ("place", ""),
                ("availability", ""),
                ("estimate", "lots"),
            ],
        )
        .await;
    assert_eq!(r.status, 422);
    let fields: Vec<String> =
        r.json()["Invalid"]["fields"].as_array().unwrap().iter().map(|f| f[0].as_str().unwrap().to_string()).collect();
    for f in ["kind", "title", "description", "category", "locality", "place", "estimate"] {
        assert!(fields.contains(&f.to_string()), "no message for {f}: {}", r.body);
    }
    let n: i64 = sqlx::query("SELECT COUNT(*) AS n FROM listings").fetch_one(&app.state.db.pool).await.unwrap().get("n");
    assert_eq!(n, 0, "nothing is written");
}

#[tokio::test]
async fn listings_authorisation_matrix() {
    use Actor::*;
    let app = TestApp::spawn().await;
    let mut owner = app.as_actor(Resident).await;
    let id = post(&app, &mut owner, "offer", "Reading together", "Reading the paper aloud.", "reading").await;
    let members = vec![Resident, WishawResident, AirdrieBuilder, WishawBuilder, NetworkBuilder];
    // Members of the network read a listing; so do the builders of its area and site
    // admins, who moderate it. Where the network lets visitors look (the default), anyone
    // may browse and read an open listing (first names only: see the visitors' test).
    let readers = vec![Resident, WishawResident, AirdrieBuilder, WishawBuilder, NetworkBuilder, Admin];
    let everyone = Actor::ALL.to_vec();
    let mut failures = vec![];
    for (actor, visitors) in Actor::ALL.iter().flat_map(|a| [(*a, true), (*a, false)]) {
        sqlx::query("UPDATE networks SET visitors_browse = $1 WHERE id = $2")
            .bind(visitors as i64)
            .bind(&app.network_id)
            .execute(&app.state.db.pool)
            .await
            .unwrap();
        let rows: Vec<(&str, Vec<(&str, &str)>, &Vec<Actor>)> = vec![
            ("listing_choices", vec![], &members),
            ("browse_listings", vec![], if visitors { &everyone } else { &members }),
            ("get_listing", vec![("id", &id)], if visitors { &everyone } else { &readers }),
            ("my_listings", vec![], &members),
            (
                "create_listing",
                vec![
                    ("kind", ""),
                    ("title", ""),
                    ("description", ""),
                    ("category", ""),
                    ("tags", ""),
                    ("locality", ""),
                    ("place", ""),
                    ("availability", ""),
                    ("estimate", ""),
                ],
                &members,
            ),
        ];
        for (endpoint, args, allowed) in &rows {
            let mut c = app.as_actor(actor).await;
            let r = c.call(endpoint, args).await;
            let refused = matches!(r.status, 401 | 403);
            if refused == allowed.contains(&actor) {
                failures.push(format!("{endpoint} as {actor:?} (visitors may look: {visitors}): status {} ({})", r.status, r.body));
            }
        }
        // Nobody but the owner may change it.
        let mut c = app.as_actor(actor).await;
        let r = c.call("change_listing", &[("id", &id), ("change", "pause")]).await;
        if !matches!(r.status, 401 | 403) {
            failures.push(format!("change_listing as {actor:?}: status {}", r.status));
        }
    }
    assert!(failures.is_empty(), "listings authorisation failures:\n{}", failures.join("\n"));
}

/// The browse cache (`app::listings::cache`): a page is served from memory only while it is
/// still true, on every server sharing the database, whatever changed it and wherever.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn browse_pages_are_reused_only_while_they_are_true_on_every_server() {
    let app = TestApp::spawn().await;
    let pool = &app.state.db.pool;
    let mut a = app.as_actor(Actor::Resident).await;
    let mut b = app.as_actor(Actor::WishawResident).await;
    let id = post(&app, &mut a, "offer", "Soup making", "Leek and potato soup, made together.", "cooking").await;
    let second = app.spawn_second_server().await;
    let mut a2 = app.client_for(&second, a.session.clone());
    let mut b2 = app.client_for(&second, b.session.clone());
    let titles = |r: common::Resp| -> Vec<String> {
        assert_eq!(r.status, 200, "{}", r.body);
        r.json()["cards"].as_array().unwrap().iter().map(|c| c["title"].as_str().unwrap().to_string()).collect()
    };
    let meta = |r: common::Resp| -> Vec<(String, String)> {
        r.json()["cards"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| (c["category_name"].as_str().unwrap().to_string(), c["owner_name"].as_str().unwrap().to_string()))
            .collect()
    };

    // The same page twice: read once, then kept.
    assert!(app.state.browse_cache.is_empty());
    assert_eq!(titles(b.call("browse_listings", &[]).await), vec!["Soup making"]);
    assert_eq!(app.state.browse_cache.len(), 1, "the page is kept");
    assert_eq!(titles(b.call("browse_listings", &[]).await), vec!["Soup making"]);
    assert_eq!(titles(b2.call("browse_listings", &[]).await), vec!["Soup making"]);

    // A change made through the second server shows at once on the first, and back.
    assert_eq!(a2.call("change_listing", &[("id", &id), ("change", "pause")]).await.status, 200);
    assert!(titles(b.call("browse_listings", &[]).await).is_empty());
    assert_eq!(a.call("change_listing", &[("id", &id), ("change", "resume")]).await.status, 200);
    assert_eq!(titles(b2.call("browse_listings", &[]).await), vec!["Soup making"]);
    assert_eq!(titles(b.call("browse_listings", &[]).await), vec!["Soup making"]);

    // Writes outside the listings table that change a card: a category's name, the owner's name.
    sqlx::query("UPDATE categories SET name = 'Cooking together' WHERE id = 'cooking'").execute(pool).await.unwrap();
    for c in [&mut b, &mut b2] {
        assert_eq!(meta(c.call("browse_listings", &[]).await)[0].0, "Cooking together");
    }
    sqlx::query("UPDATE users SET display_name = 'Agnes M' WHERE id = (SELECT owner_id FROM listings WHERE id = $1)")
        .bind(&id)
        .execute(pool)
        .await
        .unwrap();
    for c in [&mut b, &mut b2] {
        assert_eq!(meta(c.call("browse_listings", &[]).await), vec![("Cooking together".to_string(), "Agnes M".to_string())]);
    }

    // The network keeps each area's listings to its own members: the Wishaw resident no
    // longer sees the Airdrie offer; the owner's suspension hides it from everyone.
    sqlx::query("UPDATE networks SET see_other_localities = 0 WHERE id = $1").bind(&app.network_id).execute(pool).await.unwrap();
    assert!(titles(b.call("browse_listings", &[]).await).is_empty());
    let mut c = app.as_actor(Actor::Resident).await;
    assert_eq!(titles(c.call("browse_listings", &[]).await), vec!["Soup making"]);
    sqlx::query("UPDATE memberships SET status = 'suspended' WHERE user_id = (SELECT owner_id FROM listings WHERE id = $1)")
        .bind(&id)
        .execute(pool)
        .await
        .unwrap();
    assert!(titles(c.call("browse_listings", &[]).await).is_empty());
    sqlx::query("UPDATE memberships SET status = 'active' WHERE user_id = (SELECT owner_id FROM listings WHERE id = $1)")
        .bind(&id)
        .execute(pool)
        .await
        .unwrap();

    // A kept page stops at the first expiry of a listing in it, with no write at all.
    sqlx::query("UPDATE listings SET expires_at = $1 WHERE id = $2").bind(app::util::now() + 2).bind(&id).execute(pool).await.unwrap();
    assert_eq!(titles(c.call("browse_listings", &[]).await), vec!["Soup making"]);
    assert_eq!(titles(c.call("browse_listings", &[]).await), vec!["Soup making"]);
    tokio::time::sleep(std::time::Duration::from_millis(3100)).await;
    assert!(titles(c.call("browse_listings", &[]).await).is_empty(), "an expired listing left the kept page");
}

/// "Offer help" and "Ask for help" open the same form with the kind already chosen (a
/// hidden field) and the optional fields folded away; the plain address still asks.
#[tokio::test]
async fn offer_help_and_ask_for_help_are_short_forms_with_the_kind_chosen() {
    let app = TestApp::spawn().await;
    let mut a = app.as_actor(Actor::Resident).await;
    let ask = a.get("/listings/new?kind=request").await.body;
    assert!(ask.contains("<h1>Ask for help</h1>"), "{ask}");
    assert!(ask.contains(r#"type="hidden" name="kind" value="request""#), "{ask}");
    assert!(!ask.contains(r#"<select id="kind""#), "no need to say offer or ask again");
    assert!(ask.contains(r#"<details class="more-fields""#));
    let offer = a.get("/listings/new?kind=offer").await.body;
    assert!(offer.contains("<h1>Offer help</h1>") && offer.contains(r#"name="kind" value="offer""#));
    let plain = a.get("/listings/new?kind=nonsense").await.body;
    assert!(plain.contains(r#"<select id="kind""#), "an unknown kind: the full form");
    let home = a.get("/home").await.body;
    assert!(home.contains(r#"href="/listings/new?kind=offer""#) && home.contains(r#"href="/listings/new?kind=request""#));
}

/// Looking before joining (issue 19): a visitor, or a member waiting for approval, browses
/// and reads open listings with the owner's first name only, is asked to join to answer,
/// and comes back to the listing after joining; the network can turn it off.
#[tokio::test]
async fn visitors_look_before_joining_with_first_names_only_and_come_back_after() {
    let app = TestApp::spawn().await;
    let pool = &app.state.db.pool;
    let mut owner = app.as_actor(Actor::Resident).await;
    let id = post(&app, &mut owner, "offer", "Help with the garden", "Weeding and planting.", "gardening").await;
    let paused = post(&app, &mut owner, "request", "Someone to read with", "The paper, aloud.", "reading").await;
    assert_eq!(owner.call("change_listing", &[("id", &paused), ("change", "pause")]).await.status, 200);
    sqlx::query("UPDATE users SET display_name = 'Agnes Murray' WHERE email LIKE 'resident-%'").execute(pool).await.unwrap();
    // A member sees the whole name (and warms the browse cache with it).
    let r = owner.call("browse_listings", &[]).await;
    assert_eq!(r.json()["cards"][0]["owner_name"], "Agnes Murray");

    let mut visitor = app.client();
    let r = visitor.call("browse_listings", &[]).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let cards = r.json()["cards"].as_array().unwrap().clone();
    assert_eq!(cards.len(), 1, "the paused listing is not shown: {cards:?}");
    assert_eq!(cards[0]["owner_name"], "Agnes");
    assert_eq!(r.json()["looker"], serde_json::json!({"Visitor": {"waiting": false}}));
    assert!(!r.body.contains("Murray") && !r.body.contains("@test.example"), "{}", r.body);

    let page = visitor.get("/listings").await;
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains("Help with the garden") && page.body.contains("/join?next=%2Flistings\">Join</a> to take part"),
        "{}",
        page.body
    );
    assert!(!page.body.contains("Murray") && !page.body.contains("Post an offer"), "{}", page.body);

    let page = visitor.get(&format!("/listings/{id}")).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Agnes") && !page.body.contains("Murray"), "{}", page.body);
    assert!(!page.body.contains("/members/") && !page.body.contains("Report this listing"), "{}", page.body);
    let back_here = format!("/join?next=%2Flistings%2F{id}");
    assert!(page.body.contains(&back_here), "a way to join that comes back: {}", page.body);
    assert_eq!(visitor.get(&format!("/listings/{paused}")).await.status, 404);
    assert_eq!(visitor.call("get_listing", &[("id", &paused)]).await.status, 404);
    // Answering still needs a member.
    assert_eq!(visitor.call("start_exchange", &[("listing_id", &id), ("body", "Hello")]).await.status, 401);

    // Joining from there: the confirmation link, then signing in, bring them back.
    let next = format!("/listings/{id}");
    let airdrie = app.locality("Airdrie");
    let r = visitor
        .call(
            "join",
            &[
                ("display_name", "Jean Brown"),
                ("email", "jean@example.org"),
                ("password", common::PASSWORD),
                ("locality", &airdrie),
                ("code_of_conduct", "yes"),
                ("next", &next),
            ],
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let email = app.last_email_to("jean@example.org").await.expect("email");
    assert!(email.contains(&format!("&next=%2Flistings%2F{id}")), "{email}");
    let token = app.emailed_token("jean@example.org", "/confirm-email").await;
    let r = visitor.call("confirm_email", &[("token", &token), ("next", &next)]).await;
    assert_eq!(r.location(), Some(format!("/sign-in?confirmed=1&next=%2Flistings%2F{id}")));
    let r = visitor.call("sign_in", &[("email", "jean@example.org"), ("password", common::PASSWORD), ("next", &next)]).await;
    assert_eq!(r.location().as_deref(), Some(next.as_str()));
    // Waiting for approval: still looking, told what they wait for.
    let r = visitor.call("browse_listings", &[]).await;
    assert_eq!(r.json()["looker"], serde_json::json!({"Visitor": {"waiting": true}}));
    let page = visitor.get(&next).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("welcomed you in") && !page.body.contains("Murray"), "{}", page.body);
    // A link elsewhere is not followed.
    let r = app.client().call("confirm_email", &[("token", "x"), ("next", "//evil.example")]).await;
    assert_eq!(r.status, 404);

    // Members are told, where they post, who can see it.
    let told = "People who have not joined yet can see open listings too";
    assert!(owner.get("/listings/new?kind=offer").await.body.contains(told));

    // The network turns it off: visitors are asked to sign in, waiting members wait.
    sqlx::query("UPDATE networks SET visitors_browse = 0 WHERE id = $1").bind(&app.network_id).execute(pool).await.unwrap();
    assert!(!owner.get("/listings/new?kind=offer").await.body.contains(told));
    let mut stranger = app.client();
    assert_eq!(stranger.call("browse_listings", &[]).await.status, 401);
    assert_eq!(stranger.call("get_listing", &[("id", &id)]).await.status, 401);
    let page = stranger.get("/listings").await;
    assert_eq!(page.status, 401);
    assert!(page.body.contains("/sign-in?next=%2Flistings") && page.body.contains("/join?next=%2Flistings"), "{}", page.body);
    assert_eq!(visitor.call("browse_listings", &[]).await.status, 403);
    assert_eq!(owner.call("browse_listings", &[]).await.status, 200);
}

/// Several time banks open to visitors: the visitor chooses one, and sees only its listings.
#[tokio::test]
async fn a_visitor_chooses_among_several_time_banks() {
    let app = TestApp::spawn().await;
    let pool = &app.state.db.pool;
    let mut owner = app.as_actor(Actor::Resident).await;
    post(&app, &mut owner, "offer", "Help with the garden", "Weeding and planting.", "gardening").await;
    let other = app::util::new_id();
    sqlx::query("INSERT INTO networks (id, slug, name, requires_approval, created_at) VALUES ($1, 'another', 'Another Time Bank', 1, 0)")
        .bind(&other)
        .execute(pool)
        .await
        .unwrap();
    let mut visitor = app.client();
    let r = visitor.call("browse_listings", &[]).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["cards"].as_array().unwrap().len(), 0);
    assert_eq!(r.json()["choose_network"].as_array().unwrap().len(), 2);
    let page = visitor.get("/listings").await;
    assert!(page.body.contains("Choose a time bank") && page.body.contains("/listings?network=another"), "{}", page.body);
    let r = visitor.call("browse_listings", &[("filters[network]", "test")]).await;
    assert_eq!(r.json()["cards"][0]["title"], "Help with the garden");
    assert_eq!(r.json()["network"], serde_json::json!(["test", "Test Time Bank"]));
    let r = visitor.call("browse_listings", &[("filters[network]", "another")]).await;
    assert_eq!(r.json()["cards"].as_array().unwrap().len(), 0);
    assert_eq!(visitor.call("browse_listings", &[("filters[network]", "nowhere")]).await.status, 401);
}

/// Where a network keeps each area's listings to its own members, a member of another area
/// cannot open one by its address nor answer it (browse already hides it); the area's
/// builder and its owner still can; when the network lets areas see each other, both work.
#[tokio::test]
async fn another_areas_listing_stays_out_of_reach_where_areas_are_kept_apart() {
    let app = TestApp::spawn().await;
    let pool = &app.state.db.pool;
    let mut owner = app.as_actor(Actor::Resident).await; // Airdrie
    let id = post(&app, &mut owner, "offer", "Hedge trimming", "Front and back hedges.", "gardening").await;
    sqlx::query("UPDATE networks SET see_other_localities = 0 WHERE id = $1").bind(&app.network_id).execute(pool).await.unwrap();
    let mut wishaw = app.as_actor(Actor::WishawResident).await;
    assert_eq!(wishaw.call("get_listing", &[("id", &id)]).await.status, 404);
    assert_eq!(wishaw.call("start_exchange", &[("listing_id", &id), ("body", "Could you do mine?")]).await.status, 404);
    assert_eq!(owner.call("get_listing", &[("id", &id)]).await.status, 200);
    let mut neighbour = app.as_actor(Actor::Resident).await;
    assert_eq!(neighbour.call("get_listing", &[("id", &id)]).await.status, 200);
    let mut builder = app.as_actor(Actor::AirdrieBuilder).await;
    assert_eq!(builder.call("get_listing", &[("id", &id)]).await.status, 200);
    assert_eq!(sqlx::query("SELECT COUNT(*) AS n FROM exchanges").fetch_one(pool).await.unwrap().get::<i64, _>("n"), 0);
    sqlx::query("UPDATE networks SET see_other_localities = 1 WHERE id = $1").bind(&app.network_id).execute(pool).await.unwrap();
    assert_eq!(wishaw.call("get_listing", &[("id", &id)]).await.status, 200);
    let r = wishaw.call("start_exchange", &[("listing_id", &id), ("body", "Could you do mine?")]).await;
    assert_eq!(r.status, 200, "{}", r.body);
}
