use unokit::cached;

#[cached]
fn digits(n: u64) -> impl Iterator<Item = u32> {
    n.to_string().chars().filter_map(|c| c.to_digit(10)).collect::<Vec<_>>().into_iter()
}

fn main() {
    let _ = digits(42);
}
