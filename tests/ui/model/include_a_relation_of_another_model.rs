use unokit::Model;
use unokit::db::{Related, Session};

#[derive(Model, Clone)]
#[model(table = "authors")]
struct Author {
    #[model(primary_key)]
    id: i64,
}

#[derive(Model, Clone)]
#[model(table = "posts")]
struct Post {
    #[model(primary_key)]
    id: i64,
}

#[derive(Model, Clone)]
#[model(table = "comments")]
struct Comment {
    #[model(primary_key)]
    id: i64,
    author_id: i64,
    #[model(belongs_to(Author, key = author_id))]
    author: Related<Author>,
}

async fn posts(session: &Session<unokit::db::sqlx::Sqlite>) {
    let _ = session.query::<Post>().include(Comment::AUTHOR);
}

fn main() {}
