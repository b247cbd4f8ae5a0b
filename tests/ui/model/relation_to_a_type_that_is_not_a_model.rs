use unokit::Model;
use unokit::db::Related;

#[derive(Clone)]
struct Author {
    id: i64,
}

#[derive(Model, Clone)]
#[model(table = "posts")]
struct Post {
    #[model(primary_key)]
    id: i64,
    author_id: i64,
    #[model(belongs_to(Author, key = author_id))]
    author: Related<Author>,
}

fn main() {}
