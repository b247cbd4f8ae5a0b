//! `#[cached(l2)]`: the Redis tier under the in-process cache (feature
//! `redis`). The tier is the one the process installs; the function brings its
//! namespace (module path and name), a schema hash of its signature, and the
//! time to live of its entries in Redis (`ttl`; `l1_ttl` is the in-process one).

use super::key_code::owned_part;
use super::options::{L1_TTL, L2, LOCK, TAGS, TTL};
use super::parse::CachedFn;
use super::shape::{Key, KeyPart};
use crate::common::ctxt::Ctxt;
use crate::common::paths::cache::{ASSERT_L2_VALUE, COLLECT_TAGS, L2_LINK, L2_OR, WITH_L2};
use proc_macro2::{Literal, Span, TokenStream};
use quote::{quote, quote_spanned};
use std::time::Duration;
use syn::spanned::Spanned;
use syn::{Expr, Index};

/// The `l2` option, checked.
pub(crate) struct L2Tier {
    /// The option's name, where the error without the `redis` feature points.
    span: Span,
    /// How long entries live in Redis: the `ttl`.
    ttl: Duration,
    /// How long entries live in the process: `l1_ttl`, else the `ttl`.
    pub(crate) l1_ttl: Duration,
    /// Changes with the key's and the value's types: old entries then miss.
    schema: u64,
    /// `lock`: how long a miss waits for the instance holding the key's lock.
    lock: Option<Duration>,
    /// `tags`: the function giving an entry's tags, and where it was written.
    tags: Option<(Expr, Span)>,
}

/// The `l2` option, unless absent or misused (an error is then recorded).
pub(crate) fn check(cx: &Ctxt, f: &CachedFn) -> Option<L2Tier> {
    let options = &f.options;
    let Some(given) = &options.l2 else {
        if let Some(lock) = &options.lock {
            cx.error_span(lock.span, format!("`{LOCK}` is a lock in Redis, across the service's instances; add `{L2}` (and a `{TTL}`), or remove `{LOCK}`: within one process, calls of a key already share one run of the body"));
        }
        if let Some(l1_ttl) = &options.l1_ttl {
            cx.error_span(l1_ttl.span, format!("`{L1_TTL}` is the in-process time to live under the Redis tier; add `{L2}`, or write `{TTL} = ..` instead"));
        }
        if let Some(tags) = &options.tags {
            cx.error_span(tags.span, format!("`{TAGS}` are invalidated across the service's instances through the Redis tier; add `{L2}` (and a `{TTL}`), or remove `{TAGS}`: in one process, `_invalidate` drops a key"));
        }
        return None;
    };
    if f.item.sig.asyncness.is_none() {
        cx.error_span(given.span, format!("`{L2}` asks Redis on a miss, which only an `async fn` can wait for; make the function `async`, or remove `{L2}`"));
        return None;
    }
    if options.refresh_ahead.is_some()
        || options.stale_if_error.is_some()
        || options.timeout.is_some()
        || options.hard_timeout.is_some()
    {
        cx.error_span(given.span, format!("`{L2}` does not work with `refresh_ahead`, `stale_if_error`, `timeout` or `hard_timeout` yet; keep one or the other"));
        return None;
    }
    let Some(ttl) = &options.ttl else {
        cx.error_span(given.span, format!("`{L2}` stores entries in Redis for the `{TTL}`; give one, e.g. `{TTL} = \"10m\"` (and `{L1_TTL} = \"30s\"` for a shorter in-process one)"));
        return None;
    };
    let l1_ttl = options
        .l1_ttl
        .as_ref()
        .map_or(ttl.value, |given| given.value);
    if l1_ttl.is_zero() || l1_ttl > ttl.value {
        let span = options
            .l1_ttl
            .as_ref()
            .map_or(given.span, |given| given.span);
        cx.error_span(span, format!("`{L1_TTL}` must be positive and at most the `{TTL}`: an in-process copy does not outlive the Redis entry"));
        return None;
    }
    if let Some(lock) = options.lock.as_ref().filter(|lock| lock.value.is_zero()) {
        cx.error_span(lock.span, format!("`{LOCK}` is how long a miss waits for the instance that holds the key's lock; give a positive duration such as `{LOCK} = \"2s\"`"));
        return None;
    }
    Some(L2Tier {
        span: given.span,
        ttl: ttl.value,
        l1_ttl,
        schema: schema_hash(f),
        lock: options.lock.as_ref().map(|lock| lock.value),
        tags: options
            .tags
            .as_ref()
            .map(|tags| (tags.value.clone(), tags.span)),
    })
}

/// FNV-1a over the tokens of the parameters' and the return type: stable
/// across builds, different when a type is renamed or changed.
fn schema_hash(f: &CachedFn) -> u64 {
    let inputs = f.item.sig.inputs.iter();
    let output = &f.item.sig.output;
    fnv(&quote!(#(#inputs),* #output).to_string())
}

/// FNV-1a of `text`: a schema hash, stable across builds.
pub(crate) fn fnv(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// The link the cache is built with.
pub(crate) fn link(tier: &L2Tier, f: &CachedFn) -> TokenStream {
    let name = f.item.sig.ident.to_string();
    let schema = Literal::u64_suffixed(tier.schema);
    let millis = Literal::u64_unsuffixed(u64::try_from(tier.ttl.as_millis()).unwrap_or(u64::MAX));
    let lock = tier.lock.map(|wait| {
        let wait = Literal::u64_unsuffixed(u64::try_from(wait.as_millis()).unwrap_or(u64::MAX));
        quote!(.with_lock(::core::time::Duration::from_millis(#wait)))
    });
    quote! {
        #L2_LINK::new(
            ::core::concat!(::core::module_path!(), "::", #name),
            #schema,
            ::core::time::Duration::from_millis(#millis),
        )
        #lock
    }
}

/// `with` with the `redis` feature, `without` otherwise.
pub(crate) fn or(with: &TokenStream, without: &TokenStream) -> TokenStream {
    quote!(#L2_OR! { { #with } { #without } })
}

/// The check that the value can go to Redis, spanned at the return type,
/// which gives the codec `__unokit_l2_codec`; and, without the `redis`
/// feature, the one error saying to turn it on, spanned at the option.
pub(crate) fn value_check(tier: &L2Tier, value: &syn::Type) -> TokenStream {
    let assert = ASSERT_L2_VALUE.at(value.span());
    let check = quote_spanned!(value.span()=> let __unokit_l2_codec = #assert::<#value>(););
    let with_l2 = WITH_L2.at(tier.span);
    quote_spanned!(tier.span=> #with_l2! { #check })
}

/// The key as Redis sees it: the key's parts, borrowed, in a tuple, encoded
/// with their stable `CacheKey` bytes.
pub(crate) fn key_expr(key: &Key<'_>) -> TokenStream {
    match key {
        Key::Custom(_) => quote!(&__unokit_key_value),
        Key::Args(parts) => {
            let parts = parts.iter().map(|part| match part {
                KeyPart::SelfRef => quote!(self),
                KeyPart::Param(param) => {
                    let name = &param.name;
                    quote!(&#name)
                }
            });
            quote!(&(#(#parts,)*))
        }
    }
}

/// With `tags`: statements binding `__unokit_tags`, a closure of the value
/// giving the entry's tags from a copy of the key taken before the body
/// consumes the arguments; `None` without `tags`. The call is spanned at the
/// option: a function of the wrong shape is reported there.
pub(crate) fn tags(tier: &L2Tier, key: &Key<'_>, value: &syn::Type) -> Option<TokenStream> {
    let (tags, span) = tier.tags.as_ref()?;
    let (copy, arguments) = match key {
        Key::Custom(_) => (
            quote!(::core::clone::Clone::clone(&__unokit_key_value)),
            vec![quote!(&__unokit_tags_key)],
        ),
        Key::Args(parts) => {
            let owned = parts.iter().map(owned_part);
            let arguments = parts
                .iter()
                .enumerate()
                .map(|(position, part)| {
                    let field = Index::from(position);
                    match part {
                        KeyPart::Param(param) => match super::shape::referent(&param.ty) {
                            Some(referent) => quote! {
                                ::core::borrow::Borrow::<#referent>::borrow(&__unokit_tags_key.#field)
                            },
                            None => quote!(&__unokit_tags_key.#field),
                        },
                        KeyPart::SelfRef => quote!(&__unokit_tags_key.#field),
                    }
                })
                .collect();
            (quote!((#(#owned,)*)), arguments)
        }
    };
    let call = quote_spanned! {*span=>
        #COLLECT_TAGS((#tags)(#(#arguments,)* __unokit_value))
    };
    Some(quote! {
        let __unokit_tags_key = #copy;
        // `tags = |..| ..` is a closure the generated code calls at once.
        #[allow(clippy::redundant_closure_call)]
        let __unokit_tags = move |__unokit_value: &#value| -> ::std::vec::Vec<::std::string::String> {
            #call
        };
    })
}
