use unokit::cached;

#[derive(Clone)]
struct Report {
    lines: Vec<String>,
}

#[cached(max_bytes = 1_000_000)]
fn report(id: u64) -> Report {
    Report {
        lines: vec![id.to_string()],
    }
}

fn main() {
    let _ = report(1).lines;
}
