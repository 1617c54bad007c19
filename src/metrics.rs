//! The process's metrics, in one registry per [`App`](crate::app::App): the HTTP layer, the
//! billing runs, the router sync and the logins count into it as they work; what the database
//! knows (router queues, reachability, the last billing runs) is read when `/metrics` is
//! scraped and set into the gauges here just before they are written out (see
//! `service::metrics`). Every metric is listed in the README's *Metrics* section.
//!
//! A registry per application rather than a process-wide one: tests run many applications in
//! one process, and each must see its own counts.

use std::fmt::Write as _;
use std::hash::{Hash, Hasher};
use std::time::Duration;

use axum::extract::MatchedPath;
use parking_lot::Mutex;
use prometheus_client::encoding::{EncodeLabelSet, EncodeLabelValue, LabelValueEncoder};
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;

/// The `Content-Type` of the answer: the Prometheus text format, version 0.0.4.
pub const CONTENT_TYPE: &str = prometheus_client::encoding::prometheus_text::CONTENT_TYPE;

/// Request latency buckets, seconds: 0.5 ms to 10 s.
const HTTP_BUCKETS: [f64; 14] = [
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// Billing run buckets, seconds: 10 ms to 10 min.
const RUN_BUCKETS: [f64; 13] = [
    0.01, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 180.0, 600.0,
];

type HistogramFamily<L> = Family<L, Histogram, fn() -> Histogram>;

/// The matched route template (`/client/{id}/details`), never the path asked for: ids and
/// typos would make a series each. A request no route matched is `unmatched`.
#[derive(Clone, Debug)]
pub enum Route {
    Matched(MatchedPath),
    Unmatched,
}

impl Route {
    pub fn as_str(&self) -> &str {
        match self {
            Route::Matched(p) => p.as_str(),
            Route::Unmatched => "unmatched",
        }
    }
}

impl PartialEq for Route {
    fn eq(&self, other: &Self) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for Route {}

impl Hash for Route {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.as_str().hash(state);
    }
}

impl EncodeLabelValue for Route {
    fn encode(&self, encoder: &mut LabelValueEncoder) -> Result<(), std::fmt::Error> {
        encoder.write_str(self.as_str())
    }
}

/// A request method as a label: the standard ones by name, any other `OTHER` (a client may
/// send any token as a method).
pub fn method_label(m: &axum::http::Method) -> &'static str {
    use axum::http::Method;
    match *m {
        Method::GET => "GET",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::DELETE => "DELETE",
        Method::PATCH => "PATCH",
        Method::HEAD => "HEAD",
        Method::OPTIONS => "OPTIONS",
        _ => "OTHER",
    }
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RequestLabels {
    pub route: Route,
    pub method: &'static str,
    pub status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct LatencyLabels {
    pub route: Route,
    pub method: &'static str,
}

pub use crate::domain::billing::run::RunKind;

impl EncodeLabelValue for RunKind {
    fn encode(&self, encoder: &mut LabelValueEncoder) -> Result<(), std::fmt::Error> {
        encoder.write_str(self.as_str())
    }
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RunLabels {
    kind: RunKind,
    outcome: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct KindLabels {
    kind: RunKind,
}

/// How a login ended.
#[derive(Clone, Copy, Debug, Hash, PartialEq, Eq)]
pub enum LoginOutcome {
    Success,
    /// Wrong name or password, or a disabled user.
    Failed,
    /// Refused before the password was checked: too many failures.
    Throttled,
    /// Every password-check slot was busy (503).
    Busy,
}

impl EncodeLabelValue for LoginOutcome {
    fn encode(&self, encoder: &mut LabelValueEncoder) -> Result<(), std::fmt::Error> {
        encoder.write_str(match self {
            LoginOutcome::Success => "success",
            LoginOutcome::Failed => "failed",
            LoginOutcome::Throttled => "throttled",
            LoginOutcome::Busy => "busy",
        })
    }
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct LoginLabels {
    outcome: LoginOutcome,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouterLabels {
    router_id: i64,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouterInfoLabels {
    router_id: i64,
    router: String,
}

/// One router as the database sees it at scrape time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouterGauges {
    pub router_id: i64,
    pub name: String,
    /// `None`: no worker has contacted it yet.
    pub reachable: Option<bool>,
    pub pending: i64,
    pub failed: i64,
    /// Age of the oldest pending change, seconds (0 with nothing pending).
    pub oldest_pending_seconds: i64,
}

/// What the database says at scrape time.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Snapshot {
    pub routers: Vec<RouterGauges>,
    /// The start of the latest recorded run of each kind, Unix seconds.
    pub last_runs: Vec<(RunKind, i64)>,
    /// Whether the database answered the scrape's reads.
    pub database_up: bool,
}

pub struct Metrics {
    registry: Registry,
    /// Held while the scrape-time gauges are replaced and the text written, so two scrapes at
    /// once never interleave a clear with an encode.
    scrape: Mutex<()>,
    http_requests: Family<RequestLabels, Counter>,
    http_latency: HistogramFamily<LatencyLabels>,
    billing_runs: Family<RunLabels, Counter>,
    billing_duration: HistogramFamily<KindLabels>,
    invoices_created: Counter,
    suspensions: Counter,
    last_run: Family<KindLabels, Gauge>,
    logins: Family<LoginLabels, Counter>,
    sync_applied: Family<RouterLabels, Counter>,
    sync_refused: Family<RouterLabels, Counter>,
    sync_failed: Family<RouterLabels, Counter>,
    sync_pending: Family<RouterLabels, Gauge>,
    sync_failed_now: Family<RouterLabels, Gauge>,
    sync_oldest: Family<RouterLabels, Gauge>,
    router_reachable: Family<RouterLabels, Gauge>,
    router_info: Family<RouterInfoLabels, Gauge>,
    database_up: Gauge,
}

fn http_histogram() -> Histogram {
    Histogram::new(HTTP_BUCKETS)
}

fn run_histogram() -> Histogram {
    Histogram::new(RUN_BUCKETS)
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    pub fn new() -> Metrics {
        let m = Metrics {
            registry: Registry::default(),
            scrape: Mutex::new(()),
            http_requests: Family::default(),
            http_latency: Family::new_with_constructor(http_histogram),
            billing_runs: Family::default(),
            billing_duration: Family::new_with_constructor(run_histogram),
            invoices_created: Counter::default(),
            suspensions: Counter::default(),
            last_run: Family::default(),
            logins: Family::default(),
            sync_applied: Family::default(),
            sync_refused: Family::default(),
            sync_failed: Family::default(),
            sync_pending: Family::default(),
            sync_failed_now: Family::default(),
            sync_oldest: Family::default(),
            router_reachable: Family::default(),
            router_info: Family::default(),
            database_up: Gauge::default(),
        };
        let mut r = Registry::default();
        r.register(
            "mikronet_http_requests",
            "HTTP requests answered, by route template, method and status",
            m.http_requests.clone(),
        );
        r.register(
            "mikronet_http_request_duration_seconds",
            "Time from a request's arrival to its answer's headers, by route template and method",
            m.http_latency.clone(),
        );
        r.register(
            "mikronet_billing_runs",
            "Billing runs (generation, cut-off) by outcome",
            m.billing_runs.clone(),
        );
        r.register(
            "mikronet_billing_run_duration_seconds",
            "How long billing runs took, by kind",
            m.billing_duration.clone(),
        );
        r.register(
            "mikronet_billing_invoices_created",
            "Invoices created by generation runs",
            m.invoices_created.clone(),
        );
        r.register(
            "mikronet_billing_suspensions",
            "Subscriptions cut off for non-payment by cut-off runs",
            m.suspensions.clone(),
        );
        r.register(
            "mikronet_billing_last_run_timestamp_seconds",
            "Start of the latest recorded billing run of each kind, by any server (Unix time)",
            m.last_run.clone(),
        );
        r.register(
            "mikronet_logins",
            "Login attempts by outcome",
            m.logins.clone(),
        );
        r.register(
            "mikronet_router_sync_applied",
            "Router objects this process's worker made the router hold",
            m.sync_applied.clone(),
        );
        r.register(
            "mikronet_router_sync_refused",
            "Router objects the router refused (each is tried again with backoff)",
            m.sync_refused.clone(),
        );
        r.register(
            "mikronet_router_sync_failed",
            "Router objects given up after repeated refusals (failed until retried or changed)",
            m.sync_failed.clone(),
        );
        r.register(
            "mikronet_router_sync_pending",
            "Router objects waiting to be applied",
            m.sync_pending.clone(),
        );
        r.register(
            "mikronet_router_sync_failed_objects",
            "Router objects failed now, waiting for an operator's retry",
            m.sync_failed_now.clone(),
        );
        r.register(
            "mikronet_router_sync_oldest_pending_age_seconds",
            "Age of the oldest pending router object (0 when none is pending)",
            m.sync_oldest.clone(),
        );
        r.register(
            "mikronet_router_reachable",
            "1 when the last contact with the router succeeded, 0 when it failed",
            m.router_reachable.clone(),
        );
        r.register(
            "mikronet_router_info",
            "Always 1: the router's name for its id",
            m.router_info.clone(),
        );
        r.register(
            "mikronet_metrics_database_up",
            "1 when the database answered this scrape's reads, 0 when it did not",
            m.database_up.clone(),
        );
        Metrics { registry: r, ..m }
    }

    /// One answered request.
    pub fn http_request(&self, route: Route, method: &'static str, status: u16, took: Duration) {
        self.http_latency
            .get_or_create(&LatencyLabels {
                route: route.clone(),
                method,
            })
            .observe(took.as_secs_f64());
        self.http_requests
            .get_or_create(&RequestLabels {
                route,
                method,
                status,
            })
            .inc();
    }

    /// A billing run that saved (dry runs are not counted); `created` invoices or
    /// `suspended` subscriptions when it succeeded.
    pub fn billing_run(&self, kind: RunKind, took: Duration, done: Option<u64>) {
        let outcome = if done.is_some() { "ok" } else { "failed" };
        self.billing_runs
            .get_or_create(&RunLabels { kind, outcome })
            .inc();
        self.billing_duration
            .get_or_create(&KindLabels { kind })
            .observe(took.as_secs_f64());
        match (kind, done) {
            (RunKind::Generation, Some(n)) => {
                self.invoices_created.inc_by(n);
            }
            (RunKind::CutOff, Some(n)) => {
                self.suspensions.inc_by(n);
            }
            (_, None) => {}
        }
    }

    pub fn login(&self, outcome: LoginOutcome) {
        self.logins.get_or_create(&LoginLabels { outcome }).inc();
    }

    /// The outcome of one worker round on one router.
    pub fn sync_round(&self, router_id: i64, applied: u64, refused: u64, failed: u64) {
        let l = RouterLabels { router_id };
        // Created even at zero, so a rate over a quiet router is 0 rather than absent.
        self.sync_applied.get_or_create(&l).inc_by(applied);
        self.sync_refused.get_or_create(&l).inc_by(refused);
        self.sync_failed.get_or_create(&l).inc_by(failed);
    }

    /// The registry in the Prometheus text format, with the scrape-time gauges set from
    /// `snapshot` (routers no longer in the database disappear).
    pub fn render(&self, snapshot: &Snapshot) -> String {
        let _one = self.scrape.lock();
        self.database_up.set(i64::from(snapshot.database_up));
        if snapshot.database_up {
            for f in [
                &self.sync_pending,
                &self.sync_failed_now,
                &self.sync_oldest,
                &self.router_reachable,
            ] {
                f.clear();
            }
            self.router_info.clear();
            self.last_run.clear();
            for r in &snapshot.routers {
                let l = RouterLabels {
                    router_id: r.router_id,
                };
                self.sync_pending.get_or_create(&l).set(r.pending);
                self.sync_failed_now.get_or_create(&l).set(r.failed);
                self.sync_oldest
                    .get_or_create(&l)
                    .set(r.oldest_pending_seconds);
                if let Some(up) = r.reachable {
                    self.router_reachable.get_or_create(&l).set(i64::from(up));
                }
                self.router_info
                    .get_or_create(&RouterInfoLabels {
                        router_id: r.router_id,
                        router: r.name.clone(),
                    })
                    .set(1);
            }
            for (kind, at) in &snapshot.last_runs {
                self.last_run
                    .get_or_create(&KindLabels { kind: *kind })
                    .set(*at);
            }
        }
        let mut out = String::with_capacity(16 * 1024);
        if let Err(e) =
            prometheus_client::encoding::prometheus_text::encode(&mut out, &self.registry)
        {
            // Writing to a String does not fail; say so rather than answer half a text.
            out.clear();
            let _ = writeln!(out, "# encoding failed: {e}");
        }
        out
    }
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Metrics").finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_and_renders_in_the_text_format() {
        let m = Metrics::new();
        m.http_request(Route::Unmatched, "GET", 404, Duration::from_millis(2));
        m.http_request(Route::Unmatched, "GET", 404, Duration::from_millis(3));
        m.login(LoginOutcome::Failed);
        m.billing_run(RunKind::Generation, Duration::from_millis(20), Some(3));
        m.sync_round(7, 2, 1, 0);
        let text = m.render(&Snapshot {
            routers: vec![RouterGauges {
                router_id: 7,
                name: "core \"1\"".into(),
                reachable: Some(false),
                pending: 4,
                failed: 1,
                oldest_pending_seconds: 90,
            }],
            last_runs: vec![(RunKind::Generation, 1_700_000_000)],
            database_up: true,
        });
        for line in [
            "# TYPE mikronet_http_requests_total counter",
            "mikronet_http_requests_total{route=\"unmatched\",method=\"GET\",status=\"404\"} 2",
            "mikronet_http_request_duration_seconds_count{route=\"unmatched\",method=\"GET\"} 2",
            "mikronet_logins_total{outcome=\"failed\"} 1",
            "mikronet_billing_invoices_created_total 3",
            "mikronet_billing_runs_total{kind=\"generation\",outcome=\"ok\"} 1",
            "mikronet_router_sync_applied_total{router_id=\"7\"} 2",
            "mikronet_router_sync_refused_total{router_id=\"7\"} 1",
            "mikronet_router_sync_pending{router_id=\"7\"} 4",
            "mikronet_router_sync_oldest_pending_age_seconds{router_id=\"7\"} 90",
            "mikronet_router_reachable{router_id=\"7\"} 0",
            "mikronet_router_info{router_id=\"7\",router=\"core \\\"1\\\"\"} 1",
            "mikronet_billing_last_run_timestamp_seconds{kind=\"generation\"} 1700000000",
            "mikronet_metrics_database_up 1",
        ] {
            assert!(
                text.lines().any(|l| l == line),
                "{line} missing in:\n{text}"
            );
        }
        // A router gone from the database is gone from the next scrape.
        let text = m.render(&Snapshot {
            database_up: true,
            ..Snapshot::default()
        });
        assert!(!text.contains("mikronet_router_sync_pending{"), "{text}");
        assert!(text.contains("mikronet_router_sync_applied_total{router_id=\"7\"} 2"));
    }
}
