use unokit::cached;

#[cached(key = value.to_string())]
fn parse<T: std::str::FromStr + Clone + Send + Sync + 'static>(value: &str) -> Option<T> {
    value.parse().ok()
}

fn main() {
    let _ = parse::<u8>("1");
}
