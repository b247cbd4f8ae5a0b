// Every option is given once: a second one is an error, not a silent override.
use unokit::Model;
use unokit::db::Related;

#[derive(Model, Clone)]
#[model(table = "authors", table = "writers")]
struct Author {
    #[model(primary_key, primary_key)]
    id: i64,
}

#[derive(Model, Clone)]
#[model(table = "posts")]
struct Post {
    #[model(primary_key)]
    id: i64,
    author_id: i64,
    #[model(belongs_to(Author, key = author_id, key = id))]
    author: Related<Author>,
}

fn main() {}
