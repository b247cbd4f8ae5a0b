//! `#[partial_response]`: a static schema of a struct and a serializer that
//! writes only the fields a compiled selection picks.
//!
//! [`parse`] reads the struct, its serde attributes ([`serde_attrs`]) and its
//! `#[partial]` options, [`validate`] checks every rule, [`expand`] writes the
//! struct back (without `#[partial]`) beside the `Object` and `Selectable` impls.

mod expand;
mod parse;
mod rename;
mod serde_attrs;
mod validate;

use crate::common::ctxt::Ctxt;
use crate::common::fallback;
use proc_macro2::TokenStream;

pub(crate) fn partial_response(args: TokenStream, input: TokenStream) -> TokenStream {
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
