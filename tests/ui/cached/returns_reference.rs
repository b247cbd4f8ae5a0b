use unokit::cached;

#[cached]
fn name(id: u64) -> &'static str {
    if id == 0 { "root" } else { "user" }
}

#[cached]
fn maybe_name(id: u64) -> Option<&'static str> {
    (id == 0).then_some("root")
}

fn main() {
    let _ = name(0);
    let _ = maybe_name(0);
}
