//! The demo network: a believable time bank for North Lanarkshire with the six localities
//! of the Health & Social Care Partnership (populations from its 2020-23 commissioning plan),
//! residents, community builders, health and care professionals and a site admin.
//!
//! Seeded by `timeweave serve --demo` into an empty database only.

use crate::error::AppError;
use crate::platform::db::Db;
use crate::util::{new_id, now};
use sqlx::Row;

/// Everyone in the demo signs in with this password.
pub const DEMO_PASSWORD: &str = "demo-hours-2026";

const LOCALITIES: [(&str, &str, i64); 6] = [
    ("airdrie", "Airdrie", 57_576),
    ("bellshill", "Bellshill", 42_273),
    ("coatbridge", "Coatbridge", 50_389),
    ("motherwell", "Motherwell", 45_504),
    ("north", "North", 86_095),
    ("wishaw", "Wishaw", 58_343),
];

/// Five residents per locality; the last in each list is still waiting for approval.
const RESIDENTS: [[&str; 5]; 6] = [
    ["Agnes Murray", "Tam Reid", "Priya Shah", "Jack Baird", "Eilidh Ross"],
    ["Margaret Boyle", "Sandy Wilson", "Kasia Nowak", "Callum Hughes", "Fiona Grant"],
    ["Isobel Kerr", "Davie Quinn", "Amira Hassan", "Ross McLean", "Lorna Watt"],
    ["Jean Paterson", "Billy Connor", "Mei Lin", "Euan Fraser", "Shona Black"],
    ["Rose McKay", "Alec Stewart", "Olu Adeyemi", "Kirsty Young", "Hamish Bell"],
    ["Betty Doyle", "Gordon Muir", "Sana Iqbal", "Niall Ferguson", "Carol Lamont"],
];

const BUILDERS: [&str; 6] = ["Anne Gallacher", "Steven Rae", "Heather Lyons", "Gary Brennan", "Linda Forsyth", "Paul Devlin"];

/// A line of the sign-in table printed at start.
pub struct DemoLogin {
    pub email: String,
    pub role: String,
}

fn email_for(name: &str) -> String {
    format!("{}@demo.timeweave.org", name.to_lowercase().replace(' ', "."))
}

/// Whether `serve --demo` created this database (so its outbox may be public).
pub async fn is_demo_database(db: &Db) -> Result<bool, AppError> {
    let row = sqlx::query("SELECT value FROM site_flags WHERE name = 'demo'").fetch_optional(&db.pool).await?;
    Ok(row.is_some())
}

/// Seeds the demo into an empty database. Returns `None` if there is data already.
pub async fn seed(db: &Db, keys: &crate::platform::secrets::Keys) -> Result<Option<Vec<DemoLogin>>, AppError> {
    let count: i64 = sqlx::query("SELECT COUNT(*) AS n FROM networks").fetch_one(&db.pool).await?.get("n");
    if count > 0 {
        return Ok(None);
    }
    // One hash for everyone: seeding stays fast.
    let hash = crate::auth::password::hash(DEMO_PASSWORD.to_string()).await?;
    let t = now() - 90 * 86_400;
    let mut logins = Vec::new();
    let mut tx = db.pool.begin().await?;

    let network_id = new_id();
    sqlx::query("INSERT INTO networks (id, slug, name, council_area, requires_approval, created_at) VALUES ($1, $2, $3, $4, 1, $5)")
        .bind(&network_id)
        .bind("north-lanarkshire")
        .bind("North Lanarkshire Time Bank")
        .bind("North Lanarkshire")
        .bind(t)
        .execute(&mut *tx)
        .await?;

    let user = |name: &str, admin: bool, days_ago: i64| {
        let id = new_id();
        let email = email_for(name);
        let q = sqlx::query(
            "INSERT INTO users (id, email, display_name, password_hash, email_confirmed_at, is_site_admin, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(id.clone())
        .bind(email.clone())
        .bind(name.to_string())
        .bind(hash.clone())
        .bind(now() - days_ago * 86_400)
        .bind(admin as i64)
        .bind(now() - days_ago * 86_400);
        (id, email, q)
    };

    let (_, admin_email, q) = user("Sam Admin", true, 90);
    q.execute(&mut *tx).await?;
    logins.push(DemoLogin { email: admin_email, role: "site admin".into() });

    let (nb_id, nb_email, q) = user("Morag Campbell", false, 89);
    q.execute(&mut *tx).await?;
    logins.push(DemoLogin { email: nb_email, role: "community builder, whole network".into() });

    let mut builder_rows = vec![(nb_id.clone(), None::<String>)];
    let mut member_rows = vec![(nb_id, 0usize, "active", 89i64)];
    let mut locality_ids = Vec::new();
    for (i, (slug, name, population)) in LOCALITIES.iter().enumerate() {
        let lid = new_id();
        sqlx::query("INSERT INTO localities (id, network_id, slug, name, population, created_at) VALUES ($1, $2, $3, $4, $5, $6)")
            .bind(&lid)
            .bind(&network_id)
            .bind(*slug)
            .bind(*name)
            .bind(*population)
            .bind(t)
            .execute(&mut *tx)
            .await?;
        locality_ids.push(lid.clone());
        let (bid, bemail, q) = user(BUILDERS[i], false, 88);
        q.execute(&mut *tx).await?;
        logins.push(DemoLogin { email: bemail, role: format!("community builder, {name}") });
        builder_rows.push((bid.clone(), Some(lid.clone())));
        member_rows.push((bid, i, "active", 88));
        for (j, resident) in RESIDENTS[i].iter().enumerate() {
            let days = 80 - (i as i64 * 5 + j as i64 * 3);
            let (rid, remail, q) = user(resident, false, days);
            q.execute(&mut *tx).await?;
            let status = if j == 4 { "pending" } else { "active" };
            if i < 2 {
                logins.push(DemoLogin {
                    email: remail,
                    role: format!("resident, {name}{}", if status == "pending" { " (waiting for approval)" } else { "" }),
                });
            }
            member_rows.push((rid, i, status, days));
        }
    }
    let actives: Vec<(String, usize)> =
        member_rows.iter().filter(|(_, _, status, _)| *status == "active").map(|(u, li, _, _)| (u.clone(), *li)).collect();
    let locality_builders: Vec<String> = builder_rows.iter().skip(1).map(|(u, _)| u.clone()).collect();
    for (uid, li, status, days) in member_rows {
        sqlx::query(
            "INSERT INTO memberships (id, user_id, network_id, locality_id, status, code_of_conduct_agreed_at, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(new_id())
        .bind(uid)
        .bind(&network_id)
        .bind(&locality_ids[li])
        .bind(status)
        .bind(now() - days * 86_400)
        .bind(now() - days * 86_400)
        .execute(&mut *tx)
        .await?;
    }
    for (uid, lid) in &builder_rows {
        sqlx::query("INSERT INTO builder_roles (id, user_id, network_id, locality_id, created_at) VALUES ($1, $2, $3, $4, $5)")
            .bind(new_id())
            .bind(uid)
            .bind(&network_id)
            .bind(lid)
            .bind(t)
            .execute(&mut *tx)
            .await?;
    }

    let orgs = [
        ("NHS Lanarkshire", "health board", "Dr Aileen Scott", "GP link worker", true),
        ("Airdrie Health Centre", "GP practice", "Ewan Docherty", "Community link worker", false),
        ("North Lanarkshire Council Social Work", "council team", "Joanne Kelly", "Social worker", false),
    ];
    for (org, kind, person, title, lead) in orgs {
        let oid = new_id();
        sqlx::query("INSERT INTO organisations (id, name, kind, created_at) VALUES ($1, $2, $3, $4)")
            .bind(&oid)
            .bind(org)
            .bind(kind)
            .bind(t)
            .execute(&mut *tx)
            .await?;
        let (pid, pemail, q) = user(person, false, 60);
        q.execute(&mut *tx).await?;
        sqlx::query(
            "INSERT INTO professionals (user_id, organisation_id, job_title, is_org_lead, verified_at, created_at)
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(pid)
        .bind(oid)
        .bind(title)
        .bind(lead as i64)
        .bind(t)
        .bind(t)
        .execute(&mut *tx)
        .await?;
        logins.push(DemoLogin { email: pemail, role: format!("professional, {org}{}", if lead { " (organisation lead)" } else { "" }) });
    }
    // Staff sign in with two-step sign-in; in the demo they share one published key.
    sqlx::query(
        "INSERT INTO second_factors (user_id, secret, enabled_at, last_step, pending_codes, created_at)
         SELECT u.id, $1, $2, 0, '', $2 FROM users u
         WHERE u.is_site_admin = 1 OR EXISTS (SELECT 1 FROM builder_roles b WHERE b.user_id = u.id)
            OR EXISTS (SELECT 1 FROM professionals p WHERE p.user_id = u.id)",
    )
    .bind(crate::auth::second_factor::seal_secret(keys, crate::auth::second_factor::DEMO_SECRET))
    .bind(t)
    .execute(&mut *tx)
    .await?;
    // Remember that the demo made this database: only then is the outbox public.
    sqlx::query("INSERT INTO site_flags (name, value, set_at) VALUES ('demo', '1', $1)").bind(now()).execute(&mut *tx).await?;
    tx.commit().await?;
    seed_referrals(db, &network_id, &locality_ids).await?;
    seed_ledger(db, &network_id, &actives, &locality_builders).await?;
    seed_listings(db, &network_id, &actives, &locality_ids).await?;
    seed_community(db, &network_id, &builder_rows, &actives).await?;
    Ok(Some(logins))
}

/// The builders' side: a notice on every home page, two members' vetting checklists and
/// a note — each written with its audit line, as the screens would.
async fn seed_community(
    db: &Db,
    network_id: &str,
    builders: &[(String, Option<String>)],
    actives: &[(String, usize)],
) -> Result<(), AppError> {
    use crate::audit::domain::AuditAction;
    use crate::audit::store::{audit, AuditEntry};
    use crate::community::domain::Vetting;
    use crate::community::store::{add_note, save_vetting};
    let Some((network_builder, _)) = builders.first() else { return Ok(()) };
    let mut tx = db.pool.begin().await?;
    let announcement = new_id();
    sqlx::query(
        "INSERT INTO announcements (id, network_id, locality_id, title, body, posted_by, emailed, created_at) VALUES ($1, $2, NULL, $3, $4, $5, 0, $6)",
    )
    .bind(&announcement)
    .bind(network_id)
    .bind("Coffee morning at the library")
    .bind("Come and meet your neighbours: Friday at 10am, Airdrie library. Tea, coffee and home baking, all welcome.")
    .bind(network_builder)
    .bind(now() - 2 * 86_400)
    .execute(&mut *tx)
    .await?;
    audit(
        &mut tx,
        &AuditEntry::new(network_builder, AuditAction::PostAnnouncement)
            .in_network(network_id, None)
            .subject(format!("announcement:{announcement}"))
            .change("", "Coffee morning at the library"),
    )
    .await?;
    if let (Some((airdrie_builder, Some(airdrie))), Some((first, _)), Some((second, _))) =
        (builders.get(1), actives.iter().find(|(_, l)| *l == 0), actives.iter().filter(|(_, l)| *l == 0).nth(1))
    {
        for (member, v) in [
            (first, Vetting { met_coordinator: true, references_checked: 2, code_signed: true, id_seen: true, ..Default::default() }),
            (second, Vetting { met_coordinator: true, code_signed: true, ..Default::default() }),
        ] {
            save_vetting(&mut tx, member, network_id, &v, airdrie_builder).await?;
            audit(
                &mut tx,
                &AuditEntry::new(airdrie_builder, AuditAction::UpdateVetting)
                    .on_member(network_id, airdrie, member)
                    .change(Vetting::default().summary(), v.summary()),
            )
            .await?;
        }
        add_note(&mut tx, first, network_id, "Prefers phone calls in the morning. Happy to be a buddy for new members.", airdrie_builder)
            .await?;
        audit(&mut tx, &AuditEntry::new(airdrie_builder, AuditAction::AddNote).on_member(network_id, airdrie, first)).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Some history in the ledger: welcome hours, gifts to the pool, help recorded between
/// neighbours, a grant from the pool, and a care home's account — all through the real store.
async fn seed_ledger(db: &Db, network_id: &str, actives: &[(String, usize)], builders: &[String]) -> Result<(), AppError> {
    use crate::ledger::domain::TransferKind;
    use crate::ledger::store::{apply, AccountRef, NewTransfer, Outcome};
    sqlx::query("UPDATE networks SET starting_credit_minutes = 120, starting_credit_source = 'network' WHERE id = $1")
        .bind(network_id)
        .execute(&db.pool)
        .await?;
    let t = |id: String, kind: TransferKind, legs: Vec<(AccountRef, i64)>, memo: &str, by: Option<&String>| NewTransfer {
        id,
        network_id: network_id.to_string(),
        kind,
        legs,
        memo: memo.into(),
        category: None,
        exchange_id: None,
        reverses_id: None,
        reason: (kind == TransferKind::Grant).then(|| "Starter hours for a new member referred by their GP".to_string()),
        recorded_by: by.cloned(),
        audit: vec![],
    };
    let member = |u: &String| AccountRef::Member(u.clone());
    let mut all = vec![];
    // The pool starts with hours the network set aside for starter hours (referrals).
    let mut fund = t(
        new_id(),
        TransferKind::Grant,
        vec![(AccountRef::Network, -20 * 60), (AccountRef::Pool, 20 * 60)],
        "Hours set aside for referred members",
        None,
    );
    fund.reason = Some("Pool funded for the referral pathway's starter hours".into());
    all.push(fund);
    for (u, _) in actives {
        all.push(t(
            crate::ledger::welcome_transfer_id(network_id, u),
            TransferKind::StartingCredit,
            vec![(AccountRef::Network, -120), (member(u), 120)],
            "Welcome to the time bank",
            None,
        ));
    }
    const HELP: [&str; 6] =
        ["Gardening", "Shopping trip", "Help with a form", "Lift to the health centre", "Tea and a chat", "Fixing a shelf"];
    for loc in 0..6 {
        let here: Vec<&String> = actives.iter().filter(|(_, l)| *l == loc).map(|(u, _)| u).collect();
        if here.len() < 3 {
            continue;
        }
        for k in 0..4 {
            let giver = here[(k + 1) % here.len()];
            let receiver = here[(k + 2) % here.len()];
            let minutes = 30 + 30 * ((k + loc) % 3) as i64;
            all.push(t(
                new_id(),
                TransferKind::Exchange,
                vec![(member(giver), minutes), (member(receiver), -minutes)],
                HELP[(k + loc) % 6],
                builders.get(loc),
            ));
        }
        all.push(t(
            new_id(),
            TransferKind::Donation,
            vec![(member(here[0]), -60), (AccountRef::Pool, 60)],
            "For someone who needs it",
            None,
        ));
    }
    if let (Some((u, _)), Some(b)) = (actives.iter().rev().find(|(_, l)| *l == 0), builders.first()) {
        all.push(t(new_id(), TransferKind::Grant, vec![(AccountRef::Pool, -90), (member(u), 90)], "", Some(b)));
    }
    for transfer in all {
        if let Outcome::Refused(r) = apply(db, &transfer).await? {
            return Err(crate::error::unexpected(format!("demo ledger: {}", r.message())));
        }
    }
    // A care home with an account, acted for by the first resident of Airdrie.
    if let Some((u, _)) = actives.iter().find(|(_, l)| *l == 0) {
        let org = new_id();
        sqlx::query("INSERT INTO organisations (id, name, kind, created_at) VALUES ($1, 'Kirkshaws Care Home', 'Care home', $2)")
            .bind(&org)
            .bind(now())
            .execute(&db.pool)
            .await?;
        sqlx::query("INSERT INTO accounts (id, network_id, kind, organisation_id, created_at) VALUES ($1, $2, 'organisation', $3, $4)")
            .bind(AccountRef::Organisation(org.clone()).id(network_id))
            .bind(network_id)
            .bind(&org)
            .bind(now())
            .execute(&db.pool)
            .await?;
        sqlx::query("INSERT INTO organisation_members (network_id, organisation_id, user_id, created_at) VALUES ($1, $2, $3, $4)")
            .bind(network_id)
            .bind(&org)
            .bind(u)
            .bind(now())
            .execute(&db.pool)
            .await?;
    }
    Ok(())
}

/// Makes (or promotes) a site admin with a confirmed email. Returns whether the account is new.
pub async fn create_admin(db: &Db, email: &str, display_name: &str, password: &str) -> Result<bool, AppError> {
    let email = crate::auth::domain::Email::parse(email).map_err(|m| AppError::invalid("email", m))?;
    let existing = crate::auth::store::find_account_by_email(db, email.as_str()).await?;
    let hash = crate::auth::password::hash(password.to_string()).await?;
    match existing {
        Some(account) => {
            sqlx::query("UPDATE users SET is_site_admin = 1, password_hash = $1, email_confirmed_at = COALESCE(email_confirmed_at, $2) WHERE id = $3")
                .bind(hash)
                .bind(now())
                .bind(account.id)
                .execute(&db.pool)
                .await?;
            Ok(false)
        }
        None => {
            sqlx::query(
                "INSERT INTO users (id, email, display_name, password_hash, email_confirmed_at, is_site_admin, created_at)
                 VALUES ($1, $2, $3, $4, $5, 1, $6)",
            )
            .bind(new_id())
            .bind(email.as_str())
            .bind(display_name)
            .bind(hash)
            .bind(now())
            .bind(now())
            .execute(&db.pool)
            .await?;
            Ok(true)
        }
    }
}

/// Offers and requests from the demo's residents, a few in every area.
async fn seed_listings(db: &Db, network_id: &str, actives: &[(String, usize)], localities: &[String]) -> Result<(), AppError> {
    use crate::listings::domain::{ListingDraft, ListingKind, Place};
    const SAMPLES: [(&str, &str, &str, &str, Place, &str); 12] = [
        (
            "offer",
            "Help with gardening",
            "Weeding, mowing and planting. I have my own tools.",
            "gardening",
            Place::Outdoors,
            "Weekday mornings",
        ),
        (
            "request",
            "A lift to the health centre",
            "I need a lift to my appointments once a fortnight, and back.",
            "lifts",
            Place::Home,
            "Tuesday afternoons",
        ),
        (
            "offer",
            "Company and a cup of tea",
            "Happy to pop round for a chat, a game of cards or a walk.",
            "befriending-and-company",
            Place::Home,
            "Most afternoons",
        ),
        (
            "offer",
            "Help with your phone or tablet",
            "Video calls, photos, online shopping, staying safe online. Patient and slow.",
            "computer-and-phone-help",
            Place::Venue,
            "Saturdays at the library",
        ),
        (
            "request",
            "Someone to read the paper with",
            "My eyes are not what they were. I would love someone to read the paper aloud.",
            "reading",
            Place::Home,
            "Mornings",
        ),
        (
            "offer",
            "Home baking for a special day",
            "Scones, tray bakes and birthday cakes.",
            "baking",
            Place::Home,
            "Give me a week's notice",
        ),
        ("request", "Help filling in a form", "Help with a Blue Badge application form.", "form-filling", Place::Venue, "Any weekday"),
        (
            "offer",
            "Small repairs and DIY",
            "Shelves, curtain rails, dripping taps. Nothing electrical.",
            "repairs-and-diy",
            Place::Home,
            "Evenings and weekends",
        ),
        (
            "offer",
            "Walking group for beginners",
            "A gentle walk round the park and a chat, every week.",
            "walking-and-sport",
            Place::Outdoors,
            "Thursday at 10",
        ),
        (
            "request",
            "Shopping on a Friday",
            "Someone to come with me to the supermarket and help carry the bags.",
            "shopping",
            Place::Home,
            "Friday mornings",
        ),
        (
            "offer",
            "Conversation practice in Polish or English",
            "Practise your English, or learn some Polish, over a coffee.",
            "conversation-and-languages",
            Place::Venue,
            "Wednesday evenings",
        ),
        (
            "request",
            "Company on a walk by the canal",
            "I would like to get out more and someone to walk with.",
            "social-connection",
            Place::Outdoors,
            "Weekends",
        ),
    ];
    let names: std::collections::HashMap<&str, &str> = [
        ("gardening", "Gardening"),
        ("lifts", "Lifts"),
        ("befriending-and-company", "Befriending and company"),
        ("computer-and-phone-help", "Computer and phone help"),
        ("reading", "Reading"),
        ("baking", "Baking"),
        ("form-filling", "Form filling"),
        ("repairs-and-diy", "Repairs and DIY"),
        ("walking-and-sport", "Walking and sport"),
        ("shopping", "Shopping"),
        ("conversation-and-languages", "Conversation and languages"),
        ("social-connection", "Social connection"),
    ]
    .into_iter()
    .collect();
    for (i, (kind, title, description, category, place, when)) in SAMPLES.iter().enumerate() {
        let loc = i % localities.len().max(1);
        let here: Vec<&String> = actives.iter().filter(|(_, l)| *l == loc).map(|(u, _)| u).collect();
        let Some(owner) = here.get(1 + i / 6).or(here.first()) else { continue };
        let draft = ListingDraft {
            kind: ListingKind::parse(kind).unwrap_or(ListingKind::Offer),
            title: title.to_string(),
            description: description.to_string(),
            category_id: category.to_string(),
            tags: vec![],
            locality_id: localities[loc].clone(),
            place: *place,
            availability: when.to_string(),
            estimate_minutes: Some(60 + 30 * (i as i64 % 3)),
        };
        crate::listings::store::insert(db, network_id, owner, &draft, names.get(category).copied().unwrap_or("")).await?;
    }
    Ok(())
}

/// Two referrals waiting in Airdrie's queue (one past the first-contact target) and one in
/// Coatbridge already accepted, made as the professionals' form would.
async fn seed_referrals(db: &Db, network_id: &str, locality_ids: &[String]) -> Result<(), AppError> {
    use crate::referrals::domain::{NewReferral, Source, Status, Urgency};
    use crate::referrals::store::{event, insert, set_status, Origin};
    let pro = |email: &str| {
        sqlx::query(
            "SELECT p.user_id, p.organisation_id, u.display_name FROM professionals p JOIN users u ON u.id = p.user_id WHERE u.email = $1",
        )
        .bind(email.to_string())
    };
    let ewan = pro(&email_for("Ewan Docherty")).fetch_one(&db.pool).await?;
    let joanne = pro(&email_for("Joanne Kelly")).fetch_one(&db.pool).await?;
    let people = [
        (
            &ewan,
            0usize,
            "Margaret Reid",
            "1946-05-14",
            "Lost her husband last year and rarely goes out. Loved gardening and baking.",
            "gardening,social-connection",
            9,
        ),
        (
            &ewan,
            0,
            "Tom Brannigan",
            "1958-11-02",
            "Recovering from a stroke; wants to get back to walking and meet people.",
            "walking-and-sport,physical-activity",
            2,
        ),
        (
            &joanne,
            2,
            "Agnes Lafferty",
            "1951-02-27",
            "Lives alone, would like company and help with her phone.",
            "computer-and-phone-help,befriending-and-company",
            4,
        ),
    ];
    for (p, li, name, dob, matters, interests, days_ago) in people {
        let referrer: String = p.get("user_id");
        let org: String = p.get("organisation_id");
        let by: String = p.get("display_name");
        let r = NewReferral {
            person_name: name.into(),
            date_of_birth: dob.into(),
            email: String::new(),
            phone: "01236 555 0".to_string() + &(10 + days_ago).to_string(),
            contact_by: "phone".into(),
            locality: locality_ids[li].clone(),
            what_matters: matters.into(),
            interests: interests.split(',').map(String::from).collect(),
            access_needs: if li == 0 { "Hard of hearing: speak clearly, face her.".into() } else { String::new() },
            risk_notes: String::new(),
            urgency: Urgency::Routine,
            consent_method: "verbal".into(),
        };
        let mut tx = db.pool.begin().await?;
        let label = format!("{by} (referrer)");
        let id = insert(
            &mut tx,
            network_id,
            &r,
            &Origin {
                source: Source::Professional,
                referrer_id: Some(&referrer),
                organisation_id: Some(&org),
                consent_recorded_by: &by,
                actor_label: &label,
            },
        )
        .await?;
        let at = now() - days_ago * 86_400;
        sqlx::query(
            "UPDATE referrals SET created_at = $1, updated_at = $1, consent_referral_at = $1, consent_sharing_at = $1 WHERE id = $2",
        )
        .bind(at)
        .bind(&id)
        .execute(&mut *tx)
        .await?;
        if li == 2 {
            set_status(&mut tx, &id, Status::Submitted, Status::Accepted, None).await?;
            event(&mut tx, &id, Some(Status::Submitted), Status::Accepted, None, "Demo", "Accepted for a first visit").await?;
        }
        tx.commit().await?;
    }
    Ok(())
}
