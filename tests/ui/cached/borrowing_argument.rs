use std::borrow::Cow;
use unokit::cached;

#[cached]
fn shout(text: Cow<'_, str>, words: &[&str]) -> String {
    format!("{}{}", text.to_uppercase(), words.len())
}

fn main() {
    let _ = shout(Cow::Borrowed("a"), &["b"]);
}
