//! `#[cached]`: memoizes a function on a moka cache keyed at compile time.
//!
//! [`parse`] reads the function and the options, [`validate`] checks every rule,
//! [`expand`] writes the function and its companions.

mod expand;
mod key_code;
mod options;
mod parse;
mod shape;
mod signature;
mod validate;

use crate::common::ctxt::Ctxt;
use crate::common::fallback;
use proc_macro2::TokenStream;

pub(crate) fn cached(args: TokenStream, input: TokenStream) -> TokenStream {
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
