//! The referral form in steps, for professionals (`/referrals/new/…`) and for people
//! referring themselves (`/refer-yourself/…`): each step saves its answers in a sealed
//! draft on the server (found by a cookie's token, never by the address), checks them by
//! the whole referral's rules, and leads on; "Check and send" takes the referral.

use super::draft::{Draft, Step};
#[allow(unused_imports)]
use super::*;

/// A step's page: the answers so far, the form's choices, and (for "Check and send") what
/// still needs changing, step by step.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DraftView {
    pub draft: Draft,
    pub form: ReferralFormView,
    /// (step, messages) for each step with answers to change.
    pub problems: Vec<(Step, Vec<String>)>,
}

/// Where each kind of form lives.
pub fn steps_base(self_referral: bool) -> &'static str {
    if self_referral {
        "/refer-yourself"
    } else {
        "/referrals/new"
    }
}

#[cfg(feature = "ssr")]
const DRAFT_PURPOSE: &str = "referral-draft";

#[cfg(feature = "ssr")]
fn cookie_name(self_referral: bool) -> &'static str {
    if self_referral {
        "self_referral_draft"
    } else {
        "referral_draft"
    }
}

/// Who is writing: a verified professional (their id), or anyone for a self-referral.
#[cfg(feature = "ssr")]
async fn writer(self_referral: bool) -> Result<Option<(Viewer, crate::networks::domain::Professional)>, AppError> {
    if self_referral {
        return Ok(None);
    }
    let viewer = signed_in().await?;
    let p = require_verified_professional(&viewer)?.clone();
    Ok(Some((viewer, p)))
}

/// The writer's draft and its cookie token, if they have one (a draft of someone else, or
/// of the other form, is not theirs: they start afresh).
#[cfg(feature = "ssr")]
async fn load(st: &AppState, self_referral: bool, user_id: Option<&str>) -> Result<(Option<String>, Draft), AppError> {
    let Some(token) = crate::platform::request::cookie(cookie_name(self_referral)) else { return Ok((None, Draft::default())) };
    let fresh_since = crate::util::now() - crate::util::DAY;
    match store::draft(&st.db, &crate::util::hash_token(&token), fresh_since).await? {
        Some(row) if row.user_id.as_deref() == user_id && (row.self_referral != 0) == self_referral => {
            let draft = st.config.keys.open(DRAFT_PURPOSE, &row.sealed).and_then(|b| serde_json::from_slice(&b).ok()).unwrap_or_default();
            Ok((Some(token), draft))
        }
        _ => Ok((None, Draft::default())),
    }
}

#[cfg(feature = "ssr")]
async fn save(st: &AppState, token: Option<String>, user_id: Option<&str>, self_referral: bool, draft: &Draft) -> Result<(), AppError> {
    use crate::platform::request::{cookie_header, set_cookie};
    if token.is_none() && self_referral {
        // A public form: a new draft is a row kept for a day, so how many one address may
        // start is limited.
        let client = crate::platform::request::client_key(st.config.trust_proxy);
        let rule = crate::platform::limits::SELF_REFER_DRAFTS_PER_CLIENT;
        crate::auth::throttle::request_limits(st, rule, rule, &client, "", "requests to be put in touch").await??;
    }
    let token = token.unwrap_or_else(crate::util::new_token);
    // Refreshed on every save: a draft lasts a day from its last step.
    set_cookie(cookie_header(&st.config, cookie_name(self_referral), &token, crate::util::DAY as u64));
    let json = serde_json::to_vec(draft).map_err(|e| crate::error::unexpected(format!("draft: {e}")))?;
    let sealed = st.config.keys.seal(DRAFT_PURPOSE, &json);
    let now = crate::util::now();
    store::save_draft(&st.db, &crate::util::hash_token(&token), user_id, self_referral, &sealed, now, now - crate::util::DAY).await
}

/// What the whole referral's rules say about the draft (`None`: nothing to change), given
/// the form's choices (areas, interests).
#[cfg(feature = "ssr")]
fn check(
    draft: &Draft,
    self_referral: bool,
    areas: &[(String, Vec<(String, String)>)],
    interests: &[(String, String, bool)],
) -> Option<FormProblem> {
    parse_against(&draft.referral(self_referral), self_referral, areas, interests).err()
}

/// A step's page: the draft so far and the form's choices.
#[server(endpoint = "referral_draft")]
pub async fn referral_draft(self_referral: bool) -> Result<DraftView, AppError> {
    finish(
        async {
            let st = state()?;
            let who = writer(self_referral).await?;
            let (_, draft) = load(&st, self_referral, who.as_ref().map(|(v, _)| v.user_id.as_str())).await?;
            let (areas, interests) = form_choices(&st).await?;
            let organisation = who.as_ref().map(|(_, p)| p.organisation_name.clone()).unwrap_or_default();
            let problems = match check(&draft, self_referral, &areas, &interests) {
                None => vec![],
                Some(p) => Step::ALL
                    .into_iter()
                    .filter(|s| draft.has_answered(*s))
                    .map(|s| (s, draft.problems_for(s, &p).fields.into_iter().map(|(_, m)| m).collect::<Vec<_>>()))
                    .filter(|(_, m)| !m.is_empty())
                    .collect(),
            };
            Ok(DraftView { draft, form: ReferralFormView { areas, interests, organisation }, problems })
        }
        .await,
    )
}

/// Saves one step's answers and leads on: to the next step, or back to "Check and send"
/// when the answers were changed from there. Its problems come back on its own page.
#[server(endpoint = "save_referral_step")]
#[allow(clippy::too_many_arguments)]
pub async fn save_referral_step(
    self_referral: bool,
    step: String,
    then: Option<String>,
    person_name: Option<String>,
    dob_day: Option<String>,
    dob_month: Option<String>,
    dob_year: Option<String>,
    locality: Option<String>,
    contact_by: Option<String>,
    phone: Option<String>,
    email: Option<String>,
    what_matters: Option<String>,
    interests: Option<std::collections::BTreeMap<String, String>>,
    access_needs: Option<String>,
    risk_notes: Option<String>,
    urgency: Option<String>,
    consent_referral: Option<String>,
    consent_sharing: Option<String>,
    consent_method: Option<String>,
) -> Result<(), AppError> {
    finish(
        async {
            let st = state()?;
            let who = writer(self_referral).await?;
            let user_id = who.as_ref().map(|(v, _)| v.user_id.clone());
            let step = Step::parse(&step).filter(|s| *s != Step::Check).ok_or_else(|| AppError::not_found("step"))?;
            let (token, mut draft) = load(&st, self_referral, user_id.as_deref()).await?;
            let set = |field: &mut String, value: Option<String>| {
                if let Some(v) = value {
                    *field = v.chars().take(4000).collect();
                }
            };
            let d = &mut draft.input;
            match step {
                Step::About => {
                    set(&mut d.person_name, person_name);
                    set(&mut d.locality, locality);
                    set(&mut d.contact_by, contact_by);
                    set(&mut d.phone, phone);
                    set(&mut d.email, email);
                    for (i, part) in [dob_day, dob_month, dob_year].into_iter().enumerate() {
                        set(&mut draft.dob[i], part);
                    }
                }
                Step::Matters => {
                    set(&mut d.what_matters, what_matters);
                    d.interests = ticked_interests(interests);
                }
                Step::Needs => {
                    set(&mut d.access_needs, access_needs);
                    if !self_referral {
                        set(&mut d.risk_notes, risk_notes);
                        set(&mut d.urgency, urgency);
                    }
                }
                Step::Consent => {
                    d.consent_referral = ticked(consent_referral);
                    d.consent_sharing = ticked(consent_sharing);
                    if !self_referral {
                        set(&mut d.consent_method, consent_method);
                    }
                }
                Step::Check => {}
            }
            draft.mark_answered(step);
            save(&st, token, user_id.as_deref(), self_referral, &draft).await?;
            let (areas, interests) = form_choices(&st).await?;
            if let Some(p) = check(&draft, self_referral, &areas, &interests) {
                // The answers are in the draft already: the error carries only the messages
                // (without JavaScript it travels in the address back to the page).
                let mut p = draft.problems_for(step, &p);
                p.values.clear();
                p.into_result()?;
            }
            let base = steps_base(self_referral);
            let next =
                if then.as_deref() == Some("check") || (draft.complete() && step == Step::Consent) { Step::Check } else { step.next() };
            leptos_axum::redirect(&format!("{base}/{}", next.slug()));
            Ok(())
        }
        .await,
    )
}

/// "Check and send": takes the referral from the draft, then forgets the draft.
#[server(endpoint = "send_referral_draft")]
pub async fn send_referral_draft(self_referral: bool) -> Result<(), AppError> {
    finish(
        async {
            let st = state()?;
            let who = writer(self_referral).await?;
            let (token, draft) = load(&st, self_referral, who.as_ref().map(|(v, _)| v.user_id.as_str())).await?;
            let Some(token) = token.filter(|_| draft.complete()) else {
                return Err(AppError::Conflict("Some steps have not been answered yet. Go back through them, then send.".into()));
            };
            let input = draft.referral(self_referral);
            let sent = match &who {
                Some((viewer, p)) => refer_as_professional(&st, viewer, p, &input).await,
                None => refer_self(&st, &input).await,
            };
            let id = match sent {
                Ok(id) => id,
                Err(AppError::Invalid(mut p)) => {
                    p.summary = "Some answers need changing before this can be sent: see the steps marked below.".into();
                    p.fields.clear();
                    p.values.clear();
                    return Err(AppError::Invalid(p));
                }
                Err(e) => return Err(e),
            };
            store::delete_draft(&st.db, &crate::util::hash_token(&token)).await?;
            crate::platform::request::set_cookie(crate::platform::request::cookie_header(&st.config, cookie_name(self_referral), "", 0));
            match who {
                Some(_) => leptos_axum::redirect(&format!("/referrals/{id}?done=sent")),
                None => leptos_axum::redirect("/refer-yourself/sent"),
            }
            Ok(())
        }
        .await,
    )
}
