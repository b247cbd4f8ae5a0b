use unokit::cached;

#[cached(key = n, key_self, result, option)]
fn square(n: u64) -> Result<u64, String> {
    Ok(n * n)
}

#[cached(cache_none)]
fn cube(n: u64) -> u64 {
    n * n * n
}

#[cached(key_self)]
fn free(n: u64) -> u64 {
    n
}

fn main() {
    let _ = square(2);
    let _ = cube(2);
    let _ = free(2);
}
