//! `#[container(..)]`: turns a unit struct into a dependency-injection container
//! with one slot per listed service, a scope type and a builder.
//!
//! [`parse`] reads the list and the struct, [`validate`] checks every rule,
//! [`expand`] writes the types and the impls (see `expand` for their shape).

mod expand;
mod impls;
mod parse;
mod validate;

use crate::common::ctxt::Ctxt;
use crate::common::fallback;
use proc_macro2::TokenStream;

pub(crate) fn container(args: TokenStream, input: TokenStream) -> TokenStream {
    let cx = Ctxt::new();
    let parsed = parse::parse(&cx, args, input.clone());
    if let Some(parsed) = &parsed {
        validate::check(&cx, parsed);
    }
    match (cx.check(), parsed) {
        (Ok(()), Some(parsed)) => expand::expand(&parsed),
        (Err(errors), Some(parsed)) => fallback::item_with_errors(&parsed.item, &errors),
        (Err(errors), None) => fallback::item_with_errors(input, &errors),
        (Ok(()), None) => unreachable!("a failed parse records an error"),
    }
}
