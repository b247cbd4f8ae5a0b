// `dive` checks a field under its part of the selection; a leaf is serialized
// whole and has no parts.
use unokit::partial_response;

#[derive(serde::Serialize)]
struct Point {
    x: i32,
}

#[partial_response]
#[derive(serde::Serialize)]
struct Shape {
    #[partial(leaf)]
    #[garde(dive)]
    origin: Point,
}

fn main() {}
