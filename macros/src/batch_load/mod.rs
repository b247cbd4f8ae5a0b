//! `#[batch_load]`: turns an `async fn` that loads many values by their keys into
//! a DataLoader type.
//!
//! [`parse`] reads the function and the options, [`validate`] checks every rule,
//! [`expand`] writes the function unchanged beside its loader type.

mod expand;
mod options;
mod parse;
mod validate;

use crate::common::ctxt::Ctxt;
use crate::common::fallback;
use proc_macro2::TokenStream;

pub(crate) fn batch_load(args: TokenStream, input: TokenStream) -> TokenStream {
    let cx = Ctxt::new();
    let function = parse::parse(&cx, args, input.clone());
    if let Some(function) = &function {
        validate::check(&cx, function);
    }
    match (cx.check(), function) {
        (Ok(()), Some(function)) => expand::expand(&function),
        (Err(errors), Some(function)) => fallback::item_with_errors(function.unchanged(), &errors),
        (Err(errors), None) => fallback::item_with_errors(input, &errors),
        (Ok(()), None) => unreachable!("a failed parse records an error"),
    }
}
