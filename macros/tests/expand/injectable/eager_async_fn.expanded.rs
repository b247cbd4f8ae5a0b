async fn connect(config: Arc<Config>) -> Result<Db, Error> {
    Db::open(&config.url).await
}
#[automatically_derived]
impl ::unokit::__private::di::Injectable for Db {
    type Kind = ::unokit::__private::di::EagerSingleton;
    const NAME: &'static str = "Db";
}
#[automatically_derived]
impl<__UnokitContext> ::unokit::__private::di::Recipe<__UnokitContext> for Db
where
    __UnokitContext: ::unokit::__private::di::Context,
    Arc<Config>: ::unokit::__private::di::Inject<__UnokitContext>,
{
    #[inline]
    fn dependencies(__unokit_out: &mut ::std::vec::Vec<usize>) {
        <Arc<
            Config,
        > as ::unokit::__private::di::Inject<__UnokitContext>>::dependency(__unokit_out);
    }
    #[inline]
    fn construct_eager(
        __unokit_context: &__UnokitContext,
    ) -> ::unokit::__private::task::BoxFuture<
        'static,
        ::core::result::Result<Self, ::unokit::__private::task::BoxError>,
    > {
        ::unokit::__private::di::awaiting::<
            Db,
            _,
        >(
            connect(
                <Arc<
                    Config,
                > as ::unokit::__private::di::Inject<
                    __UnokitContext,
                >>::inject(__unokit_context),
            ),
        )
    }
}
const _: () = {
    ::unokit::__private::di::assert_handle::<Arc<Config>>();
};
