//! Response validation (feature `validate`): garde's rules run only on the
//! fields a selection serializes, with each broken rule's serialized path;
//! lists, options and nested structs are checked under their part of the
//! selection; `SelectedJson` turns a broken rule into a 500 over a real server.
#![cfg(feature = "validate")]

use unokit::partial_response;
use unokit::select::{Selection, validate};

fn even(value: &i32, (): &()) -> garde::Result {
    if value % 2 == 0 {
        Ok(())
    } else {
        Err(garde::Error::new("is odd"))
    }
}

#[partial_response]
#[derive(serde::Serialize, Clone)]
struct UserOut {
    #[garde(range(min = 1))]
    id: u64,
    #[garde(length(min = 1, max = 20))]
    name: String,
    #[serde(rename = "emailAddress")]
    #[garde(contains("@"))]
    email: String,
    #[garde(range(max = 150))]
    age: u8,
    #[garde(ascii, length(max = 8))]
    handle: String,
    #[garde(custom(even))]
    score: i32,
    note: String,
    #[garde(dive)]
    posts: Vec<PostOut>,
    #[garde(dive)]
    pinned: Option<PostOut>,
}

#[partial_response]
#[derive(serde::Serialize, Clone)]
struct PostOut {
    #[garde(length(min = 1))]
    title: String,
    #[garde(prefix("/"))]
    slug: String,
    #[garde(dive)]
    author: Author,
}

#[partial_response]
#[derive(serde::Serialize, Clone)]
struct Author {
    #[garde(length(chars, max = 5))]
    name: String,
}

fn post(title: &str, slug: &str, author: &str) -> PostOut {
    PostOut {
        title: title.into(),
        slug: slug.into(),
        author: Author {
            name: author.into(),
        },
    }
}

fn valid_user() -> UserOut {
    UserOut {
        id: 1,
        name: "Ada".into(),
        email: "ada@example.com".into(),
        age: 36,
        handle: "ada".into(),
        score: 2,
        note: "anything".into(),
        posts: vec![post("Notes", "/notes", "Ada")],
        pinned: None,
    }
}

/// The paths of the broken rules of `user` under `fields`.
fn broken(user: &UserOut, fields: &str) -> Vec<String> {
    let selection = Selection::<UserOut>::parse(fields).unwrap();
    match validate(user, &selection) {
        Ok(()) => Vec::new(),
        Err(error) => error
            .violations()
            .iter()
            .map(|violation| violation.path().to_owned())
            .collect(),
    }
}

#[test]
fn a_valid_response_passes_under_any_selection() {
    let user = valid_user();
    for fields in ["*", "id", "id,name,posts(title)", "posts/author/name"] {
        assert_eq!(broken(&user, fields), Vec::<String>::new(), "{fields}");
    }
    assert!(validate(&user, &Selection::all()).is_ok());
}

#[test]
fn an_invalid_field_the_selection_leaves_out_is_not_checked() {
    let user = UserOut {
        name: String::new(),
        age: 200,
        ..valid_user()
    };
    assert_eq!(broken(&user, "id,emailAddress"), Vec::<String>::new());
    assert_eq!(broken(&user, "id,name"), ["name"]);
    assert_eq!(broken(&user, "age,id"), ["age"]);
    // Every field, in declaration order, when everything is selected.
    assert_eq!(broken(&user, "*"), ["name", "age"]);
    let error = validate(&user, &Selection::all()).unwrap_err();
    assert_eq!(
        error.to_string(),
        "invalid response: `name`: length is lower than 1; `age`: greater than 150"
    );
}

#[test]
fn paths_are_the_serialized_names_and_every_rule_of_a_field_runs() {
    let user = UserOut {
        email: "nobody".into(),
        handle: "ädä-too-long".into(),
        score: 3,
        ..valid_user()
    };
    assert_eq!(broken(&user, "emailAddress"), ["emailAddress"]);
    assert_eq!(broken(&user, "handle"), ["handle", "handle"]);
    assert_eq!(broken(&user, "score"), ["score"]);
    let error = validate(&user, &Selection::parse("score").unwrap()).unwrap_err();
    assert_eq!(error.violations()[0].message(), "is odd");
    assert_eq!(broken(&user, "id,note"), Vec::<String>::new());
}

#[test]
fn lists_are_checked_element_by_element_under_the_sub_selection() {
    let user = UserOut {
        posts: vec![
            post("Notes", "/notes", "Ada"),
            post("", "/empty", "Ada"),
            post("Long", "no-slash", "Augusta"),
        ],
        ..valid_user()
    };
    assert_eq!(broken(&user, "id,posts(slug)"), ["posts[2].slug"]);
    assert_eq!(broken(&user, "posts(title)"), ["posts[1].title"]);
    assert_eq!(broken(&user, "posts/author/name"), ["posts[2].author.name"]);
    assert_eq!(
        broken(&user, "posts"),
        ["posts[1].title", "posts[2].slug", "posts[2].author.name"]
    );
    assert_eq!(broken(&user, "id,name"), Vec::<String>::new());
}

#[test]
fn options_are_checked_when_present_and_selected() {
    let mut user = valid_user();
    assert_eq!(broken(&user, "pinned"), Vec::<String>::new());
    user.pinned = Some(post("", "/x", "Ada"));
    assert_eq!(broken(&user, "pinned"), ["pinned.title"]);
    assert_eq!(broken(&user, "pinned(slug)"), Vec::<String>::new());
    assert_eq!(broken(&user, "id"), Vec::<String>::new());
}

#[test]
fn lists_of_responses_are_checked_with_their_index() {
    let users = vec![
        valid_user(),
        UserOut {
            id: 0,
            ..valid_user()
        },
    ];
    let selection = Selection::<UserOut>::parse("id,name").unwrap();
    let error = validate(&users, &selection).unwrap_err();
    assert_eq!(error.violations()[0].path(), "[1].id");
    let only_name = Selection::<UserOut>::parse("name").unwrap();
    assert!(validate(&users, &only_name).is_ok());
}

/// With `#[derive(garde::Validate)]` below it, the attributes stay for garde,
/// whose `validate()` checks the whole object.
#[partial_response]
#[derive(serde::Serialize, garde::Validate)]
struct Both {
    #[garde(length(min = 1))]
    title: String,
    #[garde(range(max = 10))]
    rank: u32,
}

#[test]
fn garde_s_own_derive_still_checks_the_whole_object() {
    use garde::Validate as _;
    let both = Both {
        title: String::new(),
        rank: 3,
    };
    assert!(both.validate().is_err());
    let rank = Selection::<Both>::parse("rank").unwrap();
    assert!(validate(&both, &rank).is_ok());
    let title = Selection::<Both>::parse("title").unwrap();
    assert_eq!(
        validate(&both, &title).unwrap_err().violations()[0].path(),
        "title"
    );
}

#[test]
fn responders_check_by_default_in_debug_builds_only() {
    assert_eq!(unokit::select::checks_responses(), cfg!(debug_assertions));
}

#[cfg(feature = "axum")]
mod http {
    use super::{UserOut, post, valid_user};
    use axum::Router;
    use axum::routing::get;
    use http::StatusCode;
    use http_body_util::{BodyExt, Empty};
    use hyper_util::rt::TokioIo;
    use serde_json::{Value, json};
    use std::net::SocketAddr;
    use unokit::http::{SelectedJson, SelectionQuery};

    fn invalid_user() -> UserOut {
        UserOut {
            name: String::new(),
            posts: vec![post("Notes", "/notes", "Ada"), post("", "/x", "Ada")],
            ..valid_user()
        }
    }

    async fn checked(SelectionQuery(selection): SelectionQuery<UserOut>) -> SelectedJson<UserOut> {
        SelectedJson::new(invalid_user(), selection).checked(true)
    }

    async fn unchecked(
        SelectionQuery(selection): SelectionQuery<UserOut>,
    ) -> SelectedJson<UserOut> {
        SelectedJson::new(invalid_user(), selection).checked(false)
    }

    async fn serve() -> SocketAddr {
        let app = Router::new()
            .route("/checked", get(checked))
            .route("/unchecked", get(unchecked));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        addr
    }

    async fn get_json(addr: SocketAddr, path: &str) -> (StatusCode, Value) {
        let stream = tokio::net::TcpStream::connect(addr).await.unwrap();
        let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
            .await
            .unwrap();
        tokio::spawn(connection);
        let request = http::Request::get(path)
            .header(http::header::HOST, "127.0.0.1")
            .body(Empty::<bytes::Bytes>::new())
            .unwrap();
        let response = sender.send_request(request).await.unwrap();
        let status = response.status();
        let body = response.into_body().collect().await.unwrap().to_bytes();
        (status, serde_json::from_slice(&body).unwrap())
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_broken_rule_in_the_selection_is_a_500_naming_the_path() {
        let addr = serve().await;
        let (status, body) = get_json(addr, "/checked?fields=id,posts(title)").await;
        assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(body["error"], "invalid_response");
        assert_eq!(
            body["violations"],
            json!([{"path": "posts[1].title", "message": "length is lower than 1"}])
        );
        let (status, body) = get_json(addr, "/checked?fields=id,name,posts(slug)").await;
        assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(body["violations"][0]["path"], "name");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_selection_without_the_broken_fields_is_served() {
        let addr = serve().await;
        let (status, body) = get_json(addr, "/checked?fields=id,posts(slug)").await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(
            body,
            json!({"id": 1, "posts": [{"slug": "/notes"}, {"slug": "/x"}]})
        );
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn unchecked_responses_are_served_as_they_are() {
        let addr = serve().await;
        let (status, body) = get_json(addr, "/unchecked?fields=id,name").await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(body, json!({"id": 1, "name": ""}));
    }
}
