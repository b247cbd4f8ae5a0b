//! The generated items: the cached function and its companions.

use super::body;
use super::key_code::KeyCode;
use super::l2;
use super::parse::CachedFn;
use super::policy;
use super::prewarm;
use super::shape::Mode;
use super::signature::{generics_for, key_inputs, outer_signature, unused_name};
use super::validate::ValidFn;
use crate::common::paths::cache::{ASSERT_L2_VALUE, ASYNC_FN_CACHE, CACHE_CONFIG, SYNC_FN_CACHE};
use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};
use syn::{Attribute, Ident};

pub(crate) fn expand(valid: &ValidFn<'_>) -> TokenStream {
    let cx = Expansion::new(valid);
    let items = [
        cx.cached_fn(),
        cx.uncached_fn(),
        cx.invalidate_fn(),
        cx.prime_fn(),
        cx.invalidate_all_fn(),
        cx.cache_fn(),
        cx.prewarm_fn(),
    ];
    quote!(#(#items)*)
}

/// A path to the function or a companion: through `Self` inside an `impl`.
pub(super) fn path(f: &CachedFn, name: &Ident) -> TokenStream {
    if f.in_impl() {
        quote!(Self::#name)
    } else {
        quote!(#name)
    }
}

/// Everything the generated items share.
struct Expansion<'a> {
    valid: &'a ValidFn<'a>,
    f: &'a CachedFn,
    key: KeyCode,
    names: Names,
    attrs: Attrs<'a>,
    dot_await: TokenStream,
    maybe_async: TokenStream,
    /// The type the cache stores.
    value: &'a syn::Type,
    mode: Mode,
}

/// The companions' names: the function's name and a suffix.
pub(super) struct Names {
    pub(super) uncached: Ident,
    pub(super) invalidate: Ident,
    pub(super) prime: Ident,
    pub(super) invalidate_all: Ident,
    pub(super) cache: Ident,
    pub(super) prewarm: Ident,
}

/// The user's attributes, sorted by the items they belong on.
pub(super) struct Attrs<'a> {
    /// Docs and markers that describe the function's interface.
    pub(super) interface: Vec<&'a Attribute>,
    /// `must_use` and `allow`, which the cached function and the body both need.
    pub(super) shared: Vec<&'a Attribute>,
    /// Attributes about the body: other lint levels, `inline`, instrumentation.
    pub(super) body: Vec<&'a Attribute>,
    /// `cfg`, which every generated item needs.
    pub(super) every: Vec<&'a Attribute>,
}

impl<'a> Expansion<'a> {
    fn new(valid: &'a ValidFn<'a>) -> Self {
        let f = valid.f;
        let is_async = valid.is_async;
        Self {
            valid,
            f,
            key: KeyCode::of(&valid.key, valid.bounds.max_bytes.is_some()),
            names: Names::of(&f.item.sig.ident),
            attrs: Attrs::sort(&f.item.attrs),
            dot_await: if is_async {
                quote!(.await)
            } else {
                TokenStream::new()
            },
            maybe_async: if is_async {
                quote!(async)
            } else {
                TokenStream::new()
            },
            value: valid.value,
            mode: valid.mode,
        }
    }

    fn path(&self, name: &Ident) -> TokenStream {
        path(self.f, name)
    }

    fn doc_link(&self, name: &Ident) -> String {
        if self.f.in_impl() {
            format!("[`Self::{name}`]")
        } else {
            format!("[`{name}`]")
        }
    }

    fn cached_fn(&self) -> TokenStream {
        let Self { f, key, attrs, .. } = self;
        let vis = &f.item.vis;
        let interface = &attrs.interface;
        let shared = &attrs.shared;
        let every = &attrs.every;
        let sig = outer_signature(f);
        let cache = self.path(&self.names.cache);
        let uncached = self.path(&self.names.uncached);
        let see_also = self.see_also();
        let body = body::cached_body(self.valid, key, &cache, &uncached);
        quote! {
            #(#interface)*
            #see_also
            #(#shared)*
            #(#every)*
            #vis #sig { #body }
        }
    }

    /// A paragraph under the user's own docs naming the companions, when there are docs.
    fn see_also(&self) -> TokenStream {
        if !self
            .attrs
            .interface
            .iter()
            .any(|attr| attr.path().is_ident("doc"))
        {
            return TokenStream::new();
        }
        let Names {
            uncached,
            invalidate,
            prime,
            invalidate_all,
            cache,
            ..
        } = &self.names;
        let text = format!(
            " Cached with `#[unokit::cached]`: see {} for statistics, {}, {}, {} and {}.",
            self.doc_link(cache),
            self.doc_link(invalidate),
            self.doc_link(invalidate_all),
            self.doc_link(prime),
            self.doc_link(uncached),
        );
        quote!(#[doc = ""] #[doc = #text])
    }

    fn uncached_fn(&self) -> TokenStream {
        let Self { f, attrs, .. } = self;
        let vis = &f.item.vis;
        let shared = &attrs.shared;
        let body = &attrs.body;
        let every = &attrs.every;
        let mut sig = f.item.sig.clone();
        sig.ident = self.names.uncached.clone();
        let block = &f.item.block;
        let doc = format!(
            " Runs {}'s body, bypassing its cache: nothing is read or stored.",
            self.doc_link(&f.item.sig.ident)
        );
        let errors = self.errors_doc();
        // The user's docs, with their `# Errors` and `# Panics`, stay on the cached
        // function; this copy of the body points there instead.
        quote! {
            #[doc = #doc]
            #errors
            #[allow(clippy::missing_errors_doc, clippy::missing_panics_doc, clippy::must_use_candidate)]
            #(#shared)*
            #(#body)*
            #(#every)*
            #vis #sig #block
        }
    }

    fn errors_doc(&self) -> TokenStream {
        if self.mode != Mode::OkOnly {
            return TokenStream::new();
        }
        let text = format!(" As {}'s.", self.doc_link(&self.f.item.sig.ident));
        quote!(#[doc = ""] #[doc = " # Errors"] #[doc = ""] #[doc = #text])
    }

    fn invalidate_fn(&self) -> TokenStream {
        let KeyCode {
            prelude,
            hash_chain,
            is_key,
            ..
        } = &self.key;
        let cache = self.path(&self.names.cache);
        let dot_await = &self.dot_await;
        let (doc, l2_remove) = match &self.valid.l2 {
            None => (
                format!(
                    " Removes the cached result of {} for these arguments.",
                    self.doc_link(&self.f.item.sig.ident)
                ),
                TokenStream::new(),
            ),
            Some(_) => {
                let l2_key = l2::key_expr(&self.valid.key);
                let remove = quote!(__unokit_cache.l2_link().invalidate(#l2_key).await;);
                (
                    format!(
                        " Removes the cached result of {} for these arguments, here and in Redis, and tells the other instances.",
                        self.doc_link(&self.f.item.sig.ident)
                    ),
                    l2::or(&remove, &TokenStream::new()),
                )
            }
        };
        self.key_companion(
            &self.names.invalidate,
            &doc,
            None,
            quote! {
                #prelude
                let __unokit_cache = #cache();
                #l2_remove
                let __unokit_hash = __unokit_cache.hasher() #hash_chain;
                // Only this key's entry: another key under the same hash stays.
                __unokit_cache.invalidate(__unokit_hash, #is_key)#dot_await;
            },
        )
    }

    fn prime_fn(&self) -> TokenStream {
        let KeyCode {
            prelude,
            hash_chain,
            owned,
            ..
        } = &self.key;
        let cache = self.path(&self.names.cache);
        let dot_await = &self.dot_await;
        let value_name = unused_name(self.f, "value");
        let value = self.value;
        let doc = format!(
            " Stores `{value_name}` as the cached result of {} for these arguments, replacing any.",
            self.doc_link(&self.f.item.sig.ident)
        );
        let value_input = quote!(#value_name: #value);
        let l2_prime = self.valid.l2.as_ref().map(|tier| {
            let l2_key = l2::key_expr(&self.valid.key);
            let codec = ASSERT_L2_VALUE.at(syn::spanned::Spanned::span(value));
            let prime = match l2::tags(tier, &self.valid.key, value) {
                // The tags go to Redis with the value and are remembered
                // for the local copy.
                Some(tags) => quote! {
                    #tags
                    let __unokit_hash = __unokit_cache.hasher() #hash_chain;
                    __unokit_cache.prime_l2_tagged(#codec::<#value>(), #l2_key, ::core::clone::Clone::clone(&#value_name), __unokit_tags(&#value_name), __unokit_hash);
                },
                None => {
                    quote!(__unokit_cache.l2_link().prime(#codec::<#value>(), #l2_key, ::core::clone::Clone::clone(&#value_name));)
                }
            };
            l2::or(&prime, &TokenStream::new())
        });
        self.key_companion(
            &self.names.prime,
            &doc,
            Some(value_input),
            quote! {
                #prelude
                let __unokit_cache = #cache();
                #l2_prime
                let __unokit_hash = __unokit_cache.hasher() #hash_chain;
                __unokit_cache.insert(__unokit_hash, #owned, #value_name)#dot_await;
            },
        )
    }

    /// A companion taking the key's arguments (and `extra`), `async` with the function.
    fn key_companion(
        &self,
        name: &Ident,
        doc: &str,
        extra: Option<TokenStream>,
        body: TokenStream,
    ) -> TokenStream {
        let vis = &self.f.item.vis;
        let every = &self.attrs.every;
        let maybe_async = &self.maybe_async;
        let inputs = key_inputs(self.f);
        let generics = generics_for(self.f, &inputs);
        let where_clause = &generics.where_clause;
        let inputs = inputs.iter().chain(&extra);
        quote! {
            #[doc = #doc]
            #[allow(clippy::needless_pass_by_value)]
            #(#every)*
            #vis #maybe_async fn #name #generics (#(#inputs),*) #where_clause {
                #body
            }
        }
    }

    fn invalidate_all_fn(&self) -> TokenStream {
        let vis = &self.f.item.vis;
        let every = &self.attrs.every;
        let name = &self.names.invalidate_all;
        let cache = self.path(&self.names.cache);
        let local = quote!(#cache().invalidate_all(););
        let (doc, body) = if self.valid.l2.is_some() {
            let everywhere = quote!(#cache().invalidate_all_everywhere(););
            (
                format!(
                    " Removes every cached result of {} from this process and, behind the caller, from Redis and the other instances.",
                    self.doc_link(&self.f.item.sig.ident)
                ),
                l2::or(&everywhere, &local),
            )
        } else {
            (
                format!(
                    " Removes every cached result of {}.",
                    self.doc_link(&self.f.item.sig.ident)
                ),
                local,
            )
        };
        quote! {
            #[doc = #doc]
            #(#every)*
            #vis fn #name() {
                #body
            }
        }
    }

    fn cache_fn(&self) -> TokenStream {
        let vis = &self.f.item.vis;
        let every = &self.attrs.every;
        let name = &self.names.cache;
        let key_type = &self.key.key_type;
        let value = self.value;
        let backend = if self.valid.is_async {
            ASYNC_FN_CACHE
        } else {
            SYNC_FN_CACHE
        };
        let config = self.config();
        // A cache bounded in bytes weighs its keys and values: they must be `Weigh`.
        let constructor = if self.valid.bounds.max_bytes.is_some() {
            format_ident!("new_weighed")
        } else {
            format_ident!("new")
        };
        let doc = format!(
            " The cache of {}: hits, misses and entries through `stats()`, and moka's maintenance.",
            self.doc_link(&self.f.item.sig.ident)
        );
        let local = quote!(#backend::#constructor(#config));
        let constructed = match &self.valid.l2 {
            None => local,
            Some(tier) => {
                let link = l2::link(tier, self.f);
                let constructor = format_ident!("{}_l2", constructor);
                l2::or(&quote!(#backend::#constructor(#config, #link)), &local)
            }
        };
        // The function's path names its misses in `tracing` (`unokit::cache`).
        let path = self.f.item.sig.ident.to_string();
        let path = path.trim_start_matches("r#");
        quote! {
            #[doc = #doc]
            #[must_use]
            #(#every)*
            #vis fn #name() -> &'static #backend<#key_type, #value> {
                static CACHE: #backend<#key_type, #value> = #constructed
                    .named(::core::concat!(::core::module_path!(), "::", #path));
                &CACHE
            }
        }
    }

    /// `<function>_prewarm`, with `prewarm = N` only.
    fn prewarm_fn(&self) -> TokenStream {
        if self.valid.prewarm.is_none() {
            return TokenStream::new();
        }
        prewarm::companion(
            self.valid,
            &self.key,
            &self.names.prewarm,
            &self.path(&self.names.cache),
            &self.path(&self.names.uncached),
            &self.attrs.every,
            &prewarm::doc(
                &self.doc_link(&self.f.item.sig.ident),
                &self.doc_link(&self.names.cache),
            ),
        )
    }

    fn config(&self) -> TokenStream {
        let bounds = &self.valid.bounds;
        let capacity = bounds.capacity.map(|capacity| {
            let entries = Literal::u64_unsuffixed(capacity);
            quote!(.with_capacity(#entries))
        });
        let max_bytes = bounds.max_bytes.map(|bytes| {
            let bytes = Literal::u64_unsuffixed(bytes);
            quote!(.with_max_bytes(#bytes))
        });
        let duration = |method: &str, given: Option<std::time::Duration>| {
            given.map(|duration| {
                let method = format_ident!("{}", method);
                let millis = Literal::u128_unsuffixed(duration.as_millis());
                quote!(.#method(::core::time::Duration::from_millis(#millis)))
            })
        };
        // With `l2`, the `ttl` is Redis's; the process keeps entries `l1_ttl`.
        let ttl = duration(
            "with_ttl",
            self.valid
                .l2
                .as_ref()
                .map(|tier| tier.l1_ttl)
                .or(bounds.ttl),
        );
        let tti = duration("with_tti", bounds.tti);
        let policy = policy::config_calls(&self.valid.policy);
        let hot_keys = self.valid.prewarm.map(|top| {
            let top = Literal::u32_unsuffixed(top);
            quote!(.with_hot_keys(#top))
        });
        quote!(#CACHE_CONFIG::new() #capacity #max_bytes #ttl #tti #policy #hot_keys)
    }
}

impl Names {
    pub(super) fn of(function: &Ident) -> Self {
        let suffixed =
            |suffix: &str| format_ident!("{}_{}", function, suffix, span = function.span());
        Self {
            uncached: suffixed("uncached"),
            invalidate: suffixed("invalidate"),
            prime: suffixed("prime"),
            invalidate_all: suffixed("invalidate_all"),
            cache: suffixed("cache"),
            prewarm: suffixed("prewarm"),
        }
    }
}

impl<'a> Attrs<'a> {
    pub(super) fn sort(attrs: &'a [Attribute]) -> Self {
        let mut sorted = Attrs {
            interface: Vec::new(),
            shared: Vec::new(),
            body: Vec::new(),
            every: Vec::new(),
        };
        for attr in attrs {
            let path = attr.path();
            if path.is_ident("doc") || path.is_ident("deprecated") {
                sorted.interface.push(attr);
            } else if path.is_ident("must_use") || path.is_ident("allow") {
                sorted.shared.push(attr);
            } else if path.is_ident("cfg") || path.is_ident("cfg_attr") {
                sorted.every.push(attr);
            } else {
                sorted.body.push(attr);
            }
        }
        sorted
    }
}
