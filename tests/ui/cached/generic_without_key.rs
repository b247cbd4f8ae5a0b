use unokit::{CacheKey, cached};

#[cached]
fn describe<T: CacheKey + Clone + PartialEq + Send + Sync + 'static>(value: T) -> String {
    format!("{:x}", value.fingerprint())
}

#[cached]
fn length(text: impl AsRef<str>) -> usize {
    text.as_ref().len()
}

fn main() {
    let _ = describe(1_u8);
    let _ = length("abc");
}
