#[automatically_derived]
impl ::unokit::__private::db::Model for Post {
    type Key = i64;
    const TABLE: &'static str = "posts";
    const KEY_COLUMN: &'static str = "id";
    const COLUMNS: &'static [&'static str] = &["id", "title", "author_id"];
    const LOOKUPS: &'static [::unokit::__private::db::Lookup] = &[
        ::unokit::__private::db::Lookup {
            relation: "Post.comments",
            table: <Comment as ::unokit::__private::db::Model>::TABLE,
            column: "post_id",
        },
        ::unokit::__private::db::Lookup {
            relation: "Post.tags",
            table: "post_tags",
            column: "post_id",
        },
    ];
    #[inline]
    fn key(&self) -> i64 {
        ::core::clone::Clone::clone(&self.id)
    }
    #[inline]
    fn statement_cells() -> &'static ::unokit::__private::db::StatementCells {
        static STATEMENTS: ::unokit::__private::db::StatementCells = ::unokit::__private::db::StatementCells::new();
        &STATEMENTS
    }
}
#[automatically_derived]
impl<
    __UnokitDb: ::unokit::__private::db::Engine,
> ::unokit::__private::db::ModelRow<__UnokitDb> for Post
where
    i64: ::unokit::__private::db::KeyColumn<__UnokitDb>,
    String: ::unokit::__private::db::Column<__UnokitDb>,
    i64: ::unokit::__private::db::Column<__UnokitDb>,
{
    fn from_row(
        row: &<__UnokitDb as ::unokit::__private::db::Database>::Row,
        offset: usize,
    ) -> ::core::result::Result<Self, ::unokit::__private::db::Error> {
        ::core::result::Result::Ok(Self {
            id: <__UnokitDb as ::unokit::__private::db::Engine>::get(row, offset)?,
            title: <__UnokitDb as ::unokit::__private::db::Engine>::get(
                row,
                offset + 1,
            )?,
            author_id: <__UnokitDb as ::unokit::__private::db::Engine>::get(
                row,
                offset + 2,
            )?,
            author: ::unokit::__private::db::Related::not_loaded(),
            comments: ::unokit::__private::db::Related::not_loaded(),
            tags: ::unokit::__private::db::Related::not_loaded(),
        })
    }
    fn bind_insert<'q>(
        &'q self,
        arguments: &mut <__UnokitDb as ::unokit::__private::db::Database>::Arguments<'q>,
    ) -> ::core::result::Result<(), ::unokit::__private::db::BoxDynError> {
        ::unokit::__private::db::Arguments::add(arguments, &self.id)?;
        ::unokit::__private::db::Arguments::add(arguments, &self.title)?;
        ::unokit::__private::db::Arguments::add(arguments, &self.author_id)?;
        ::core::result::Result::Ok(())
    }
    fn bind_update<'q>(
        &'q self,
        arguments: &mut <__UnokitDb as ::unokit::__private::db::Database>::Arguments<'q>,
    ) -> ::core::result::Result<(), ::unokit::__private::db::BoxDynError> {
        ::unokit::__private::db::Arguments::add(arguments, &self.title)?;
        ::unokit::__private::db::Arguments::add(arguments, &self.author_id)?;
        ::unokit::__private::db::Arguments::add(arguments, &self.id)?;
        ::core::result::Result::Ok(())
    }
    fn bind_key<'q>(
        &'q self,
        arguments: &mut <__UnokitDb as ::unokit::__private::db::Database>::Arguments<'q>,
    ) -> ::core::result::Result<(), ::unokit::__private::db::BoxDynError> {
        ::unokit::__private::db::Arguments::add(arguments, &self.id)?;
        ::core::result::Result::Ok(())
    }
}
#[automatically_derived]
impl<
    __UnokitDb: ::unokit::__private::db::Engine,
> ::unokit::__private::db::NestedRow<__UnokitDb> for Post
where
    i64: ::unokit::__private::db::KeyColumn<__UnokitDb>,
    i64: ::unokit::__private::db::JsonColumn<__UnokitDb>,
    String: ::unokit::__private::db::Column<__UnokitDb>,
    String: ::unokit::__private::db::JsonColumn<__UnokitDb>,
    i64: ::unokit::__private::db::Column<__UnokitDb>,
    i64: ::unokit::__private::db::JsonColumn<__UnokitDb>,
{
    const ENCODINGS: &'static [::unokit::__private::db::JsonEncoding] = &[
        <i64 as ::unokit::__private::db::JsonColumn<__UnokitDb>>::ENCODING,
        <String as ::unokit::__private::db::JsonColumn<__UnokitDb>>::ENCODING,
        <i64 as ::unokit::__private::db::JsonColumn<__UnokitDb>>::ENCODING,
    ];
    fn decode_columns<
        '__unokit_de,
        __UnokitSeq: ::unokit::__private::db::SeqAccess<'__unokit_de>,
    >(seq: &mut __UnokitSeq) -> ::core::result::Result<Self, __UnokitSeq::Error> {
        ::core::result::Result::Ok(Self {
            id: ::unokit::__private::db::next_column::<
                __UnokitDb,
                i64,
                __UnokitSeq,
            >(seq)?,
            title: ::unokit::__private::db::next_column::<
                __UnokitDb,
                String,
                __UnokitSeq,
            >(seq)?,
            author_id: ::unokit::__private::db::next_column::<
                __UnokitDb,
                i64,
                __UnokitSeq,
            >(seq)?,
            author: ::unokit::__private::db::Related::not_loaded(),
            comments: ::unokit::__private::db::Related::not_loaded(),
            tags: ::unokit::__private::db::Related::not_loaded(),
        })
    }
}
impl Post {
    /// The `author` relation (`belongs_to(Author, key = author_id)`): include it in a query, or `load` it.
    pub const AUTHOR: PostAuthorRelation = PostAuthorRelation;
    /// The `comments` relation (`has_many(Comment, foreign_key = post_id)`): include it in a query, or `load` it.
    pub const COMMENTS: PostCommentsRelation = PostCommentsRelation;
    /// The `tags` relation (`many_to_many(Tag, through = "post_tags")`): include it in a query, or `load` it.
    pub const TAGS: PostTagsRelation = PostTagsRelation;
}
const _: () = {
    ::unokit::__private::db::assert_model::<Author>();
};
/// The `author` relation of [`Post`]: `belongs_to(Author, key = author_id)`.
pub struct PostAuthorRelation;
#[automatically_derived]
impl ::core::clone::Clone for PostAuthorRelation {
    #[inline]
    fn clone(&self) -> Self {
        *self
    }
}
#[automatically_derived]
impl ::core::marker::Copy for PostAuthorRelation {}
#[automatically_derived]
impl ::core::fmt::Debug for PostAuthorRelation {
    fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
        f.write_str("Post.author")
    }
}
#[automatically_derived]
impl ::unokit::__private::db::Relation for PostAuthorRelation {
    type Parent = Post;
    type Child = Author;
    type Key = <Author as ::unokit::__private::db::Model>::Key;
    type Arity = ::unokit::__private::db::One;
    const NAME: &'static str = "Post.author";
    const KIND: ::unokit::__private::db::RelationKind = ::unokit::__private::db::RelationKind::BelongsTo;
    #[inline]
    fn parent_key(parent: &Post) -> Self::Key {
        ::unokit::__private::db::SameKey::<Self::Key>::to_key(&parent.author_id)
    }
    #[inline]
    fn child_key(child: &Author) -> ::core::option::Option<Self::Key> {
        ::core::option::Option::Some(::unokit::__private::db::Model::key(child))
    }
    #[inline]
    fn related(
        parent: &Post,
    ) -> &::unokit::__private::db::Related<::unokit::__private::db::Target<Self>> {
        &parent.author
    }
    #[inline]
    fn related_mut(
        parent: &mut Post,
    ) -> &mut ::unokit::__private::db::Related<::unokit::__private::db::Target<Self>> {
        &mut parent.author
    }
}
#[automatically_derived]
impl ::unokit::__private::db::NestedRelation for PostAuthorRelation {
    const PARENT_COLUMN: &'static str = "author_id";
}
impl PostAuthorRelation {
    /// Loads `author` into `parent` now, unless it is loaded, and returns it.
    ///
    /// An explicit lazy load: it goes through the session's batch loader,
    /// so lazy loads made concurrently for many parents share one statement.
    ///
    /// # Errors
    ///
    /// In a strict session, an error instead of a lazy load; otherwise when
    /// the statement fails, or a `belongs_to` row is missing.
    pub async fn load<'p, __UnokitDb>(
        self,
        session: &::unokit::__private::db::Session<__UnokitDb>,
        parent: &'p mut Post,
    ) -> ::core::result::Result<
        &'p ::unokit::__private::db::Target<Self>,
        ::unokit::__private::db::DbError,
    >
    where
        __UnokitDb: ::unokit::__private::db::Engine,
        Self: ::unokit::__private::db::RelationOn<__UnokitDb>,
    {
        session.load_relation(self, parent).await
    }
    /// This relation, with relations of its rows to load too.
    #[must_use]
    pub const fn with<__UnokitNested>(
        self,
        nested: __UnokitNested,
    ) -> ::unokit::__private::db::With<Self, __UnokitNested> {
        ::unokit::__private::db::With::new(self, nested)
    }
}
const _: () = {
    ::unokit::__private::db::assert_model::<Comment>();
};
/// The `comments` relation of [`Post`]: `has_many(Comment, foreign_key = post_id)`.
pub struct PostCommentsRelation;
#[automatically_derived]
impl ::core::clone::Clone for PostCommentsRelation {
    #[inline]
    fn clone(&self) -> Self {
        *self
    }
}
#[automatically_derived]
impl ::core::marker::Copy for PostCommentsRelation {}
#[automatically_derived]
impl ::core::fmt::Debug for PostCommentsRelation {
    fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
        f.write_str("Post.comments")
    }
}
#[automatically_derived]
impl ::unokit::__private::db::Relation for PostCommentsRelation {
    type Parent = Post;
    type Child = Comment;
    type Key = <Post as ::unokit::__private::db::Model>::Key;
    type Arity = ::unokit::__private::db::Many;
    const NAME: &'static str = "Post.comments";
    const KIND: ::unokit::__private::db::RelationKind = ::unokit::__private::db::RelationKind::HasMany {
        foreign_key: "post_id",
    };
    #[inline]
    fn parent_key(parent: &Post) -> Self::Key {
        ::unokit::__private::db::Model::key(parent)
    }
    #[inline]
    fn child_key(child: &Comment) -> ::core::option::Option<Self::Key> {
        ::core::option::Option::Some(
            ::unokit::__private::db::SameKey::<Self::Key>::to_key(&child.post_id),
        )
    }
    #[inline]
    fn related(
        parent: &Post,
    ) -> &::unokit::__private::db::Related<::unokit::__private::db::Target<Self>> {
        &parent.comments
    }
    #[inline]
    fn related_mut(
        parent: &mut Post,
    ) -> &mut ::unokit::__private::db::Related<::unokit::__private::db::Target<Self>> {
        &mut parent.comments
    }
}
#[automatically_derived]
impl ::unokit::__private::db::NestedRelation for PostCommentsRelation {
    const PARENT_COLUMN: &'static str = <Post as ::unokit::__private::db::Model>::KEY_COLUMN;
}
impl PostCommentsRelation {
    /// Loads `comments` into `parent` now, unless it is loaded, and returns it.
    ///
    /// An explicit lazy load: it goes through the session's batch loader,
    /// so lazy loads made concurrently for many parents share one statement.
    ///
    /// # Errors
    ///
    /// In a strict session, an error instead of a lazy load; otherwise when
    /// the statement fails, or a `belongs_to` row is missing.
    pub async fn load<'p, __UnokitDb>(
        self,
        session: &::unokit::__private::db::Session<__UnokitDb>,
        parent: &'p mut Post,
    ) -> ::core::result::Result<
        &'p ::unokit::__private::db::Target<Self>,
        ::unokit::__private::db::DbError,
    >
    where
        __UnokitDb: ::unokit::__private::db::Engine,
        Self: ::unokit::__private::db::RelationOn<__UnokitDb>,
    {
        session.load_relation(self, parent).await
    }
    /// This relation, with relations of its rows to load too.
    #[must_use]
    pub const fn with<__UnokitNested>(
        self,
        nested: __UnokitNested,
    ) -> ::unokit::__private::db::With<Self, __UnokitNested> {
        ::unokit::__private::db::With::new(self, nested)
    }
}
const _: () = {
    ::unokit::__private::db::assert_model::<Tag>();
};
/// The `tags` relation of [`Post`]: `many_to_many(Tag, through = "post_tags")`.
pub struct PostTagsRelation;
#[automatically_derived]
impl ::core::clone::Clone for PostTagsRelation {
    #[inline]
    fn clone(&self) -> Self {
        *self
    }
}
#[automatically_derived]
impl ::core::marker::Copy for PostTagsRelation {}
#[automatically_derived]
impl ::core::fmt::Debug for PostTagsRelation {
    fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
        f.write_str("Post.tags")
    }
}
#[automatically_derived]
impl ::unokit::__private::db::Relation for PostTagsRelation {
    type Parent = Post;
    type Child = Tag;
    type Key = <Post as ::unokit::__private::db::Model>::Key;
    type Arity = ::unokit::__private::db::Many;
    const NAME: &'static str = "Post.tags";
    const KIND: ::unokit::__private::db::RelationKind = ::unokit::__private::db::RelationKind::ManyToMany {
        through: "post_tags",
        local: "post_id",
        remote: "tag_id",
    };
    #[inline]
    fn parent_key(parent: &Post) -> Self::Key {
        ::unokit::__private::db::Model::key(parent)
    }
    #[inline]
    fn child_key(child: &Tag) -> ::core::option::Option<Self::Key> {
        {
            let _ = child;
            ::core::option::Option::None
        }
    }
    #[inline]
    fn related(
        parent: &Post,
    ) -> &::unokit::__private::db::Related<::unokit::__private::db::Target<Self>> {
        &parent.tags
    }
    #[inline]
    fn related_mut(
        parent: &mut Post,
    ) -> &mut ::unokit::__private::db::Related<::unokit::__private::db::Target<Self>> {
        &mut parent.tags
    }
}
#[automatically_derived]
impl ::unokit::__private::db::NestedRelation for PostTagsRelation {
    const PARENT_COLUMN: &'static str = <Post as ::unokit::__private::db::Model>::KEY_COLUMN;
}
impl PostTagsRelation {
    /// Loads `tags` into `parent` now, unless it is loaded, and returns it.
    ///
    /// An explicit lazy load: it goes through the session's batch loader,
    /// so lazy loads made concurrently for many parents share one statement.
    ///
    /// # Errors
    ///
    /// In a strict session, an error instead of a lazy load; otherwise when
    /// the statement fails, or a `belongs_to` row is missing.
    pub async fn load<'p, __UnokitDb>(
        self,
        session: &::unokit::__private::db::Session<__UnokitDb>,
        parent: &'p mut Post,
    ) -> ::core::result::Result<
        &'p ::unokit::__private::db::Target<Self>,
        ::unokit::__private::db::DbError,
    >
    where
        __UnokitDb: ::unokit::__private::db::Engine,
        Self: ::unokit::__private::db::RelationOn<__UnokitDb>,
    {
        session.load_relation(self, parent).await
    }
    /// This relation, with relations of its rows to load too.
    #[must_use]
    pub const fn with<__UnokitNested>(
        self,
        nested: __UnokitNested,
    ) -> ::unokit::__private::db::With<Self, __UnokitNested> {
        ::unokit::__private::db::With::new(self, nested)
    }
}
::unokit::__private::db::each_engine! {
    #[automatically_derived] impl ::unokit::__private::db::SelectModel < __UnokitDb > for
    Post where for < '__unokit > Post : ::unokit::__private::db::ModelRow < __UnokitDb >,
    for < '__unokit > i64 : ::unokit::__private::db::ReadColumn < __UnokitDb >, for <
    '__unokit > String : ::unokit::__private::db::ReadColumn < __UnokitDb >, { const
    RELATION_KEYS : & 'static [(& 'static str, & 'static str)] = & [("author", <
    PostAuthorRelation as ::unokit::__private::db::NestedRelation > ::PARENT_COLUMN),
    ("comments", < PostCommentsRelation as ::unokit::__private::db::NestedRelation >
    ::PARENT_COLUMN), ("tags", < PostTagsRelation as
    ::unokit::__private::db::NestedRelation > ::PARENT_COLUMN)]; fn must_read(columns : &
    mut [bool]) { #[allow(unused_imports)] use { ::unokit::__private::db::AlwaysRead as
    _, ::unokit::__private::db::DefaultStandsIn as _ }; columns[0] |= (&&
    ::unokit::__private::db::Unread:: < i64 > ::new()).must_read(); columns[1] |= (&&
    ::unokit::__private::db::Unread:: < String > ::new()).must_read(); columns[2] |= (&&
    ::unokit::__private::db::Unread:: < i64 > ::new()).must_read(); } fn from_columns(row
    : & < __UnokitDb as ::unokit::__private::db::Database > ::Row, offset : usize,
    columns : & [bool],) -> ::core::result::Result < Self, ::unokit::__private::db::Error
    > { #[allow(unused_imports)] use { ::unokit::__private::db::AlwaysRead as _,
    ::unokit::__private::db::DefaultStandsIn as _ }; let mut at = offset;
    ::core::result::Result::Ok(Self { id : (&& ::unokit::__private::db::Unread:: < i64 >
    ::new()).read_or_default:: < __UnokitDb > (row, & mut at, columns[0]) ?, title : (&&
    ::unokit::__private::db::Unread:: < String > ::new()).read_or_default:: < __UnokitDb
    > (row, & mut at, columns[1]) ?, author_id : (&& ::unokit::__private::db::Unread:: <
    i64 > ::new()).read_or_default:: < __UnokitDb > (row, & mut at, columns[2]) ?, author
    : ::unokit::__private::db::Related::not_loaded(), comments :
    ::unokit::__private::db::Related::not_loaded(), tags :
    ::unokit::__private::db::Related::not_loaded(), }) } fn include_selected < 'a, 'p :
    'a > (session : & 'a::unokit::__private::db::Session < __UnokitDb >, parents : & 'a
    mut [& 'p mut Self], pick : & 'a::unokit::__private::db::Pick, trail : &
    'a[::core::any::TypeId],) -> ::unokit::__private::db::IncludeFuture < 'a > {
    #[allow(unused_imports)] use { ::unokit::__private::db::FollowNotSelectable as _,
    ::unokit::__private::db::FollowSelected as _ }; ::std::boxed::Box::pin(async move {
    let _ = (& session, & parents, & pick, & trail); (&&
    ::unokit::__private::db::Follow:: < PostAuthorRelation, __UnokitDb > ::new())
    .follow(session, parents, pick, "author", trail). await ?; (&&
    ::unokit::__private::db::Follow:: < PostCommentsRelation, __UnokitDb > ::new())
    .follow(session, parents, pick, "comments", trail). await ?; (&&
    ::unokit::__private::db::Follow:: < PostTagsRelation, __UnokitDb > ::new())
    .follow(session, parents, pick, "tags", trail). await ?;
    ::core::result::Result::Ok(()) }) } }
}
