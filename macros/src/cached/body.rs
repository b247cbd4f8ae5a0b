//! The cached function's body: a lookup, then a miss through the cache's
//! single flight — or, with the freshness policies, through their path.

use super::guard;
use super::key_code::KeyCode;
use super::l2;
use super::policy::Policy;
use super::shape::{Mode, referent};
use super::signature::call_arguments;
use super::validate::ValidFn;
use crate::common::paths::cache::{
    ALWAYS, ALWAYS_OR_NONE, L2_KEY, OK_ONLY, SOME_ONLY, TIMEOUT as TIMEOUT_TYPE,
};
use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::Index;

/// What the cache is told to keep (`mode`), and how a hit's stored value
/// becomes the function's return value (`hit`).
pub(super) struct Returned {
    pub(super) mode: TokenStream,
    hit: TokenStream,
}

impl Returned {
    pub(super) fn of(valid: &ValidFn<'_>) -> Self {
        let (mode, hit) = match valid.mode {
            Mode::Always if valid.policy.none_ttl.is_some() => {
                (quote!(#ALWAYS_OR_NONE), quote!(__unokit_hit))
            }
            Mode::Always => (quote!(#ALWAYS), quote!(__unokit_hit)),
            Mode::OkOnly => (
                quote!(#OK_ONLY),
                quote!(::core::result::Result::Ok(__unokit_hit)),
            ),
            Mode::SomeOnly => (
                quote!(#SOME_ONLY),
                quote!(::core::option::Option::Some(__unokit_hit)),
            ),
        };
        Self { mode, hit }
    }
}

/// The body of the cached function; `cache` and `uncached` are paths to the
/// `*_cache` companion and the body's copy.
pub(crate) fn cached_body(
    valid: &ValidFn<'_>,
    key: &KeyCode,
    cache: &TokenStream,
    uncached: &TokenStream,
) -> TokenStream {
    let returned = Returned::of(valid);
    let guard_check = valid
        .guard
        .as_ref()
        .map(|guard| guard::check_code(guard, &valid.key));
    if valid.is_async && valid.policy.loads_in_background() {
        policy_body(valid, key, cache, uncached, &returned, guard_check)
    } else {
        plain_body(valid, key, cache, uncached, &returned, guard_check)
    }
}

fn plain_body(
    valid: &ValidFn<'_>,
    key: &KeyCode,
    cache: &TokenStream,
    uncached: &TokenStream,
    returned: &Returned,
    guard_check: Option<TokenStream>,
) -> TokenStream {
    let KeyCode {
        prelude,
        hash_chain,
        is_key,
        owned,
        ..
    } = key;
    let Returned { mode, hit } = returned;
    let arguments = call_arguments(valid.f);
    let dot_await = valid.is_async.then(|| quote!(.await));
    let local = quote! {
        __unokit_cache
            .get_or_compute(__unokit_hash, #owned, #mode, move || #uncached(#arguments))
            #dot_await
    };
    let miss = match &valid.l2 {
        None => local,
        Some(tier) => {
            let value_check = l2::value_check(tier, valid.value);
            let l2_key = l2::key_expr(&valid.key);
            let through_l2 = match l2::tags(tier, &valid.key, valid.value) {
                Some(prelude) => quote! {
                    let __unokit_l2_key = #L2_KEY::of(#l2_key);
                    #prelude
                    __unokit_cache
                        .get_or_load_l2_tagged(__unokit_hash, #owned, __unokit_l2_key, __unokit_l2_codec, #mode, ::core::option::Option::Some(__unokit_tags), move || #uncached(#arguments))
                        .await
                },
                None => quote! {
                    let __unokit_l2_key = #L2_KEY::of(#l2_key);
                    __unokit_cache
                        .get_or_load_l2(__unokit_hash, #owned, __unokit_l2_key, __unokit_l2_codec, #mode, move || #uncached(#arguments))
                        .await
                },
            };
            // Outside `l2_or!`: without the `redis` feature it is the one
            // error saying to turn it on.
            let miss = l2::or(&quote!({ #through_l2 }), &quote!({ #local }));
            quote!(#value_check #miss)
        }
    };
    quote! {
        #prelude
        #guard_check
        let __unokit_cache = #cache();
        let __unokit_hash = __unokit_cache.hasher() #hash_chain;
        if let ::core::option::Option::Some(__unokit_hit) =
            __unokit_cache.get(__unokit_hash, #is_key)
        {
            return #hit;
        }
        #miss
    }
}

/// The body's arguments taken from an owned key `__unokit_key`, for a key
/// made of every argument (which the policies and pre-warming check).
pub(super) fn from_owned_key(valid: &ValidFn<'_>) -> Vec<TokenStream> {
    valid
        .f
        .key_params()
        .enumerate()
        .map(|(position, param)| {
            let index = Index::from(position);
            if referent(&param.ty).is_some() {
                quote!(&__unokit_key.#index)
            } else {
                quote!(__unokit_key.#index)
            }
        })
        .collect()
}

/// The body when misses load through the policies' path: a `reload` closure
/// that calls the body from an owned key, a hit that may start a refresh, and
/// a miss that may serve a stale value or time out.
fn policy_body(
    valid: &ValidFn<'_>,
    key: &KeyCode,
    cache: &TokenStream,
    uncached: &TokenStream,
    returned: &Returned,
    guard_check: Option<TokenStream>,
) -> TokenStream {
    let policy: &Policy = &valid.policy;
    let KeyCode {
        prelude,
        hash_chain,
        is_key,
        owned,
        key_type,
    } = key;
    let Returned { mode, hit } = returned;
    let arguments = from_owned_key(valid);
    let lookup = if policy.refresh_ahead.is_some() {
        quote!(__unokit_cache.get_fresh(__unokit_hash, #is_key, #mode, __unokit_reload))
    } else {
        quote!(__unokit_cache.get(__unokit_hash, #is_key))
    };
    let timed_out = match policy.hard_timeout {
        // Spanned at the option: a missing `From<Timeout>` is reported there.
        Some((_, span)) => quote_spanned! {span=>
            ::core::option::Option::Some(|__unokit_timeout: #TIMEOUT_TYPE| {
                ::core::result::Result::Err(::core::convert::From::from(__unokit_timeout))
            })
        },
        None => quote!(::core::option::Option::None::<fn(#TIMEOUT_TYPE) -> _>),
    };
    quote! {
        #prelude
        #guard_check
        let __unokit_cache = #cache();
        let __unokit_hash = __unokit_cache.hasher() #hash_chain;
        // The body from an owned key: a `'static` future the cache may finish or
        // rerun in the background.
        let __unokit_reload = |__unokit_key: #key_type| async move {
            #uncached(#(#arguments),*).await
        };
        if let ::core::option::Option::Some(__unokit_hit) = #lookup {
            return #hit;
        }
        __unokit_cache
            .load(__unokit_hash, #owned, #mode, __unokit_reload, #timed_out)
            .await
    }
}
