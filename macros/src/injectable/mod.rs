//! `#[injectable]`: declares a service of the container, its lifetime, and how
//! it is built (its fields injected, `Default`, a factory, or the annotated
//! function itself).
//!
//! [`parse`] reads the item and the options, [`validate`] checks every rule,
//! [`expand`] writes the `Injectable` and `Recipe` impls.

mod expand;
mod options;
mod parse;
mod validate;

use crate::common::ctxt::Ctxt;
use crate::common::fallback;
use proc_macro2::TokenStream;

pub(crate) fn injectable(args: TokenStream, input: TokenStream) -> TokenStream {
    let cx = Ctxt::new();
    let parsed = parse::parse(&cx, args, input.clone());
    if let Some(parsed) = &parsed {
        validate::check(&cx, parsed);
    }
    match (cx.check(), parsed) {
        (Ok(()), Some(parsed)) => expand::expand(&parsed),
        (Err(errors), Some(parsed)) => fallback::item_with_errors(parsed.unchanged(), &errors),
        (Err(errors), None) => fallback::item_with_errors(input, &errors),
        (Ok(()), None) => unreachable!("a failed parse records an error"),
    }
}
