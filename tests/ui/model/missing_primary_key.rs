use unokit::Model;

#[derive(Model, Clone)]
#[model(table = "authors")]
struct Author {
    id: i64,
    name: String,
}

fn main() {}
