//! A list endpoint from a query string: `FilterQuery` reads the filter, the
//! sort key and the page; a bad value or an unknown sort key is a 400 naming
//! the field. On SQLite and PostgreSQL.
#![cfg(feature = "axum")]

use unokit_fixtures::{blog, on_both_engines};

use axum::Router;
use axum::body::Body;
use axum::routing::get;
use blog::Post;
use http::{Request, StatusCode};
use http_body_util::BodyExt;
use serde_json::Value;
use unokit::Filter;
use unokit::db::Session;
use unokit::db::query::Page;
use unokit::http::{CursorKey, DetectLayer, FilterQuery};

#[derive(Filter, serde::Deserialize, Default)]
#[filter(model = Post)]
pub struct PostFilter {
    author_id: Option<i64>,
    #[filter(op = "in")]
    id: Option<Vec<i64>>,
    #[filter(op = "starts_with")]
    title: Option<String>,
}

/// The sort keys a client may ask for, each checked against `Post`'s columns
/// at compile time: anything else is a 400.
#[derive(unokit::Sort, serde::Deserialize, Clone, Copy)]
#[sort(model = Post)]
#[serde(rename_all = "snake_case")]
pub enum Sort {
    #[sort(desc = "id")]
    Newest,
    #[sort(asc = "title")]
    Title,
}

/// The rest of the query string, read by a second extractor: `serde(flatten)`
/// would buffer every value as text, so numbers would no longer parse.
#[derive(serde::Deserialize)]
pub struct List {
    sort: Option<Sort>,
    limit: Option<u32>,
    offset: Option<u32>,
}

/// The keyset page parameters: an opaque cursor from the previous page.
#[derive(serde::Deserialize)]
pub struct Feed {
    cursor: Option<String>,
}

async fn call(app: &Router, uri: &str) -> (StatusCode, Value) {
    let request = Request::get(uri).body(Body::empty()).unwrap();
    let mut service = app.clone();
    let response = tower_service::Service::call(&mut service, request)
        .await
        .unwrap();
    let status = response.status();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    (status, serde_json::from_slice(&bytes).unwrap())
}

on_both_engines! {
    async fn lists_filtered_sorted_pages_and_names_bad_fields(db, session) {
        let app = Router::new().route(
            "/posts",
            get(move |FilterQuery(filter): FilterQuery<PostFilter>, FilterQuery(list): FilterQuery<List>| {
                let session = session.clone();
                async move {
                    let mut query = session.query::<Post>().filter(&filter);
                    if let Some(sort) = list.sort {
                        query = query.sort(sort);
                    }
                    if let Some(limit) = list.limit {
                        query = query.page(Page { limit, offset: list.offset.unwrap_or(0) });
                    }
                    let posts = query.all().await.unwrap();
                    serde_json::to_string(&posts.iter().map(|post| post.id).collect::<Vec<_>>()).unwrap()
                }
            }),
        );
        let (status, body) = call(&app, "/posts?author_id=3&sort=newest").await;
        assert_eq!(status, StatusCode::OK);
        let mut expected: Vec<i64> = (1..=blog::POSTS).filter(|&p| blog::post_author(p) == 3).collect();
        expected.reverse();
        assert_eq!(body, serde_json::json!(expected));

        let (_, body) = call(&app, "/posts?id=5,7&id=9&sort=title&limit=2&offset=1").await;
        assert_eq!(body, serde_json::json!([7, 9]));
        let (_, body) = call(&app, "/posts?title=post%201&limit=3").await;
        assert_eq!(body, serde_json::json!([1, 10, 11]));

        let (status, body) = call(&app, "/posts?author_id=three").await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(body["error"], "invalid_query");
        assert_eq!(body["field"], "author_id", "{body}");
        let (status, body) = call(&app, "/posts?sort=bogus").await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(body["field"], "sort", "{body}");
        assert!(body["message"].as_str().unwrap().contains("bogus"), "{body}");
        let (status, body) = call(&app, "/posts?id=1,x").await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(body["field"], "id", "{body}");
        db.reset_count();
    }

    async fn a_strict_detect_layer_fails_n_plus_one_requests_only(db, session) {
        let naive_pool = db.pool.clone();
        let eager_pool = db.pool.clone();
        let app = Router::new()
            .route(
                "/naive",
                get(move || {
                    // Made within the request: the session takes its scope.
                    let session = Session::new(naive_pool.clone());
                    async move {
                        match blog::naive(&session).await {
                            Ok(posts) => format!("{}", posts.len()),
                            Err(error) => serde_json::json!({ "error": format!("{error:#}") }).to_string(),
                        }
                    }
                }),
            )
            .route(
                "/eager",
                get(move || {
                    let session = Session::new(eager_pool.clone());
                    async move {
                        let posts = session
                            .query::<Post>()
                            .include(Post::AUTHOR)
                            .include(Post::COMMENTS.with(blog::Comment::AUTHOR))
                            .all()
                            .await
                            .unwrap();
                        format!("{}", posts.len())
                    }
                }),
            )
            .layer(DetectLayer::new().strict());
        let (_, body) = call(&app, "/naive").await;
        let error = body["error"].as_str().expect("the naive loop fails");
        assert!(error.contains("N+1 query"), "{error}");
        assert!(error.contains("blog.rs"), "{error}");
        for _ in 0..3 {
            // Each request has a scope of its own: the counts do not add up.
            let (status, body) = call(&app, "/eager").await;
            assert_eq!(status, StatusCode::OK);
            assert_eq!(body, 100);
        }
        drop(session);
        db.reset_count();
    }

    async fn keyset_pages_follow_signed_cursors(db, session) {
        let key = CursorKey::random();
        let signing = key.clone();
        let app = Router::new().route(
            "/feed",
            get(move |FilterQuery(filter): FilterQuery<PostFilter>, FilterQuery(feed): FilterQuery<Feed>| {
                let session = session.clone();
                let key = signing.clone();
                async move {
                    let after = match feed.cursor.as_deref().map(|cursor| key.decode::<i64>(cursor)) {
                        None => None,
                        Some(Ok(after)) => Some(after),
                        Some(Err(bad)) => {
                            return (StatusCode::BAD_REQUEST, serde_json::json!({ "error": bad.to_string() }).to_string());
                        }
                    };
                    let posts = session.query::<Post>().filter(&filter).after(after.as_ref(), 4).all().await.unwrap();
                    let next = (posts.len() == 4).then(|| key.encode(&posts[3].id));
                    let ids: Vec<i64> = posts.iter().map(|post| post.id).collect();
                    (StatusCode::OK, serde_json::json!({ "ids": ids, "next": next }).to_string())
                }
            }),
        );
        let mut seen = Vec::new();
        let mut uri = "/feed?author_id=5".to_owned();
        loop {
            let (status, body) = call(&app, &uri).await;
            assert_eq!(status, StatusCode::OK, "{body}");
            seen.extend(body["ids"].as_array().unwrap().iter().map(|id| id.as_i64().unwrap()));
            match body["next"].as_str() {
                Some(next) => uri = format!("/feed?author_id=5&cursor={next}"),
                None => break,
            }
        }
        let expected: Vec<i64> = (1..=blog::POSTS).filter(|&p| blog::post_author(p) == 5).collect();
        assert_eq!(seen, expected);
        // A cursor signed by another key, or edited, is refused.
        let forged = CursorKey::random().encode(&1_i64);
        let (status, _) = call(&app, &format!("/feed?cursor={forged}")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        let mut edited = key.encode(&1_i64);
        edited.replace_range(0..1, "4");
        let (status, _) = call(&app, &format!("/feed?cursor={edited}")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        db.reset_count();
    }
}
