use unokit::Model;
use unokit::db::Related;

#[derive(Model, Clone)]
#[model(table = "comments")]
struct Comment {
    #[model(primary_key)]
    id: i64,
    post_id: i32,
}

#[derive(Model, Clone)]
#[model(table = "posts")]
struct Post {
    #[model(primary_key)]
    id: i64,
    #[model(has_many(Comment, foreign_key = post_id))]
    comments: Related<Vec<Comment>>,
}

fn main() {}
