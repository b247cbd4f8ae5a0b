use unokit::cached;

#[cached(ttl = "5 minutes", tti = "1.5s")]
fn square(n: u64) -> u64 {
    n * n
}

#[cached(ttl = 300)]
fn cube(n: u64) -> u64 {
    n * n * n
}

fn main() {
    let _ = square(2);
    let _ = cube(2);
}
