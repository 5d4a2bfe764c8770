//! The demo's people: the network and its localities, a site admin, community builders
//! (one for the whole network, one per locality), five residents per locality (the last
//! still waiting for approval) and three professionals; staff share the published two-step
//! key.

use super::{email_for, store, DemoLogin};
use crate::error::AppError;
use crate::networks::store::{create_member, insert_account, JoinedBy, NewAccount, NewMembership};
use crate::util::{new_id, now, DAY};
use sqlx::{Any, Transaction};

pub(super) const LOCALITIES: [(&str, &str, i64); 6] = [
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

/// (organisation, kind, professional, job title, organisation lead)
const PROFESSIONALS: [(&str, &str, &str, &str, bool); 3] = [
    ("NHS Lanarkshire", "health board", "Dr Aileen Scott", "GP link worker", true),
    ("Airdrie Health Centre", "GP practice", "Ewan Docherty", "Community link worker", false),
    ("North Lanarkshire Council Social Work", "council team", "Joanne Kelly", "Social worker", false),
];

/// Who the later steps need.
pub struct People {
    pub network_id: String,
    pub locality_ids: Vec<String>,
    /// (user id, locality id): the whole-network builder first (no locality), then one per locality.
    pub builders: Vec<(String, Option<String>)>,
    /// Active members, (user id, locality index), in the order they were made.
    pub actives: Vec<(String, usize)>,
    pub logins: Vec<DemoLogin>,
}

impl People {
    /// The localities' builders, in locality order.
    pub fn locality_builders(&self) -> Vec<String> {
        self.builders.iter().skip(1).map(|(u, _)| u.clone()).collect()
    }
}

/// Makes everyone, in the seeding transaction.
pub async fn seed_people(tx: &mut Transaction<'_, Any>, hash: &str, keys: &crate::platform::secrets::Keys) -> Result<People, AppError> {
    let t = now() - 90 * DAY;
    let network_id = new_id();
    // A new network vets new members (the column's default), as the demo's should.
    crate::community::store::insert_network(tx, &network_id, "north-lanarkshire", "North Lanarkshire Time Bank", "North Lanarkshire", t)
        .await?;
    let mut locality_ids = Vec::new();
    for locality in LOCALITIES {
        locality_ids.push(store::insert_locality(tx, &network_id, locality, t).await?);
    }
    let mut people = People { network_id, locality_ids, builders: vec![], actives: vec![], logins: vec![] };

    let (_, admin_email) = add_user(tx, hash, "Sam Admin", true, 90).await?;
    people.logins.push(DemoLogin { email: admin_email, role: "site admin".into() });
    let (nb_id, nb_email) = add_member(tx, hash, &people, "Morag Campbell", 0, true, 89).await?;
    people.logins.push(DemoLogin { email: nb_email, role: "community builder, whole network".into() });
    people.builders.push((nb_id.clone(), None));
    people.actives.push((nb_id, 0));
    for (i, (_, name, _)) in LOCALITIES.iter().enumerate() {
        seed_locality(tx, hash, &mut people, i, name).await?;
    }
    for (uid, lid) in &people.builders {
        store::insert_builder_role(tx, uid, &people.network_id, lid.as_deref(), t).await?;
    }
    for (org, kind, person, title, lead) in PROFESSIONALS {
        let oid = crate::professionals::store::find_or_add_organisation(tx, org, kind, t).await?;
        let (pid, pemail) = add_user(tx, hash, person, false, 60).await?;
        store::insert_professional(tx, &pid, &oid, title, lead, t).await?;
        people
            .logins
            .push(DemoLogin { email: pemail, role: format!("professional, {org}{}", if lead { " (organisation lead)" } else { "" }) });
    }
    // Staff sign in with two-step sign-in; in the demo they share one published key.
    let sealed = crate::auth::second_factor::seal_secret(keys, crate::auth::second_factor::DEMO_SECRET);
    store::enable_staff_second_factors(tx, &sealed, t).await?;
    Ok(people)
}

/// One locality's builder and residents.
async fn seed_locality(tx: &mut Transaction<'_, Any>, hash: &str, people: &mut People, i: usize, name: &str) -> Result<(), AppError> {
    let (bid, bemail) = add_member(tx, hash, people, BUILDERS[i], i, true, 88).await?;
    people.logins.push(DemoLogin { email: bemail, role: format!("community builder, {name}") });
    people.builders.push((bid.clone(), Some(people.locality_ids[i].clone())));
    people.actives.push((bid.clone(), i));
    for (j, resident) in RESIDENTS[i].iter().enumerate() {
        let days = 80 - (i as i64 * 5 + j as i64 * 3);
        let active = j != 4;
        let (rid, remail) = add_member(tx, hash, people, resident, i, active, days).await?;
        if i < 2 {
            people.logins.push(DemoLogin {
                email: remail,
                role: format!("resident, {name}{}", if active { "" } else { " (waiting for approval)" }),
            });
        }
        if active {
            people.actives.push((rid, i));
        }
    }
    if i == 0 {
        // Someone signed up on paper: no email, found by their landline.
        let paper = create_member(
            tx,
            &NewAccount { display_name: "Walter Doig", phone: "01236 555 201", ..Default::default() },
            &NewMembership {
                network_id: &people.network_id,
                locality_id: &people.locality_ids[0],
                about: "Retired joiner. Happy to fix a shelf or a sticking door.",
                joined_by: JoinedBy::Builder { builder_id: &bid },
            },
        )
        .await?;
        store::backdate_membership(tx, &paper, &people.network_id, now() - 40 * DAY).await?;
    }
    Ok(())
}

/// An account made `days_ago`, its email confirmed then; returns (id, email).
async fn add_user(tx: &mut Transaction<'_, Any>, hash: &str, name: &str, admin: bool, days_ago: i64) -> Result<(String, String), AppError> {
    let email = email_for(name);
    let id = insert_account(tx, &NewAccount { display_name: name, email: Some(&email), password_hash: Some(hash), ..Default::default() })
        .await?;
    store::confirm_and_backdate_account(tx, &id, now() - days_ago * DAY, admin).await?;
    Ok((id, email))
}

/// A member of locality `locality` since `days_ago`, active or waiting for approval;
/// returns (id, email).
async fn add_member(
    tx: &mut Transaction<'_, Any>,
    hash: &str,
    people: &People,
    name: &str,
    locality: usize,
    active: bool,
    days_ago: i64,
) -> Result<(String, String), AppError> {
    let email = email_for(name);
    let id = create_member(
        tx,
        &NewAccount { display_name: name, email: Some(&email), password_hash: Some(hash), ..Default::default() },
        &NewMembership {
            network_id: &people.network_id,
            locality_id: &people.locality_ids[locality],
            about: "",
            joined_by: JoinedBy::Themselves { requires_approval: !active },
        },
    )
    .await?;
    let at = now() - days_ago * DAY;
    store::confirm_and_backdate_account(tx, &id, at, false).await?;
    store::backdate_membership(tx, &id, &people.network_id, at).await?;
    Ok((id, email))
}
