#[derive(Model)]
#[model(table = "posts")]
pub struct Post {
    #[model(primary_key)]
    id: i64,
    title: String,
    author_id: i64,
    #[model(belongs_to(Author, key = author_id))]
    author: Related<Author>,
    #[model(has_many(Comment, foreign_key = post_id))]
    comments: Related<Vec<Comment>>,
    #[model(many_to_many(Tag, through = "post_tags", local = post_id, remote = tag_id))]
    tags: Related<Vec<Tag>>,
}
