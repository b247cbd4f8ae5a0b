//! Relation loading on the blog fixture, statements counted at the connection:
//! naive N+1 against eager and lazy loading, on SQLite and PostgreSQL.

use unokit_fixtures::{blog, lazy_from_100_tasks, on_both_engines};

use blog::{Author, Comment, CommentBody, Post, PostTitle, Tag};
use futures::future::join_all;
use unokit::db::{DbError, Related};

on_both_engines! {
    async fn naive_eager_and_lazy_loading_count_1201_4_and_4_statements(db, session) {
        db.reset_count();
        let naive = blog::naive(&session).await.unwrap();
        assert_eq!(db.selects(), 1 + 100 + 100 + 1000, "the naive loop");
        assert_eq!(naive.len(), 100);

        let session = db.session();
        db.reset_count();
        let eager = session
            .query::<Post>()
            .include(Post::AUTHOR)
            .include(Post::COMMENTS.with(Comment::AUTHOR))
            .all()
            .await
            .unwrap();
        assert_eq!(db.selects(), 4, "posts, their authors, their comments, the comments' authors");
        assert_eq!(eager, naive);

        let session = db.session();
        db.reset_count();
        let lazy = lazy_from_100_tasks!(session);
        // How close to 4 a multi-thread runtime gets is `tests/batching.rs`'s
        // subject, alone in its process: beside this file's other tests, a
        // preempted worker thread can split a hop.
        let expected = match tokio::runtime::Handle::current().runtime_flavor() {
            tokio::runtime::RuntimeFlavor::CurrentThread => 4..=4,
            _ => 4..=16,
        };
        assert!(
            expected.contains(&db.selects()),
            "100 tasks loading lazily batch into one statement per hop: {} statements",
            db.selects()
        );
        assert_eq!(lazy, naive);
    }

    async fn a_strict_session_refuses_lazy_loads(db, session) {
        let strict = db.session().strict();
        let mut posts = strict
            .query::<Post>()
            .include(Post::COMMENTS)
            .all()
            .await
            .unwrap();
        let post = &mut posts[0];
        assert_eq!(post.comments.get().unwrap().len(), 10, "eager loads are fine");
        assert_eq!(post.author.get(), Err(unokit::db::NotLoaded), "reading never queries");
        db.reset_count();
        match Post::AUTHOR.load(&strict, post).await {
            Err(DbError::LazyLoadInStrictMode { relation }) => assert_eq!(relation, "Post.author"),
            other => panic!("expected a strict-mode error, got {other:?}"),
        }
        assert_eq!(db.selects(), 0);
        // A relation already loaded is returned as it is, strict or not.
        assert_eq!(Post::COMMENTS.load(&strict, post).await.unwrap().len(), 10);
        drop(session);
    }

    async fn a_loaded_relation_is_not_loaded_again(db, session) {
        let mut post = session.find::<Post>(5).await.unwrap().unwrap();
        Post::AUTHOR.load(&session, &mut post).await.unwrap();
        db.reset_count();
        let author = Post::AUTHOR.load(&session, &mut post).await.unwrap();
        assert_eq!(author.id, blog::post_author(5));
        assert_eq!(db.selects(), 0, "already loaded");
        // Post 45 has post 5's author: the session's loader has it already.
        assert_eq!(blog::post_author(45), blog::post_author(5));
        let mut same_author = session.find::<Post>(45).await.unwrap().unwrap();
        Post::AUTHOR.load(&session, &mut same_author).await.unwrap();
        assert_eq!(db.selects(), 1, "the find; the author came from the session's cache");
    }

    async fn many_to_many_loads_through_the_join_table_in_one_statement(db, session) {
        db.reset_count();
        let posts = session.query::<Post>().include(Post::TAGS).all().await.unwrap();
        assert_eq!(db.selects(), 2);
        for post in &posts {
            let mut expected: Vec<i64> = blog::post_tags(post.id).to_vec();
            expected.sort_unstable();
            expected.dedup();
            let tags: Vec<i64> = post.tags.get().unwrap().iter().map(|tag| tag.id).collect();
            assert_eq!(tags, expected, "post {}", post.id);
            assert!(post.tags.get().unwrap().iter().all(|tag: &Tag| tag.name == format!("tag {}", tag.id)));
        }
    }

    async fn every_relation_at_once_three_levels_deep(db, session) {
        db.reset_count();
        let posts = session
            .query::<Post>()
            .include(Post::AUTHOR)
            .include(Post::TAGS)
            .include(Post::COMMENTS.with(Comment::AUTHOR))
            .find_many([3, 1, 2, 999])
            .await
            .unwrap();
        assert_eq!(db.selects(), 5);
        assert_eq!(posts.iter().map(|post| post.id).collect::<Vec<_>>(), [3, 1, 2], "in the keys' order; 999 does not exist");
        let comment = &posts[0].comments.get().unwrap()[4];
        assert_eq!(comment.author.get().unwrap().id, blog::comment_author(comment.id));
    }

    async fn selective_loading_selects_only_the_partial_models_columns(db, session) {
        db.reset_count();
        let titles = session
            .query::<PostTitle>()
            .include(PostTitle::COMMENTS)
            .all()
            .await
            .unwrap();
        assert_eq!(db.selects(), 2);
        assert_eq!(titles.len(), 100);
        let first = &titles[0];
        assert_eq!(first.title, "post 1");
        let bodies: Vec<&str> = first.comments.get().unwrap().iter().map(|comment: &CommentBody| comment.body.as_str()).collect();
        assert_eq!(bodies[0], "comment 1 on post 1");
        assert_eq!(bodies.len(), 10);
        assert_eq!(<PostTitle as unokit::db::Model>::COLUMNS, ["id", "title"]);
        assert_eq!(
            <unokit::db::sqlx::Sqlite as unokit::db::Engine>::statements::<PostTitle>().select_all,
            r#"SELECT "id", "title" FROM "posts" ORDER BY "id""#
        );
        assert_eq!(<CommentBody as unokit::db::Model>::COLUMNS, ["id", "post_id", "body"]);
    }

    async fn concurrent_finds_share_one_statement(db, session) {
        db.reset_count();
        let found = join_all((1..=100).map(|id| session.find::<Post>(id))).await;
        assert_eq!(db.selects(), 1);
        assert!(found.iter().all(|post| post.as_ref().unwrap().is_some()));
        assert_eq!(session.find::<Post>(1000).await.unwrap(), None);
    }

    async fn a_missing_belongs_to_row_is_an_error(db, session) {
        let orphan = Post {
            id: 1000,
            title: "orphan".into(),
            body: String::new(),
            author_id: 999,
            author: Related::default(),
            comments: Related::default(),
            tags: Related::default(),
        };
        session.insert(&orphan).await.unwrap();
        let mut orphan = session.find::<Post>(1000).await.unwrap().unwrap();
        match Post::AUTHOR.load(&session, &mut orphan).await {
            Err(DbError::MissingRow { relation }) => assert_eq!(relation, "Post.author"),
            other => panic!("expected a missing row, got {other:?}"),
        }
        let comments = Post::COMMENTS.load(&session, &mut orphan).await.unwrap();
        assert!(comments.is_empty(), "no comments is an empty list, not an error");
        let _: Option<Author> = session.find::<Author>(999).await.unwrap();
        db.reset_count();
    }
}
