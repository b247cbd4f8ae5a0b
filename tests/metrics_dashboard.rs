//! The dashboard of `examples/service.rs` in a real headless Chromium: the page
//! loads, polls `/metrics/json` and shows numbers, and they change after the
//! test sends the service load. A screenshot is written to the target dir.
//!
//! Skipped (with a message) when no Chromium is installed, except in CI (`CI`
//! set), where a missing browser fails: `.ci/run` installs Debian's `chromium`.
#![cfg(all(feature = "metrics", feature = "axum", feature = "sqlite"))]

#[path = "../examples/service.rs"]
#[allow(dead_code)]
mod service;

#[path = "http/support.rs"]
#[allow(dead_code)]
mod support;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// No run of the browser takes longer; past it, it is killed and the test fails.
const BROWSER_DEADLINE: Duration = Duration::from_secs(60);

/// Virtual time the page gets before its DOM is dumped: three polls.
const VIRTUAL_BUDGET_MS: u32 = 3_000;

fn chromium() -> Option<PathBuf> {
    let names = ["chromium", "chromium-browser", "google-chrome", "chrome"];
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .flat_map(|dir| names.iter().map(move |name| dir.join(name)))
        .find(|candidate| candidate.is_file())
}

/// Runs the browser headless on `url` with `extra` arguments and returns its
/// standard output, killing it at the deadline.
fn browse(browser: &Path, url: &str, extra: &[String]) -> String {
    let profile = tempdir("chromium-profile");
    let mut child = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--no-first-run",
            "--hide-scrollbars",
            "--window-size=1280,1100",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(format!("--virtual-time-budget={VIRTUAL_BUDGET_MS}"))
        .args(extra)
        .arg(url)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromium starts");
    let stdout = child.stdout.take().unwrap();
    let reader = std::thread::spawn(move || std::io::read_to_string(stdout).unwrap_or_default());
    let started = Instant::now();
    loop {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        if started.elapsed() > BROWSER_DEADLINE {
            let _ = child.kill();
            let _ = child.wait();
            panic!("chromium did not finish within {BROWSER_DEADLINE:?} on {url}");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = std::fs::remove_dir_all(&profile);
    reader.join().unwrap()
}

fn tempdir(what: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!(
        "{what}-{}-{:?}",
        std::process::id(),
        Instant::now()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The `data-value` the dashboard set on element `id`, if it shows a number.
fn shown(dom: &str, id: &str) -> Option<f64> {
    let at = dom.find(&format!("id=\"{id}\""))?;
    let tag = &dom[at..at + dom[at..].find('>')?];
    let value = tag.split("data-value=\"").nth(1)?.split('"').next()?;
    value.parse().ok()
}

/// The text of element `id`.
fn text(dom: &str, id: &str) -> String {
    let at = dom.find(&format!("id=\"{id}\"")).expect(id);
    let start = at + dom[at..].find('>').unwrap() + 1;
    dom[start..start + dom[start..].find('<').unwrap()].to_owned()
}

#[derive(Debug)]
struct Figures {
    cache_calls: f64,
    hit_rate: f64,
    requests: f64,
    statements: f64,
    response_hit_rate: f64,
    scopes_text: String,
}

fn figures(dom: &str) -> Figures {
    let number = |id: &str| {
        shown(dom, id).unwrap_or_else(|| {
            panic!(
                "the dashboard shows no number for #{id} ({:?}); status: {:?}",
                text(dom, id),
                text(dom, "status")
            )
        })
    };
    Figures {
        cache_calls: number("cache-calls"),
        hit_rate: number("hit-rate"),
        requests: number("scopes"),
        statements: number("statements"),
        response_hit_rate: number("response-hit-rate"),
        scopes_text: text(dom, "di"),
    }
}

/// `rounds` rounds of concurrent requests: two authors' cached post counts,
/// and the posts with each of `selections` (the response cache misses each
/// selection once, which runs a request scope's statements).
async fn load(addr: SocketAddr, rounds: usize, selections: &[&str]) {
    let mut requests = tokio::task::JoinSet::new();
    for round in 0..rounds {
        let author = round % 2 + 1;
        let posts = selections
            .iter()
            .map(|fields| format!("/posts?fields={fields}"));
        for path in posts.chain([format!("/authors/{author}/post-count")]) {
            requests.spawn(async move {
                let reply = support::fetch(addr, &path).await;
                assert_eq!(reply.status, 200, "{path}: {}", reply.text());
            });
        }
    }
    while let Some(done) = requests.join_next().await {
        done.unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_dashboard_shows_live_numbers_in_chromium() {
    let Some(browser) = chromium() else {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI runs the dashboard in Chromium: install Debian's `chromium` (.ci/run does)"
        );
        println!("skipped: no chromium on PATH (apt-get install chromium)");
        return;
    };
    let addr = support::serve(service::app().await.unwrap()).await;
    load(addr, 4, &["id,title", "id,author(name)"]).await;

    let url = format!("http://{addr}/metrics/dashboard");
    let before = tokio::task::spawn_blocking({
        let (browser, url) = (browser.clone(), url.clone());
        move || browse(&browser, &url, &["--dump-dom".to_owned()])
    })
    .await
    .unwrap();
    assert!(
        before.contains("unokit metrics"),
        "the page did not load: {before}"
    );
    let first = figures(&before);
    println!("before the load: {first:?}");
    assert!(first.cache_calls >= 4.0, "{}", first.cache_calls);
    assert!((0.0..=1.0).contains(&first.hit_rate));
    assert!(first.requests >= 1.0 && first.statements >= 1.0);

    load(
        addr,
        40,
        &[
            "id,title",
            "id,author(name)",
            "id,comments(body,author(name))",
        ],
    )
    .await;

    let after = tokio::task::spawn_blocking({
        let (browser, url) = (browser.clone(), url.clone());
        move || browse(&browser, &url, &["--dump-dom".to_owned()])
    })
    .await
    .unwrap();
    let second = figures(&after);
    println!("after the load: {second:?}");
    assert!(
        second.cache_calls >= first.cache_calls + 40.0,
        "cache calls {} -> {}",
        first.cache_calls,
        second.cache_calls
    );
    assert!(
        second.hit_rate > first.hit_rate,
        "the 40 rounds reread two authors: {} -> {}",
        first.hit_rate,
        second.hit_rate
    );
    assert!(
        second.requests > first.requests,
        "a new selection ran statements"
    );
    assert!(second.response_hit_rate > first.response_hit_rate);
    assert_ne!(first.scopes_text, second.scopes_text);

    let screenshot = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("metrics-dashboard.png");
    let _ = std::fs::remove_file(&screenshot);
    tokio::task::spawn_blocking({
        let argument = format!("--screenshot={}", screenshot.display());
        move || browse(&browser, &url, &[argument])
    })
    .await
    .unwrap();
    let written = std::fs::metadata(&screenshot).map_or(0, |meta| meta.len());
    assert!(
        written > 10_000,
        "no screenshot at {}",
        screenshot.display()
    );
    println!("dashboard screenshot: {}", screenshot.display());
}
