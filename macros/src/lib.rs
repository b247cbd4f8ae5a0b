//! Procedural macros of [unokit](https://docs.rs/unokit). Use them through the
//! `unokit` crate: the code they generate names paths under `::unokit::__private`.
//!
//! Each macro lives in its own module, split into `parse` (read the input),
//! `validate` (check every rule, collecting all errors) and `expand` (generate).

mod batch_load;
mod cache_key;
mod cached;
mod common;
mod container;
mod filter;
mod injectable;
mod model;
mod partial_response;
mod sort;

use proc_macro::TokenStream;

/// Memoizes a function on a moka cache with a key computed at compile time.
/// Documented in the `unokit` crate.
#[proc_macro_attribute]
pub fn cached(args: TokenStream, input: TokenStream) -> TokenStream {
    cached::cached(args.into(), input.into()).into()
}

/// Derives `CacheKey` field by field. Documented in the `unokit` crate.
#[proc_macro_derive(CacheKey, attributes(cache_key))]
pub fn derive_cache_key(input: TokenStream) -> TokenStream {
    cache_key::derive(input.into()).into()
}

/// Derives `Filter`: a struct of `Option` fields as conditions on a model's
/// columns. Documented in the `unokit` crate.
#[proc_macro_derive(Filter, attributes(filter))]
pub fn derive_filter(input: TokenStream) -> TokenStream {
    filter::derive(input.into()).into()
}

/// Derives `Sort`: an enum of sort keys, each a column of a model. Documented
/// in the `unokit` crate.
#[proc_macro_derive(Sort, attributes(sort))]
pub fn derive_sort(input: TokenStream) -> TokenStream {
    sort::derive(input.into()).into()
}

/// Serializes a struct under a `fields` selection. Documented in the `unokit` crate.
#[proc_macro_attribute]
pub fn partial_response(args: TokenStream, input: TokenStream) -> TokenStream {
    partial_response::partial_response(args.into(), input.into()).into()
}

/// Declares a service of a `#[container]`: its lifetime and how it is built.
/// Documented in the `unokit` crate.
#[proc_macro_attribute]
pub fn injectable(args: TokenStream, input: TokenStream) -> TokenStream {
    injectable::injectable(args.into(), input.into()).into()
}

/// Generates a dependency-injection container, its scopes and its builder from
/// a list of services. Documented in the `unokit` crate.
#[proc_macro_attribute]
pub fn container(args: TokenStream, input: TokenStream) -> TokenStream {
    container::container(args.into(), input.into()).into()
}

/// Generates a batch loader (a DataLoader) for an `async fn` that loads many
/// values by their keys. Documented in the `unokit` crate.
#[proc_macro_attribute]
pub fn batch_load(args: TokenStream, input: TokenStream) -> TokenStream {
    batch_load::batch_load(args.into(), input.into()).into()
}

/// Maps a row struct to a table, with relation fields loaded through batch
/// loaders. Documented in the `unokit` crate.
#[proc_macro_derive(Model, attributes(model))]
pub fn derive_model(input: TokenStream) -> TokenStream {
    model::derive(input.into()).into()
}

#[cfg(test)]
mod snapshots;
