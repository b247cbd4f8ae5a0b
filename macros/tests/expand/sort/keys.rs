#[derive(Sort)]
#[sort(model = Post)]
enum PostSort {
    #[sort(desc = "id")]
    Newest,
    #[sort(asc = "type")]
    Kind,
}
