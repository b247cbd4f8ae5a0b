#[automatically_derived]
impl ::unokit::__private::db::Model for PostTitle {
    type Key = i64;
    const TABLE: &'static str = "blog.posts";
    const KEY_COLUMN: &'static str = "id";
    const COLUMNS: &'static [&'static str] = &["id", "title"];
    const LOOKUPS: &'static [::unokit::__private::db::Lookup] = &[];
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
> ::unokit::__private::db::ModelRow<__UnokitDb> for PostTitle
where
    i64: ::unokit::__private::db::KeyColumn<__UnokitDb>,
    String: ::unokit::__private::db::Column<__UnokitDb>,
{
    fn from_row(
        row: &<__UnokitDb as ::unokit::__private::db::Database>::Row,
        offset: usize,
    ) -> ::core::result::Result<Self, ::unokit::__private::db::Error> {
        ::core::result::Result::Ok(Self {
            id: <__UnokitDb as ::unokit::__private::db::Engine>::get(row, offset)?,
            title: <__UnokitDb as ::unokit::__private::db::Engine>::get(row, offset + 1)?,
        })
    }
    fn bind_insert<'q>(
        &'q self,
        arguments: &mut <__UnokitDb as ::unokit::__private::db::Database>::Arguments<'q>,
    ) -> ::core::result::Result<(), ::unokit::__private::db::BoxDynError> {
        ::unokit::__private::db::Arguments::add(arguments, &self.id)?;
        ::unokit::__private::db::Arguments::add(arguments, &self.title)?;
        ::core::result::Result::Ok(())
    }
    fn bind_update<'q>(
        &'q self,
        arguments: &mut <__UnokitDb as ::unokit::__private::db::Database>::Arguments<'q>,
    ) -> ::core::result::Result<(), ::unokit::__private::db::BoxDynError> {
        ::unokit::__private::db::Arguments::add(arguments, &self.title)?;
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
> ::unokit::__private::db::NestedRow<__UnokitDb> for PostTitle
where
    i64: ::unokit::__private::db::KeyColumn<__UnokitDb>,
    i64: ::unokit::__private::db::JsonColumn<__UnokitDb>,
    String: ::unokit::__private::db::Column<__UnokitDb>,
    String: ::unokit::__private::db::JsonColumn<__UnokitDb>,
{
    const ENCODINGS: &'static [::unokit::__private::db::JsonEncoding] = &[
        <i64 as ::unokit::__private::db::JsonColumn<__UnokitDb>>::ENCODING,
        <String as ::unokit::__private::db::JsonColumn<__UnokitDb>>::ENCODING,
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
        })
    }
}
const _: () = {
    #[allow(dead_code)]
    fn __unokit_partial_of(full: &Post) {
        let _: &i64 = &full.id;
        let _: &String = &full.title;
    }
    ::core::assert!(
        ::unokit::__private::db::same_str(< Post as ::unokit::__private::db::Model >
        ::TABLE, "blog.posts"),
        "`PostTitle` is a partial model of `Post`, so its table must be the full model's"
    );
};
::unokit::__private::db::each_engine! {
    #[automatically_derived] impl ::unokit::__private::db::SelectModel < __UnokitDb > for
    PostTitle where for < '__unokit > PostTitle : ::unokit::__private::db::ModelRow <
    __UnokitDb >, for < '__unokit > i64 : ::unokit::__private::db::ReadColumn <
    __UnokitDb >, for < '__unokit > String : ::unokit::__private::db::ReadColumn <
    __UnokitDb >, { const RELATION_KEYS : & 'static [(& 'static str, & 'static str)] = &
    []; fn must_read(columns : & mut [bool]) { #[allow(unused_imports)] use {
    ::unokit::__private::db::AlwaysRead as _, ::unokit::__private::db::DefaultStandsIn as
    _ }; columns[0] |= (&& ::unokit::__private::db::Unread:: < i64 > ::new())
    .must_read(); columns[1] |= (&& ::unokit::__private::db::Unread:: < String > ::new())
    .must_read(); } fn from_columns(row : & < __UnokitDb as
    ::unokit::__private::db::Database > ::Row, offset : usize, columns : & [bool],) ->
    ::core::result::Result < Self, ::unokit::__private::db::Error > {
    #[allow(unused_imports)] use { ::unokit::__private::db::AlwaysRead as _,
    ::unokit::__private::db::DefaultStandsIn as _ }; let mut at = offset;
    ::core::result::Result::Ok(Self { id : (&& ::unokit::__private::db::Unread:: < i64 >
    ::new()).read_or_default:: < __UnokitDb > (row, & mut at, columns[0]) ?, title : (&&
    ::unokit::__private::db::Unread:: < String > ::new()).read_or_default:: < __UnokitDb
    > (row, & mut at, columns[1]) ?, }) } fn include_selected < 'a, 'p : 'a > (session :
    & 'a::unokit::__private::db::Session < __UnokitDb >, parents : & 'a mut [& 'p mut
    Self], pick : & 'a::unokit::__private::db::Pick, trail : & 'a[::core::any::TypeId],)
    -> ::unokit::__private::db::IncludeFuture < 'a > { #[allow(unused_imports)] use {
    ::unokit::__private::db::FollowNotSelectable as _,
    ::unokit::__private::db::FollowSelected as _ }; ::std::boxed::Box::pin(async move {
    let _ = (& session, & parents, & pick, & trail); ::core::result::Result::Ok(()) }) }
    }
}
