//! The model graphs of the selection tests beyond the blog's posts, comments
//! and authors: one that reaches a model again, one with a column only one
//! engine reads, one with a `many_to_many`. Same tables as the blog's.

/// A model graph that reaches a model again: a post's author, the author's
/// posts, on the blog's tables; an author's `name` is a type without a
/// `Default`, so it is read whenever an author is.
pub mod cyclic {
    use super::Handle;
    use unokit::db::Related;
    use unokit::{Model, partial_response};

    #[partial_response]
    #[derive(Model, serde::Serialize, Clone, Debug)]
    #[model(table = "posts")]
    pub struct Post {
        #[model(primary_key)]
        pub id: i64,
        pub title: String,
        #[serde(skip)]
        pub author_id: i64,
        #[model(belongs_to(Author, key = author_id))]
        #[serde(skip_serializing_if = "Related::is_unloaded")]
        pub author: Related<Author>,
    }

    #[partial_response]
    #[derive(Model, serde::Serialize, Clone, Debug)]
    #[model(table = "authors")]
    pub struct Author {
        #[model(primary_key)]
        pub id: i64,
        #[partial(leaf)]
        pub name: Handle,
        pub bio: String,
        #[model(has_many(Post, foreign_key = author_id))]
        #[serde(skip_serializing_if = "Related::is_unloaded")]
        pub posts: Related<Vec<Post>>,
    }
}

/// A column type without a `Default`: a `String` under another name.
#[derive(Clone, Debug, serde::Serialize)]
#[serde(transparent)]
pub struct Handle(String);

impl<DB: unokit::db::sqlx::Database> unokit::db::sqlx::Type<DB> for Handle
where
    String: unokit::db::sqlx::Type<DB>,
{
    fn type_info() -> DB::TypeInfo {
        <String as unokit::db::sqlx::Type<DB>>::type_info()
    }

    fn compatible(ty: &DB::TypeInfo) -> bool {
        <String as unokit::db::sqlx::Type<DB>>::compatible(ty)
    }
}

impl<'r, DB: unokit::db::sqlx::Database> unokit::db::sqlx::Decode<'r, DB> for Handle
where
    String: unokit::db::sqlx::Decode<'r, DB>,
{
    fn decode(value: DB::ValueRef<'r>) -> Result<Self, unokit::db::sqlx::error::BoxDynError> {
        <String as unokit::db::sqlx::Decode<'r, DB>>::decode(value).map(Handle)
    }
}

impl<'q, DB: unokit::db::sqlx::Database> unokit::db::sqlx::Encode<'q, DB> for Handle
where
    String: unokit::db::sqlx::Encode<'q, DB>,
{
    fn encode_by_ref(
        &self,
        buf: &mut DB::ArgumentBuffer<'q>,
    ) -> Result<unokit::db::sqlx::encode::IsNull, unokit::db::sqlx::error::BoxDynError> {
        self.0.encode_by_ref(buf)
    }
}

/// A post whose author has a column SQLite reads and PostgreSQL does not.
pub mod unsigned {
    use unokit::db::Related;
    use unokit::{Model, partial_response};

    #[partial_response]
    #[derive(Model, serde::Serialize, Clone, Debug)]
    #[model(table = "posts")]
    pub struct Post {
        #[model(primary_key)]
        pub id: i64,
        #[serde(skip)]
        pub author_id: i64,
        #[model(belongs_to(Author, key = author_id))]
        #[serde(skip_serializing_if = "Related::is_unloaded")]
        pub author: Related<Author>,
    }

    #[partial_response]
    #[derive(Model, serde::Serialize, Clone, Debug)]
    #[model(table = "authors")]
    pub struct Author {
        #[model(primary_key)]
        pub id: i64,
        pub rank: u32,
    }
}

/// A post's tags, through the `post_tags` join table.
pub mod tagged {
    use unokit::db::Related;
    use unokit::{Model, partial_response};

    #[partial_response]
    #[derive(Model, serde::Serialize, Clone, Debug)]
    #[model(table = "posts")]
    pub struct Post {
        #[model(primary_key)]
        pub id: i64,
        pub title: String,
        #[model(many_to_many(Tag, through = "post_tags", local = post_id, remote = tag_id))]
        #[serde(skip_serializing_if = "Related::is_unloaded")]
        pub tags: Related<Vec<Tag>>,
    }

    #[partial_response]
    #[derive(Model, serde::Serialize, Clone, Debug)]
    #[model(table = "tags")]
    pub struct Tag {
        #[model(primary_key)]
        pub id: i64,
        pub name: String,
        pub note: String,
    }
}
