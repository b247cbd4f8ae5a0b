//! Response validation on a list of 1 000 objects of 20 fields, every field
//! with a garde rule (lengths, ranges, `ascii`, `contains`), side by side:
//!
//! - 3 of 20 fields (`id,name,email`): a hand-written check of those three
//!   (the reference); unokit's `validate` under the selection; garde's
//!   whole-object `validate()`, which checks all 20 whatever is sent;
//! - every field (`*`): unokit's `validate` and garde's `validate()`.
//!
//! Every value is valid, so each contender runs every rule it has. At the end
//! it prints each contender's median time per list and its ratio to the
//! reference. `cargo bench -p unokit-benches --bench validate`.

use criterion::{Criterion, criterion_group};
use garde::Validate;
use serde::Serialize;
use std::hint::black_box;
use std::time::Duration;
use unokit::partial_response;
use unokit::select::{Selection, validate};
use unokit_benches::{measure, median, print_ratios};

#[partial_response]
#[derive(Serialize, Validate, Clone)]
struct Item {
    #[garde(range(min = 1))]
    id: u64,
    #[garde(length(min = 1, max = 64))]
    name: String,
    #[garde(contains("@"), length(max = 254))]
    email: String,
    #[garde(range(min = 13, max = 150))]
    age: u32,
    #[garde(range(min = 0.0, max = 100.0))]
    score: f64,
    #[garde(skip)]
    active: bool,
    #[garde(length(min = 1, max = 64))]
    city: String,
    #[garde(length(equal = 2), ascii)]
    country: String,
    #[garde(length(max = 10), ascii)]
    zip: String,
    #[garde(prefix("+"))]
    phone: String,
    #[garde(length(max = 128))]
    company: String,
    #[garde(length(max = 128))]
    title: String,
    #[garde(length(chars, max = 1000))]
    bio: String,
    #[garde(range(min = 1))]
    created: u64,
    #[garde(range(min = 1))]
    updated: u64,
    #[garde(range(max = 1_000_000))]
    visits: u32,
    #[garde(range(min = 0.0, max = 5.0))]
    rating: f32,
    #[garde(length(max = 16))]
    tags: Vec<String>,
    #[garde(prefix("https://"))]
    website: String,
    #[garde(length(max = 64))]
    nickname: String,
}

fn items() -> Vec<Item> {
    (1..=1000u64)
        .map(|i| Item {
            id: i,
            name: format!("user {i}"),
            email: format!("user{i}@example.com"),
            age: 30,
            score: 50.5,
            active: i % 2 == 0,
            city: "Lisbon".into(),
            country: "PT".into(),
            zip: "1000-001".into(),
            phone: "+351000000".into(),
            company: "Example".into(),
            title: "Engineer".into(),
            bio: "Writes code and reads papers; likes long walks.".into(),
            created: 1_700_000_000,
            updated: 1_700_000_100,
            visits: 42,
            rating: 4.5,
            tags: vec!["a".into(), "b".into()],
            website: format!("https://example.com/{i}"),
            nickname: "u".into(),
        })
        .collect()
}

/// The reference: what one writes by hand for `id,name,email`.
fn hand_written(items: &[Item]) -> bool {
    items.iter().all(|item| {
        item.id >= 1
            && (1..=64).contains(&item.name.len())
            && item.email.contains('@')
            && item.email.len() <= 254
    })
}

fn three_of_twenty(c: &mut Criterion) {
    let items = items();
    let selection = Selection::<Item>::parse("id,name,email").unwrap();
    // Every contender accepts the list, so each runs all of its rules.
    assert!(hand_written(&items));
    assert!(validate(&items, &selection).is_ok());
    assert!(items.validate().is_ok());

    measure(c, "validate 3 of 20", "hand-written 3", || {
        assert!(hand_written(black_box(&items)));
    });
    measure(c, "validate 3 of 20", "unokit 3 selected", || {
        assert!(validate(black_box(&items), &selection).is_ok());
    });
    measure(c, "validate 3 of 20", "garde validate()", || {
        assert!(black_box(&items).validate().is_ok());
    });
}

fn every_field(c: &mut Criterion) {
    let items = items();
    let all = Selection::<Item>::parse("*").unwrap();
    measure(c, "validate all 20", "unokit *", || {
        assert!(validate(black_box(&items), &all).is_ok());
    });
}

fn report() {
    print_ratios(
        "median per list of 1 000 objects (ratio to the reference):",
        &[
            ("3 of 20", "hand-written 3", "hand-written 3"),
            ("3 of 20", "unokit 3 selected", "hand-written 3"),
            ("3 of 20", "garde validate()", "hand-written 3"),
            ("all 20", "unokit *", "garde validate()"),
        ],
    );
    let garde = median("garde validate()").as_secs_f64();
    let ours = median("unokit 3 selected").as_secs_f64();
    println!(
        "  checking 3 selected fields is {:.1}x faster than garde's whole-object validate()",
        garde / ours
    );
}

criterion_group! {
    name = benches;
    config = Criterion::default().warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(3));
    targets = three_of_twenty, every_field
}

fn main() {
    benches();
    Criterion::default().configure_from_args().final_summary();
    report();
}
