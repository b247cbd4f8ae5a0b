//! `Fields::parse` on inputs from 1 KiB to 1 MiB, in shapes that were once
//! quadratic (a long name over many items: the enclosing path was joined once
//! per item; a long list: each item copied every item before it). The time per
//! byte should stay flat across sizes; the summary printed last gives, per
//! shape, the slowest size's time per byte over the fastest's, measured side
//! by side in one run. `cargo bench -p unokit-benches --bench fields_parse`.

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;
use std::time::{Duration, Instant};
use unokit::select::Fields;

const SIZES: [usize; 4] = [1 << 10, 16 << 10, 256 << 10, 1 << 20];

/// `"x"*L + "(" + "b,"*k + "b)"`, half name, half items.
fn long_name_items(len: usize) -> String {
    let name = "x".repeat(len / 2);
    format!("{name}({}b)", "b,".repeat((len - name.len() - 3) / 2))
}

/// A path 31 segments deep whose last segment holds many items.
fn deep_path_items(len: usize) -> String {
    let path = vec!["segment"; 31].join("/");
    format!("{path}({}b)", "b,".repeat((len - path.len() - 3) / 2))
}

/// A flat list going round 1 000 distinct names, with a sub-selection each.
fn names_cycle(len: usize) -> String {
    let mut text = String::with_capacity(len + 16);
    let mut i = 0;
    while text.len() < len {
        if i > 0 {
            text.push(',');
        }
        text.push_str(&format!("n{}(a,b)", i % 1000));
        i += 1;
    }
    text
}

/// `*`, the same names, and one exclusion under the `*` at the end.
fn star_and_exclusion(len: usize) -> String {
    format!("*,{},-*/x/y", names_cycle(len - 9))
}

/// A long text whose last byte is a syntax error (`,)` after many items).
fn syntax_error_at_end(len: usize) -> String {
    let name = "x".repeat(len / 2);
    format!("{name}({},)", "b,".repeat((len - name.len() - 3) / 2))
}

type Shape = (&'static str, fn(usize) -> String);

const SHAPES: [Shape; 5] = [
    ("long_name_items", long_name_items),
    ("deep_path_items", deep_path_items),
    ("names_cycle", names_cycle),
    ("star_and_exclusion", star_and_exclusion),
    ("syntax_error_at_end", syntax_error_at_end),
];

fn parse(text: &str) -> bool {
    Fields::parse(black_box(text)).is_ok()
}

fn bench(c: &mut Criterion) {
    for (name, shape) in SHAPES {
        let mut group = c.benchmark_group(format!("fields_parse/{name}"));
        for size in SIZES {
            let text = shape(size);
            // Each shape parses, or (the last) fails, at every size.
            assert_eq!(
                parse(&text),
                name != "syntax_error_at_end",
                "{name} at {size} B"
            );
            group.throughput(Throughput::Bytes(text.len() as u64));
            group.bench_with_input(BenchmarkId::from_parameter(size), &text, |b, text| {
                b.iter(|| parse(text));
            });
        }
        group.finish();
    }
    summary();
}

/// Nanoseconds per byte: the best of several runs, each long enough to time.
fn per_byte(text: &str) -> f64 {
    let runs = (4 << 20) / text.len().max(1) + 1;
    let mut best = f64::INFINITY;
    for _ in 0..5 {
        let start = Instant::now();
        for _ in 0..runs {
            parse(text);
        }
        let elapsed = start.elapsed().as_secs_f64() * 1e9;
        best = best.min(elapsed / (runs * text.len()) as f64);
    }
    best
}

fn summary() {
    println!(
        "\nfields_parse: ns per byte at 1 KiB / 16 KiB / 256 KiB / 1 MiB; slowest over fastest"
    );
    for (name, shape) in SHAPES {
        let times: Vec<f64> = SIZES.iter().map(|&size| per_byte(&shape(size))).collect();
        let (min, max) = times.iter().fold((f64::INFINITY, 0_f64), |(lo, hi), &t| {
            (lo.min(t), hi.max(t))
        });
        let cells: Vec<String> = times.iter().map(|t| format!("{t:.2}")).collect();
        println!("  {name:<20} {}  ratio {:.2}", cells.join(" / "), max / min);
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default().warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(3));
    targets = bench
}
criterion_main!(benches);
