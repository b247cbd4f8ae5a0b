use unokit::Model;
use unokit::db::Related;

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
    author_id: i64,
    #[model(belongs_to(Author, key = autor_id))]
    author: Related<Author>,
}

fn main() {}
