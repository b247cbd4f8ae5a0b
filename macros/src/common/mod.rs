//! What every macro of unokit shares.

pub(crate) mod case;
pub(crate) mod ctxt;
pub(crate) mod duration;
pub(crate) mod fallback;
pub(crate) mod item;
pub(crate) mod options;
pub(crate) mod paths;
pub(crate) mod pipeline;
pub(crate) mod skip;
pub(crate) mod suggest;
pub(crate) mod types;

use proc_macro2::TokenStream;
use quote::quote;

/// The root of every path generated code names: the facade's hidden module, so that
/// a user's `Cargo.toml` lists `unokit` alone.
pub(crate) fn private() -> TokenStream {
    quote!(::unokit::__private)
}

/// [`private`] with every token at `span`, for generated code whose errors
/// should point at the user's tokens.
pub(crate) fn private_at(span: proc_macro2::Span) -> TokenStream {
    quote::quote_spanned!(span=> ::unokit::__private)
}
