//! The exporter's routes (features `metrics` and `axum`): Prometheus text, its
//! JSON form, and a dashboard page that polls the JSON.

use super::Exporter;
use axum::Router;
use axum::response::IntoResponse;
use axum::routing::get;
use http::header::{CACHE_CONTROL, CONTENT_TYPE};

/// The dashboard: one self-contained page (inline CSS, JS and SVG), no build step.
const DASHBOARD: &str = include_str!("dashboard.html");

impl Exporter {
    /// Routes serving the figures, to merge into an application's router:
    ///
    /// - `GET /metrics`: Prometheus text, for a scraper;
    /// - `GET /metrics/json`: the same series as JSON ([`json`](Self::json));
    /// - `GET /metrics/dashboard`: a page polling the JSON every second, with
    ///   hit rates, batch sizes, statements per request and latency
    ///   percentiles as numbers and small charts.
    ///
    /// Each request renders every series, reading the watched caches, pools and
    /// response caches; none of it is on a request of the application's own.
    /// Mount them where only operators reach them.
    ///
    /// ```
    /// use axum::Router;
    ///
    /// let exporter = unokit::metrics::Exporter::install().expect("no other recorder");
    /// let app: Router = Router::new().merge(exporter.router());
    /// ```
    pub fn router<S: Clone + Send + Sync + 'static>(&self) -> Router<S> {
        let text = self.clone();
        let json = self.clone();
        Router::new()
            .route(
                "/metrics",
                get(move || async move {
                    (
                        [(CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")],
                        text.render(),
                    )
                }),
            )
            .route(
                "/metrics/json",
                get(move || async move {
                    (
                        [
                            (CONTENT_TYPE, "application/json"),
                            (CACHE_CONTROL, "no-store"),
                        ],
                        json.json().to_string(),
                    )
                }),
            )
            .route("/metrics/dashboard", get(dashboard))
    }
}

async fn dashboard() -> impl IntoResponse {
    ([(CONTENT_TYPE, "text/html; charset=utf-8")], DASHBOARD)
}
