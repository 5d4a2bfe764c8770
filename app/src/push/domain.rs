//! The rules of alerts on a phone (Web Push), with no I/O: which push services we send to,
//! what a browser's subscription must hold, and what an alert says.
//!
//! We send only to the push services browsers use (so a member cannot make the server post
//! to an address of their choosing), plus any the site names in `TIMEWEAVE_PUSH_ORIGINS`.

use base64::Engine;
use serde::Serialize;

const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::URL_SAFE_NO_PAD;

/// The hosts of the browsers' push services (a host is accepted if it is one of these or
/// ends with `.` and one of these).
pub const PUSH_SERVICE_HOSTS: &[&str] =
    &["fcm.googleapis.com", "android.googleapis.com", "push.services.mozilla.com", "push.apple.com", "notify.windows.com"];

/// The longest push address we keep (Chrome's and Firefox's are about 200 characters).
pub const MAX_ENDPOINT_LEN: usize = 1_000;

/// How long a push service should keep trying to reach a phone that is off: a day.
pub const ALERT_TTL_SECS: u64 = 24 * 60 * 60;

/// What is wrong with a subscription a browser sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SubscriptionProblem {
    /// Not an address, or not https.
    BadAddress,
    /// An address outside the push services we send to.
    UnknownService,
    /// The keys are missing or not the right size.
    BadKeys,
}

impl SubscriptionProblem {
    pub fn message(self) -> &'static str {
        match self {
            SubscriptionProblem::BadAddress => "This browser gave an address we cannot use for alerts.",
            SubscriptionProblem::UnknownService => "This browser's alert service is not one we send to.",
            SubscriptionProblem::BadKeys => "This browser gave keys we cannot use for alerts.",
        }
    }
}

/// A browser's subscription, checked: where to post, and the keys to encrypt for it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Subscription {
    pub endpoint: String,
    /// The browser's P-256 public key, uncompressed (65 bytes).
    pub p256dh: Vec<u8>,
    /// The browser's authentication secret (16 bytes).
    pub auth: Vec<u8>,
}

impl Subscription {
    /// Reads what `PushManager.subscribe` gave the browser (the keys in base64url, as
    /// `PushSubscription.toJSON()` writes them). `extra_origins` are the site's own
    /// additions to the push services (`scheme://host[:port]`).
    pub fn parse(endpoint: &str, p256dh: &str, auth: &str, extra_origins: &[String]) -> Result<Subscription, SubscriptionProblem> {
        let endpoint = endpoint.trim();
        if endpoint.is_empty() || endpoint.len() > MAX_ENDPOINT_LEN {
            return Err(SubscriptionProblem::BadAddress);
        }
        let url = url::Url::parse(endpoint).map_err(|_| SubscriptionProblem::BadAddress)?;
        if !url.username().is_empty() || url.password().is_some() {
            return Err(SubscriptionProblem::BadAddress);
        }
        let origin = url.origin().ascii_serialization();
        let extra = extra_origins.iter().any(|o| o.eq_ignore_ascii_case(&origin));
        if !extra {
            if url.scheme() != "https" {
                return Err(SubscriptionProblem::BadAddress);
            }
            let host = url.host_str().unwrap_or("").to_ascii_lowercase();
            let known = PUSH_SERVICE_HOSTS.iter().any(|h| host == *h || host.ends_with(&format!(".{h}")));
            if !known || url.port().is_some_and(|p| p != 443) {
                return Err(SubscriptionProblem::UnknownService);
            }
        }
        let p256dh = B64.decode(p256dh.trim().trim_end_matches('=')).map_err(|_| SubscriptionProblem::BadKeys)?;
        let auth = B64.decode(auth.trim().trim_end_matches('=')).map_err(|_| SubscriptionProblem::BadKeys)?;
        if p256dh.len() != 65 || p256dh[0] != 4 || auth.len() != 16 {
            return Err(SubscriptionProblem::BadKeys);
        }
        Ok(Subscription { endpoint: url.to_string(), p256dh, auth })
    }
}

/// What the service worker shows: the notification's own words and where a tap goes.
/// Notifications are written to be seen by the member (no health details, no messages'
/// text), so the alert may carry them; the push service sees only ciphertext.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Alert<'a> {
    pub title: &'a str,
    pub body: &'a str,
    /// A path on this site ("/exchanges/…"), never another site's address.
    pub url: &'a str,
}

impl<'a> Alert<'a> {
    pub fn new(site_name: &'a str, text: &'a str, link: &'a str) -> Alert<'a> {
        let url = if link.starts_with('/') && !link.starts_with("//") { link } else { "/notifications" };
        Alert { title: site_name, body: text, url }
    }
}

/// The public half of the site's push key as browsers want it (`applicationServerKey`):
/// the uncompressed point, base64url without padding.
pub fn browser_key(public_uncompressed: &[u8]) -> String {
    B64.encode(public_uncompressed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> String {
        let mut k = vec![4u8];
        k.extend([7u8; 64]);
        B64.encode(k)
    }

    fn auth() -> String {
        B64.encode([1u8; 16])
    }

    #[test]
    fn the_browsers_push_services_are_accepted() {
        for e in [
            "https://fcm.googleapis.com/fcm/send/abc:def",
            "https://updates.push.services.mozilla.com/wpush/v2/gAAAA",
            "https://web.push.apple.com/QGuQyavXutnMei",
            "https://wns2-par02p.notify.windows.com/w/?token=BQYAAA",
        ] {
            assert!(Subscription::parse(e, &key(), &auth(), &[]).is_ok(), "{e}");
        }
    }

    #[test]
    fn any_other_address_is_refused() {
        for (e, why) in [
            ("http://fcm.googleapis.com/fcm/send/x", SubscriptionProblem::BadAddress),
            ("https://fcm.googleapis.com.evil.example/x", SubscriptionProblem::UnknownService),
            ("https://evilfcm.googleapis.com.example/x", SubscriptionProblem::UnknownService),
            ("https://notgoogleapis.com/x", SubscriptionProblem::UnknownService),
            ("https://127.0.0.1/x", SubscriptionProblem::UnknownService),
            ("https://fcm.googleapis.com:8443/x", SubscriptionProblem::UnknownService),
            ("https://user:pw@fcm.googleapis.com/x", SubscriptionProblem::BadAddress),
            ("file:///etc/passwd", SubscriptionProblem::BadAddress),
            ("", SubscriptionProblem::BadAddress),
            ("not an address", SubscriptionProblem::BadAddress),
        ] {
            assert_eq!(Subscription::parse(e, &key(), &auth(), &[]), Err(why), "{e}");
        }
        let long = format!("https://fcm.googleapis.com/{}", "a".repeat(MAX_ENDPOINT_LEN));
        assert_eq!(Subscription::parse(&long, &key(), &auth(), &[]), Err(SubscriptionProblem::BadAddress));
    }

    #[test]
    fn the_sites_own_push_service_is_accepted_by_its_exact_origin() {
        let extra = vec!["http://127.0.0.1:4100".to_string()];
        assert!(Subscription::parse("http://127.0.0.1:4100/push/1", &key(), &auth(), &extra).is_ok());
        assert_eq!(Subscription::parse("http://127.0.0.1:4101/push/1", &key(), &auth(), &extra), Err(SubscriptionProblem::BadAddress));
    }

    #[test]
    fn keys_must_be_a_point_and_a_sixteen_byte_secret() {
        let e = "https://fcm.googleapis.com/fcm/send/x";
        assert_eq!(Subscription::parse(e, "", &auth(), &[]), Err(SubscriptionProblem::BadKeys));
        assert_eq!(Subscription::parse(e, &B64.encode([4u8; 33]), &auth(), &[]), Err(SubscriptionProblem::BadKeys));
        assert_eq!(Subscription::parse(e, &key(), &B64.encode([1u8; 8]), &[]), Err(SubscriptionProblem::BadKeys));
        assert_eq!(Subscription::parse(e, "!!!", &auth(), &[]), Err(SubscriptionProblem::BadKeys));
        // Padding, as some browsers write it, is fine.
        assert!(Subscription::parse(e, &format!("{}=", key()), &format!("{}==", auth()), &[]).is_ok());
    }

    #[test]
    fn an_alert_goes_only_to_a_page_of_this_site() {
        assert_eq!(Alert::new("Timeweave", "t", "/exchanges/1").url, "/exchanges/1");
        assert_eq!(Alert::new("Timeweave", "t", "//evil.example/").url, "/notifications");
        assert_eq!(Alert::new("Timeweave", "t", "https://evil.example/").url, "/notifications");
    }
}
