//! What `#[cached]` writes when the function breaks a rule.

use super::expand::{Attrs, Names, path};
use super::parse::CachedFn;
use super::signature::{call_arguments, generics_for, key_inputs, outer_signature, unused_name};
use crate::common::paths::cache::{ANY_KEY, ASYNC_FN_CACHE, SYNC_FN_CACHE};
use proc_macro2::TokenStream;
use quote::quote;

/// On error: the function as written, and companions that are never meant to
/// run (the build fails), so that code naming them reports only the real
/// error. Their types are loose where the function's may be what is wrong: the
/// cache's key and value are erased, and `prime` takes any value.
pub(crate) fn stub(f: &CachedFn) -> TokenStream {
    let item = &f.item;
    let names = Names::of(&item.sig.ident);
    let every = &Attrs::sort(&item.attrs).every;
    let vis = &item.vis;
    let maybe_async = &item.sig.asyncness;
    let backend = if maybe_async.is_some() {
        ASYNC_FN_CACHE
    } else {
        SYNC_FN_CACHE
    };
    let mut uncached_sig = outer_signature(f);
    uncached_sig.ident = names.uncached.clone();
    let unreachable = quote!(::core::unreachable!());
    // It calls the function rather than `unreachable!()`: a return type with
    // `impl Trait` (itself an error here) needs a body of that type. An
    // `unsafe fn` (an error too) is not called, to generate no `unsafe` block.
    let uncached_body = match item.sig.safety {
        syn::Safety::Unsafe(_) => unreachable.clone(),
        _ => {
            let function = path(f, &item.sig.ident);
            let arguments = call_arguments(f);
            let dot_await = maybe_async.map(|_| quote!(.await));
            quote!(#function(#arguments) #dot_await)
        }
    };
    let inputs = key_inputs(f);
    let generics = generics_for(f, &inputs);
    let where_clause = &generics.where_clause;
    let value = unused_name(f, "value");
    let Names {
        invalidate,
        prime,
        invalidate_all,
        cache,
        prewarm,
        ..
    } = &names;
    // Only with the option, as the real companion.
    let prewarm = f.options.prewarm.as_ref().map(|_| {
        quote! {
            #(#every)*
            #[allow(unused_variables)]
            #vis async fn #prewarm(keys: impl ::core::iter::IntoIterator) -> usize { #unreachable }
        }
    });
    quote! {
        #item

        #(#every)*
        #[allow(unused_variables)]
        #vis #uncached_sig { #uncached_body }

        #(#every)*
        #[allow(unused_variables)]
        #vis #maybe_async fn #invalidate #generics (#(#inputs),*) #where_clause { #unreachable }

        #(#every)*
        #[allow(unused_variables)]
        #vis #maybe_async fn #prime #generics (#(#inputs,)* #value: impl ::core::marker::Sized) #where_clause {
            #unreachable
        }

        #(#every)*
        #vis fn #invalidate_all() { #unreachable }

        #(#every)*
        #vis fn #cache() -> &'static #backend<#ANY_KEY, ()> { #unreachable }

        #prewarm
    }
}
