//! Onward referral: from a referral, its builder (or the referrer) sends the person on to
//! an activity or service of What's on. The organisation that runs it answers through the
//! people who act for it (named by a builder), accepting or declining with a reason within
//! the network's working days. What goes to them is the person's name and the way they
//! asked to be contacted, plus what matters to them and their access needs where ticked;
//! never their date of birth, risk notes, scores or time bank activity. Every read of the
//! person's details by the organisation is in the access log.

#[allow(unused_imports)]
use super::*;
use domain::{Onward, ScoreChange};

/// One onward referral, on the referral's page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OnwardLine {
    pub id: String,
    pub entry_id: String,
    pub entry_title: String,
    pub organisation: String,
    pub status: Onward,
    pub sent_at: i64,
    pub sent_by: String,
    pub due_at: i64,
    pub overdue: bool,
    /// What the sender wrote to the organisation (builders and the sender's side only).
    pub note: String,
    /// The organisation's reason or next step.
    pub reason: String,
    pub answered_at: Option<i64>,
}

/// What the referral's page shows about referring on, and the closing summary.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OnwardPart {
    pub lines: Vec<OnwardLine>,
    /// The entries the viewer may refer on to now (id, "Title (Organisation)"); empty
    /// when they may not.
    pub choices: Vec<(String, String)>,
    /// The summary for the referrer: for builders once closed, for the referrer when the
    /// person agreed to share it.
    pub closing: Option<ClosingSummary>,
}

/// The closing summary as the referrer receives it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClosingSummary {
    pub text: String,
    /// "Walking group (came 5 times)", "Men's Shed (accepted the referral)".
    pub took_part: Vec<String>,
    /// Wellbeing at joining and at the last follow-up, when both were answered.
    pub wellbeing: Vec<ScoreChange>,
    /// The person agreed that it goes to the referrer.
    pub shared: bool,
}

/// An onward referral as the organisation sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OnwardCard {
    pub id: String,
    pub entry_title: String,
    pub organisation: String,
    pub status: Onward,
    pub sent_at: i64,
    pub due_at: i64,
    pub overdue: bool,
}

/// What the person agreed the organisation may see.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SharedPerson {
    pub name: String,
    /// "By phone: 01236 555 012".
    pub contact: String,
    pub what_matters: Option<String>,
    pub access_needs: Option<String>,
}

/// One onward referral, for the organisation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OnwardView {
    pub card: OnwardCard,
    pub entry_id: String,
    pub sent_by: String,
    pub note: String,
    pub reason: String,
    pub answered_by: Option<String>,
    /// None once answered "no", withdrawn, or the person's consent is gone.
    pub person: Option<SharedPerson>,
}

#[cfg(feature = "ssr")]
fn overdue(w: &store::OnwardRow) -> bool {
    w.status() == Onward::Waiting && crate::util::now() > w.due_at
}

#[cfg(feature = "ssr")]
fn card_of(w: &store::OnwardRow) -> OnwardCard {
    OnwardCard {
        id: w.id.clone(),
        entry_title: w.entry_title.clone(),
        organisation: w.organisation.clone(),
        status: w.status(),
        sent_at: w.sent_at,
        due_at: w.due_at,
        overdue: overdue(w),
    }
}

/// Whether the viewer may send this referral on now.
#[cfg(feature = "ssr")]
fn may_refer_on(r: &store::Referral, rel: Relation) -> bool {
    matches!(rel, Relation::Builder | Relation::Referrer)
        && matches!(r.status, Status::Accepted | Status::Contacted | Status::Joined | Status::Active)
        && r.consent_withdrawn_at.is_none()
        && r.erased_at.is_none()
}

/// The onward part of a referral's page, as the viewer may see it.
#[cfg(feature = "ssr")]
pub(super) async fn onward_part(st: &AppState, r: &store::Referral, rel: Relation) -> Result<OnwardPart, AppError> {
    let builder = rel.acts_as_builder();
    let rows = store::onward_of(&st.db, &r.id).await?;
    let lines = rows
        .iter()
        .map(|w| OnwardLine {
            id: w.id.clone(),
            entry_id: w.entry_id.clone(),
            entry_title: w.entry_title.clone(),
            organisation: w.organisation.clone(),
            status: w.status(),
            sent_at: w.sent_at,
            sent_by: w.sent_by_name.clone(),
            due_at: w.due_at,
            overdue: overdue(w),
            note: if builder || rel == Relation::Referrer { w.note.clone() } else { String::new() },
            reason: w.reason.clone(),
            answered_at: w.answered_at,
        })
        .collect();
    let choices = if may_refer_on(r, rel) {
        crate::directory::store::referable_entries(&st.db, &r.network_id, &r.locality_id)
            .await?
            .into_iter()
            .map(|e| (e.id, format!("{} ({})", e.title, e.organisation)))
            .collect()
    } else {
        vec![]
    };
    let shared = r.status == Status::Closed && store::summary_shared(&st.db, &r.id).await?;
    let closing = if r.status == Status::Closed && r.erased_at.is_none() && (builder || (shared && r.consent_withdrawn_at.is_none())) {
        Some(closing_from(st, r, &rows, shared).await?)
    } else {
        None
    };
    Ok(OnwardPart { lines, choices, closing })
}

/// The closing summary: the builder's words, what the person took part in (onward
/// referrals accepted, What's on dates they came to), and how their wellbeing changed.
#[cfg(feature = "ssr")]
pub(super) async fn closing_summary(st: &AppState, r: &store::Referral, shared: bool) -> Result<ClosingSummary, AppError> {
    closing_from(st, r, &store::onward_of(&st.db, &r.id).await?, shared).await
}

/// The closing summary from the referral's onward referrals, already read.
#[cfg(feature = "ssr")]
async fn closing_from(st: &AppState, r: &store::Referral, onward: &[store::OnwardRow], shared: bool) -> Result<ClosingSummary, AppError> {
    let mut took_part: Vec<String> = onward
        .iter()
        .filter(|w| w.status() == Onward::Accepted)
        .map(|w| format!("{} ({}): accepted the referral", w.entry_title, w.organisation))
        .collect();
    if let Some(member) = &r.member_id {
        for (title, times) in store::attended_by(&st.db, member).await? {
            took_part.push(if times == 1 { format!("{title}: came once") } else { format!("{title}: came {times} times") });
        }
    }
    let outcomes = store::outcomes(&st.db, &r.id).await?;
    let baseline = outcomes.iter().find(|o| o.stage == "baseline");
    let follow_up = outcomes.iter().rev().find(|o| o.stage == "follow_up");
    let wellbeing = match (baseline, follow_up) {
        (Some(b), Some(f)) => domain::wellbeing_change(&b.scores, &f.scores),
        _ => vec![],
    };
    Ok(ClosingSummary { text: r.outcome_summary.clone(), took_part, wellbeing, shared })
}

/// The closing summary as an email to the referrer: no name in the subject; the link
/// leads to the page, where reading it is logged.
#[cfg(feature = "ssr")]
pub(super) fn summary_email(public_url: &str, r: &store::Referral, s: &ClosingSummary) -> String {
    let mut body = format!(
        "The referral you made on {} has closed. The person agreed that this summary comes back to you.\n\n{}\n",
        crate::util::format_date(r.created_at),
        s.text
    );
    if !s.took_part.is_empty() {
        body.push_str("\nWhat they took part in:\n");
        for t in &s.took_part {
            body.push_str(&format!("- {t}\n"));
        }
    }
    if !s.wellbeing.is_empty() {
        body.push_str("\nWellbeing when they joined and at the follow-up:\n");
        for c in &s.wellbeing {
            body.push_str(&format!("- {}: {} then {}\n", c.scale, c.before, c.after));
        }
    }
    body.push_str(&format!("\nThe referral: {public_url}/referrals/{}\n", r.id));
    body
}

/// Sends the person on to an activity or service of What's on.
#[server(endpoint = "refer_onward")]
pub async fn refer_onward(
    id: String,
    onward_entry: String,
    onward_note: String,
    share_what_matters: Option<String>,
    share_access_needs: Option<String>,
    onward_agreed: Option<String>,
) -> Result<(), AppError> {
    finish(
        async {
            let st = state()?;
            let viewer = signed_in().await?;
            let (r, rel) = open(&st, &viewer, &id).await?;
            if !may_refer_on(&r, rel) {
                return Err(AppError::Conflict(format!(
                    "A referral that is \"{}\" cannot be sent on: only the community builders or the referrer can, once it is accepted and while it is open.",
                    r.status.label()
                )));
            }
            let mut problem = FormProblem::new()
                .keep("onward_entry", &onward_entry)
                .keep("onward_note", &onward_note)
                .keep("share_what_matters", share_what_matters.as_deref().unwrap_or(""))
                .keep("share_access_needs", share_access_needs.as_deref().unwrap_or(""))
                .keep("onward_agreed", onward_agreed.as_deref().unwrap_or(""));
            let choices = crate::directory::store::referable_entries(&st.db, &r.network_id, &r.locality_id).await?;
            let chosen = choices.into_iter().find(|e| e.id == onward_entry);
            if chosen.is_none() {
                problem.push("onward_entry", "Choose an activity or service from the list.");
            }
            let note = crate::error::read_text(
                &mut problem,
                "onward_note",
                &onward_note,
                "a few words for the organisation: why, and what would help",
                1000,
            );
            if !ticked(onward_agreed) {
                problem.push("onward_agreed", "Tick to confirm the person agreed to be referred on, and to what is shared.");
            }
            problem.into_result()?;
            let (Some(e), Some(note)) = (chosen, note) else { return Err(crate::error::unexpected("refer onward: values")) };
            let at = crate::util::now();
            let days = store::onward_reply_days(&st.db, &r.network_id).await?;
            let label = label_of(&viewer, rel);
            let mut tx = st.db.pool.begin().await?;
            let new = store::NewOnward {
                referral_id: &r.id,
                entry_id: &e.id,
                organisation_id: &e.organisation_id,
                share_what_matters: ticked(share_what_matters),
                share_access_needs: ticked(share_access_needs),
                note: &note,
                due_at: domain::after_working_days(at, days),
                sent_by: &viewer.user_id,
                sent_at: at,
            };
            let Some(onward_id) = store::insert_onward(&mut tx, &new).await? else {
                return Err(AppError::Conflict(format!("They are already referred to {}: see below.", e.title)));
            };
            let what = format!("Referred on to {} ({})", e.title, e.organisation);
            store::event(&mut tx, &r.id, Some(r.status), r.status, Some(&viewer.user_id), &label, &what).await?;
            store::log(&mut *tx, &r.id, Some(&viewer.user_id), &label, "onward", &format!("sent to {}", e.organisation)).await?;
            for user in crate::directory::store::org_member_ids(&mut tx, &e.organisation_id).await? {
                crate::notifications::notify(
                    &mut tx,
                    &st.config.public_url,
                    &user,
                    &format!("A referral to {} is waiting for your answer", e.title),
                    &format!("/referrals/onward/{onward_id}"),
                )
                .await?;
            }
            tx.commit().await?;
            leptos_axum::redirect(&format!("/referrals/{}?done=onward", r.id));
            Ok(())
        }
        .await,
    )
}

/// The onward referrals to the organisations the caller acts for: waiting first, and
/// those of the last 90 days. No personal details here (they are read one at a time).
#[server(endpoint = "onward_inbox")]
pub async fn onward_inbox() -> Result<Vec<OnwardCard>, AppError> {
    finish(
        async {
            let st = state()?;
            let viewer = signed_in().await?;
            let since = crate::util::now() - 90 * crate::util::DAY;
            Ok(store::onward_to_member(&st.db, &viewer.user_id, since).await?.iter().map(card_of).collect())
        }
        .await,
    )
}

/// The onward referral and its referral, for someone who acts for its organisation;
/// anyone else is told it does not exist.
#[cfg(feature = "ssr")]
async fn open_onward(st: &AppState, viewer: &Viewer, id: &str) -> Result<(store::OnwardRow, store::Referral), AppError> {
    let w = store::onward(&st.db, id).await?.ok_or_else(|| AppError::not_found("referral"))?;
    if !store::acts_for(&st.db, &w.organisation_id, &viewer.user_id).await? {
        return Err(AppError::not_found("referral"));
    }
    let r = store::get(&st.db, &w.referral_id).await?.ok_or_else(|| AppError::not_found("referral"))?;
    Ok((w, r))
}

#[cfg(feature = "ssr")]
fn provider_label(viewer: &Viewer, w: &store::OnwardRow) -> String {
    format!("{} (for {})", viewer.display_name, w.organisation)
}

/// How the organisation reaches the person: the way they asked to be contacted.
#[cfg(feature = "ssr")]
fn contact_for_provider(r: &store::Referral) -> String {
    match r.contact_by.as_str() {
        "phone" if !r.phone.is_empty() => format!("By phone: {}", r.phone),
        "text" if !r.phone.is_empty() => format!("By text message: {}", r.phone),
        "email" if !r.email.is_empty() => format!("By email: {}", r.email),
        "through_referrer" if !r.referrer_name.is_empty() => format!("Through the referrer, {}", r.referrer_name),
        _ => "Through the time bank's community builders".into(),
    }
}

/// One onward referral, for its organisation. Reading the person's details is logged.
#[server(endpoint = "onward_detail")]
pub async fn onward_detail(id: String) -> Result<OnwardView, AppError> {
    finish(
        async {
            let st = state()?;
            let viewer = signed_in().await?;
            let (w, r) = open_onward(&st, &viewer, &id).await?;
            let live =
                matches!(w.status(), Onward::Waiting | Onward::Accepted) && r.consent_withdrawn_at.is_none() && r.erased_at.is_none();
            let person = live.then(|| SharedPerson {
                name: r.person_name.clone(),
                contact: contact_for_provider(&r),
                what_matters: (w.share_what_matters != 0 && !r.what_matters.is_empty()).then(|| r.what_matters.clone()),
                access_needs: (w.share_access_needs != 0 && !r.access_needs.is_empty()).then(|| r.access_needs.clone()),
            });
            let detail = if person.is_some() { "onward: shared details" } else { "onward: no details" };
            store::log(&st.db.pool, &r.id, Some(&viewer.user_id), &provider_label(&viewer, &w), "read", detail).await?;
            crate::notifications::seen(&st.db, &viewer.user_id, &format!("/referrals/onward/{}", w.id)).await?;
            Ok(OnwardView {
                card: card_of(&w),
                entry_id: w.entry_id.clone(),
                sent_by: w.sent_by_name.clone(),
                note: w.note.clone(),
                reason: w.reason.clone(),
                answered_by: w.answered_by_name.clone(),
                person,
            })
        }
        .await,
    )
}

/// The organisation accepts or declines (with a reason) an onward referral.
#[server(endpoint = "answer_onward")]
pub async fn answer_onward(id: String, answer: Option<String>, reason: String) -> Result<(), AppError> {
    finish(
        async {
            let st = state()?;
            let viewer = signed_in().await?;
            let (w, r) = open_onward(&st, &viewer, &id).await?;
            if w.status() != Onward::Waiting || r.consent_withdrawn_at.is_some() || r.erased_at.is_some() {
                return Err(AppError::Conflict(format!("This referral is no longer waiting: {}.", w.status().label())));
            }
            let mut problem = FormProblem::new().keep("answer", answer.as_deref().unwrap_or("")).keep("reason", &reason);
            let to = match answer.as_deref() {
                Some("accept") => Some(Onward::Accepted),
                Some("decline") => Some(Onward::Declined),
                _ => {
                    problem.push("answer", "Choose yes or no.");
                    None
                }
            };
            let reason = reason.trim();
            if to == Some(Onward::Declined) && reason.chars().count() < 3 {
                problem.push("reason", "Say why, so the referrer can find something else.");
            } else if reason.chars().count() > 1000 || crate::util::has_control_chars(reason) {
                problem.push("reason", "Keep it to 1000 ordinary characters.");
            }
            problem.into_result()?;
            let to = to.ok_or_else(|| crate::error::unexpected("answer onward: status"))?;
            let label = provider_label(&viewer, &w);
            let at = crate::util::now();
            let mut tx = st.db.pool.begin().await?;
            if !store::answer_onward(&mut tx, &w.id, to, reason, &viewer.user_id, at).await? {
                return Err(AppError::Conflict("Someone else answered this just now. Reload the page.".into()));
            }
            let said = if to == Onward::Accepted { "accepted" } else { "declined" };
            let what = format!("{} {said} the referral to {}", w.organisation, w.entry_title);
            let note = if reason.is_empty() { what.clone() } else { format!("{what}: {reason}") };
            store::event(&mut tx, &r.id, Some(r.status), r.status, Some(&viewer.user_id), &label, &note).await?;
            store::log(&mut *tx, &r.id, Some(&viewer.user_id), &label, "change", &format!("onward {said}")).await?;
            let mut told: Vec<String> = vec![];
            for who in std::iter::once(w.sent_by.clone()).chain(r.referrer_id.clone()) {
                if !told.contains(&who) && who != viewer.user_id {
                    crate::notifications::notify(&mut tx, &st.config.public_url, &who, &what, &format!("/referrals/{}", r.id)).await?;
                    told.push(who);
                }
            }
            tx.commit().await?;
            leptos_axum::redirect(&format!("/referrals/onward/{}?done={said}", w.id));
            Ok(())
        }
        .await,
    )
}

/// Once an onward referral passes its answer date unanswered, reminds the people who act
/// for the organisation and tells whoever sent it. Once each, however many servers run it.
#[cfg(feature = "ssr")]
pub async fn overdue_reminders(st: &AppState, t: i64) -> Result<usize, AppError> {
    let mut sent = 0;
    for w in store::overdue_onward(&st.db, t).await? {
        let mut tx = st.db.pool.begin().await?;
        if store::claim_onward_reminder(&mut tx, &w.id, t).await? {
            let ask = format!("A referral to \"{}\" is past its answer date: please answer it", w.entry_title);
            for person in crate::directory::store::org_member_ids(&mut tx, &w.organisation_id).await? {
                crate::notifications::notify(&mut tx, &st.config.public_url, &person, &ask, &format!("/referrals/onward/{}", w.id)).await?;
            }
            let told = format!("{} has not answered the referral to \"{}\" by its date", w.organisation, w.entry_title);
            crate::notifications::notify(&mut tx, &st.config.public_url, &w.sent_by, &told, &format!("/referrals/{}", w.referral_id))
                .await?;
            sent += 1;
        }
        tx.commit().await?;
    }
    Ok(sent)
}
