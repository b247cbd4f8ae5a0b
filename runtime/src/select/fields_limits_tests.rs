//! The parser's bounds: [`MAX_NODES`] counts the nodes of the normal form (a
//! long list of names parses; exclusions multiplied under `*` do not), and the
//! canonical text of whatever parses parses back to the same selection.

use super::{Fields, FieldsErrorKind, MAX_DEPTH, MAX_NODES};

fn names(prefix: &str, count: usize) -> Vec<String> {
    (0..count).map(|i| format!("{prefix}{i}")).collect()
}

/// Parses `text`; if it parses, its canonical text must parse back to the same
/// selection and print the same text. Returns whether it parsed.
fn round_trips(text: &str) -> bool {
    let Ok(fields) = Fields::parse(text) else {
        return false;
    };
    let canonical = fields.to_string();
    let again = Fields::parse(&canonical).unwrap_or_else(|error| {
        panic!(
            "{} B text -> {} B canonical text does not parse: {error}",
            text.len(),
            canonical.len()
        )
    });
    assert_eq!(again, fields, "{text:?} -> {canonical:?}");
    assert_eq!(again.to_string(), canonical);
    true
}

#[test]
fn a_flat_list_of_a_thousand_names_parses() {
    let flat = names("n", 1000);
    let fields = Fields::parse(&flat.join(",")).unwrap();
    assert!(flat.iter().all(|name| fields.get(name).is_some()));
    assert!(fields.get("n1000").is_none());

    // Two children each: three nodes per item.
    let pairs: Vec<String> = names("f", 1000)
        .into_iter()
        .map(|name| format!("{name}(x,y)"))
        .collect();
    let fields = Fields::parse(&pairs.join(",")).unwrap();
    assert!(fields.get("f999").unwrap().get("y").is_some());
}

#[test]
fn max_nodes_counts_the_nodes_of_the_normal_form() {
    let at_limit = names("n", MAX_NODES);
    assert!(Fields::parse(&at_limit.join(",")).is_ok());
    let past = names("n", MAX_NODES + 1);
    let error = Fields::parse(&past.join(",")).unwrap_err();
    assert_eq!(error.kind(), FieldsErrorKind::TooLarge, "{error}");
    assert!(error.message().contains("more than 10000 nodes"), "{error}");

    // Repeating a name adds nothing.
    let repeated = vec!["same(a,b)"; 5 * MAX_NODES].join(",");
    assert_eq!(Fields::parse(&repeated).unwrap().to_string(), "same(a,b)");
}

#[test]
fn exclusions_multiplied_under_a_star_are_still_refused() {
    // `-*/x/…/x` puts the path under each of the 200 names: 200 × 31 × 2 nodes.
    let deep = vec!["x"; MAX_DEPTH - 1].join("/");
    let text = format!("*,{},-*/{deep}", names("n", 200).join(","));
    let error = Fields::parse(&text).unwrap_err();
    assert_eq!(error.kind(), FieldsErrorKind::TooLarge, "{error}");
    // Walking many names again and again, each time creating nothing.
    let walks = vec!["-*/x"; 400].join(",");
    let text = format!("*,{},{walks}", names("n", 200).join(","));
    let error = Fields::parse(&text).unwrap_err();
    assert_eq!(error.kind(), FieldsErrorKind::TooLarge, "{error}");
    // A tenth of each is fine.
    let text = format!("*,{},-*/x/x/x", names("n", 20).join(","));
    assert!(round_trips(&text));
}

#[test]
fn the_fuzzers_round_trip_input_parses_back() {
    // Found by the cargo-fuzz target: 76 bytes whose 1 742-byte canonical text
    // was refused as too large when the budget charged every copy a union made.
    let text = "*,a,b,c,d,e,f,g,h,i,j,k,l,m,n,o,p,q,r,s,t,-*/x/x/x/x/x/x/x/x/x/x/x/x/x/x/x/x";
    assert_eq!(text.len(), 76);
    assert!(round_trips(text));
    let canonical = Fields::parse(text).unwrap().to_string();
    assert_eq!(canonical.len(), 1_742);
}

#[test]
fn canonical_texts_parse_back_up_to_the_limit() {
    // Exclusions under a `*` beside more and more names, at several depths:
    // whatever parses, however close to the limit, must parse back.
    let mut parsed = 0;
    for count in [1, 10, 50, 100, 150, 200, 300, 500] {
        for depth in [1, 2, 5, 16, 31] {
            let path = vec!["x"; depth].join("/");
            for text in [
                format!("*,{},-*/{path}", names("n", count).join(",")),
                format!("*({}),-*/{path}", names("n", count).join(",")),
                format!("*,{},-{path}(a,b)", names("n", count).join(",")),
                format!("*(*,-q),{},-*/{path}", names("n", count).join(",")),
            ] {
                parsed += usize::from(round_trips(&text));
            }
        }
    }
    // Both sides of the limit were reached.
    assert!(parsed > 40 && parsed < 160, "{parsed}");
}

#[test]
fn a_long_name_over_many_items_parses() {
    // `"x"*L + "(" + "b,"*k + "b)"`: once quadratic (the enclosing path was
    // joined for every item). The time is measured by the `fields_parse` bench.
    let text = format!("{}({}b)", "x".repeat(500_000), "b,".repeat(250_000));
    let fields = Fields::parse(&text).unwrap();
    assert_eq!(fields.to_string(), format!("{}(b)", "x".repeat(500_000)));
}
