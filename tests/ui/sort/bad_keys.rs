use unokit::{Model, Sort};

#[derive(Model, Clone)]
#[model(table = "posts")]
struct Post {
    #[model(primary_key)]
    id: i64,
    title: String,
}

#[derive(Sort, Clone, Copy)]
#[sort(model = Post)]
enum PostSort {
    #[sort(asc = "title", desc = "id")]
    Both,
    Neither,
    #[sort(desc = "id")]
    WithField(u8),
    #[sort(ascending = "id")]
    Typo,
}

fn main() {}
