//! The demo's What's on: seven groups, activities and services in each of the six
//! localities and a few for the whole network, written through the directory's own store.
//! A few were last checked more than six months ago, so the builders' review list has work.

use super::people::LOCALITIES;
use crate::directory::domain::{Cost, EntryKind, Nth, Schedule, Theme, When};
use crate::directory::form::EntryDraft;
use crate::error::AppError;
use crate::platform::db::Db;
use crate::util::{now, DAY};

/// (title, who runs it with `{}` for the area, kind, theme, schedule, start, end, cost, cost detail, step-free, place)
type Template = (&'static str, &'static str, EntryKind, Theme, Schedule, i64, i64, Cost, &'static str, bool, &'static str);

const TEMPLATES: [Template; 7] = [
    (
        "Health walk",
        "{} Health Walks",
        EntryKind::Group,
        Theme::Active,
        Schedule::Weekly { weekday: 1 },
        600,
        660,
        Cost::Free,
        "",
        false,
        "Outside {} library",
    ),
    (
        "Lunch club",
        "{} Parish Church",
        EntryKind::Activity,
        Theme::Connect,
        Schedule::Weekly { weekday: 3 },
        720,
        840,
        Cost::Price,
        "£3 for soup, a main and tea",
        true,
        "{} Parish Church hall",
    ),
    (
        "Knit and natter",
        "{} Community Centre",
        EntryKind::Group,
        Theme::Connect,
        Schedule::Weekly { weekday: 2 },
        840,
        960,
        Cost::Donation,
        "",
        true,
        "{} Community Centre",
    ),
    (
        "Help with phones and tablets",
        "{} Library",
        EntryKind::Service,
        Theme::Learn,
        Schedule::Weekly { weekday: 0 },
        600,
        720,
        Cost::Free,
        "",
        true,
        "{} Library",
    ),
    (
        "Community garden morning",
        "{} Community Growers",
        EntryKind::Activity,
        Theme::Give,
        Schedule::Monthly { nth: Nth::Number(1), weekday: 5 },
        600,
        780,
        Cost::Free,
        "",
        false,
        "{} community garden",
    ),
    (
        "Men's shed",
        "{} Men's Shed",
        EntryKind::Group,
        Theme::Connect,
        Schedule::Weekly { weekday: 4 },
        600,
        900,
        Cost::Donation,
        "",
        false,
        "The shed behind {} Community Centre",
    ),
    (
        "Community choir",
        "{} Sings",
        EntryKind::Group,
        Theme::Notice,
        Schedule::Monthly { nth: Nth::Last, weekday: 1 },
        1140,
        1230,
        Cost::Free,
        "",
        true,
        "{} Town Hall",
    ),
];

const POSTCODES: [&str; 6] = ["ML6 0AA", "ML4 1AA", "ML5 3AA", "ML1 1AA", "G67 1AA", "ML2 7AA"];

fn draft(t: &Template, area: &str, locality_id: &str, i: usize, n: usize) -> EntryDraft {
    let (title, org, kind, theme, schedule, starts, ends, cost, cost_detail, step_free, place) = *t;
    // Move some weekly days along by area, so the day filter has something to tell apart.
    let schedule = match schedule {
        Schedule::Weekly { weekday } if n % 2 == 1 => Schedule::Weekly { weekday: (weekday + i as u8) % 5 },
        s => s,
    };
    EntryDraft {
        organisation: org.replace("{}", area),
        title: title.to_string(),
        kind,
        theme,
        description: format!("{title} for anyone in {area}. Come along: you will be made welcome, and there is always a cup of tea."),
        locality_id: Some(locality_id.to_string()),
        when: When { schedule, starts: Some(starts), ends: Some(ends), from: None, until: None },
        venue: place.replace("{}", area),
        address: format!("{} Main Street, {area}", 10 + 7 * n),
        postcode: POSTCODES[i].to_string(),
        step_free,
        accessibility: if step_free { "Accessible toilet. Hearing loop.".into() } else { String::new() },
        cost,
        cost_detail: cost_detail.to_string(),
        audience: "Everyone".into(),
        how_to_join: "Just come along. If you would like someone to go with you the first time, ask your community builder.".into(),
        contact: format!("{} — 01698 400 {:03}", org.replace("{}", area), 100 + 10 * i + n),
        public: n.is_multiple_of(2),
        // Classes and courses have a room of a size; groups take whoever comes.
        places: (kind != EntryKind::Group).then_some(12),
    }
}

fn network_wide(today: i64) -> Vec<EntryDraft> {
    let open = |title: &str, org: &str, theme: Theme, description: &str, contact: &str| EntryDraft {
        organisation: org.into(),
        title: title.into(),
        kind: EntryKind::Service,
        theme,
        description: description.into(),
        locality_id: None,
        when: When { schedule: Schedule::Open, starts: None, ends: None, from: None, until: None },
        venue: String::new(),
        address: String::new(),
        postcode: String::new(),
        step_free: false,
        accessibility: "By phone, or a home visit for anyone who cannot get out.".into(),
        cost: Cost::Free,
        cost_detail: String::new(),
        audience: "Anyone living in North Lanarkshire".into(),
        how_to_join: "Phone, or ask your community builder or link worker to refer you.".into(),
        contact: contact.into(),
        public: true,
        places: None,
    };
    let mut lunch = open(
        "Christmas community lunch",
        "North Lanarkshire Time Bank",
        Theme::Connect,
        "A free Christmas lunch for members, their families and anyone on their own this year. Lifts can be arranged through the time bank.",
        "Your community builder",
    );
    lunch.kind = EntryKind::Activity;
    lunch.when = When { schedule: Schedule::Once { on: today + 12 }, starts: Some(720), ends: Some(900), from: None, until: None };
    lunch.venue = "Motherwell Concert Hall".into();
    lunch.address = "Civic Square, Motherwell".into();
    lunch.postcode = "ML1 1AB".into();
    lunch.step_free = true;
    lunch.places = Some(80);
    vec![
        open(
            "Money and benefits advice",
            "Citizens Advice North Lanarkshire",
            Theme::Learn,
            "Free, confidential advice on benefits, debt, energy bills and housing.",
            "0800 000 0000",
        ),
        open(
            "Carers' support line",
            "North Lanarkshire Carers Together",
            Theme::Connect,
            "Someone to talk to if you look after a relative or friend, and help to get a break.",
            "01236 000 000",
        ),
        lunch,
    ]
}

/// Seeds the directory, with active members (user id, locality index) going to the next
/// date of their area's entries that have places, one in three of them each, and to the
/// Christmas lunch. Returns how many entries it made.
pub async fn seed_directory(
    db: &Db,
    network_id: &str,
    locality_ids: &[String],
    builder_id: &str,
    members: &[(String, usize)],
) -> Result<usize, AppError> {
    let t = now();
    let today = t.div_euclid(DAY);
    let mut drafts = Vec::new();
    for (i, ((_, area, _), locality_id)) in LOCALITIES.iter().zip(locality_ids).enumerate() {
        for (n, template) in TEMPLATES.iter().enumerate() {
            drafts.push(draft(template, area, locality_id, i, n));
        }
    }
    drafts.extend(network_wide(today));
    let mut tx = db.pool.begin().await?;
    for (k, d) in drafts.iter().enumerate() {
        // Every ninth entry was last checked seven months ago: due for a review.
        let at = if k % 9 == 4 { t - 213 * DAY } else { t - (k as i64 % 30) * DAY };
        let id = crate::directory::store::save(&mut tx, None, network_id, d, builder_id, at, false).await?;
        let (Some(places), Some(next)) = (d.places, d.when.next_dates(today, 1).first().copied()) else { continue };
        let area = d.locality_id.as_ref().and_then(|l| locality_ids.iter().position(|x| x == l));
        let on = crate::directory::domain::iso(next);
        let coming = members.iter().enumerate().filter(|(j, (_, a))| area.is_none_or(|i| i == *a) && (j + k) % 3 == 0);
        for (n, (_, (user, _))) in coming.take(places as usize).enumerate() {
            crate::directory::store::add_going(&mut tx, &id, &on, user.as_str(), "going", t - DAY + n as i64).await?;
        }
    }
    tx.commit().await?;
    Ok(drafts.len())
}
