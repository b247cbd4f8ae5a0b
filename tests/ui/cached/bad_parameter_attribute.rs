use unokit::cached;

#[cached(in_impl = true)]
fn square(#[cache(skp)] n: u64, #[cache] m: u64) -> u64 {
    n * m
}

fn main() {
    let _ = square(2, 3);
}
