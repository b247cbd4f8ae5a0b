//! The code that turns a call's arguments into its cache key: a keyed hash, a
//! comparison with a stored key, and the owned key to store.

use super::parse::Param;
use super::shape::{Key, KeyPart, referent};
use crate::common::paths::cache::ANY_KEY;
use crate::common::paths::key::CACHE_KEY;
use crate::common::types::ungroup;
use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{Index, Type};

pub(crate) struct KeyCode {
    /// Statements that must run first (the custom key expression).
    pub(crate) prelude: TokenStream,
    /// The calls that, after a cache's `hasher()`, give the key's keyed hash:
    /// `.key(&a).key(&b).finish()`.
    pub(crate) hash_chain: TokenStream,
    /// A closure `|&K| -> bool` recognising this call's key.
    pub(crate) is_key: TokenStream,
    /// An expression building the owned `K`.
    pub(crate) owned: TokenStream,
    /// `K` as the `static` names it.
    pub(crate) key_type: TokenStream,
}

impl KeyCode {
    /// With `weighed`, an erased key is built with `AnyKey::weighed`, which
    /// remembers its weight for a cache bounded in bytes.
    pub(crate) fn of(key: &Key<'_>, weighed: bool) -> Self {
        let any_key = if weighed {
            quote!(#ANY_KEY::weighed)
        } else {
            quote!(#ANY_KEY::new)
        };
        match key {
            Key::Custom(expr) => custom(expr, &any_key),
            Key::Args(parts) => from_parts(parts, key.is_erased(), &any_key),
        }
    }
}

fn custom(expr: &syn::Expr, any_key: &TokenStream) -> KeyCode {
    let value = format_ident!("__unokit_key_value");
    KeyCode {
        prelude: quote!(let #value = #expr;),
        hash_chain: quote!(.key(&#value).finish()),
        is_key: quote!(|__unokit_key: &#ANY_KEY| __unokit_key.is(&#value)),
        owned: quote!(#any_key(#value)),
        key_type: quote!(#ANY_KEY),
    }
}

fn from_parts(parts: &[KeyPart<'_>], erased: bool, any_key: &TokenStream) -> KeyCode {
    let borrowed = parts.iter().map(borrowed_part);
    let owned = parts.iter().map(owned_part);
    let owned_types = parts.iter().map(owned_type);
    let equalities = parts
        .iter()
        .enumerate()
        .map(|(position, part)| equality(position, part));
    let owned = quote!((#(#owned,)*));
    let owned_type = quote!((#(#owned_types,)*));
    let matches = equalities
        .reduce(|all, next| quote!(#all && #next))
        .unwrap_or_else(|| quote!(true));
    let hash_chain = quote!(#(#borrowed)* .finish());
    if erased {
        KeyCode {
            prelude: TokenStream::new(),
            hash_chain: hash_chain.clone(),
            is_key: quote! {
                |__unokit_key: &#ANY_KEY| {
                    __unokit_key
                        .downcast_ref::<#owned_type>()
                        .is_some_and(|__unokit_key| #matches)
                }
            },
            owned: quote!(#any_key(#owned)),
            key_type: quote!(#ANY_KEY),
        }
    } else {
        KeyCode {
            prelude: TokenStream::new(),
            hash_chain,
            is_key: quote!(|__unokit_key: &#owned_type| #matches),
            owned,
            key_type: owned_type,
        }
    }
}

/// One link of the hash's chain, spanned at the parameter's type so that a
/// type that is not a `CacheKey` is reported there.
fn borrowed_part(part: &KeyPart<'_>) -> TokenStream {
    match part {
        KeyPart::SelfRef => quote!(.key(self)),
        KeyPart::Param(param) => {
            let name = &param.name;
            let key = quote_spanned!(param.ty.span()=> key);
            quote!(.#key(&#name))
        }
    }
}

pub(crate) fn owned_part(part: &KeyPart<'_>) -> TokenStream {
    match part {
        KeyPart::SelfRef => quote!(::core::clone::Clone::clone(self)),
        KeyPart::Param(Param { name, ty, .. }) => {
            if referent(ty).is_some() {
                quote!(::std::borrow::ToOwned::to_owned(#name))
            } else {
                quote!(::core::clone::Clone::clone(&#name))
            }
        }
    }
}

/// Whether the stored key's part at `position` is the same key as the argument:
/// `CacheKey::key_eq`, through `Borrow` for a borrowed argument.
fn equality(position: usize, part: &KeyPart<'_>) -> TokenStream {
    let field = Index::from(position);
    match part {
        KeyPart::SelfRef => quote!(#CACHE_KEY::key_eq(&__unokit_key.#field, self)),
        KeyPart::Param(Param { name, ty, .. }) => match referent(ty) {
            Some(referent) => quote! {
                #CACHE_KEY::key_eq(::core::borrow::Borrow::<#referent>::borrow(&__unokit_key.#field), #name)
            },
            None => quote!(#CACHE_KEY::key_eq(&__unokit_key.#field, &#name)),
        },
    }
}

/// The type an argument is stored as: itself, or the owned form of what it borrows.
fn owned_type(part: &KeyPart<'_>) -> TokenStream {
    let ty = match part {
        KeyPart::SelfRef => return quote!(Self),
        KeyPart::Param(param) => &param.ty,
    };
    let Some(referent) = referent(ty) else {
        return quote!(#ty);
    };
    match ungroup(referent) {
        Type::Path(path) if path.qself.is_none() && path.path.is_ident("str") => {
            quote!(::std::string::String)
        }
        Type::Slice(slice) => {
            let elem = &slice.elem;
            quote!(::std::vec::Vec<#elem>)
        }
        Type::Path(path) if is_unsized_std_path(path) => {
            quote!(<#referent as ::std::borrow::ToOwned>::Owned)
        }
        sized => quote!(#sized),
    }
}

/// `Path`, `OsStr` and `CStr` are unsized: their owned form is not themselves.
fn is_unsized_std_path(path: &syn::TypePath) -> bool {
    path.path.segments.last().is_some_and(|segment| {
        ["Path", "OsStr", "CStr"]
            .iter()
            .any(|name| segment.ident == name)
    })
}
