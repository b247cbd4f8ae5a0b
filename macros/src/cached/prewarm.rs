//! `#[cached(prewarm = N)]`: the cache tracks hot keys (refresh-ahead then
//! refreshes only them) and exports the `N` hottest; a `*_prewarm` companion
//! loads a list of keys through the body, to warm the cache before it serves.

use super::body::{Returned, from_owned_key};
use super::key_code::KeyCode;
use super::options::PREWARM;
use super::parse::CachedFn;
use super::policy::check_key_rebuilds_call;
use super::validate::ValidFn;
use crate::common::ctxt::Ctxt;
use proc_macro2::{Ident, Literal, TokenStream};
use quote::quote;
use syn::Index;

/// How many keys a `*_prewarm` call loads at once: enough to overlap the
/// body's waits, few enough not to flood its database at start-up.
const CONCURRENCY: usize = 16;

/// The number of hot keys to track, checked.
pub(crate) fn check(cx: &Ctxt, f: &CachedFn) -> Option<u32> {
    let given = f.options.prewarm.as_ref()?;
    if f.item.sig.asyncness.is_none() {
        cx.error_span(given.span, format!("`{PREWARM}` needs an `async fn`: its `*_prewarm` companion loads keys concurrently on the tokio runtime; make the function `async`, or remove `{PREWARM}`"));
        return None;
    }
    let Ok(top) = u32::try_from(given.value) else {
        cx.error_span(
            given.span,
            format!(
                "`{PREWARM}` is how many hot keys to track and export; give at most {}",
                u32::MAX
            ),
        );
        return None;
    };
    if top == 0 {
        cx.error_span(
            given.span,
            format!("`{PREWARM} = 0` tracks no key; give how many hot keys to export, such as `{PREWARM} = 1000`"),
        );
        return None;
    }
    check_key_rebuilds_call(cx, f);
    Some(top)
}

/// The companion's doc, given links to the function and its cache companion.
pub(crate) fn doc(function_link: &str, cache_link: &str) -> String {
    format!(
        " Loads {function_link}'s result for each key of `keys` that is not cached, {CONCURRENCY} at a time, and returns how many it loaded: pass the hot keys that {cache_link}`().hot_keys()` exported (by this instance, or by the previous one before a restart) to warm the cache before it serves. A key is the tuple of the function's arguments, owned."
    )
}

/// `<function>_prewarm(keys)`: loads each key not cached through the body.
pub(crate) fn companion(
    valid: &ValidFn<'_>,
    key: &KeyCode,
    name: &Ident,
    cache: &TokenStream,
    uncached: &TokenStream,
    every: &[&syn::Attribute],
    doc: &str,
) -> TokenStream {
    let vis = &valid.f.item.vis;
    let key_type = &key.key_type;
    let Returned { mode, .. } = Returned::of(valid);
    let arguments = from_owned_key(valid);
    let parts = (0..arguments.len()).map(Index::from);
    let concurrency = Literal::usize_unsuffixed(CONCURRENCY);
    quote! {
        #[doc = #doc]
        #(#every)*
        #vis async fn #name(
            keys: impl ::core::iter::IntoIterator<Item = #key_type>,
        ) -> usize {
            let __unokit_cache = #cache();
            __unokit_cache
                .prewarm(
                    keys,
                    #concurrency,
                    |__unokit_key: &#key_type| {
                        __unokit_cache.hasher() #(.key(&__unokit_key.#parts))* .finish()
                    },
                    #mode,
                    |__unokit_key: #key_type| async move { #uncached(#(#arguments),*).await },
                )
                .await
        }
    }
}
