// After an error in the derive, code that loads the model and its relations,
// and other models related to it, report nothing more: the fallback emits stub
// impls and relation items beside the real error, one per broken model.
use unokit::Model;
use unokit::db::sqlx::Sqlite;
use unokit::db::{DbError, Related, Session};

#[derive(Model, Clone)]
#[model(table = "authors")]
struct Author {
    #[model(primary_key)]
    id: i64,
    #[model(has_many(Post, foreign_key = author_id))]
    posts: Related<Vec<Post>>,
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

// Without a primary key, the stub's key is the first column's type.
#[derive(Model, Clone)]
#[model(table = "tags")]
struct Tag {
    id: i64,
    name: String,
}

async fn front_page(session: &Session<Sqlite>) -> Result<Vec<Post>, DbError> {
    let mut posts = session
        .query::<Post>()
        .include(Post::AUTHOR.with(Author::POSTS))
        .all()
        .await?;
    let _: &Author = Post::AUTHOR.load(session, &mut posts[0]).await?;
    session.insert(&posts[0]).await?;
    let _ = session.find::<Post>(1).await?;
    let _: Option<Tag> = session.find::<Tag>(1).await?;
    let _: Vec<Tag> = session.all::<Tag>().await?;
    Ok(posts)
}

fn main() {
    let _ = front_page;
}
