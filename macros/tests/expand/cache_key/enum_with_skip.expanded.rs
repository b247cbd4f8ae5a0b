#[automatically_derived]
impl<'a, T: ::unokit::__private::key::CacheKey> ::unokit::__private::key::CacheKey
for Lookup<'a, T> {
    #[inline]
    fn write_key<__UnokitSink>(&self, __unokit_sink: &mut __UnokitSink)
    where
        __UnokitSink: ::unokit::__private::key::KeySink + ?::core::marker::Sized,
    {
        match self {
            Self::ById(__unokit_0) => {
                ::unokit::__private::key::KeySink::put_u64(__unokit_sink, 0);
                ::unokit::__private::key::CacheKey::write_key(__unokit_0, __unokit_sink);
            }
            Self::ByName { name: __unokit_name, scope: __unokit_scope, .. } => {
                ::unokit::__private::key::KeySink::put_u64(__unokit_sink, 1);
                ::unokit::__private::key::CacheKey::write_key(
                    __unokit_name,
                    __unokit_sink,
                );
                ::unokit::__private::key::CacheKey::write_key(
                    __unokit_scope,
                    __unokit_sink,
                );
            }
            Self::Everything => {
                ::unokit::__private::key::KeySink::put_u64(__unokit_sink, 2);
            }
        }
    }
    #[inline]
    fn key_eq(&self, __unokit_other: &Self) -> bool {
        match (self, __unokit_other) {
            (Self::ById(__unokit_0), Self::ById(__unokit_other_0)) => {
                ::unokit::__private::key::CacheKey::key_eq(__unokit_0, __unokit_other_0)
            }
            (
                Self::ByName { name: __unokit_name, scope: __unokit_scope, .. },
                Self::ByName {
                    name: __unokit_other_name,
                    scope: __unokit_other_scope,
                    ..
                },
            ) => {
                ::unokit::__private::key::CacheKey::key_eq(
                    __unokit_name,
                    __unokit_other_name,
                )
                    && ::unokit::__private::key::CacheKey::key_eq(
                        __unokit_scope,
                        __unokit_other_scope,
                    )
            }
            (Self::Everything, Self::Everything) => true,
            _ => false,
        }
    }
}
