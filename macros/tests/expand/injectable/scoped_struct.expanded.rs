struct UnitOfWork {
    db: Arc<Db>,
    changes: Mutex<Vec<String>>,
}
#[automatically_derived]
impl ::unokit::__private::di::Injectable for UnitOfWork {
    type Kind = ::unokit::__private::di::Scoped;
    const NAME: &'static str = "UnitOfWork";
    const HAS_TEARDOWN: bool = true;
    #[inline]
    fn teardown(
        &self,
    ) -> ::core::option::Option<::unokit::__private::task::BoxFuture<'_, ()>> {
        ::core::option::Option::Some(
            ::std::boxed::Box::pin(::unokit::__private::di::Dispose::dispose(self)),
        )
    }
}
#[automatically_derived]
impl<__UnokitContext> ::unokit::__private::di::Recipe<__UnokitContext> for UnitOfWork
where
    __UnokitContext: ::unokit::__private::di::Context,
    Arc<Db>: ::unokit::__private::di::Inject<__UnokitContext>,
{
    #[inline]
    fn dependencies(__unokit_out: &mut ::std::vec::Vec<usize>) {
        <Arc<
            Db,
        > as ::unokit::__private::di::Inject<__UnokitContext>>::dependency(__unokit_out);
    }
    #[inline]
    fn construct(__unokit_context: &__UnokitContext) -> Self {
        Self {
            db: <Arc<
                Db,
            > as ::unokit::__private::di::Inject<
                __UnokitContext,
            >>::inject(__unokit_context),
            changes: ::core::default::Default::default(),
        }
    }
}
const _: () = {
    ::unokit::__private::di::assert_handle::<Arc<Db>>();
};
