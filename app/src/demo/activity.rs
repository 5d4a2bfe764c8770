//! The demo's activity, written as the screens would: referrals in the queues, history in
//! the ledger, and the builders' notice, vetting checklists and a note.

use super::{email_for, store};
use crate::error::AppError;
use crate::platform::db::Db;
use crate::util::{new_id, now, DAY};

/// Two referrals waiting in Airdrie's queue (one past the first-contact target) and one in
/// Coatbridge already accepted, made as the professionals' form would.
pub async fn seed_referrals(db: &Db, network_id: &str, locality_ids: &[String]) -> Result<(), AppError> {
    use crate::referrals::domain::{NewReferral, Source, Status, Urgency};
    use crate::referrals::store::{event, insert, set_status, Origin};
    let ewan = store::professional_by_email(db, &email_for("Ewan Docherty")).await?;
    let joanne = store::professional_by_email(db, &email_for("Joanne Kelly")).await?;
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
        let (referrer, org, by) = (&p.user_id, &p.organisation_id, &p.display_name);
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
                referrer_id: Some(referrer),
                organisation_id: Some(org),
                consent_recorded_by: by,
                actor_label: &label,
            },
        )
        .await?;
        store::backdate_referral(&mut tx, &id, now() - days_ago * DAY).await?;
        if li == 2 {
            set_status(&mut tx, &id, Status::Submitted, Status::Accepted, None).await?;
            event(&mut tx, &id, Some(Status::Submitted), Status::Accepted, None, "Demo", "Accepted for a first visit").await?;
        }
        tx.commit().await?;
    }
    Ok(())
}

/// Agnes Lafferty, accepted in Coatbridge and wanting help with her phone, referred on by
/// Coatbridge's builder to the library's help with phones; Isobel Kerr acts for the
/// library and has it waiting for her answer.
pub async fn seed_onward(db: &Db, network_id: &str, coatbridge: &str) -> Result<(), AppError> {
    use crate::referrals::domain::{after_working_days, Status};
    let referral = store::referral_id_by_name(db, "Agnes Lafferty").await?;
    let id_of = |name: &str| {
        let email = email_for(name);
        async move {
            let account = crate::auth::store::find_account_by_email(db, &email).await?;
            account.map(|a| a.id).ok_or_else(|| crate::error::unexpected("demo: a person"))
        }
    };
    let builder = id_of("Heather Lyons").await?;
    let provider = id_of("Isobel Kerr").await?;
    let entries = crate::directory::store::open_entries(db, network_id, Some(coatbridge)).await?;
    let Some(entry) = entries.iter().find(|e| e.title == "Help with phones and tablets" && e.locality_id.as_deref() == Some(coatbridge))
    else {
        return Err(crate::error::unexpected("demo: the library's entry"));
    };
    let sent = now() - DAY;
    let mut tx = db.pool.begin().await?;
    crate::directory::store::add_org_member(&mut tx, &entry.organisation_id, &provider, &builder, sent - DAY).await?;
    let onward = crate::referrals::store::NewOnward {
        referral_id: &referral,
        entry_id: &entry.id,
        organisation_id: &entry.organisation_id,
        share_what_matters: true,
        share_access_needs: false,
        note:
            "Agnes would like to use her phone to video-call her grandchildren. She is nervous of groups: a quiet first session would help.",
        due_at: after_working_days(sent, 10),
        sent_by: &builder,
        sent_at: sent,
    };
    let Some(id) = crate::referrals::store::insert_onward(&mut tx, &onward).await? else {
        return Err(crate::error::unexpected("demo: onward referral"));
    };
    let what = format!("Referred on to {} ({})", entry.title, entry.organisation);
    crate::referrals::store::event(&mut tx, &referral, Some(Status::Accepted), Status::Accepted, Some(&builder), "Demo", &what).await?;
    crate::notifications::store::insert(
        &mut tx,
        &provider,
        &format!("A referral to {} is waiting for your answer", entry.title),
        &format!("/referrals/onward/{id}"),
        sent,
    )
    .await?;
    // And the library asks to add a new activity, waiting for Heather's approval.
    use crate::directory::domain::{Cost, EntryKind, Nth, Schedule, Theme, When};
    let draft = crate::directory::form::EntryDraft {
        organisation: entry.organisation.clone(),
        title: "Family history drop-in".into(),
        kind: EntryKind::Activity,
        theme: Theme::Learn,
        description: "Find your family in old records with the library's volunteers: census, births and the local papers.".into(),
        locality_id: Some(coatbridge.to_string()),
        when: When {
            schedule: Schedule::Monthly { nth: Nth::Number(1), weekday: 2 },
            starts: Some(14 * 60),
            ends: Some(16 * 60),
            from: None,
            until: None,
        },
        venue: entry.venue.clone(),
        address: entry.address.clone(),
        postcode: entry.postcode.clone(),
        step_free: true,
        accessibility: String::new(),
        cost: Cost::Free,
        cost_detail: String::new(),
        audience: "Everyone".into(),
        how_to_join: "Just come along, and bring any names and dates you have.".into(),
        contact: entry.contact.clone(),
        public: false,
        places: None,
    };
    let proposal = crate::directory::store::save(&mut tx, None, network_id, &draft, &provider, sent, true).await?;
    crate::notifications::store::insert(
        &mut tx,
        &builder,
        &format!("{} asks to add \"{}\" to What's on: approve it or turn it down", entry.organisation, draft.title),
        &format!("/whats-on/{proposal}"),
        sent,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Some history in the ledger: welcome hours, gifts to the pool, help recorded between
/// neighbours, a grant from the pool, and a care home's account — all through the real store.
pub async fn seed_ledger(db: &Db, network_id: &str, actives: &[(String, usize)], builders: &[String]) -> Result<(), AppError> {
    use crate::ledger::domain::TransferKind;
    use crate::ledger::store::{apply, AccountRef, NewTransfer, Outcome};
    store::set_starting_credit(db, network_id).await?;
    let t = |id: String, kind: TransferKind, legs: Vec<(AccountRef, i64)>, memo: &str, by: Option<&String>| NewTransfer {
        reason: (kind == TransferKind::Grant).then(|| "Starter hours for a new member referred by their GP".to_string()),
        recorded_by: by.cloned(),
        ..NewTransfer::new(id, network_id, kind, legs, memo)
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
        store::add_care_home(db, &org, &AccountRef::Organisation(org.clone()).id(network_id), network_id, u, now()).await?;
    }
    Ok(())
}

/// The builders' side: a notice on every home page, two members' vetting checklists and
/// a note — each written with its audit line, as the screens would.
pub async fn seed_community(
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
    let notice = store::Announcement {
        id: &announcement,
        network_id,
        title: "Coffee morning at the library",
        body: "Come and meet your neighbours: Friday at 10am, Airdrie library. Tea, coffee and home baking, all welcome.",
        posted_by: network_builder,
    };
    store::insert_announcement(&mut tx, &notice, now() - 2 * DAY).await?;
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
