struct Handler {
    uow: Arc<UnitOfWork>,
    repo: Arc<dyn Repo>,
}
#[automatically_derived]
impl ::unokit::__private::di::Injectable for Handler {
    type Kind = ::unokit::__private::di::Transient;
    const NAME: &'static str = "Handler";
}
#[automatically_derived]
impl<__UnokitContext> ::unokit::__private::di::Recipe<__UnokitContext> for Handler
where
    __UnokitContext: ::unokit::__private::di::Context,
    Arc<UnitOfWork>: ::unokit::__private::di::Inject<__UnokitContext>,
    Arc<dyn Repo>: ::unokit::__private::di::Inject<__UnokitContext>,
{
    #[inline]
    fn dependencies(__unokit_out: &mut ::std::vec::Vec<usize>) {
        <Arc<
            UnitOfWork,
        > as ::unokit::__private::di::Inject<__UnokitContext>>::dependency(__unokit_out);
        <Arc<
            dyn Repo,
        > as ::unokit::__private::di::Inject<__UnokitContext>>::dependency(__unokit_out);
    }
    #[inline]
    fn construct(__unokit_context: &__UnokitContext) -> Self {
        Self {
            uow: <Arc<
                UnitOfWork,
            > as ::unokit::__private::di::Inject<
                __UnokitContext,
            >>::inject(__unokit_context),
            repo: <Arc<
                dyn Repo,
            > as ::unokit::__private::di::Inject<
                __UnokitContext,
            >>::inject(__unokit_context),
        }
    }
}
#[automatically_derived]
impl ::unokit::__private::di::Handle for Handler {}
#[automatically_derived]
impl<__UnokitContext> ::unokit::__private::di::Inject<__UnokitContext> for Handler
where
    __UnokitContext: ::unokit::__private::di::Provides<Handler>,
    ::unokit::__private::di::Transient: ::unokit::__private::di::VisibleIn<
        <__UnokitContext as ::unokit::__private::di::Context>::Role,
        Handler,
    >,
{
    #[inline]
    fn inject(__unokit_context: &__UnokitContext) -> Self {
        <__UnokitContext as ::unokit::__private::di::Provides<
            Handler,
        >>::make(__unokit_context)
    }
    #[inline]
    fn dependency(__unokit_out: &mut ::std::vec::Vec<usize>) {
        __unokit_out
            .push(
                <__UnokitContext as ::unokit::__private::di::Provides<Handler>>::INDEX,
            );
    }
}
const _: () = {
    ::unokit::__private::di::assert_handle::<Arc<UnitOfWork>>();
    ::unokit::__private::di::assert_handle::<Arc<dyn Repo>>();
};
