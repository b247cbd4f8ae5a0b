//! The reference semantics, checked on random values and random selections:
//! serializing under a compiled selection gives exactly what serializing the
//! whole value to `serde_json::Value` and pruning it by the same selection
//! gives, including under a `*` followed by a path (`*/a`, `children/*/*/x`),
//! where leaves, `null` and lists without objects are left out by both, and
//! objects, lists of options and lists of lists are restricted alike.
//! Also: strict compilation, when it succeeds, agrees; the canonical
//! text parses back to the same selection; MessagePack (which writes map
//! lengths first) decodes to the same output.

use proptest::prelude::*;
use serde::Serialize;
use serde_json::Value;
use std::collections::BTreeMap;
use unokit::partial_response;
use unokit::select::{Fields, Selectable};

#[partial_response]
#[derive(Serialize, Debug, Clone)]
#[serde(rename_all = "camelCase")]
struct Doc {
    id: u32,
    title_text: String,
    #[serde(rename = "n")]
    count: Option<i64>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tags: Vec<String>,
    children: Vec<Child>,
    meta: BTreeMap<String, Child>,
    extra: Option<Box<Child>>,
    blob: Value,
    maybe: Vec<Option<Grand>>,
    nested: Vec<Vec<Grand>>,
}

#[partial_response]
#[derive(Serialize, Debug, Clone)]
struct Child {
    a: u8,
    #[serde(skip_serializing_if = "Option::is_none")]
    b: Option<String>,
    grand: Vec<Grand>,
}

#[partial_response]
#[derive(Serialize, Debug, Clone)]
struct Grand {
    x: bool,
    y: String,
}

/// Names from the types, map keys, and names nothing has.
const NAMES: &[&str] = &[
    "id",
    "titleText",
    "n",
    "tags",
    "children",
    "meta",
    "extra",
    "blob",
    "maybe",
    "nested",
    "a",
    "b",
    "grand",
    "x",
    "y",
    "k1",
    "k2",
    "zzz",
    "*",
    "*",
    "`a`",
    "title_text",
];

fn grand() -> impl Strategy<Value = Grand> {
    (any::<bool>(), "[a-z]{0,3}").prop_map(|(x, y)| Grand { x, y })
}

fn child() -> impl Strategy<Value = Child> {
    (
        any::<u8>(),
        proptest::option::of("[a-z]{0,3}"),
        proptest::collection::vec(grand(), 0..3),
    )
        .prop_map(|(a, b, grand)| Child { a, b, grand })
}

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i32>().prop_map(Value::from),
        "[a-z]{0,3}".prop_map(Value::from),
    ];
    leaf.prop_recursive(3, 16, 4, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..3).prop_map(Value::Array),
            proptest::collection::btree_map(
                prop_oneof![
                    Just("a".to_owned()),
                    Just("x".to_owned()),
                    Just("k1".to_owned())
                ],
                inner,
                0..3
            )
            .prop_map(|map| Value::Object(map.into_iter().collect())),
        ]
    })
}

fn doc() -> impl Strategy<Value = Doc> {
    (
        any::<u32>(),
        "[a-z ]{0,5}",
        proptest::option::of(any::<i64>()),
        proptest::collection::vec("[a-z]{1,3}", 0..3),
        proptest::collection::vec(child(), 0..3),
        proptest::collection::btree_map(
            prop_oneof![
                Just("k1".to_owned()),
                Just("k2".to_owned()),
                Just("k3".to_owned())
            ],
            child(),
            0..3,
        ),
        proptest::option::of(child().prop_map(Box::new)),
        json_value(),
        proptest::collection::vec(proptest::option::of(grand()), 0..3),
        proptest::collection::vec(proptest::collection::vec(grand(), 0..2), 0..3),
    )
        .prop_map(
            |(id, title_text, count, tags, children, meta, extra, blob, maybe, nested)| Doc {
                id,
                title_text,
                count,
                tags,
                children,
                meta,
                extra,
                blob,
                maybe,
                nested,
            },
        )
}

/// Texts where a `*` is followed by a path or a sub-selection, at any depth:
/// `*/a`, `children/*/x`, `*/*/b,id`, `meta/*(grand/*/y)`.
fn star_text() -> impl Strategy<Value = String> {
    let name = proptest::sample::select(NAMES).prop_map(str::to_owned);
    let prefix = proptest::collection::vec(name.clone(), 0..2);
    let rest = proptest::collection::vec(name, 1..3);
    let below = prop_oneof![
        rest.prop_map(|rest| format!("/{}", rest.join("/"))),
        selection_text().prop_map(|sub| format!("({sub})")),
    ];
    let item = (prefix, proptest::bool::weighted(0.3), below).prop_map(|(prefix, twice, below)| {
        let stars = if twice { "*/*" } else { "*" };
        prefix
            .iter()
            .map(|name| format!("{name}/"))
            .chain([format!("{stars}{below}")])
            .collect::<String>()
    });
    (
        proptest::collection::vec(item, 1..3),
        proptest::option::weighted(0.3, selection_text()),
    )
        .prop_map(|(items, extra)| items.into_iter().chain(extra).collect::<Vec<_>>().join(","))
}

/// Random selection texts that follow the grammar.
fn selection_text() -> impl Strategy<Value = String> {
    let segment = proptest::sample::select(NAMES).prop_map(str::to_owned);
    let path = (
        proptest::collection::vec(segment, 1..3),
        proptest::sample::select(&["/", "."][..]),
    )
        .prop_map(|(segments, separator)| segments.join(separator));
    let item = (any::<bool>(), proptest::bool::weighted(0.2), path.clone())
        .prop_map(|(_, negated, path)| if negated { format!("-{path}") } else { path });
    let mask = proptest::collection::vec(item, 1..4).prop_map(|items| items.join(","));
    mask.prop_recursive(3, 24, 4, move |inner| {
        proptest::collection::vec(
            (
                proptest::bool::weighted(0.15),
                path.clone(),
                proptest::option::weighted(0.5, inner),
            )
                .prop_map(|(negated, path, sub)| {
                    let minus = if negated { "-" } else { "" };
                    match sub {
                        Some(sub) => format!("{minus}{path}({sub})"),
                        None => format!("{minus}{path}"),
                    }
                }),
            1..4,
        )
        .prop_map(|items| items.join(","))
    })
}

/// 400 cases from a fixed seed, so that CI is reproducible; `PROPTEST_CASES` and
/// `PROPTEST_RNG_SEED` explore further by hand.
fn config() -> ProptestConfig {
    let from_env = ProptestConfig::default();
    let set = |name: &str| std::env::var_os(name).is_some();
    ProptestConfig {
        cases: if set("PROPTEST_CASES") {
            from_env.cases
        } else {
            400
        },
        rng_seed: if set("PROPTEST_RNG_SEED") {
            from_env.rng_seed
        } else {
            proptest::test_runner::RngSeed::Fixed(0x756e_6f6b_6974)
        },
        ..from_env
    }
}

fn to_json<T: Serialize>(value: &T) -> Value {
    serde_json::from_str(&serde_json::to_string(value).unwrap()).unwrap()
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn selected_serialization_equals_pruning_the_full_value(doc in doc(), text in selection_text()) {
        check_against_reference(&doc, &text)?;
    }

    #[test]
    fn paths_below_a_star_equal_pruning_the_full_value(doc in doc(), text in star_text()) {
        check_against_reference(&doc, &text)?;
    }

    #[test]
    fn equal_selections_print_the_same_text(text in selection_text()) {
        let Ok(fields) = Fields::parse(&text) else { return Ok(()); };
        // Reordering the top-level items changes neither the value nor the text.
        let mut items: Vec<&str> = split_top_level(&text);
        items.reverse();
        let reordered = Fields::parse(&items.join(",")).unwrap();
        prop_assert_eq!(&reordered, &fields);
        prop_assert_eq!(reordered.to_string(), fields.to_string());
    }
}

/// Typed serialization (lenient, strict when it compiles, and MessagePack)
/// equals `prune_json` on the full value; the canonical text parses back.
fn check_against_reference(doc: &Doc, text: &str) -> Result<(), TestCaseError> {
    // Generated texts can still be refused (a `-` inside an exclusion's
    // parentheses); those are checked by the parser's unit tests.
    let Ok(fields) = Fields::parse(text) else {
        return Ok(());
    };
    let reference = fields.prune_json(serde_json::to_value(doc).unwrap());

    let lenient = fields.compile_lenient::<Doc>();
    prop_assert_eq!(
        &to_json(&doc.select(&lenient)),
        &reference,
        "lenient, {}",
        text
    );

    if let Ok(strict) = fields.compile::<Doc>() {
        prop_assert_eq!(
            &to_json(&doc.select(&strict)),
            &reference,
            "strict, {}",
            text
        );
    }

    let bytes = rmp_serde::to_vec_named(&doc.select(&lenient)).unwrap();
    let decoded: Value = rmp_serde::from_slice(&bytes).unwrap();
    prop_assert_eq!(&decoded, &reference, "MessagePack, {}", text);

    let canonical = fields.to_string();
    let again = Fields::parse(&canonical).unwrap();
    prop_assert_eq!(&again, &fields, "{} -> {}", text, canonical);
    prop_assert_eq!(again.to_string(), canonical);
    Ok(())
}

/// Texts that grow large: many names beside a `*`, with exclusions that put a
/// deep path under each of them, mixed with a random selection. Near
/// [`unokit::select::MAX_NODES`] some parse and some are refused.
fn large_text() -> impl Strategy<Value = String> {
    (
        0..400_usize,
        1..32_usize,
        proptest::sample::select(&["*,", "*(", "", "*(*,-q),"][..]),
        proptest::sample::select(&["-*/", "-", "-n0/"][..]),
        proptest::option::of(selection_text()),
    )
        .prop_map(|(count, depth, star, exclusion, extra)| {
            let names: Vec<String> = (0..count).map(|i| format!("n{i}")).collect();
            let names = names.join(",");
            let names = if star == "*(" {
                format!("*({})", if names.is_empty() { "x" } else { &names })
            } else {
                format!("{star}{names}")
            };
            let path = vec!["x"; depth].join("/");
            let extra = extra.map_or_else(String::new, |extra| format!(",{extra}"));
            format!("{names},{exclusion}{path}{extra}")
        })
}

/// The canonical text of what parses parses back to the same selection; what
/// does not parse is refused with an error inside the text.
fn check_round_trip(text: &str) -> Result<(), TestCaseError> {
    match Fields::parse(text) {
        Ok(fields) => {
            let canonical = fields.to_string();
            let again = Fields::parse(&canonical);
            prop_assert!(again.is_ok(), "{} -> {}: {:?}", text, canonical, again);
            let again = again.unwrap();
            prop_assert_eq!(&again, &fields, "{} -> {}", text, canonical);
            prop_assert_eq!(again.to_string(), canonical);
        }
        Err(error) => prop_assert!(error.offset() <= text.len(), "{}: {}", text, error),
    }
    Ok(())
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn canonical_text_parses_back_near_the_limit(text in large_text()) {
        check_round_trip(&text)?;
    }

    #[test]
    fn canonical_text_parses_back(text in selection_text()) {
        check_round_trip(&text)?;
    }
}

/// Inputs the cargo-fuzz target once failed on (`fuzz/regressions/`), checked
/// on stable as the fuzz target checks them.
#[test]
fn fuzz_regressions_round_trip() {
    let dir =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/regressions/fields_parser");
    let mut count = 0;
    for file in std::fs::read_dir(&dir).unwrap() {
        let bytes = std::fs::read(file.unwrap().path()).unwrap();
        let Ok(text) = std::str::from_utf8(&bytes) else {
            continue;
        };
        check_round_trip(text).unwrap();
        count += 1;
    }
    assert!(count > 0, "no regression inputs in {}", dir.display());
}

/// The top-level items of a text (commas outside parentheses and backticks).
fn split_top_level(text: &str) -> Vec<&str> {
    let (mut depth, mut quoted, mut start) = (0_usize, false, 0);
    let mut items = Vec::new();
    for (at, c) in text.char_indices() {
        match c {
            '`' => quoted = !quoted,
            '(' if !quoted => depth += 1,
            ')' if !quoted => depth -= 1,
            ',' if !quoted && depth == 0 => {
                items.push(&text[start..at]);
                start = at + 1;
            }
            _ => {}
        }
    }
    items.push(&text[start..]);
    items
}
