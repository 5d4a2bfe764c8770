//! Referrals as data, for other systems:
//! - `GET /referrals/{id}/export.json`: everything held about the person in a referral, for
//!   a subject access request (the locality's builders and site admins);
//! - `GET /referrals/{id}/fhir.json`: the referral as a FHIR R4 Bundle (Patient,
//!   ServiceRequest coded SNOMED CT 871731000000106 "Referral to social prescribing
//!   service", and a Task carrying where it stands) for a GP or council system (the
//!   builders, admins, and the referrer and their organisation's lead);
//! - `POST /partner/v1/referrals`: a partner organisation's system submits a referral as
//!   JSON with `Authorization: Bearer <token>`; the same checks as the form, the same
//!   consents, nothing written on any error. With an `Idempotency-Key` header a retry
//!   with the same key and body answers with the first referral instead of making a
//!   second; the same key with another body is refused (422). Every use of a token, and
//!   every refused token, is a security event.
//!
//! Every export is written to the access log. After consent to share is withdrawn, or
//! once erased, nothing is exported.

use super::domain::{ReferralInput, Source, Status, Urgency};
use super::{relation_to, store, Relation};
use crate::error::AppError;
use crate::platform::state::AppState;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use axum::Json;
use http::{header, HeaderMap, StatusCode};
use serde_json::{json, Value};

pub const SNOMED_SOCIAL_PRESCRIBING: &str = "871731000000106";

fn error_response(e: &AppError) -> Response {
    let mut body = json!({ "error": e.to_string() });
    if let Some(p) = e.problem() {
        body["fields"] = Value::Object(p.fields.iter().map(|(k, v)| (k.clone(), Value::String(v.clone()))).collect());
    }
    (StatusCode::from_u16(e.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR), Json(body)).into_response()
}

fn json_response(v: Value, filename: &str) -> Response {
    (
        [
            (header::CONTENT_TYPE, "application/json; charset=utf-8".to_string()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{filename}\"")),
            (header::CACHE_CONTROL, "private, no-store".to_string()),
        ],
        serde_json::to_string_pretty(&v).unwrap_or_default(),
    )
        .into_response()
}

async fn open_for_export(
    st: &AppState,
    headers: &HeaderMap,
    id: &str,
    builders_only: bool,
) -> Result<(store::Referral, Relation, String, String), AppError> {
    let viewer = crate::platform::request::signed_in_from_headers(st, headers).await?;
    let r = store::get(&st.db, id).await?.ok_or_else(|| AppError::not_found("referral"))?;
    let rel = relation_to(&viewer, &r).ok_or_else(|| AppError::not_found("referral"))?;
    if builders_only && !rel.acts_as_builder() {
        return Err(AppError::Forbidden("Only the community builders of the person's area export their data.".into()));
    }
    if r.erased_at.is_some() || r.consent_withdrawn_at.is_some() {
        return Err(AppError::Conflict(
            "The person's details were erased or their consent to share withdrawn, so they cannot be exported.".into(),
        ));
    }
    let label = super::label_of(&viewer, rel);
    Ok((r, rel, viewer.user_id, label))
}

/// `GET /referrals/{id}/export.json`
pub async fn export_json(State(st): State<AppState>, headers: HeaderMap, Path(id): Path<String>) -> Response {
    let result = async {
        let (r, _, user, label) = open_for_export(&st, &headers, &id, true).await?;
        let history = store::events(&st.db, &r.id).await?;
        let outcomes = store::outcomes(&st.db, &r.id).await?;
        let onward = store::onward_of(&st.db, &r.id).await?;
        store::log(&st.db.pool, &r.id, Some(&user), &label, "export", "JSON, subject access").await?;
        Ok::<Value, AppError>(json!({
            "referral": {
                "id": r.id, "area": r.locality_name, "source": r.source.as_str(), "referrer": r.referrer_name,
                "organisation": r.organisation_name, "status": r.status.as_str(), "urgency": r.urgency,
                "created_at": crate::util::iso_datetime(r.created_at),
            },
            "person": {
                "name": r.person_name, "date_of_birth": r.date_of_birth, "email": r.email, "phone": r.phone,
                "contact_by": r.contact_by, "what_matters": r.what_matters, "interests": r.interests,
                "access_needs": r.access_needs, "notes_for_visits": r.risk_notes,
            },
            "consent": {
                "to_referral_at": crate::util::iso_datetime(r.consent_referral_at),
                "to_sharing_at": crate::util::iso_datetime(r.consent_sharing_at),
                "method": r.consent_method, "recorded_by": r.consent_recorded_by,
            },
            "history": history.iter().map(|e| json!({"from": e.from, "to": e.to, "by": e.by, "note": e.note, "at": crate::util::iso_datetime(e.at)})).collect::<Vec<_>>(),
            "wellbeing": outcomes.iter().map(|o| json!({"stage": o.stage, "answered_by": o.answered_by, "at": crate::util::iso_datetime(o.at), "scores": o.scores})).collect::<Vec<_>>(),
            "onward": onward.iter().map(|w| json!({
                "to": w.entry_title, "organisation": w.organisation, "status": w.status, "note": w.note, "answer": w.reason,
                "shared_what_matters": w.share_what_matters != 0, "shared_access_needs": w.share_access_needs != 0,
                "sent_at": crate::util::iso_datetime(w.sent_at), "answered_at": w.answered_at.map(crate::util::iso_datetime),
            })).collect::<Vec<_>>(),
            "outcome_summary": r.outcome_summary,
        }))
    }
    .await;
    match result {
        Ok(v) => json_response(v, &format!("referral-{id}.json")),
        Err(e) => error_response(&e),
    }
}

/// A FHIR id / UUID from our 32-hex ids.
fn uuid(hex32: &str) -> String {
    let h: String = hex32.chars().filter(|c| c.is_ascii_hexdigit()).chain(std::iter::repeat('0')).take(32).collect();
    format!("{}-{}-{}-{}-{}", &h[..8], &h[8..12], &h[12..16], &h[16..20], &h[20..])
}

/// FHIR ServiceRequest.status for our status.
pub fn service_request_status(s: Status) -> &'static str {
    match s {
        Status::Closed => "completed",
        Status::Declined | Status::Withdrawn => "revoked",
        Status::OnHold => "on-hold",
        _ => "active",
    }
}

/// FHIR Task.status for our status.
pub fn task_status(s: Status) -> &'static str {
    match s {
        Status::Submitted => "requested",
        Status::Accepted => "accepted",
        Status::Declined => "rejected",
        Status::Withdrawn => "cancelled",
        Status::Contacted | Status::Joined | Status::Active => "in-progress",
        Status::OnHold | Status::CouldNotContact => "on-hold",
        Status::Closed => "completed",
    }
}

/// The referral as a FHIR R4 Bundle of type "collection"; with the closing summary the
/// person agreed to share, a `Communication` based on the `ServiceRequest`.
pub fn fhir_bundle(r: &store::Referral, closing: Option<&super::ClosingSummary>) -> Value {
    let sr_id = uuid(&r.id);
    let patient_id = uuid(&crate::util::hash_token(&format!("patient:{}", r.id)));
    let task_id = uuid(&crate::util::hash_token(&format!("task:{}", r.id)));
    let mut telecom = vec![];
    if !r.phone.is_empty() {
        telecom.push(json!({"system": "phone", "value": r.phone}));
    }
    if !r.email.is_empty() {
        telecom.push(json!({"system": "email", "value": r.email}));
    }
    let requester = match r.source {
        Source::SelfReferral => json!({"reference": format!("urn:uuid:{patient_id}"), "display": "Self-referral"}),
        _ => {
            json!({"display": if r.referrer_name.is_empty() { r.organisation_name.clone() } else { format!("{} ({})", r.referrer_name, r.organisation_name) }})
        }
    };
    let mut bundle = json!({
        "resourceType": "Bundle",
        "type": "collection",
        "timestamp": crate::util::iso_datetime(crate::util::now()),
        "entry": [
            {
                "fullUrl": format!("urn:uuid:{patient_id}"),
                "resource": {
                    "resourceType": "Patient",
                    "id": patient_id,
                    "name": [{"text": r.person_name}],
                    "birthDate": r.date_of_birth,
                    "telecom": telecom,
                }
            },
            {
                "fullUrl": format!("urn:uuid:{sr_id}"),
                "resource": {
                    "resourceType": "ServiceRequest",
                    "id": sr_id,
                    "status": service_request_status(r.status),
                    "intent": "order",
                    "priority": match Urgency::parse(&r.urgency) { Some(Urgency::Urgent) => "urgent", Some(Urgency::Soon) => "asap", _ => "routine" },
                    "code": {"coding": [{
                        "system": "http://snomed.info/sct",
                        "code": SNOMED_SOCIAL_PRESCRIBING,
                        "display": "Referral to social prescribing service"
                    }]},
                    "subject": {"reference": format!("urn:uuid:{patient_id}")},
                    "authoredOn": crate::util::iso_datetime(r.created_at),
                    "requester": requester,
                    "performer": [{"display": format!("Timeweave time bank, {}", r.locality_name)}],
                    "note": [{"text": r.what_matters}],
                }
            },
            {
                "fullUrl": format!("urn:uuid:{task_id}"),
                "resource": {
                    "resourceType": "Task",
                    "id": task_id,
                    "status": task_status(r.status),
                    "businessStatus": {"text": r.status.label()},
                    "intent": "order",
                    "focus": {"reference": format!("urn:uuid:{sr_id}")},
                    "for": {"reference": format!("urn:uuid:{patient_id}")},
                    "authoredOn": crate::util::iso_datetime(r.created_at),
                    "lastModified": crate::util::iso_datetime(r.updated_at),
                }
            }
        ]
    });
    if let (Some(c), Some(entries)) = (closing, bundle["entry"].as_array_mut()) {
        entries.push(communication(r, c, &sr_id, &patient_id));
    }
    bundle
}

/// The closing summary as a FHIR `Communication` from the time bank to the referrer.
fn communication(r: &store::Referral, c: &super::ClosingSummary, sr_id: &str, patient_id: &str) -> Value {
    let id = uuid(&crate::util::hash_token(&format!("communication:{}", r.id)));
    let mut payload = vec![json!({"contentString": c.text})];
    payload.extend(c.took_part.iter().map(|t| json!({"contentString": format!("Took part: {t}")})));
    payload.extend(c.wellbeing.iter().map(|w| json!({"contentString": format!("{}: {} then {}", w.scale, w.before, w.after)})));
    json!({
        "fullUrl": format!("urn:uuid:{id}"),
        "resource": {
            "resourceType": "Communication",
            "id": id,
            "status": "completed",
            "basedOn": [{"reference": format!("urn:uuid:{sr_id}")}],
            "subject": {"reference": format!("urn:uuid:{patient_id}")},
            "topic": {"text": "Closing summary of the referral"},
            "sent": crate::util::iso_datetime(r.closed_at.unwrap_or(r.updated_at)),
            "sender": {"display": format!("Timeweave time bank, {}", r.locality_name)},
            "recipient": [{"display": if r.referrer_name.is_empty() { r.organisation_name.clone() } else { r.referrer_name.clone() }}],
            "payload": payload,
        }
    })
}

/// `GET /referrals/{id}/fhir.json`
pub async fn fhir_json(State(st): State<AppState>, headers: HeaderMap, Path(id): Path<String>) -> Response {
    let result = async {
        let (r, _, user, label) = open_for_export(&st, &headers, &id, false).await?;
        store::log(&st.db.pool, &r.id, Some(&user), &label, "export", "FHIR R4 bundle").await?;
        let closing = if r.status == Status::Closed && r.consent_withdrawn_at.is_none() && store::summary_shared(&st.db, &r.id).await? {
            Some(super::onward::closing_summary(&st, &r, true).await?)
        } else {
            None
        };
        Ok::<Value, AppError>(fhir_bundle(&r, closing.as_ref()))
    }
    .await;
    match result {
        Ok(v) => json_response(v, &format!("referral-{id}.fhir.json")),
        Err(e) => error_response(&e),
    }
}

/// What a partner system sends.
#[derive(serde::Deserialize)]
pub struct PartnerReferral {
    #[serde(flatten)]
    pub input: ReferralInput,
    /// The name of whoever recorded the person's consent at the partner.
    #[serde(default)]
    pub consent_recorded_by: String,
}

/// `POST /partner/v1/referrals`
pub async fn partner_submit(State(st): State<AppState>, req: axum::extract::Request) -> Response {
    use crate::platform::events::{self, Event, EventKind};
    let client = crate::platform::request::client_address(req.headers(), req.extensions(), st.config.trust_proxy);
    let (parts, body) = req.into_parts();
    let headers = parts.headers;
    let body = match axum::body::to_bytes(body, PARTNER_MAX_BYTES).await {
        Ok(b) => b,
        Err(_) => {
            return error_response(&AppError::invalid(
                "body",
                format!("The body must be JSON of at most {} KiB.", PARTNER_MAX_BYTES / 1024),
            ))
        }
    };
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .filter(|t| !t.is_empty() && t.len() <= 200);
    let partner = match token {
        Some(t) => match partner_of(&st, t).await {
            Ok(p) => p,
            Err(e) => return error_response(&e),
        },
        None => None,
    };
    let Some((org, label)) = partner else {
        events::record(
            &st.db,
            EventKind::PartnerTokenRefused,
            Event { subject: "/partner/v1/referrals", client: &client, ..Default::default() },
        )
        .await;
        return (StatusCode::UNAUTHORIZED, Json(json!({"error": "A valid partner token is needed: Authorization: Bearer <token>."})))
            .into_response();
    };
    events::record(&st.db, EventKind::PartnerTokenUsed, Event { subject: &label, client: &client, ..Default::default() }).await;
    let idem_key = match headers.get("idempotency-key").map(|v| v.to_str().map(str::trim)) {
        None => None,
        Some(Ok(k)) if !k.is_empty() && k.len() <= 200 && k.bytes().all(|b| b.is_ascii_graphic()) => Some(k.to_string()),
        Some(_) => {
            return error_response(&AppError::invalid("Idempotency-Key", "An Idempotency-Key is 1 to 200 visible ASCII characters."))
        }
    };
    let body_hash = crate::util::hash_token(&String::from_utf8_lossy(&body));
    if let Some(key) = &idem_key {
        match claim_idempotency_key(&st, &org, key, &body_hash).await {
            Ok(Claim::New) => {}
            Ok(Claim::Done(id)) => {
                return (
                    StatusCode::OK,
                    [(header::LOCATION, format!("/referrals/{id}"))],
                    Json(json!({"id": id, "status": "submitted", "replayed": true})),
                )
                    .into_response()
            }
            Ok(Claim::InProgress) => {
                return error_response(&AppError::Conflict(
                    "A referral with this Idempotency-Key is still being made. Try again in a moment.".into(),
                ))
            }
            Ok(Claim::OtherBody) => {
                return error_response(&AppError::invalid(
                    "Idempotency-Key",
                    "This Idempotency-Key was already used with a different referral. Use a new key for a new referral.",
                ))
            }
            Err(e) => return error_response(&e),
        }
    }
    let result = submit_partner_referral(&st, &org, &label, &body).await;
    if let Some(key) = &idem_key {
        let finished = match &result {
            Ok(id) => store::finish_idempotency_key(&st.db, &org, key, id).await,
            // Nothing was made: the key may be used again (with a corrected body).
            Err(_) => store::release_idempotency_key(&st.db, &org, key).await,
        };
        if let Err(e) = finished {
            return error_response(&e);
        }
    }
    match result {
        Ok(id) => (StatusCode::CREATED, [(header::LOCATION, format!("/referrals/{id}"))], Json(json!({"id": id, "status": "submitted"})))
            .into_response(),
        Err(e) => error_response(&e),
    }
}

/// The largest referral a partner system may send.
const PARTNER_MAX_BYTES: usize = 256 * 1024;

/// The organisation and label behind a live partner token.
async fn partner_of(st: &AppState, token: &str) -> Result<Option<(String, String)>, AppError> {
    let row = store::partner_by_token(&st.db, &crate::util::hash_token(token)).await?;
    Ok(row.map(|p| (p.organisation_id, format!("partner system: {} ({})", p.label, p.name))))
}

enum Claim {
    /// This request holds the key now.
    New,
    /// The key already made this referral.
    Done(String),
    InProgress,
    OtherBody,
}

/// Takes an Idempotency-Key for this organisation (one conditional insert: of two requests
/// with one key at once, one makes the referral and the other is told it is in progress).
async fn claim_idempotency_key(st: &AppState, org: &str, key: &str, body_hash: &str) -> Result<Claim, AppError> {
    if store::insert_idempotency_key(&st.db, org, key, body_hash, crate::util::now()).await? {
        return Ok(Claim::New);
    }
    let Some(row) = store::idempotency_key(&st.db, org, key).await? else { return Ok(Claim::InProgress) };
    if row.body_hash != body_hash {
        return Ok(Claim::OtherBody);
    }
    Ok(match row.referral_id {
        Some(id) => Claim::Done(id),
        None => Claim::InProgress,
    })
}

async fn submit_partner_referral(st: &AppState, org: &str, label: &str, body: &[u8]) -> Result<String, AppError> {
    let parsed: PartnerReferral = serde_json::from_slice(body)
        .map_err(|e| AppError::invalid("body", format!("The body must be a JSON object with the referral's fields ({e}).")))?;
    let recorded_by = parsed.consent_recorded_by.trim().to_string();
    if recorded_by.is_empty() || recorded_by.chars().count() > 100 {
        return Err(AppError::invalid("consent_recorded_by", "Say who recorded the person's consent (a name, up to 100 characters)."));
    }
    super::take_referral(
        st,
        &parsed.input,
        false,
        store::Origin {
            source: Source::Partner,
            referrer_id: None,
            organisation_id: Some(org),
            consent_recorded_by: &recorded_by,
            actor_label: label,
        },
    )
    .await
}

/// Makes a partner token for an organisation (the `timeweave partner-token` command).
/// Returns the token; only its hash is kept.
pub async fn create_partner_token(
    db: &crate::platform::db::Db,
    organisation: &str,
    label: &str,
    created_by: Option<&str>,
) -> Result<String, AppError> {
    let org = store::organisation_id(db, organisation).await?.ok_or_else(|| AppError::not_found("organisation"))?;
    let token = crate::util::new_token();
    store::insert_partner_token(db, &crate::util::hash_token(&token), &org, label, created_by, crate::util::now()).await?;
    Ok(token)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_become_uuids() {
        assert_eq!(uuid("0123456789abcdef0123456789abcdef"), "01234567-89ab-cdef-0123-456789abcdef");
    }

    #[test]
    fn every_status_maps_to_fhir_codes() {
        let sr = ["draft", "active", "on-hold", "revoked", "completed", "entered-in-error", "unknown"];
        let task = [
            "draft",
            "requested",
            "received",
            "accepted",
            "rejected",
            "ready",
            "cancelled",
            "in-progress",
            "on-hold",
            "failed",
            "completed",
            "entered-in-error",
        ];
        for s in Status::ALL {
            assert!(sr.contains(&service_request_status(s)));
            assert!(task.contains(&task_status(s)));
        }
    }
}
