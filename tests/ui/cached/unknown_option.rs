use unokit::cached;

#[cached(capcity = 10, size = 3)]
fn square(n: u64) -> u64 {
    n * n
}

fn main() {
    // The function is still emitted, so code using it keeps compiling.
    let _ = square(2);
}
