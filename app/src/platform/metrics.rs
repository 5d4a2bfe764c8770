//! What the running server counts, for `/metrics` in Prometheus' text format: requests by
//! route and status, how long they took, the database pool, the ledger writer's batches
//! and queue, when the jobs and the last scheduled backup ran, and the mail waiting to go. Counted in this process
//! only (each server answers for itself; Prometheus adds them up), and read by those the
//! configuration allows: a bearer token (`TIMEWEAVE_METRICS_TOKEN`), or else only this
//! machine.

use prometheus::{Encoder, Histogram, HistogramOpts, HistogramVec, IntCounterVec, IntGauge, IntGaugeVec, Opts, Registry, TextEncoder};

/// The server's counters, shared by every request.
#[derive(Clone)]
pub struct Metrics {
    registry: Registry,
    pub requests: IntCounterVec,
    pub request_seconds: HistogramVec,
    pub ledger_batch_size: Histogram,
    pub ledger_queue_depth: IntGauge,
    pub jobs_last_run: IntGauge,
    pub backup_last_success: IntGauge,
    pub pool_connections: IntGaugeVec,
    pub mail_waiting: IntGauge,
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Metrics")
    }
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    pub fn new() -> Metrics {
        let registry = Registry::new_custom(Some("timeweave".into()), None).unwrap_or_default();
        let requests = IntCounterVec::new(
            Opts::new("http_requests_total", "Requests answered, by route (its pattern), method and status."),
            &["route", "method", "status"],
        )
        .expect("valid metric");
        let request_seconds = HistogramVec::new(
            HistogramOpts::new("http_request_duration_seconds", "Time to answer a request, by route.")
                .buckets(vec![0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5]),
            &["route"],
        )
        .expect("valid metric");
        let ledger_batch_size = Histogram::with_opts(
            HistogramOpts::new("ledger_batch_size", "Transfers written per ledger batch (one commit each).")
                .buckets(vec![1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0, 128.0, 256.0]),
        )
        .expect("valid metric");
        let ledger_queue_depth = IntGauge::new("ledger_queue_depth", "Transfers waiting for the ledger writer.").expect("valid metric");
        let jobs_last_run =
            IntGauge::new("jobs_last_run_timestamp_seconds", "When this server last finished its scheduled jobs (Unix time).")
                .expect("valid metric");
        let backup_last_success =
            IntGauge::new("backup_last_success_timestamp_seconds", "When this server last finished a scheduled backup (Unix time).")
                .expect("valid metric");
        let pool_connections =
            IntGaugeVec::new(Opts::new("db_pool_connections", "Database connections in this server's pool, by state."), &["state"])
                .expect("valid metric");
        let mail_waiting = IntGauge::new("mail_waiting", "Emails in the outbox not yet sent.").expect("valid metric");
        for c in [
            Box::new(requests.clone()) as Box<dyn prometheus::core::Collector>,
            Box::new(request_seconds.clone()),
            Box::new(ledger_batch_size.clone()),
            Box::new(ledger_queue_depth.clone()),
            Box::new(jobs_last_run.clone()),
            Box::new(backup_last_success.clone()),
            Box::new(pool_connections.clone()),
            Box::new(mail_waiting.clone()),
        ] {
            let _ = registry.register(c);
        }
        Metrics {
            registry,
            requests,
            request_seconds,
            ledger_batch_size,
            ledger_queue_depth,
            jobs_last_run,
            backup_last_success,
            pool_connections,
            mail_waiting,
        }
    }

    /// Counts one answered request.
    pub fn observe(&self, route: &str, method: &str, status: u16, seconds: f64) {
        self.requests.with_label_values(&[route, method, &status.to_string()]).inc();
        self.request_seconds.with_label_values(&[route]).observe(seconds);
    }

    /// Everything counted, in Prometheus' text format.
    pub fn render(&self) -> String {
        let mut out = vec![];
        let _ = TextEncoder::new().encode(&self.registry.gather(), &mut out);
        String::from_utf8(out).unwrap_or_default()
    }
}

/// Whether a caller may read `/metrics`: with a token configured, exactly that bearer
/// token (their SHA-256 digests compared, so the time taken says nothing about the token);
/// without one, only a client on this machine.
pub fn may_read(token: Option<&str>, authorization: Option<&str>, client_is_loopback: bool) -> bool {
    use sha2::{Digest, Sha256};
    match token {
        Some(expected) => {
            let given = authorization.and_then(|a| a.strip_prefix("Bearer ")).unwrap_or("");
            Sha256::digest(given.as_bytes()) == Sha256::digest(expected.as_bytes())
        }
        None => client_is_loopback,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_are_counted_by_route_and_status() {
        let m = Metrics::new();
        m.observe("/listings/{id}", "GET", 200, 0.003);
        m.observe("/listings/{id}", "GET", 200, 0.004);
        m.observe("/listings/{id}", "GET", 404, 0.001);
        m.ledger_batch_size.observe(12.0);
        let text = m.render();
        assert!(text.contains(r#"timeweave_http_requests_total{method="GET",route="/listings/{id}",status="200"} 2"#), "{text}");
        assert!(text.contains(r#"timeweave_http_requests_total{method="GET",route="/listings/{id}",status="404"} 1"#));
        assert!(text.contains(r#"timeweave_http_request_duration_seconds_bucket{route="/listings/{id}",le="0.005"} 3"#));
        assert!(text.contains("timeweave_ledger_batch_size_count 1"));
        assert!(text.contains("# TYPE timeweave_ledger_queue_depth gauge"));
    }

    #[test]
    fn only_the_token_or_this_machine_may_read() {
        assert!(may_read(None, None, true));
        assert!(!may_read(None, Some("Bearer anything"), false));
        assert!(may_read(Some("s3cret-token"), Some("Bearer s3cret-token"), false));
        assert!(!may_read(Some("s3cret-token"), Some("Bearer s3cret-tokeN"), true), "a token set: loopback is not enough");
        assert!(!may_read(Some("s3cret-token"), Some("s3cret-token"), false));
        assert!(!may_read(Some("s3cret-token"), None, true));
    }
}
