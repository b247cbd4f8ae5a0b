use unokit::db::Session;
use unokit::db::sqlx::Sqlite;
use unokit::{Filter, Model, Sort};

#[derive(Model, Clone)]
#[model(table = "posts")]
struct Post {
    #[model(primary_key)]
    id: i64,
    title: String,
}

#[derive(Model, Clone)]
#[model(table = "comments")]
struct Comment {
    #[model(primary_key)]
    id: i64,
    body: String,
}

#[derive(Sort, Clone, Copy)]
#[sort(model = Post)]
enum PostSort {
    #[sort(asc = "title")]
    Title,
}

#[derive(Filter)]
#[filter(model = Comment)]
struct CommentFilter {
    id: Option<i64>,
}

async fn list(session: Session<Sqlite>, filter: CommentFilter) {
    let _ = session
        .query::<Comment>()
        .filter(&filter)
        .sort(PostSort::Title)
        .all()
        .await;
}

fn main() {}
