//! `#[derive(CacheKey)]`: writes a type's fields, in order, into a key sink.
//!
//! [`parse`] reads the type and its `#[cache_key]` attributes, [`validate`] checks
//! the rules, [`expand`] writes the impl.

mod expand;
mod parse;
mod validate;

use crate::common::ctxt::Ctxt;
use proc_macro2::TokenStream;

pub(crate) fn derive(input: TokenStream) -> TokenStream {
    let cx = Ctxt::new();
    let parsed = parse::parse(&cx, input);
    if let Some(parsed) = &parsed {
        validate::check(&cx, parsed);
    }
    match (cx.check(), parsed) {
        (Ok(()), Some(parsed)) => expand::expand(&parsed),
        // A derive's input stays in place; only the errors are emitted.
        (Err(errors), _) => errors.to_compile_error(),
        (Ok(()), None) => unreachable!("a failed parse records an error"),
    }
}
