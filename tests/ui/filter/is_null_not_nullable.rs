use unokit::{Filter, Model};

#[derive(Model, Clone)]
#[model(table = "posts")]
struct Post {
    #[model(primary_key)]
    id: i64,
    title: String,
    deleted_at: Option<i64>,
}

#[derive(Filter)]
#[filter(model = Post)]
struct PostFilter {
    #[filter(op = "is_null")]
    title: Option<bool>,
    #[filter(op = "is_null")]
    deleted_at: Option<bool>,
}

fn main() {}
