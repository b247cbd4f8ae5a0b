//! Figures a running service exports (feature `metrics`): its caches, batch
//! loaders, pools, DI scopes, statements and response caches, through the
//! [`metrics`](https://docs.rs/metrics) facade, rendered as Prometheus text.
//!
//! Most figures are read when they are rendered, not counted as they happen:
//! the caches, pools and response caches already keep counters
//! ([`CacheStats`](crate::cache::CacheStats), [`PoolStats`](crate::task::PoolStats),
//! `ResponseCacheStats`), so a hit pays nothing more for being exported.
//! [`watch_cache`], [`watch_pool`] and [`watch_response_cache`] name what is
//! exported; [`Exporter::render`] reads them all and sets the series. With the
//! `redis` feature the installed Redis tier is read too.
//!
//! What no counter holds is recorded as it happens, once a recorder is
//! installed ([`Exporter::install`]), each at most a few atomic operations,
//! never on a hit:
//!
//! | series | what |
//! | --- | --- |
//! | `unokit_batch_keys{loader}` | keys per call of a batch function |
//! | `unokit_batch_seconds{loader}` | how long the call took |
//! | `unokit_db_statements` | statements per request scope (the N+1 detector's count: debug builds or feature `detect`) |
//! | `unokit_pool_wait_seconds` | how long a checkout waited for room in a full pool |
//! | `unokit_di_scopes_total`, `unokit_di_services_built_total` | DI scopes opened, services built |
//!
//! With the `axum` feature, [`Exporter::router`] serves the Prometheus text,
//! a JSON form of it and a live dashboard page.
//!
//! ```
//! #[unokit::cached]
//! fn square(n: u64) -> u64 {
//!     n * n
//! }
//!
//! let exporter = unokit::metrics::Exporter::install().expect("no other recorder");
//! unokit::metrics::watch_cache("square", || square_cache().stats());
//! square(3);
//! square(3);
//! let text = exporter.render();
//! assert!(text.contains(r#"unokit_cache_hits_total{cache="square",tier="l1"} 1"#));
//! ```

mod record;
#[cfg(feature = "axum")]
mod route;
mod text;
mod watch;

pub use text::Sample;
#[cfg(feature = "axum")]
pub use watch::watch_response_cache;
pub use watch::{watch_cache, watch_pool};

#[doc(hidden)]
pub use record::bench;
#[cfg(any(feature = "sqlite", feature = "postgres"))]
pub(crate) use record::statements;
pub(crate) use record::{batch, on, pool_wait, scope_opened, service_built};

use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};
use std::fmt;
use std::sync::{Mutex, OnceLock, PoisonError};
use std::time::Duration;

/// The quantiles of every summary: the median and the tail.
const QUANTILES: [f64; 4] = [0.5, 0.9, 0.99, 1.0];

/// How often the histograms' samples are folded into their summaries when
/// nothing renders them, so that an unscraped service does not grow.
const UPKEEP: Duration = Duration::from_secs(5);

/// The process's Prometheus recorder: renders what the `metrics` facade
/// recorded, after reading the watched caches, pools and response caches.
///
/// Clones share the recorder.
#[derive(Clone)]
pub struct Exporter {
    handle: PrometheusHandle,
}

/// Why [`Exporter::install`] failed: most often another `metrics` recorder is
/// installed; build the exporter from that recorder's handle with
/// [`Exporter::from_handle`] instead.
#[derive(Debug)]
pub struct InstallError(String);

impl fmt::Display for InstallError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "cannot install unokit's Prometheus recorder ({}); if the process installs its own, pass its handle to `Exporter::from_handle`",
            self.0
        )
    }
}

impl std::error::Error for InstallError {}

impl Exporter {
    /// Installs a Prometheus recorder as the process's `metrics` recorder, with
    /// summaries (median, p90, p99, max) over a sliding minute, and starts
    /// recording. Installed once: later calls return the same exporter.
    ///
    /// # Errors
    ///
    /// [`InstallError`] when another recorder is installed.
    pub fn install() -> Result<Self, InstallError> {
        static INSTALLED: OnceLock<Exporter> = OnceLock::new();
        static INSTALLING: Mutex<()> = Mutex::new(());
        if let Some(exporter) = INSTALLED.get() {
            return Ok(exporter.clone());
        }
        let _one = INSTALLING.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(exporter) = INSTALLED.get() {
            return Ok(exporter.clone());
        }
        let handle = PrometheusBuilder::new()
            .set_quantiles(&QUANTILES)
            .and_then(PrometheusBuilder::install_recorder)
            .map_err(|error| InstallError(error.to_string()))?;
        let upkept = handle.clone();
        // A thread rather than a task: the recorder outlives any one runtime.
        // Without it (the system refused a thread) each render still folds the
        // samples in, so the recorder works on; only an unscraped one grows.
        let upkeep = std::thread::Builder::new()
            .name("unokit-metrics-upkeep".into())
            .spawn(move || {
                loop {
                    std::thread::sleep(UPKEEP);
                    upkept.run_upkeep();
                }
            });
        drop(upkeep);
        Ok(INSTALLED.get_or_init(|| Self::from_handle(handle)).clone())
    }

    /// An exporter over a Prometheus recorder the process installed itself;
    /// starts recording. Its upkeep is the caller's.
    #[must_use]
    pub fn from_handle(handle: PrometheusHandle) -> Self {
        record::start();
        Self { handle }
    }

    /// Reads every watched cache, pool and response cache, then renders every
    /// series as Prometheus text.
    #[must_use]
    pub fn render(&self) -> String {
        watch::publish();
        self.handle.render()
    }

    /// [`render`](Self::render)'s series, parsed.
    #[must_use]
    pub fn samples(&self) -> Vec<Sample> {
        text::parse(&self.render())
    }

    /// [`samples`](Self::samples) as JSON: `{"samples": [{"name", "labels", "value"}]}`,
    /// what the dashboard polls.
    #[must_use]
    pub fn json(&self) -> serde_json::Value {
        text::to_json(&self.samples())
    }
}

impl fmt::Debug for Exporter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Exporter").finish_non_exhaustive()
    }
}
