use unokit::Model;

#[derive(Model, Clone)]
struct BlogPost {
    #[model(primary_key)]
    id: i64,
}

#[derive(Model, Clone)]
#[model(table = "posts; DROP TABLE posts")]
struct Sneaky {
    #[model(primary_key)]
    id: i64,
}

fn main() {}
