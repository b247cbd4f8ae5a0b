//! What every macro of unokit shares.

pub(crate) mod case;
pub(crate) mod ctxt;
pub(crate) mod duration;
pub(crate) mod fallback;
pub(crate) mod suggest;
pub(crate) mod types;

use proc_macro2::TokenStream;
use quote::quote;

/// The root of every path generated code names: the facade's hidden module, so that
/// a user's `Cargo.toml` lists `unokit` alone.
pub(crate) fn private() -> TokenStream {
    quote!(::unokit::__private)
}
