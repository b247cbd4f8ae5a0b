use unokit::Model;

#[derive(Model, Clone)]
#[model(table = "authors", tabel = "x")]
struct Author {
    #[model(primay_key)]
    id: i64,
}

fn main() {}
