//! `#[partial_response]` through the facade, as users see it: serde names,
//! nested types, containers, strict and lenient compilation, pushdown, and a
//! second serde format.

use serde::Serialize;
use serde_json::{Value, json};
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use unokit::partial_response;
use unokit::select::{Fields, FieldsErrorKind, Selectable, Selection};

#[partial_response]
#[derive(Serialize, Clone)]
#[serde(rename_all = "camelCase")]
struct UserOut {
    id: u64,
    display_name: String,
    #[serde(rename = "emailAddress")]
    email: String,
    #[serde(skip)]
    #[allow(dead_code)]
    password_hash: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    bio: Option<String>,
    posts: Vec<PostOut>,
    best_post: Option<Box<PostOut>>,
    #[partial(no_column)]
    counters: BTreeMap<String, u32>,
    extra: Value,
    #[partial(leaf, column = "created")]
    created_at: Timestamp,
}

#[partial_response]
#[derive(Serialize, Clone)]
struct PostOut {
    title: String,
    body: String,
    author: Arc<Author>,
    tags: Vec<String>,
}

#[partial_response]
#[derive(Serialize, Clone)]
struct Author {
    name: String,
    id: u64,
}

/// A type from elsewhere that does not implement `Selectable`.
#[derive(Serialize, Clone)]
struct Timestamp {
    seconds: i64,
}

fn user() -> UserOut {
    let ada = Arc::new(Author {
        name: "Ada".into(),
        id: 1,
    });
    let post = |title: &str| PostOut {
        title: title.into(),
        body: format!("{title} body"),
        author: Arc::clone(&ada),
        tags: vec!["x".into()],
    };
    UserOut {
        id: 7,
        display_name: "Ada L.".into(),
        email: "ada@example.com".into(),
        password_hash: "secret".into(),
        bio: None,
        posts: vec![post("one"), post("two")],
        best_post: Some(Box::new(post("best"))),
        counters: BTreeMap::from([("likes".into(), 3), ("views".into(), 10)]),
        extra: json!({"theme": "dark", "flags": [{"a": 1, "b": 2}]}),
        created_at: Timestamp {
            seconds: 1_700_000_000,
        },
    }
}

fn selected<T: Selectable<Root = T>>(value: &T, text: &str) -> Value {
    let selection = Selection::<T>::parse(text).unwrap_or_else(|error| panic!("{text}: {error}"));
    let json = serde_json::to_string(&value.select(&selection)).unwrap();
    serde_json::from_str(&json).unwrap()
}

#[test]
fn selects_by_serialized_names_through_nested_types() {
    let user = user();
    assert_eq!(
        selected(&user, "id,displayName,posts(title,author/name)"),
        json!({
            "id": 7,
            "displayName": "Ada L.",
            "posts": [
                {"title": "one", "author": {"name": "Ada"}},
                {"title": "two", "author": {"name": "Ada"}}
            ]
        })
    );
    assert_eq!(
        selected(&user, "emailAddress,bestPost/tags"),
        json!({"emailAddress": "ada@example.com", "bestPost": {"tags": ["x"]}})
    );
}

#[test]
fn the_output_matches_pruning_the_full_serialization() {
    let user = user();
    let full = serde_json::to_value(&user).unwrap();
    for text in [
        "*",
        "id",
        "posts",
        "posts/author",
        "*,-posts",
        "-posts/body,-extra",
        "*,posts(title)",
        "counters/likes,extra/flags/a",
        "counters(*),extra(theme)",
        "bestPost(*,-body)",
        "createdAt,bio",
        "-*",
    ] {
        let expected = Fields::parse(text).unwrap().prune_json(full.clone());
        assert_eq!(selected(&user, text), expected, "{text}");
    }
}

#[test]
fn skip_serializing_if_is_honoured_and_counted() {
    let mut user = user();
    assert_eq!(selected(&user, "bio,id"), json!({"id": 7}));
    user.bio = Some("hi".into());
    assert_eq!(selected(&user, "bio,id"), json!({"id": 7, "bio": "hi"}));
    // MessagePack writes the map's length first: a wrong count would corrupt it.
    user.bio = None;
    let selection = Selection::<UserOut>::parse("bio,id,displayName").unwrap();
    let bytes = rmp_serde::to_vec_named(&user.select(&selection)).unwrap();
    let decoded: Value = rmp_serde::from_slice(&bytes).unwrap();
    assert_eq!(decoded, json!({"id": 7, "displayName": "Ada L."}));
}

#[test]
fn works_with_another_serde_format() {
    let user = user();
    for text in [
        "*",
        "id,posts(title,author/name)",
        "counters/views,extra/flags",
        "-posts",
    ] {
        let selection = Selection::<UserOut>::parse(text).unwrap();
        let bytes = rmp_serde::to_vec_named(&user.select(&selection)).unwrap();
        let decoded: Value = rmp_serde::from_slice(&bytes).unwrap();
        assert_eq!(decoded, selected(&user, text), "{text}");
    }
}

#[test]
fn one_selection_serves_lists_options_and_maps_of_the_type() {
    let users = vec![user(), user()];
    let selection = Selection::<UserOut>::parse("id").unwrap();
    assert_eq!(
        serde_json::to_string(&users.select(&selection)).unwrap(),
        r#"[{"id":7},{"id":7}]"#
    );
    let maybe: Option<UserOut> = None;
    assert_eq!(
        serde_json::to_string(&maybe.select(&selection)).unwrap(),
        "null"
    );
    let by_name: HashMap<String, PostOut> = HashMap::from([("p".into(), user().posts[0].clone())]);
    let by_name_selection = Selection::<HashMap<String, PostOut>>::parse("p/title,q").unwrap();
    assert_eq!(
        serde_json::to_string(&by_name.select(&by_name_selection)).unwrap(),
        r#"{"p":{"title":"one"}}"#
    );
}

#[test]
fn unknown_names_are_errors_with_offset_path_and_suggestion() {
    let error = Fields::parse("id,posts(title,autor/name)")
        .unwrap()
        .compile::<UserOut>()
        .unwrap_err();
    assert_eq!(error.kind(), FieldsErrorKind::UnknownField);
    assert_eq!(error.offset(), 15);
    assert_eq!(error.path(), "posts/autor");
    assert!(error.message().contains("did you mean `author`"), "{error}");

    // Rust names are not serialized names.
    let error = Selection::<UserOut>::parse("email").unwrap_err();
    assert_eq!(error.path(), "email");
    assert!(error.message().contains("emailAddress"), "{error}");
    // Skipped fields do not exist for clients.
    assert!(Selection::<UserOut>::parse("passwordHash").is_err());

    // Two edits in four letters is another word: no suggestion (as rustc).
    let error = Selection::<Author>::parse("nope").unwrap_err();
    assert!(!error.message().contains("did you mean"), "{error}");
    assert!(error.message().contains("it has: name, id"), "{error}");
    let error = Selection::<Author>::parse("NAME").unwrap_err();
    assert!(error.message().contains("did you mean `name`"), "{error}");
}

#[test]
fn selecting_into_a_value_without_fields_is_an_error() {
    let error = Selection::<UserOut>::parse("id/x").unwrap_err();
    assert_eq!(error.kind(), FieldsErrorKind::NotAnObject);
    assert_eq!((error.offset(), error.path()), (3, "id"));
    let error = Selection::<UserOut>::parse("createdAt(seconds)").unwrap_err();
    assert_eq!(error.kind(), FieldsErrorKind::NotAnObject);
}

#[test]
fn under_a_star_each_field_is_restricted_and_leaves_are_left_out() {
    // Google's `items/pagemap/*/title`: every field of `bestPost`, each
    // restricted to `name`. Strings and lists of strings cannot be restricted.
    let user = user();
    assert_eq!(
        selected(&user, "bestPost/*/name"),
        json!({"bestPost": {"author": {"name": "Ada"}}})
    );
    // `*` selecting everything (here minus `name` inside each field) keeps them.
    assert_eq!(
        selected(&user, "bestPost(*,-*/name)"),
        json!({"bestPost": {"title": "best", "body": "best body", "author": {"id": 1}, "tags": ["x"]}})
    );
}

#[test]
fn lenient_compilation_ignores_unknown_names() {
    let fields = Fields::parse("id,nope,posts(title,zzz),id/deeper").unwrap();
    assert!(fields.compile::<UserOut>().is_err());
    let selection = fields.compile_lenient::<UserOut>();
    let json = serde_json::to_value(user().select(&selection)).unwrap();
    assert_eq!(
        json,
        json!({"id": 7, "posts": [{"title": "one"}, {"title": "two"}]})
    );
}

#[test]
fn pushdown_asks_what_is_wanted() {
    let selection =
        Selection::<UserOut>::parse("id,posts(title,author/name),counters/likes").unwrap();
    assert!(selection.wants("id"));
    assert!(selection.wants("posts"));
    assert!(selection.wants("posts/author/name"));
    assert!(selection.wants("posts.author.name"));
    assert!(!selection.wants("posts/author/id"));
    assert!(!selection.wants("posts/body"));
    assert!(!selection.wants("emailAddress"));
    assert!(!selection.wants("nope"));
    assert!(selection.wants("counters/likes"));
    assert!(!selection.wants("counters/views"));
    // `counters` is computed: no column.
    assert_eq!(selection.columns(), ["id", "posts"]);

    let all = Selection::<UserOut>::all();
    assert!(all.wants("posts/author/id"));
    assert_eq!(
        all.columns(),
        [
            "id",
            "display_name",
            "email",
            "bio",
            "posts",
            "best_post",
            "extra",
            "created"
        ]
    );
    let star = Selection::<UserOut>::parse("*").unwrap();
    assert!(star.is_all());
}

#[test]
fn star_is_the_plain_serialization() {
    let user = user();
    let selection = Selection::<UserOut>::parse("*").unwrap();
    assert_eq!(
        serde_json::to_string(&user.select(&selection)).unwrap(),
        serde_json::to_string(&user).unwrap()
    );
}

/// A recursive type has a schema: its fields' shapes are functions.
#[partial_response]
#[derive(Serialize)]
struct Comment {
    text: String,
    replies: Vec<Comment>,
}

#[test]
fn recursive_types_select_to_any_depth() {
    let thread = Comment {
        text: "a".into(),
        replies: vec![Comment {
            text: "b".into(),
            replies: vec![Comment {
                text: "c".into(),
                replies: vec![],
            }],
        }],
    };
    assert_eq!(
        selected(&thread, "replies/replies/text"),
        json!({"replies": [{"replies": [{"text": "c"}]}]})
    );
}

/// Two fields of its own type: a `*` compiled once per field per level would
/// double at every level.
#[partial_response]
#[derive(Serialize)]
struct Tree {
    value: u32,
    left: Option<Box<Tree>>,
    right: Option<Box<Tree>>,
}

fn tree(depth: u32) -> Option<Box<Tree>> {
    (depth > 0).then(|| {
        Box::new(Tree {
            value: depth,
            left: tree(depth - 1),
            right: tree(depth - 1),
        })
    })
}

/// Without sharing what a `*` compiles to, this selection (a 62-byte text)
/// would build 2^30 nodes against `Tree`: one request could hold a core for
/// minutes. Compiled once per type under each `*`, it builds 31.
#[test]
fn stars_over_a_type_with_two_recursive_fields_compile_in_linear_time() {
    let text = format!("{}value", "*/".repeat(30));
    let selection = Selection::<Tree>::parse(&text).unwrap();
    let lenient = Fields::parse(&text).unwrap().compile_lenient::<Tree>();
    let root = tree(3).unwrap();
    // `value` 31 levels down does not exist in a tree of depth 3: what is left
    // are the objects on the way, restricted to nothing; `None`s are left out.
    let expected = json!({"left": {"left": {}, "right": {}}, "right": {"left": {}, "right": {}}});
    let full = serde_json::to_value(&root).unwrap();
    assert_eq!(Fields::parse(&text).unwrap().prune_json(full), expected);
    for selection in [&selection, &lenient] {
        assert_eq!(
            serde_json::to_value(root.select(selection)).unwrap(),
            expected
        );
    }
    assert_eq!(
        selected(&*root, "*/value"),
        json!({"left": {"value": 2}, "right": {"value": 2}})
    );
    assert_eq!(
        selected(&*root, "*/*/value"),
        json!({"left": {"left": {"value": 1}, "right": {"value": 1}}, "right": {"left": {"value": 1}, "right": {"value": 1}}})
    );
    // Strict mode asks whether a restricting `*` fits any field, remembered per
    // type and sub-selection: refusing a name nothing has is linear too.
    let error = Selection::<Tree>::parse(&format!("{}zzz", "*/".repeat(30))).unwrap_err();
    assert_eq!(error.kind(), FieldsErrorKind::UnknownField);
    assert_eq!(error.path(), "*");
}

#[partial_response]
#[derive(Serialize)]
struct Page<T> {
    items: Vec<T>,
    next: Option<String>,
}

#[partial_response]
#[derive(Serialize)]
struct Borrowed<'a> {
    name: &'a str,
    tags: &'a [String],
}

#[test]
fn generic_and_borrowing_structs() {
    let page = Page {
        items: vec![Author {
            name: "Ada".into(),
            id: 1,
        }],
        next: None,
    };
    assert_eq!(selected(&page, "items/id"), json!({"items": [{"id": 1}]}));
    let error = Selection::<Page<Author>>::parse("items/nmae").unwrap_err();
    assert!(
        error
            .message()
            .contains("`Author` has no field `nmae`; did you mean `name`?"),
        "{error}"
    );

    let tags = vec!["t".to_owned()];
    let borrowed = Borrowed {
        name: "n",
        tags: &tags,
    };
    assert_eq!(selected(&borrowed, "tags"), json!({"tags": ["t"]}));
}
