//! Paths below `*` through the facade: `a/*/b` restricts every field of `a`
//! to `b`; leaves, `None` and lists without objects are left out; strict mode
//! refuses a restriction that fits no field. Each case is checked against the
//! reference, `prune_json` on the full value.

use serde::Serialize;
use serde_json::{Value, json};
use unokit::partial_response;
use unokit::select::{Fields, FieldsErrorKind, Selectable, Selection};

/// The shapes of issue 11's trial: a page of items, each with scalars, a
/// nested object, an optional one and lists.
#[partial_response]
#[derive(Serialize)]
struct Feed {
    items: Vec<Item>,
    total: u32,
}

#[partial_response]
#[derive(Serialize)]
struct Item {
    id: u64,
    title: String,
    owner: Owner,
    reviewer: Option<Owner>,
    heading: Heading,
    labels: Vec<String>,
}

#[partial_response]
#[derive(Serialize)]
struct Owner {
    name: String,
}

#[partial_response]
#[derive(Serialize)]
struct Heading {
    title: String,
    level: u8,
}

fn feed() -> Feed {
    let item = |id: u64, reviewer: Option<&str>| Item {
        id,
        title: format!("t{id}"),
        owner: Owner {
            name: format!("o{id}"),
        },
        reviewer: reviewer.map(|name| Owner { name: name.into() }),
        heading: Heading {
            title: format!("h{id}"),
            level: 1,
        },
        labels: vec!["l".into()],
    };
    Feed {
        items: vec![item(1, Some("r")), item(2, None)],
        total: 2,
    }
}

/// Typed serialization under strict and lenient compilation, checked against
/// the reference (`prune_json` on the full value).
fn selected_both_ways(feed: &Feed, text: &str) -> Value {
    let fields = Fields::parse(text).unwrap();
    let expected = fields.prune_json(serde_json::to_value(feed).unwrap());
    let lenient = serde_json::to_value(feed.select(&fields.compile_lenient())).unwrap();
    assert_eq!(lenient, expected, "lenient, {text}");
    if let Ok(strict) = fields.compile::<Feed>() {
        assert_eq!(
            serde_json::to_value(feed.select(&strict)).unwrap(),
            expected,
            "{text}"
        );
    }
    expected
}

#[test]
fn items_star_title_keeps_title_inside_each_field_of_each_item() {
    // Scalars (`id`, `title`, `labels`) cannot be restricted and are left out;
    // `heading` keeps its `title`; `owner` has none and is an empty object; the
    // absent `reviewer` is left out, the present one restricted to nothing.
    assert_eq!(
        selected_both_ways(&feed(), "items/*/title"),
        json!({"items": [
            {"owner": {}, "reviewer": {}, "heading": {"title": "h1"}},
            {"owner": {}, "heading": {"title": "h2"}}
        ]})
    );
    assert!(Selection::<Feed>::parse("items/*/title").is_ok());
}

#[test]
fn star_name_restricts_every_field_of_each_level() {
    // `*/name` on the page: `total` is a scalar; each item keeps no field.
    assert_eq!(
        selected_both_ways(&feed(), "*/name"),
        json!({"items": [{}, {}]})
    );
    // `items/*/name`: the owners and the reviewer that is there.
    assert_eq!(
        selected_both_ways(&feed(), "items/*/name"),
        json!({"items": [
            {"owner": {"name": "o1"}, "reviewer": {"name": "r"}, "heading": {}},
            {"owner": {"name": "o2"}, "heading": {}}
        ]})
    );
    // A name written out beside `*` takes its own selection.
    assert_eq!(
        selected_both_ways(&feed(), "items(id,*/name)"),
        json!({"items": [
            {"id": 1, "owner": {"name": "o1"}, "reviewer": {"name": "r"}, "heading": {}},
            {"id": 2, "owner": {"name": "o2"}, "heading": {}}
        ]})
    );
}

#[test]
fn nested_stars_restrict_at_each_level() {
    assert_eq!(
        selected_both_ways(&feed(), "*/*/name"),
        json!({"items": [
            {"owner": {"name": "o1"}, "reviewer": {"name": "r"}, "heading": {}},
            {"owner": {"name": "o2"}, "heading": {}}
        ]})
    );
    // `*` restricted to everything is everything: `*/*` is `*` (its normal
    // form), and scalars stay.
    assert_eq!(Fields::parse("*/*/*").unwrap(), Fields::all());
    assert_eq!(
        selected_both_ways(&feed(), "*/*/*"),
        serde_json::to_value(feed()).unwrap()
    );
    // Two levels down from an item the names are strings: restricted away,
    // leaving the objects on the way (and strict mode refuses it).
    assert_eq!(
        selected_both_ways(&feed(), "items/*/*/name"),
        json!({"items": [
            {"owner": {}, "reviewer": {}, "heading": {}},
            {"owner": {}, "heading": {}}
        ]})
    );
    assert!(Selection::<Feed>::parse("items/*/*/name").is_err());
}

#[test]
fn strict_mode_refuses_a_star_restriction_that_fits_no_field() {
    // Some fields of an item have `title` (`heading`): not an error.
    assert!(Selection::<Feed>::parse("items/*/title").is_ok());
    assert!(Selection::<Feed>::parse("*/*/name").is_ok());
    // No field of the page (`items` holds `Item`s, `total` is a number) has a
    // `name`: a typo, refused with the path of the `*`.
    let error = Selection::<Feed>::parse("*/name").unwrap_err();
    assert_eq!(error.kind(), FieldsErrorKind::UnknownField);
    assert_eq!((error.offset(), error.path()), (0, "*"));
    let error = Selection::<Feed>::parse("items/*/zzz").unwrap_err();
    assert_eq!((error.offset(), error.path()), (6, "items/*"));
    assert!(
        error
            .message()
            .contains("no field under `items/*` has `zzz`"),
        "{error}"
    );
    // A field named beside the `*` is not one the `*` covers.
    assert!(Selection::<Feed>::parse("items(heading,*/title)").is_err());
    // A `*` that selects everything fits anything.
    assert!(Selection::<Feed>::parse("items(*,-*/zzz)").is_ok());
    // Lenient compilation refuses nothing.
    let lenient = Fields::parse("*/name").unwrap().compile_lenient::<Feed>();
    assert_eq!(
        serde_json::to_value(feed().select(&lenient)).unwrap(),
        json!({"items": [{}, {}]})
    );
}
