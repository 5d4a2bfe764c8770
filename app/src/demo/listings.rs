//! Offers and requests from the demo's residents, a few in every area.

use crate::error::AppError;
use crate::listings::domain::{ListingDraft, ListingKind, Place};
use crate::platform::db::Db;

/// (kind, title, description, category, place, when)
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
    ("offer", "Home baking for a special day", "Scones, tray bakes and birthday cakes.", "baking", Place::Home, "Give me a week's notice"),
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

/// The categories' names, as `listings::store::insert` keeps them beside the listing.
const CATEGORY_NAMES: [(&str, &str); 12] = [
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
];

fn category_name(category: &str) -> &'static str {
    CATEGORY_NAMES.iter().find(|(id, _)| *id == category).map(|(_, name)| *name).unwrap_or("")
}

/// Offers and requests from the demo's residents, a few in every area.
pub async fn seed_listings(db: &Db, network_id: &str, actives: &[(String, usize)], localities: &[String]) -> Result<(), AppError> {
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
        crate::listings::store::insert(db, network_id, owner, &draft, category_name(category)).await?;
    }
    Ok(())
}
