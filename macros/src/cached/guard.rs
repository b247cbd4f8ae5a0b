//! `#[cached(guard = EXPR)]`: a key guard asked before the cache, so that a key
//! that cannot exist returns the function's "absent" value without a lookup or
//! a run of the body.

use super::options::GUARD;
use super::parse::CachedFn;
use super::shape::{Key, KeyPart, Mode, referent};
use crate::common::ctxt::Ctxt;
use crate::common::paths::cache::{KEY_GUARD, WITH_GUARD};
use crate::common::types::last_segment_name;
use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned};
use syn::Expr;
use syn::spanned::Spanned;

/// The guard option, checked.
pub(crate) struct Guard<'a> {
    expr: &'a Expr,
    /// The option's name, where the error without the `guard` feature points.
    span: Span,
    /// What the function returns for a key the guard refuses.
    absent: TokenStream,
}

/// The guard, unless absent or the return type has no "absent" value (an
/// error is then recorded).
pub(crate) fn check<'a>(cx: &Ctxt, f: &'a CachedFn) -> Option<Guard<'a>> {
    let given = f.options.guard.as_ref()?;
    let returns = f.returns()?;
    let none = quote!(::core::option::Option::None);
    let absent = match returns.mode {
        Mode::SomeOnly => none,
        Mode::Always if returns.is_option => none,
        Mode::OkOnly if last_segment_name(returns.value).as_deref() == Some("Option") => {
            quote!(::core::result::Result::Ok(#none))
        }
        _ => {
            cx.error_span(given.span, format!("`{GUARD}` returns the function's \"absent\" value for a key the guard refuses: `None` for `Option<T>`, `Ok(None)` for `Result<Option<T>, E>`; return one of these, or remove `{GUARD}`"));
            return None;
        }
    };
    Some(Guard {
        expr: &given.value,
        span: given.span,
        absent,
    })
}

/// The statement that returns the absent value for a refused key; after the
/// key's prelude, before the cache is touched.
///
/// The guard is a `KeyGuard<K>` with `K` the key in its owned form: with one
/// key argument, that argument's owned type (`u64` for `id: u64`, `String`
/// for `name: &str`), asked through a borrow; with several, the tuple of their
/// owned types, built for the check; with `key = ..`, that expression's type.
pub(crate) fn check_code(guard: &Guard<'_>, key: &Key<'_>) -> TokenStream {
    let Guard { expr, span, absent } = guard;
    let asked = match key {
        Key::Custom(_) => quote!(&__unokit_key_value),
        Key::Args(parts) => match parts.as_slice() {
            [KeyPart::SelfRef] => quote!(self),
            [KeyPart::Param(param)] => {
                let name = &param.name;
                if referent(&param.ty).is_some() {
                    quote!(#name)
                } else {
                    quote!(&#name)
                }
            }
            parts => {
                let owned = parts.iter().map(|part| match part {
                    KeyPart::SelfRef => quote!(::core::clone::Clone::clone(self)),
                    KeyPart::Param(param) => {
                        let name = &param.name;
                        if referent(&param.ty).is_some() {
                            quote!(::std::borrow::ToOwned::to_owned(#name))
                        } else {
                            quote!(::core::clone::Clone::clone(&#name))
                        }
                    }
                });
                quote!(&(#(#owned,)*))
            }
        },
    };
    // Typed at the expression: one that is no `&KeyGuard` is reported there.
    let key_guard = KEY_GUARD.at(expr.span());
    let typed = quote_spanned!(expr.span()=> let __unokit_guard: &#key_guard<_> = #expr;);
    let with_guard = WITH_GUARD.at(*span);
    quote_spanned! {*span=>
        #with_guard! {
            #typed
            if !__unokit_guard.may_contain(#asked) {
                return #absent;
            }
        }
    }
}
