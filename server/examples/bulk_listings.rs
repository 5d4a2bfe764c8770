//! Adds N listings (default 10,000) to the first network of DATABASE_URL, spread over its
//! localities, categories and members, through the real store (so the search index is
//! filled too). For the browse benchmark in `scripts/bench.sh`.
//!
//!   DATABASE_URL=sqlite://data/bench-demo.db cargo run --release -p server --example bulk_listings -- 10000

use app::listings::domain::{ListingDraft, ListingKind, Place};
use sqlx::Row;

const WORDS: [&str; 24] = [
    "garden",
    "hedge",
    "shopping",
    "lift",
    "hospital",
    "tea",
    "chat",
    "phone",
    "tablet",
    "form",
    "letter",
    "dog",
    "walk",
    "park",
    "baking",
    "scones",
    "shelf",
    "curtain",
    "reading",
    "newspaper",
    "music",
    "guitar",
    "knitting",
    "soup",
];

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let n: usize = std::env::args().nth(1).and_then(|s| s.parse().ok()).unwrap_or(10_000);
    let url = std::env::var("DATABASE_URL").unwrap_or_else(|_| "sqlite://data/bench-demo.db".into());
    let db = app::platform::db::Db::open(&url).await?;
    let network: String = sqlx::query("SELECT id FROM networks ORDER BY created_at LIMIT 1").fetch_one(&db.pool).await?.get("id");
    let localities: Vec<String> = sqlx::query("SELECT id FROM localities WHERE network_id = $1")
        .bind(&network)
        .fetch_all(&db.pool)
        .await?
        .iter()
        .map(|r| r.get("id"))
        .collect();
    let members: Vec<String> = sqlx::query("SELECT user_id FROM memberships WHERE network_id = $1 AND status = 'active'")
        .bind(&network)
        .fetch_all(&db.pool)
        .await?
        .iter()
        .map(|r| r.get("user_id"))
        .collect();
    let categories: Vec<(String, String)> = sqlx::query("SELECT id, name FROM categories WHERE network_id IS NULL")
        .fetch_all(&db.pool)
        .await?
        .iter()
        .map(|r| (r.get("id"), r.get("name")))
        .collect();
    let started = std::time::Instant::now();
    for i in 0..n {
        let w = |k: usize| WORDS[(i * 7 + k * 13) % WORDS.len()];
        let (category, name) = &categories[i % categories.len()];
        let draft = ListingDraft {
            kind: if i % 3 == 0 { ListingKind::Request } else { ListingKind::Offer },
            title: format!("Help with {} and {}", w(0), w(1)),
            description: format!("I can help with {}, {} or {}. Happy to chat first. Listing number {i}.", w(2), w(3), w(4)),
            category_id: category.clone(),
            tags: vec![w(5).to_string()],
            locality_id: localities[i % localities.len()].clone(),
            place: Place::ALL[i % 4],
            availability: "Weekday mornings".into(),
            estimate_minutes: Some(60),
        };
        app::listings::store::insert(&db, &network, &members[i % members.len()], &draft, name).await?;
    }
    println!("added {n} listings in {:.1} s", started.elapsed().as_secs_f64());
    Ok(())
}
