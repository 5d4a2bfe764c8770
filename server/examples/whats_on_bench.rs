//! "This week near me" with 5,000 entries in the directory: grows the first network of
//! DATABASE_URL (the demo) to 5,000 What's on entries through the directory's own store
//! (a mix of weekly, monthly, one-off and any-time entries over its localities), then times
//! what the What's on page does for a member: read their area's entries and the network's,
//! keep those happening in the next seven days, sort them by their next date.
//!
//!   DATABASE_URL=sqlite:///tmp/wo.db target/release/timeweave serve --demo   (once, then stop it)
//!   DATABASE_URL=sqlite:///tmp/wo.db cargo run --release -p server --example whats_on_bench

use app::directory::domain::{Cost, EntryKind, Filters, Nth, Schedule, Theme, When};
use app::directory::form::EntryDraft;
use sqlx::Row;
use std::time::Instant;

const ENTRIES: usize = 5_000;
const RUNS: usize = 200;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let url = std::env::var("DATABASE_URL")?;
    let db = app::platform::db::Db::open(&url).await?;
    let network: String = sqlx::query("SELECT id FROM networks ORDER BY created_at LIMIT 1").fetch_one(&db.pool).await?.get("id");
    let localities: Vec<String> = sqlx::query("SELECT id FROM localities WHERE network_id = $1 ORDER BY name")
        .bind(&network)
        .fetch_all(&db.pool)
        .await?
        .iter()
        .map(|r| r.get("id"))
        .collect();
    let builder: String = sqlx::query("SELECT user_id FROM builder_roles WHERE network_id = $1 LIMIT 1")
        .bind(&network)
        .fetch_one(&db.pool)
        .await?
        .get("user_id");
    let have: i64 = sqlx::query("SELECT COUNT(*) AS n FROM directory_entries").fetch_one(&db.pool).await?.get("n");
    let today = app::util::now().div_euclid(app::util::DAY);
    if (have as usize) < ENTRIES {
        let started = Instant::now();
        let mut tx = db.pool.begin().await?;
        for i in have as usize..ENTRIES {
            let schedule = match i % 4 {
                0 => Schedule::Weekly { weekday: (i % 7) as u8 },
                1 => Schedule::Monthly { nth: if i % 3 == 0 { Nth::Last } else { Nth::Number(1 + (i % 5) as u8) }, weekday: (i % 7) as u8 },
                2 => Schedule::Once { on: today + (i % 60) as i64 },
                _ => Schedule::Open,
            };
            let dated = schedule != Schedule::Open;
            let d = EntryDraft {
                organisation: format!("Group {}", i % 400),
                title: format!("Entry {i}"),
                kind: EntryKind::ALL[i % 3],
                theme: Theme::ALL[i % 5],
                description: "Something to do with neighbours, every so often, with tea.".into(),
                locality_id: (i % 10 != 0).then(|| localities[i % localities.len()].clone()),
                when: When { schedule, starts: dated.then_some(600 + (i % 20) as i64 * 30), ends: None, from: None, until: None },
                venue: "The hall".into(),
                address: format!("{} Main Street", i % 200),
                postcode: "ML6 0AA".into(),
                step_free: i % 2 == 0,
                accessibility: String::new(),
                cost: Cost::ALL[i % 3],
                cost_detail: if i % 3 == 2 { "£2".into() } else { String::new() },
                audience: String::new(),
                how_to_join: "Come along.".into(),
                contact: String::new(),
                public: i % 2 == 0,
                places: None,
            };
            app::directory::store::save(&mut tx, None, &network, &d, &builder, app::util::now(), false).await?;
        }
        tx.commit().await?;
        println!("made {} entries in {:.1} s", ENTRIES - have as usize, started.elapsed().as_secs_f64());
    }
    let week = Filters { week: Some("1".into()), ..Default::default() };
    let mut times = Vec::with_capacity(RUNS);
    let mut found = 0;
    for run in 0..RUNS + 20 {
        let area = &localities[run % localities.len()];
        let started = Instant::now();
        found = app::directory::find(&db, &network, Some(area), &week, today).await?.len();
        if run >= 20 {
            times.push(started.elapsed().as_secs_f64() * 1000.0);
        }
    }
    times.sort_by(f64::total_cmp);
    let at = |p: f64| times[((times.len() as f64 - 1.0) * p) as usize];
    println!(
        "this week near me, {} entries in the network, {} found in one area: median {:.2} ms, p95 {:.2} ms, max {:.2} ms ({RUNS} runs)",
        ENTRIES.max(have as usize),
        found,
        at(0.5),
        at(0.95),
        at(1.0)
    );
    Ok(())
}
