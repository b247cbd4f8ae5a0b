use unokit::Model;
use unokit::db::Related;

#[derive(Model, Clone)]
#[model(table = "comments")]
struct Comment {
    #[model(primary_key)]
    id: i64,
    post_id: i64,
}

#[derive(Model, Clone)]
#[model(table = "posts")]
struct Post {
    #[model(primary_key)]
    id: i64,
    #[model(has_many(Comment, foreign_key = post_id))]
    comments: Related<Comment>,
    #[model(has_many(Comment))]
    more: Related<Vec<Comment>>,
    unmarked: Related<Vec<Comment>>,
    #[model(many_to_many(Comment, through = "post_comments"))]
    linked: Related<Vec<Comment>>,
}

fn main() {}
