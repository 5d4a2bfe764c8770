//! Finding a member by typing, with 10,000 members in one network: the query behind every
//! "find a member" field and the builders' member list (`networks::store::find_members`),
//! timed for several kinds of search. Members are created through the real store.
//!
//!   cargo run --release -p server --example member_search_bench -- sqlite
//!   cargo run --release -p server --example member_search_bench -- postgres [URL]
//!
//! docs/BENCHMARKS.md records the numbers (target: under 50 ms).

use app::networks::domain::{BuilderScope, Viewer};
use app::networks::find::MemberSearch;
use app::networks::store::{count_members, create_member, find_members, JoinedBy, NewAccount, NewMembership, Within};
use app::platform::db::Db;
use std::time::Instant;

const MEMBERS: usize = 10_000;
const ROUNDS: usize = 200;
const FIRST: [&str; 20] = [
    "Agnes", "Tam", "Priya", "Jack", "Gordon", "Anne", "Morag", "Ewan", "Isla", "Callum", "Fiona", "Hamish", "Kirsty", "Euan", "Mhairi",
    "Ross", "Eilidh", "Fraser", "Catriona", "Alasdair",
];
const LAST: [&str; 25] = [
    "Murray",
    "Reid",
    "Shah",
    "Baird",
    "Muir",
    "Gallacher",
    "Campbell",
    "Docherty",
    "Stewart",
    "MacDonald",
    "Scott",
    "Robertson",
    "Thomson",
    "Anderson",
    "Wilson",
    "Paterson",
    "Young",
    "Mitchell",
    "Watson",
    "Morrison",
    "Fraser",
    "Hamilton",
    "Kerr",
    "Boyle",
    "McLean",
];

fn main() -> anyhow::Result<()> {
    let engine = std::env::args().nth(1).unwrap_or_else(|| "sqlite".into());
    let rt = tokio::runtime::Runtime::new()?;
    rt.block_on(async {
        let url = match engine.as_str() {
            "sqlite" => {
                std::fs::create_dir_all("data")?;
                for end in ["", "-wal", "-shm"] {
                    let _ = std::fs::remove_file(format!("data/member-bench.db{end}"));
                }
                "sqlite://data/member-bench.db".to_string()
            }
            "postgres" => {
                let base = std::env::args().nth(2).unwrap_or_else(|| "postgres://postgres@127.0.0.1:5432".into());
                sqlx::any::install_default_drivers();
                let admin = sqlx::AnyPool::connect(&format!("{base}/postgres")).await?;
                sqlx::query("DROP DATABASE IF EXISTS tw_member_bench").execute(&admin).await?;
                sqlx::query("CREATE DATABASE tw_member_bench").execute(&admin).await?;
                format!("{base}/tw_member_bench")
            }
            other => anyhow::bail!("engine must be sqlite or postgres, not {other}"),
        };
        let db = Db::open(&url).await?;
        let network = seed(&db).await?;
        let viewer = Viewer {
            user_id: "bench".into(),
            display_name: "Bench".into(),
            email: None,
            is_site_admin: false,
            membership: None,
            builder_of: vec![BuilderScope { network_id: network.clone(), locality_id: None, label: String::new() }],
            professional: None,
            unread_notifications: 0,
            second_factor: true,
            needs_second_factor: false,
        };
        println!("{engine}: {MEMBERS} members; {ROUNDS} searches each (median / p99 / worst, ms)");
        for q in ["ann", "murray", "agnes murray", "member7@bench", "07700 90123", "Isla Kerr (Town 4)", "zzzz"] {
            let search = MemberSearch::parse(q).expect("a search");
            // A field's suggestions and its server-side check: active members, at most 9.
            let within = Within { builder: Some(&viewer), active_only: true, ..Default::default() };
            let mut times = vec![];
            let mut found = 0;
            for _ in 0..ROUNDS {
                let t = Instant::now();
                found = find_members(&db, &within, Some(&search), 9, 0).await?.len();
                times.push(t.elapsed().as_secs_f64() * 1000.0);
            }
            report(&format!("field   {q:<22} ({found} shown)"), &mut times);
        }
        // The members list: a page of 50 and the count, for a search and for everyone.
        for q in [Some("mur"), None] {
            let search = q.and_then(MemberSearch::parse);
            let within = Within { builder: Some(&viewer), ..Default::default() };
            let mut times = vec![];
            for _ in 0..ROUNDS {
                let t = Instant::now();
                let _ = count_members(&db, &within, search.as_ref()).await?;
                let _ = find_members(&db, &within, search.as_ref(), 51, 0).await?;
                times.push(t.elapsed().as_secs_f64() * 1000.0);
            }
            report(&format!("list    {:<22}", q.unwrap_or("(everyone)")), &mut times);
        }
        anyhow::Ok(())
    })
}

fn report(label: &str, times: &mut [f64]) {
    times.sort_by(|a, b| a.total_cmp(b));
    let at = |p: f64| times[((times.len() as f64 - 1.0) * p).round() as usize];
    println!("{label} {:>7.2} {:>7.2} {:>7.2}", at(0.5), at(0.99), times[times.len() - 1]);
}

/// One network, six areas, 10,000 members (a third with a phone number), via `create_member`.
async fn seed(db: &Db) -> anyhow::Result<String> {
    let now = app::util::now();
    let network = app::util::new_id();
    sqlx::query("INSERT INTO networks (id, slug, name, requires_approval, created_at) VALUES ($1, 'bench', 'Bench Time Bank', 1, $2)")
        .bind(&network)
        .bind(now)
        .execute(&db.pool)
        .await?;
    let mut localities = vec![];
    for i in 0..6 {
        let id = app::util::new_id();
        sqlx::query("INSERT INTO localities (id, network_id, slug, name, created_at) VALUES ($1, $2, $3, $4, $5)")
            .bind(&id)
            .bind(&network)
            .bind(format!("town-{i}"))
            .bind(format!("Town {i}"))
            .bind(now)
            .execute(&db.pool)
            .await?;
        localities.push(id);
    }
    let started = Instant::now();
    for chunk in 0..MEMBERS / 500 {
        let mut tx = db.pool.begin().await?;
        for j in 0..500 {
            let i = chunk * 500 + j;
            let name = format!("{} {}", FIRST[i % FIRST.len()], LAST[(i / FIRST.len()) % LAST.len()]);
            let email = format!("member{i}@bench.example");
            let phone = if i % 3 == 0 { format!("07700 9{i:05}") } else { String::new() };
            create_member(
                &mut tx,
                &NewAccount { display_name: &name, email: Some(&email), phone: &phone, ..Default::default() },
                &NewMembership {
                    network_id: &network,
                    locality_id: &localities[i % localities.len()],
                    about: "",
                    joined_by: JoinedBy::Themselves { requires_approval: i % 50 == 7 },
                },
            )
            .await?;
        }
        tx.commit().await?;
    }
    println!("seeded {MEMBERS} members in {:.1} s", started.elapsed().as_secs_f64());
    Ok(network)
}
