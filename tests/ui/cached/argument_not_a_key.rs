use unokit::cached;

#[derive(Clone, PartialEq)]
struct Filter {
    min: u32,
}

#[cached]
fn count(filter: &Filter, limit: u32) -> usize {
    (filter.min..limit).count()
}

fn main() {
    let _ = count(&Filter { min: 1 }, 10);
}
