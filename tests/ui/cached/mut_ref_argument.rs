use unokit::cached;

#[cached]
fn next_id(counter: &mut u64, prefix: &str) -> String {
    *counter += 1;
    format!("{prefix}{counter}")
}

fn main() {
    let mut counter = 0;
    let _ = next_id(&mut counter, "id-");
}
