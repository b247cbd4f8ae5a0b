//! The N+1 detector and statement counter (`unokit::db::detect`) on the blog
//! fixture, on SQLite and PostgreSQL: findings on the naive loop, none on eager
//! and lazy loading; counts checked against the connection's own count.

use unokit_fixtures::{blog, lazy_from_100_tasks, on_both_engines};

use blog::{Comment, Post};
use futures::future::join_all;
use unokit::db::detect::{NPlusOne, Scope};
use unokit::db::{DbError, Session};

on_both_engines! {
    async fn the_naive_loop_has_two_findings_with_their_places(db, session) {
        let scope = Scope::new();
        db.reset_count();
        let posts = scope.run(blog::naive(&session)).await.unwrap();
        assert_eq!(posts.len(), 100);
        assert_eq!(scope.selects(), db.selects(), "the scope counts what the connection ran");
        assert_eq!(scope.statements(), 1 + 100 + 100 + 1000);
        let findings = scope.findings();
        assert_eq!(findings.len(), 2, "{findings:#?}");
        // Authors by key, for posts and comments alike: one place, 1 100 times.
        assert_eq!(findings[0].count, 1100);
        assert!(findings[0].statement.contains(r#"FROM "authors" WHERE "id" ="#));
        assert_eq!(findings[1].count, 100);
        assert!(findings[1].statement.contains(r#"FROM "comments" WHERE "post_id" ="#));
        for finding in &findings {
            assert!(finding.location.file().ends_with("blog.rs"), "{}", finding.location);
        }
        assert_ne!(findings[0].location, findings[1].location);
        let error = scope.check().unwrap_err();
        assert!(error.to_string().contains("ran 1100 times from"), "{error}");
    }

    async fn eager_loading_has_no_finding(db, session) {
        let scope = Scope::new();
        let session = Session::new(db.pool.clone()).with_scope(scope.clone());
        db.reset_count();
        let eager = session
            .query::<Post>()
            .include(Post::AUTHOR)
            .include(Post::COMMENTS.with(Comment::AUTHOR))
            .include(Post::TAGS)
            .all()
            .await
            .unwrap();
        assert_eq!(eager.len(), 100);
        assert_eq!(scope.statements(), 5, "posts, authors, comments, their authors, tags");
        assert_eq!(scope.selects(), db.selects());
        assert_eq!(scope.findings(), []);
        assert!(scope.check().is_ok());
    }

    async fn lazy_loading_from_100_tasks_has_no_finding(db, session) {
        let scope = Scope::new();
        // Made within the scope: the session takes it.
        let session = scope.run(async { Session::new(db.pool.clone()) }).await;
        assert!(session.scope().is_some());
        db.reset_count();
        // The tasks start together (see the macro); a hop split by a
        // preempted worker would repeat a shape and be a finding.
        let lazy = lazy_from_100_tasks!(session.clone());
        assert_eq!(lazy.len(), 100);
        assert_eq!(scope.selects(), db.selects());
        assert!(scope.statements() <= 16, "batched: {}", scope.statements());
        // On a multi-thread runtime beside this file's other tests, a worker
        // preempted mid-hop can split a hop three ways, which is a finding;
        // batching across workers is tests/batching.rs's subject, alone in its
        // process. Here: no finding on the current-thread runtime, where the
        // hops always batch.
        if tokio::runtime::Handle::current().runtime_flavor()
            == tokio::runtime::RuntimeFlavor::CurrentThread
        {
            assert_eq!(scope.findings(), []);
        }
    }

    async fn finds_one_by_one_are_a_finding_at_the_loader(db, session) {
        let scope = Scope::new();
        let session = Session::new(db.pool.clone()).with_scope(scope.clone());
        for id in 1..=5 {
            session.find::<Post>(id).await.unwrap();
        }
        let findings = scope.findings();
        assert_eq!(findings.len(), 1, "{findings:#?}");
        assert_eq!(findings[0].count, 5);
        scope.reset();
        let found = join_all((1..=5).map(|id| session.find::<Post>(id + 10))).await;
        assert!(found.iter().all(|post| matches!(post, Ok(Some(_)))));
        assert_eq!(scope.statements(), 1, "concurrent finds share one statement");
        assert_eq!(scope.findings(), []);
    }

    async fn a_strict_scope_fails_the_statement_over_the_threshold(db, session) {
        let scope = Scope::new().strict().with_threshold(3);
        let error = scope.run(blog::naive(&session)).await.unwrap_err();
        let DbError::Sqlx(error) = error else { panic!("a statement error: {error:?}") };
        let found = std::error::Error::source(&*error)
            .and_then(|source| source.downcast_ref::<NPlusOne>())
            .expect("the N+1 finding is the source");
        assert_eq!(found.0[0].count, 4, "the fourth run from one place fails");
        // The posts, then post 1's author, its comments, and its comments'
        // authors until the fourth author by key from one place.
        assert_eq!(scope.statements(), 1 + 1 + 1 + 3);
    }

    async fn statements_outside_a_scope_are_not_counted(db, session) {
        let scope = Scope::new();
        session.all::<Post>().await.unwrap();
        assert_eq!(scope.statements(), 0);
        assert!(Scope::current().is_none());
        scope.run(async {
            assert!(Scope::current().is_some());
            session.all::<Post>().await.unwrap();
        }).await;
        assert_eq!(scope.statements(), 1);
        db.reset_count();
    }
}

/// The scope travels with the session to the loaders' tasks on a
/// multi-threaded runtime too.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn counts_on_a_multi_threaded_runtime() {
    let db = unokit_fixtures::counting::sqlite().await;
    unokit::db::sqlx::raw_sql(blog::SCHEMA)
        .execute(&db.pool)
        .await
        .unwrap();
    blog::seed(&db.session()).await.unwrap();
    let scope = Scope::new().with_threshold(0);
    let session = Session::new(db.pool.clone()).with_scope(scope.clone());
    let found = join_all((1..=50).map(|id| {
        let session = session.clone();
        tokio::spawn(async move { session.find::<Post>(id).await })
    }))
    .await;
    assert_eq!(found.len(), 50);
    assert!(scope.statements() >= 1);
    assert_eq!(
        scope.findings().iter().map(|f| f.count).sum::<u64>(),
        scope.statements(),
        "with threshold 0, every statement is in a finding"
    );
    db.finish().await;
}
