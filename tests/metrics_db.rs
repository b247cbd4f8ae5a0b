//! Statements per request scope through `unokit::metrics`, on SQLite and
//! PostgreSQL: a scope's statements are recorded when its last clone is
//! dropped, and relation loads show up as batches of their loader.
#![cfg(feature = "metrics")]

use std::time::{Duration, Instant};
use unokit::db::Session;
use unokit::db::detect::Scope;
use unokit::metrics::{Exporter, Sample};
use unokit_fixtures::{blog, on_both_engines};

use blog::{Comment, Post};

/// No recording takes longer to land once its scope is dropped.
const DEADLINE: Duration = Duration::from_secs(10);

fn total(samples: &[Sample], name: &str) -> f64 {
    samples
        .iter()
        .filter(|sample| sample.name == name)
        .map(|sample| sample.value)
        .sum()
}

on_both_engines! {
    async fn a_scopes_statements_are_recorded_when_it_ends(db, session) {
        let exporter = Exporter::install().expect("the only recorder");
        let samples = exporter.samples();
        let (scopes, statements) = (
            total(&samples, "unokit_db_statements_count"),
            total(&samples, "unokit_db_statements_sum"),
        );
        let scope = Scope::new();
        let session = Session::new(db.pool.clone()).with_scope(scope.clone());
        let posts = session
            .query::<Post>()
            .include(Post::AUTHOR)
            .include(Post::COMMENTS.with(Comment::AUTHOR))
            .all()
            .await
            .unwrap();
        assert_eq!(posts.len(), 100);
        assert_eq!(scope.statements(), 4, "posts, authors, comments, their authors");
        drop((session, scope));
        // The other tests of this binary end scopes too: at least this one's.
        let started = Instant::now();
        loop {
            let samples = exporter.samples();
            if total(&samples, "unokit_db_statements_count") >= scopes + 1.0 {
                assert!(total(&samples, "unokit_db_statements_sum") >= statements + 4.0);
                break;
            }
            assert!(started.elapsed() < DEADLINE, "the scope's statements were not recorded");
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    async fn lazy_relation_loads_are_batches_of_their_loader(db, session) {
        let exporter = Exporter::install().expect("the only recorder");
        let lazy = unokit_fixtures::lazy_from_100_tasks!(session.clone());
        assert_eq!(lazy.len(), 100);
        let samples = exporter.samples();
        let batches: f64 = samples
            .iter()
            .filter(|sample| {
                sample.name == "unokit_batch_keys_count"
                    && sample.label("loader").is_some_and(|loader| loader.contains("Relation"))
            })
            .map(|sample| sample.value)
            .sum();
        assert!(batches >= 1.0, "no relation batch: {samples:?}");
    }
}
