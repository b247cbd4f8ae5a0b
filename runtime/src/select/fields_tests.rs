//! The grammar, the normal form and the reference semantics (`prune_json`),
//! including every example of Google's partial-response documentation.

use super::{Fields, FieldsErrorKind, MAX_DEPTH};
use serde_json::{Value, json};

fn canonical(text: &str) -> String {
    Fields::parse(text)
        .unwrap_or_else(|error| panic!("{text:?}: {error}"))
        .to_string()
}

fn prune(text: &str, value: &Value) -> Value {
    Fields::parse(text).unwrap().prune_json(value.clone())
}

/// A response shaped like the ones in Google's documentation.
fn google_feed() -> Value {
    json!({
        "kind": "customsearch#search",
        "etag": "\"abc\"",
        "context": {
            "title": "ctx",
            "facets": [[{"label": "a", "anchor": "A"}], [{"label": "b", "anchor": "B"}]]
        },
        "items": [
            {
                "title": "one",
                "link": "https://one",
                "author": {"name": "Ada", "uri": "/ada"},
                "characteristics": {"length": 10, "width": 2},
                "pagemap": {"metatags": [{"title": "m1", "x": 1}], "cse_image": [{"src": "i"}]}
            },
            {
                "title": "two",
                "link": "https://two",
                "author": {"name": "Bob", "uri": "/bob"},
                "characteristics": {"length": 20, "width": 3},
                "pagemap": {"metatags": [{"title": "m2"}]}
            }
        ],
        "links": {"self": {"href": "/s", "rel": "self"}, "next": {"href": "/n", "rel": "next"}},
        "title": "feed",
        "author": {"name": "Feed", "uri": "/feed"}
    })
}

#[test]
fn google_items_returns_all_elements_whole_and_nothing_else() {
    let feed = google_feed();
    assert_eq!(prune("items", &feed), json!({"items": feed["items"]}));
}

#[test]
fn google_etag_and_items() {
    let feed = google_feed();
    assert_eq!(
        prune("etag,items", &feed),
        json!({"etag": feed["etag"], "items": feed["items"]})
    );
}

#[test]
fn google_items_title_keeps_the_parent_with_only_that_child() {
    assert_eq!(
        prune("items/title", &google_feed()),
        json!({"items": [{"title": "one"}, {"title": "two"}]})
    );
}

#[test]
fn google_context_facets_label_through_nested_arrays() {
    assert_eq!(
        prune("context/facets/label", &google_feed()),
        json!({"context": {"facets": [[{"label": "a"}], [{"label": "b"}]]}})
    );
}

#[test]
fn google_wildcard_in_the_middle_keeps_title_where_present() {
    assert_eq!(
        prune("items/pagemap/*/title", &google_feed()),
        json!({"items": [
            {"pagemap": {"metatags": [{"title": "m1"}], "cse_image": [{}]}},
            {"pagemap": {"metatags": [{"title": "m2"}]}}
        ]})
    );
}

#[test]
fn google_resource_title_and_author_uri() {
    let feed = google_feed();
    assert_eq!(prune("title", &feed), json!({"title": "feed"}));
    assert_eq!(
        prune("author/uri", &feed),
        json!({"author": {"uri": "/feed"}})
    );
}

#[test]
fn google_links_star_href() {
    assert_eq!(
        prune("links/*/href", &google_feed()),
        json!({"links": {"self": {"href": "/s"}, "next": {"href": "/n"}}})
    );
}

#[test]
fn google_sub_selection_of_array_elements() {
    assert_eq!(
        prune("items(title,author/uri)", &google_feed()),
        json!({"items": [
            {"title": "one", "author": {"uri": "/ada"}},
            {"title": "two", "author": {"uri": "/bob"}}
        ]})
    );
}

#[test]
fn google_kind_and_items_characteristics_length() {
    assert_eq!(
        prune("kind,items(title,characteristics/length)", &google_feed()),
        json!({"kind": "customsearch#search", "items": [
            {"title": "one", "characteristics": {"length": 10}},
            {"title": "two", "characteristics": {"length": 20}}
        ]})
    );
}

#[test]
fn google_single_sub_field_equals_the_path() {
    assert_eq!(
        Fields::parse("items(id)").unwrap(),
        Fields::parse("items/id").unwrap()
    );
}

#[test]
fn slash_dot_and_parentheses_are_one_selection() {
    let expected = canonical("a(b)");
    assert_eq!(canonical("a/b"), expected);
    assert_eq!(canonical("a.b"), expected);
    assert_eq!(canonical(" a / b "), expected);
    assert_eq!(canonical("a(b(c),d),e"), "a(b(c),d),e");
    assert_eq!(canonical("a/b/c,a/d,e"), "a(b(c),d),e");
}

#[test]
fn order_and_duplicates_do_not_matter() {
    assert_eq!(canonical("b,a,b"), "a,b");
    assert_eq!(
        canonical("posts(title),id,posts/author"),
        "id,posts(author,title)"
    );
    assert_eq!(Fields::parse("a,b").unwrap(), Fields::parse("b,a").unwrap());
}

#[test]
fn a_name_written_out_stays_in_the_normal_form() {
    // `a(*)` is `a`; but a name written out beside a `*` is kept, even where it
    // selects what `*` would: it takes its own selection over `*` in any later
    // union, so dropping it would make the result depend on the items' order.
    assert_eq!(canonical("a(*)"), "a");
    assert_eq!(canonical("*"), "*");
    assert_eq!(canonical("a,a/b"), "a(*,b)");
    assert_eq!(canonical("a(b),a"), "a(*,b)");
    assert_eq!(canonical("a,a/b/c"), "a(*,b(c))");
    assert_eq!(canonical("*,a"), "*,a");
    assert_eq!(
        Fields::parse("k2(id),*,k2").unwrap(),
        Fields::parse("k2,*,k2(id)").unwrap()
    );
    assert_eq!(canonical("k2(id),*,k2"), "*,k2(*,id)");
}

#[test]
fn a_named_field_takes_its_own_selection_over_the_star() {
    assert_eq!(canonical("*(id),a(name)"), "*(id),a(name)");
    assert_eq!(canonical("*,posts(title)"), "*,posts(title)");
    let fields = Fields::parse("*(id),a(name)").unwrap();
    assert!(fields.get("zzz").unwrap().get("id").is_some());
    assert!(fields.get("zzz").unwrap().get("name").is_none());
    assert!(fields.get("a").unwrap().get("name").is_some());
    assert!(fields.get("a").unwrap().get("id").is_none());
    // The same with paths: `a/b` is `a(b)` wherever it is written.
    assert_eq!(
        Fields::parse("a/*/c,a/b/d").unwrap(),
        Fields::parse("a(*(c),b(d))").unwrap()
    );
    let value = json!({"id": 1, "posts": [{"title": "t", "body": "b"}], "name": "n"});
    assert_eq!(
        prune("*,posts(title)", &value),
        json!({"id": 1, "posts": [{"title": "t"}], "name": "n"})
    );
}

#[test]
fn exclusions_subtract_from_what_is_selected() {
    assert_eq!(canonical("-password"), "*,-password");
    assert_eq!(canonical("*,-a,-b"), "*,-a,-b");
    assert_eq!(canonical("*,-a/b"), "*,a(*,-b)");
    assert_eq!(canonical("-a(b,c)"), "*,a(*,-b,-c)");
    assert_eq!(canonical("a,b,-b"), "a");
    assert_eq!(canonical("a(b,c),-a/c"), "a(b)");
    assert_eq!(canonical("a(-b)"), "a(*,-b)");
    assert_eq!(canonical("a,-zzz"), "a");
    assert_eq!(canonical("-*"), "-*");
    assert_eq!(canonical("a(b),-a/b"), "a(-*)");
    assert_eq!(canonical("*,-*/secret"), "*(*,-secret)");

    let value = json!({"id": 1, "password": "x", "a": {"b": 1, "c": 2}});
    assert_eq!(
        prune("-password", &value),
        json!({"id": 1, "a": {"b": 1, "c": 2}})
    );
    assert_eq!(
        prune("*,-a/b", &value),
        json!({"id": 1, "password": "x", "a": {"c": 2}})
    );
    assert_eq!(prune("a(b),-a/b", &value), json!({"a": {}}));
    assert_eq!(prune("-*", &value), json!({}));
}

#[test]
fn canonical_text_parses_back_to_the_same_selection() {
    for text in [
        "a,b(c,-d),*(x)",
        "-a/b/c",
        "`odd name`,`a\\`b`,`\\\\`,``",
        "a(b),-a/b",
        "*,-*",
        "x/*/y,x/z",
        "emailAddress,first-name,$ref,@type,42",
    ] {
        let fields = Fields::parse(text).unwrap();
        let again = Fields::parse(&fields.to_string())
            .unwrap_or_else(|error| panic!("{text:?} -> {fields}: {error}"));
        assert_eq!(again, fields, "{text:?} -> {fields}");
        assert_eq!(again.to_string(), fields.to_string());
    }
}

#[test]
fn quoted_names_take_any_character() {
    let fields = Fields::parse("`a,b`,`c(d)`/e,`x\\`y`").unwrap();
    assert!(fields.get("a,b").is_some_and(Fields::is_all));
    assert!(fields.get("c(d)").unwrap().get("e").is_some());
    assert!(fields.get("x`y").is_some());
    assert!(fields.get("a").is_none());
    assert_eq!(fields.to_string(), "`a,b`,`c(d)`(e),`x\\`y`");
}

#[test]
fn syntax_errors_name_the_offset_and_the_path() {
    let cases = [
        ("", 0, ""),
        ("   ", 0, ""),
        ("a,", 2, "a"),
        ("a,,b", 2, "a"),
        ("posts(title", 5, "posts"),
        ("posts(title,)", 12, "posts"),
        ("a/", 2, "a"),
        ("a)", 1, "a"),
        ("a(b))", 4, "a"),
        ("a b", 2, "a"),
        ("a/-b", 2, "a"),
        ("`open", 0, ""),
        ("`bad\\n`", 4, ""),
        ("a()", 2, "a"),
        ("a(b)c", 4, "a"),
        ("--a", 1, ""),
        ("#", 0, ""),
    ];
    for (text, offset, path) in cases {
        let error = Fields::parse(text).expect_err(text);
        assert_eq!(error.kind(), FieldsErrorKind::Syntax, "{text:?}: {error}");
        assert_eq!(
            (error.offset(), error.path()),
            (offset, path),
            "{text:?}: {error}"
        );
        assert!(error.to_string().contains(&format!("at byte {offset}")));
    }
}

#[test]
fn an_exclusion_lists_what_to_exclude_without_minus() {
    let error = Fields::parse("-a(-b)").unwrap_err();
    assert_eq!(error.offset(), 4);
    assert!(error.message().contains("without `-`"), "{error}");
}

#[test]
fn nesting_is_capped_with_a_clear_error() {
    let deep_path = vec!["a"; MAX_DEPTH].join("/");
    assert!(Fields::parse(&deep_path).is_ok());
    let too_deep = format!("{deep_path}/a");
    let error = Fields::parse(&too_deep).unwrap_err();
    assert_eq!(error.kind(), FieldsErrorKind::TooDeep);
    assert_eq!(error.offset(), too_deep.len() - 1);

    let parens = "a(".repeat(100_000) + &")".repeat(100_000);
    let error = Fields::parse(&parens).unwrap_err();
    assert_eq!(error.kind(), FieldsErrorKind::TooDeep);
    assert!(
        error.to_string().contains("deeper than 32 levels"),
        "{error}"
    );
}

#[test]
fn exclusions_under_a_large_star_cannot_blow_up() {
    // Each `-name/x` copies the `*` selection into `name`: quadratic in the text.
    let star: Vec<String> = (0..200).map(|i| format!("f{i}")).collect();
    let excluded: Vec<String> = (0..100).map(|i| format!("-g{i}/f0")).collect();
    let text = format!("*({}),{}", star.join(","), excluded.join(","));
    let error = Fields::parse(&text).unwrap_err();
    assert_eq!(error.kind(), FieldsErrorKind::TooLarge, "{error}");
    // A tenth of it is fine.
    let text = format!("*({}),{}", star[..20].join(","), excluded[..10].join(","));
    assert!(Fields::parse(&text).is_ok());
}

#[test]
fn prune_keeps_scalars_under_sub_selections() {
    let value = json!({"a": null, "b": 3, "c": [1, {"d": 1, "e": 2}]});
    assert_eq!(
        prune("a/x,b/y,c/d", &value),
        json!({"a": null, "b": 3, "c": [1, {"d": 1}]})
    );
}

/// What the `cargo fuzz` target checks, on stable: random texts over the
/// grammar's alphabet parse or fail inside the text; what parses round-trips.
#[test]
fn random_texts_parse_or_fail_cleanly() {
    const ALPHABET: &[&str] = &[
        "a", "b", "id", "*", ",", "/", ".", "(", ")", "-", "`", "\\", " ", "é", "x-y", "(*)", "-*",
    ];
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    for _ in 0..20_000 {
        let len = next() % 24;
        let text: String = (0..len)
            .map(|_| ALPHABET[usize::try_from(next() % ALPHABET.len() as u64).unwrap()])
            .collect();
        match Fields::parse(&text) {
            Ok(fields) => {
                let canonical = fields.to_string();
                let again = Fields::parse(&canonical)
                    .unwrap_or_else(|error| panic!("{text:?} -> {canonical:?}: {error}"));
                assert_eq!(again, fields, "{text:?} -> {canonical:?}");
            }
            Err(error) => assert!(error.offset() <= text.len(), "{text:?}: {error}"),
        }
    }
}

/// An item as in issue 11's trial: scalars, an object with `title`, one
/// without, an absent one, a list of scalars and an empty list of objects.
fn item(id: u64) -> Value {
    json!({
        "id": id,
        "title": format!("t{id}"),
        "heading": {"title": format!("h{id}"), "level": 1},
        "owner": {"name": format!("o{id}")},
        "reviewer": null,
        "labels": ["a", "b"],
        "notes": [],
        "links": [null, {"title": "l"}]
    })
}

#[test]
fn items_star_title_restricts_every_field_of_each_item() {
    // Scalars, `null` and lists without objects cannot be restricted: left
    // out. Objects keep what fits, an empty object if nothing does.
    assert_eq!(
        prune(
            "items/*/title",
            &json!({"items": [item(1), item(2)], "total": 2})
        ),
        json!({"items": [
            {"heading": {"title": "h1"}, "owner": {}, "links": [null, {"title": "l"}]},
            {"heading": {"title": "h2"}, "owner": {}, "links": [null, {"title": "l"}]}
        ]})
    );
}

#[test]
fn star_name_at_the_top_restricts_each_field() {
    let page = json!({"items": [item(1)], "total": 1, "owner": {"name": "me", "id": 3}});
    assert_eq!(
        prune("*/name", &page),
        json!({"items": [{}], "owner": {"name": "me"}})
    );
    // A name written out beside `*` is kept as it is, scalar or not.
    assert_eq!(
        prune("total,*/name", &page),
        json!({"items": [{}], "total": 1, "owner": {"name": "me"}})
    );
}

#[test]
fn nested_stars_restrict_at_every_level() {
    let page = json!({"items": [item(1)], "total": 1, "owner": {"name": "me"}});
    assert_eq!(
        prune("*/*/name", &page),
        json!({"items": [{"owner": {"name": "o1"}, "heading": {}, "links": [null, {}]}], "owner": {}})
    );
    // `*` restricted to everything is everything.
    assert_eq!(prune("*/*", &page), page);
}

#[test]
fn a_star_that_selects_everything_keeps_scalars() {
    let page = json!({"total": 1, "owner": {"name": "me", "id": 3}, "none": null});
    assert_eq!(
        prune("-*/id", &page),
        json!({"total": 1, "owner": {"name": "me"}, "none": null})
    );
    assert_eq!(prune("*(*,-id)", &page), prune("-*/id", &page));
}
