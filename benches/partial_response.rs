//! `#[partial_response]` on a list of 1 000 objects of 20 fields (strings,
//! numbers, a nested object), side by side in one run:
//!
//! - 3 of 20 fields (`id,name,nested/a`): unokit; a hand-written borrowed view
//!   struct with only those fields (the reference); the full objects; and the
//!   usual approach, `serde_json::to_value` + prune + `to_vec`;
//! - every field (`*`): unokit and a plain `#[derive(Serialize)]`.
//!
//! Each writes JSON into a reused buffer. At the end it prints each contender's
//! median time per list and its ratio to the reference.
//! `cargo bench -p unokit-benches --bench partial_response`.

use criterion::{Criterion, criterion_group};
use serde::Serialize;
use std::hint::black_box;
use std::time::Duration;
use unokit::partial_response;
use unokit::select::{Fields, Selectable, Selection};
use unokit_benches::{measure, median, print_ratios};

#[partial_response]
#[derive(Serialize, Clone)]
struct Item {
    id: u64,
    name: String,
    email: String,
    age: u32,
    score: f64,
    active: bool,
    city: String,
    country: String,
    zip: String,
    phone: String,
    company: String,
    title: String,
    bio: String,
    created: u64,
    updated: u64,
    visits: u32,
    rating: f32,
    tags: Vec<String>,
    website: String,
    nested: Nested,
}

#[partial_response]
#[derive(Serialize, Clone)]
struct Nested {
    a: String,
    b: u64,
    c: String,
}

/// The reference: what one writes by hand for `id,name,nested/a`.
#[derive(Serialize)]
struct View<'a> {
    id: u64,
    name: &'a str,
    nested: NestedView<'a>,
}

#[derive(Serialize)]
struct NestedView<'a> {
    a: &'a str,
}

fn items() -> Vec<Item> {
    (0..1000_u64)
        .map(|i| Item {
            id: i,
            name: format!("User Number {i}"),
            email: format!("user{i}@example.com"),
            age: 20 + u32::try_from(i % 50).unwrap(),
            score: 0.5 + f64::from(u32::try_from(i).unwrap()),
            active: i % 2 == 0,
            city: "Springfield".into(),
            country: "Freedonia".into(),
            zip: format!("{:05}", i * 7),
            phone: format!("+1-555-{i:04}"),
            company: "Acme Widgets Incorporated".into(),
            title: "Senior Widget Engineer".into(),
            bio: "Likes long walks through well-indexed tables and short query plans.".into(),
            created: 1_700_000_000 + i,
            updated: 1_700_100_000 + i,
            visits: u32::try_from(i * 3).unwrap(),
            rating: 4.5,
            tags: vec!["alpha".into(), "beta".into()],
            website: format!("https://example.com/users/{i}"),
            nested: Nested {
                a: format!("nested {i}"),
                b: i * 11,
                c: "more nested text".into(),
            },
        })
        .collect()
}

fn three_of_twenty(c: &mut Criterion) {
    let items = items();
    let text = "id,name,nested/a";
    let selection: Selection<Item> = Fields::parse(text).unwrap().compile().unwrap();
    let mut buffer = Vec::with_capacity(1 << 20);

    // The outputs are equal, so the comparison is fair.
    let views: Vec<View<'_>> = items.iter().map(view).collect();
    assert_eq!(
        serde_json::to_vec(&views).unwrap(),
        serde_json::to_vec(&items.select(&selection)).unwrap()
    );

    measure(c, "3 of 20 fields", "hand-written view", || {
        buffer.clear();
        let views: Vec<View<'_>> = items.iter().map(view).collect();
        serde_json::to_writer(&mut buffer, black_box(&views)).unwrap();
    });
    measure(c, "3 of 20 fields", "unokit select", || {
        buffer.clear();
        serde_json::to_writer(&mut buffer, &black_box(&items).select(&selection)).unwrap();
    });
    measure(c, "3 of 20 fields", "full objects", || {
        buffer.clear();
        serde_json::to_writer(&mut buffer, black_box(&items)).unwrap();
    });
    let fields = Fields::parse(text).unwrap();
    measure(c, "3 of 20 fields", "to_value + prune", || {
        buffer.clear();
        let value = serde_json::to_value(black_box(&items)).unwrap();
        serde_json::to_writer(&mut buffer, &fields.prune_json(value)).unwrap();
    });
}

fn view(item: &Item) -> View<'_> {
    View {
        id: item.id,
        name: &item.name,
        nested: NestedView { a: &item.nested.a },
    }
}

fn every_field(c: &mut Criterion) {
    let items = items();
    let all: Selection<Item> = Fields::parse("*").unwrap().compile().unwrap();
    let mut buffer = Vec::with_capacity(1 << 20);
    measure(c, "all fields", "derive(Serialize)", || {
        buffer.clear();
        serde_json::to_writer(&mut buffer, black_box(&items)).unwrap();
    });
    measure(c, "all fields", "unokit select *", || {
        buffer.clear();
        serde_json::to_writer(&mut buffer, &black_box(&items).select(&all)).unwrap();
    });
}

fn report() {
    print_ratios(
        "median per list of 1 000 objects (ratio to the reference):",
        &[
            ("3 of 20", "hand-written view", "hand-written view"),
            ("3 of 20", "unokit select", "hand-written view"),
            ("3 of 20", "full objects", "hand-written view"),
            ("3 of 20", "to_value + prune", "hand-written view"),
            ("all", "derive(Serialize)", "derive(Serialize)"),
            ("all", "unokit select *", "derive(Serialize)"),
        ],
    );
    let prune = median("to_value + prune").as_secs_f64();
    let ours = median("unokit select").as_secs_f64();
    println!(
        "  unokit is {:.1}x faster than to_value + prune",
        prune / ours
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
