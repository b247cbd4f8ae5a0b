//! `examples/service.rs` over a real HTTP/1.1 server on 127.0.0.1 with hyper's
//! client, on a multi-thread runtime: each `?fields=` value runs the
//! statements the README says (counted where sqlx runs them, and by the
//! request's detector scope in `x-statements`), and the response holds what
//! was selected.
#![cfg(all(feature = "axum", feature = "sqlite"))]

#[path = "../examples/service.rs"]
#[allow(dead_code)]
mod service;

#[path = "http/support.rs"]
#[allow(dead_code)]
mod support;

use serde_json::json;
use unokit_fixtures::counting;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn each_fields_value_runs_the_statements_it_needs() {
    counting::install();
    let addr = support::serve(service::app().await.unwrap()).await;
    for (fields, statements, first) in [
        (
            "id,title",
            1,
            json!({"id": 1, "title": "Notes on the engine"}),
        ),
        (
            "id,author(name)",
            2,
            json!({"id": 1, "author": {"name": "Ada"}}),
        ),
        (
            "id,comments(body,author(name))",
            3,
            json!({"id": 1, "comments": [
                {"body": "First!", "author": {"name": "Grace"}},
                {"body": "Thanks.", "author": {"name": "Ada"}}
            ]}),
        ),
    ] {
        let before = counting::selects();
        let reply = support::fetch(addr, &format!("/posts?fields={fields}")).await;
        assert_eq!(reply.status, 200, "{fields}: {}", reply.text());
        assert_eq!(counting::selects() - before, statements, "{fields}");
        assert_eq!(reply.headers["x-statements"], statements.to_string());
        assert_eq!(reply.cache(), "MISS", "{fields}");
        let json = reply.json();
        assert_eq!(json.as_array().unwrap().len(), 3, "{fields}");
        assert_eq!(json[0], first, "{fields}");
    }

    // Everything: every column, every relation.
    let before = counting::selects();
    let reply = support::fetch(addr, "/posts").await;
    assert_eq!(counting::selects() - before, 4);
    let json = reply.json();
    assert_eq!(json[1]["body"], "Another long body.");
    assert_eq!(json[1]["author"]["bio"], "Compiles things.");
    assert_eq!(json[1]["comments"][0]["author"]["name"], "Ada");

    // The same selection, written otherwise: the response cache answers.
    let before = counting::selects();
    let reply = support::fetch(addr, "/posts?fields=title,id").await;
    assert_eq!(reply.cache(), "HIT");
    assert_eq!(counting::selects() - before, 0);

    // The #[cached] count (not behind the response cache): the second ask
    // is a hit of the function's cache and runs nothing.
    let first = support::fetch(addr, "/authors/1/post-count").await;
    let before = counting::selects();
    let second = support::fetch(addr, "/authors/1/post-count").await;
    assert_eq!(
        (first.text(), second.text()),
        ("2".to_owned(), "2".to_owned())
    );
    assert_eq!(counting::selects() - before, 0);
    assert_eq!(service::post_count_cache().stats().hits, 1);
}
