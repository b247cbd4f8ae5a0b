#[automatically_derived]
impl ::unokit::__private::db::Sort for PostSort {
    type Model = Post;
    fn order(self) -> ::unokit::__private::db::Order {
        match self {
            Self::Newest => ::unokit::__private::db::Order::desc("id"),
            Self::Kind => ::unokit::__private::db::Order::asc("type"),
        }
    }
}
#[automatically_derived]
impl ::core::convert::From<PostSort> for ::unokit::__private::db::Order {
    fn from(sort: PostSort) -> Self {
        ::unokit::__private::db::Sort::order(sort)
    }
}
const _: () = {
    #[allow(dead_code, clippy::all, clippy::pedantic)]
    fn __unokit_sort_columns(__unokit_row: &Post) {
        let _ = <Post as ::unokit::__private::db::Model>::TABLE;
        let _ = &__unokit_row.id;
        let _ = &__unokit_row.r#type;
    }
};
