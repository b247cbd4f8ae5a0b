#[derive(Model)]
#[model(table = "blog.posts", partial_of = Post)]
struct PostTitle {
    #[model(primary_key)]
    id: i64,
    title: String,
}
