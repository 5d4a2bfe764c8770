//! Referring: the professional's form, the self-referral form, and joining by an emailed
//! invitation from a referral.

#[allow(unused_imports)]
use super::*;

// Referring

/// The referral form's choices; only verified professionals may refer.
#[server(endpoint = "referral_form")]
pub async fn referral_form() -> Result<ReferralFormView, AppError> {
    finish(
        async {
            let st = state()?;
            let viewer = signed_in().await?;
            let p = require_verified_professional(&viewer)?;
            let (areas, interests) = form_choices(&st).await?;
            Ok(ReferralFormView { areas, interests, organisation: p.organisation_name.clone() })
        }
        .await,
    )
}

#[cfg(feature = "ssr")]
pub(super) fn require_verified_professional(viewer: &Viewer) -> Result<&crate::networks::domain::Professional, AppError> {
    match &viewer.professional {
        Some(p) if p.verified => Ok(p),
        Some(_) => Err(AppError::Forbidden(
            "Your professional account is waiting for a site administrator to check it. We will email you when you can refer.".into(),
        )),
        None if viewer.needs_second_factor => {
            Err(AppError::Forbidden("Set up two-step sign-in first: referrals are only open to staff who sign in with a code.".into()))
        }
        None => Err(AppError::Forbidden(
            "Only verified health and care professionals can refer someone. You can refer yourself instead.".into(),
        )),
    }
}

/// A professional refers someone, with both consents.
#[server(endpoint = "submit_referral")]
#[allow(clippy::too_many_arguments)]
pub async fn submit_referral(
    person_name: String,
    date_of_birth: String,
    email: String,
    phone: String,
    contact_by: String,
    locality: String,
    what_matters: String,
    interests: Option<std::collections::BTreeMap<String, String>>,
    access_needs: Option<String>,
    risk_notes: Option<String>,
    urgency: String,
    consent_referral: Option<String>,
    consent_sharing: Option<String>,
    consent_method: Option<String>,
) -> Result<(), AppError> {
    finish(
        async {
            let st = state()?;
            let viewer = signed_in().await?;
            let p = require_verified_professional(&viewer)?.clone();
            let input = ReferralInput {
                person_name,
                date_of_birth,
                email,
                phone,
                contact_by,
                locality,
                what_matters,
                interests: ticked_interests(interests),
                access_needs: access_needs.unwrap_or_default(),
                risk_notes: risk_notes.unwrap_or_default(),
                urgency,
                consent_referral: ticked(consent_referral),
                consent_sharing: ticked(consent_sharing),
                consent_method: consent_method.unwrap_or_default(),
            };
            let id = refer_as_professional(&st, &viewer, &p, &input).await?;
            leptos_axum::redirect(&format!("/referrals/{id}?done=sent"));
            Ok(())
        }
        .await,
    )
}

/// Someone refers themselves (no account needed). Shorter: no risk notes, consent online.
#[server(endpoint = "self_refer")]
#[allow(clippy::too_many_arguments)]
pub async fn self_refer(
    person_name: String,
    date_of_birth: String,
    email: String,
    phone: String,
    contact_by: String,
    locality: String,
    what_matters: String,
    interests: Option<std::collections::BTreeMap<String, String>>,
    access_needs: Option<String>,
    consent_referral: Option<String>,
    consent_sharing: Option<String>,
) -> Result<(), AppError> {
    finish(
        async {
            let st = state()?;
            let input = ReferralInput {
                person_name,
                date_of_birth,
                email,
                phone,
                contact_by,
                locality,
                what_matters,
                interests: ticked_interests(interests),
                access_needs: access_needs.unwrap_or_default(),
                risk_notes: String::new(),
                urgency: "routine".into(),
                consent_referral: ticked(consent_referral),
                consent_sharing: ticked(consent_sharing),
                consent_method: "online".into(),
            };
            refer_self(&st, &input).await?;
            leptos_axum::redirect("/refer-yourself/sent");
            Ok(())
        }
        .await,
    )
}

/// Takes a professional's referral (the one-page form's and the steps').
#[cfg(feature = "ssr")]
pub(super) async fn refer_as_professional(
    st: &AppState,
    viewer: &Viewer,
    p: &crate::networks::domain::Professional,
    input: &ReferralInput,
) -> Result<String, AppError> {
    let label = format!("{} (referrer)", viewer.display_name);
    take_referral(
        st,
        input,
        false,
        store::Origin {
            source: domain::Source::Professional,
            referrer_id: Some(&viewer.user_id),
            organisation_id: Some(&p.organisation_id),
            consent_recorded_by: &viewer.display_name,
            actor_label: &label,
        },
    )
    .await
}

/// Takes a self-referral. A public form: limited per address and per email, so nobody can
/// flood a locality's queue or someone's inbox.
#[cfg(feature = "ssr")]
pub(super) async fn refer_self(st: &AppState, input: &ReferralInput) -> Result<String, AppError> {
    let client = crate::platform::request::client_key(st.config.trust_proxy);
    let target = input.email.trim().to_lowercase();
    use crate::platform::limits::{SELF_REFER_PER_CLIENT, SELF_REFER_PER_EMAIL};
    crate::auth::throttle::request_limits(st, SELF_REFER_PER_CLIENT, SELF_REFER_PER_EMAIL, &client, &target, "requests to be put in touch")
        .await??;
    take_referral(
        st,
        input,
        true,
        store::Origin {
            source: domain::Source::SelfReferral,
            referrer_id: None,
            organisation_id: None,
            consent_recorded_by: "the person themselves",
            actor_label: "the person themselves",
        },
    )
    .await
}

/// Choices for the self-referral form (public).
#[server(endpoint = "self_referral_form")]
pub async fn self_referral_form() -> Result<ReferralFormView, AppError> {
    finish(
        async {
            let st = state()?;
            let (areas, interests) = form_choices(&st).await?;
            Ok(ReferralFormView { areas, interests, organisation: String::new() })
        }
        .await,
    )
}

// Joining by invitation

/// Emails the person a link to join the time bank themselves (they choose a password);
/// joining through it links their account to the referral and moves it to "joined".
#[server(endpoint = "invite_referral")]
pub async fn invite_referral(id: String) -> Result<(), AppError> {
    finish(async {
        let st = state()?;
        let viewer = signed_in().await?;
        let (r, rel) = open_as_builder(&st, &viewer, &id).await?;
        if domain::next_status(r.status, Move::Join, Mover::Builder, None).is_none() || r.consent_withdrawn_at.is_some() {
            return Err(AppError::Conflict(format!("A referral that is \"{}\" cannot be invited to join: make contact first.", r.status.label())));
        }
        if r.email.is_empty() {
            return Err(AppError::Conflict("There is no email address for them: sign them up here instead.".into()));
        }
        let token = crate::util::new_token();
        let label = label_of(&viewer, rel);
        let mut tx = st.db.pool.begin().await?;
        store::set_invitation(&mut tx, &r.id, &crate::util::hash_token(&token), crate::util::now() + domain::INVITATION_LIFETIME).await?;
        crate::email::queue(
            &mut tx,
            &r.email,
            domain::INVITATION_SUBJECT,
            &format!(
                "Hello {},\n\n{} from the time bank in {} invites you to join. Members help each other: every hour you give, you can receive.\n\nJoin here (the link works for 14 days):\n{}/join?invite={token}\n\nIf you would rather not, you can ignore this email.\n",
                r.person_name, viewer.display_name, r.locality_name, st.config.public_url
            ),
        )
        .await?;
        store::log(&mut *tx, &r.id, Some(&viewer.user_id), &label, "change", "invitation to join emailed").await?;
        tx.commit().await?;
        leptos_axum::redirect(&format!("/referrals/{}?done=invited", r.id));
        Ok(())
    }.await)
}

/// The referral behind a live invitation link: (referral id, network, locality, status).
#[cfg(feature = "ssr")]
pub async fn invitation(st: &AppState, token: &str) -> Result<Option<(String, String, String, Status)>, AppError> {
    if token.is_empty() || token.len() > 100 {
        return Ok(None);
    }
    let row = store::invited(&st.db, &crate::util::hash_token(token), crate::util::now()).await?;
    Ok(row.and_then(|r| {
        let status = Status::parse(&r.status)?;
        domain::next_status(status, Move::Join, Mover::Builder, None).map(|_| (r.id, r.network_id, r.locality_id, status))
    }))
}

/// Links a member who joined by invitation to their referral (inside the join's transaction).
#[cfg(feature = "ssr")]
pub async fn joined_by_invitation(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    referral_id: &str,
    from: Status,
    user_id: &str,
) -> Result<bool, AppError> {
    if !store::set_status(tx, referral_id, from, Status::Joined, None).await? {
        return Ok(false);
    }
    store::set_member_by_invitation(tx, referral_id, user_id).await?;
    store::event(
        tx,
        referral_id,
        Some(from),
        Status::Joined,
        None,
        "the person themselves (invitation)",
        "Joined through the emailed invitation",
    )
    .await?;
    store::log(&mut **tx, referral_id, None, "the person themselves (invitation)", "change", "joined by invitation").await?;
    Ok(true)
}
