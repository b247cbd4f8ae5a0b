use std::fmt::Display;
use unokit::cached;

#[cached]
fn render(value: &dyn Display) -> String {
    value.to_string()
}

fn main() {
    let _ = render(&1);
}
