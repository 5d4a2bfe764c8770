//! Sending alerts: the site's push key, one request per browser, and the background task
//! that works through the queue (several servers may run it: each alert is claimed first).

use super::domain::{Alert, ALERT_TTL_SECS};
use super::store;
use crate::error::AppError;
use crate::platform::secrets::Keys;
use crate::platform::state::AppState;
use web_push_native::jwt_simple::algorithms::{ECDSAP256PublicKeyLike, ES256KeyPair};

/// How often the queue is looked at.
const POLL: std::time::Duration = std::time::Duration::from_secs(2);
/// A claim older than this is a server that stopped mid-send: the alert is taken again.
const STALE_SECS: i64 = 60;
/// Tries per alert before it is given up.
const MAX_ATTEMPTS: i64 = 5;
/// The name an alert carries as its title.
const TITLE: &str = "Timeweave";

/// The site's push key pair (VAPID), derived from the site's secret key.
fn key_pair(keys: &Keys) -> ES256KeyPair {
    let mut seed = keys.subkey("web-push-vapid");
    // A 32-byte string is a valid P-256 scalar but for about one in 2^32; derive again if not.
    for round in 0u8.. {
        if let Ok(kp) = ES256KeyPair::from_bytes(&seed) {
            return kp;
        }
        seed = keys.subkey(&format!("web-push-vapid-{round}"));
    }
    unreachable!("a valid key is found within a few rounds")
}

/// The public half of the site's push key, uncompressed.
pub fn public_key(keys: &Keys) -> Vec<u8> {
    key_pair(keys).public_key().public_key().to_bytes_uncompressed()
}

/// Who to contact about our pushes (the VAPID subject): the site's mail address.
fn contact(mail_from: &str) -> String {
    let address = match (mail_from.find('<'), mail_from.rfind('>')) {
        (Some(a), Some(b)) if a < b => &mail_from[a + 1..b],
        _ => mail_from.trim(),
    };
    format!("mailto:{address}")
}

enum Outcome {
    Sent,
    /// The push service says this browser is gone: forget it.
    Gone,
    /// Worth another try later (the service was busy or unreachable).
    TryAgain,
    /// Refused for good (a bad subscription).
    Refused,
}

async fn send_one(client: &reqwest::Client, kp: &ES256KeyPair, contact: &str, s: &store::Kept, body: &[u8]) -> Outcome {
    let Some((p256dh, auth)) = s.keys() else { return Outcome::Gone };
    let (Ok(endpoint), Ok(public)) = (s.endpoint.parse::<http::Uri>(), web_push_native::p256::PublicKey::from_sec1_bytes(&p256dh)) else {
        return Outcome::Gone;
    };
    let auth = web_push_native::Auth::clone_from_slice(&auth);
    let request = match web_push_native::WebPushBuilder::new(endpoint, public, auth)
        .with_valid_duration(std::time::Duration::from_secs(ALERT_TTL_SECS))
        .with_vapid(kp, contact)
        .build(body.to_vec())
    {
        Ok(r) => r,
        Err(e) => {
            tracing::warn!("push: could not build the request: {e}");
            return Outcome::Refused;
        }
    };
    let (parts, payload) = request.into_parts();
    let mut out = client.post(&s.endpoint).body(payload);
    for (name, value) in parts.headers.iter() {
        out = out.header(name.as_str(), value.as_bytes());
    }
    match out.send().await {
        Ok(res) if res.status().is_success() => Outcome::Sent,
        Ok(res) if matches!(res.status().as_u16(), 404 | 410) => Outcome::Gone,
        Ok(res) if res.status().as_u16() == 429 || res.status().is_server_error() => Outcome::TryAgain,
        Ok(res) => {
            tracing::warn!(status = res.status().as_u16(), "push: the push service refused an alert");
            Outcome::Refused
        }
        Err(e) => {
            tracing::warn!("push: the push service is unreachable: {e}");
            Outcome::TryAgain
        }
    }
}

/// Sends what is waiting; returns how many alerts were dealt with.
pub async fn deliver_batch(state: &AppState, client: &reqwest::Client) -> Result<usize, AppError> {
    let waiting = store::waiting(&state.db, STALE_SECS).await?;
    if waiting.is_empty() {
        return Ok(0);
    }
    let kp = key_pair(&state.config.keys);
    let contact = contact(&state.config.mail_from);
    let mut done = 0;
    for w in waiting {
        if !store::claim(&state.db, &w, STALE_SECS).await? {
            continue;
        }
        let body = serde_json::to_vec(&Alert::new(TITLE, &w.text, &w.link)).unwrap_or_default();
        let (mut sent, mut try_again) = (false, false);
        for s in store::subscriptions_of(&state.db, &w.user_id).await? {
            match send_one(client, &kp, &contact, &s, &body).await {
                Outcome::Sent => {
                    sent = true;
                    store::mark_sent(&state.db, &s.endpoint).await?;
                }
                Outcome::Gone => store::forget_endpoint(&state.db, &s.endpoint).await?,
                Outcome::TryAgain => try_again = true,
                Outcome::Refused => {}
            }
        }
        // Tried again only when no browser got it, so nobody gets an alert twice; after a
        // day the alert is stale (the notification is on the page anyway).
        let stale = crate::util::now() - w.created_at > ALERT_TTL_SECS as i64;
        if try_again && !sent && w.attempts + 1 < MAX_ATTEMPTS && !stale {
            store::release(&state.db, &w.id).await?;
        } else {
            store::finish(&state.db, &w.id).await?;
        }
        done += 1;
    }
    Ok(done)
}

/// Sends alerts until the process ends.
pub async fn deliver_forever(state: AppState) {
    let client =
        match reqwest::Client::builder().timeout(std::time::Duration::from_secs(10)).redirect(reqwest::redirect::Policy::none()).build() {
            Ok(c) => c,
            Err(e) => {
                tracing::error!("push: no HTTP client, alerts are not sent: {e}");
                return;
            }
        };
    loop {
        if let Err(e) = deliver_batch(&state, &client).await {
            tracing::warn!("push delivery: {e}");
        }
        tokio::time::sleep(POLL).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_contact_is_the_sites_mail_address() {
        assert_eq!(contact("Timeweave <no-reply@timeweave.org>"), "mailto:no-reply@timeweave.org");
        assert_eq!(contact("hours@example.org"), "mailto:hours@example.org");
    }

    #[test]
    fn the_push_key_is_the_same_for_the_same_site_key_and_a_browser_can_use_it() {
        let keys = Keys::random();
        let a = public_key(&keys);
        assert_eq!(a, public_key(&keys));
        assert_eq!(a.len(), 65);
        assert_eq!(a[0], 4);
        assert_ne!(a, public_key(&Keys::random()));
    }
}
