//! `#[cached]`: memoizes a function on a moka cache keyed at compile time.
//!
//! [`parse`] reads the function and the options, [`validate`] checks every rule
//! and gives the valid function, [`expand`] writes the function (its body from
//! [`body`]) and its companions — or, on error, [`stub`] writes stubs of them.

mod body;
mod expand;
mod guard;
mod key_code;
pub(crate) mod l2;
mod options;
mod parse;
pub(crate) mod policy;
mod prewarm;
mod shape;
mod signature;
mod stub;
mod validate;

use crate::common::ctxt::Ctxt;
use crate::common::pipeline::{self, Pipeline};
use proc_macro2::TokenStream;

pub(crate) fn cached(args: TokenStream, input: TokenStream) -> TokenStream {
    pipeline::run::<Cached>(args, input)
}

struct Cached;

impl Pipeline for Cached {
    type Parsed = parse::CachedFn;
    type Valid<'a> = validate::ValidFn<'a>;
    const IS_DERIVE: bool = false;

    fn parse(cx: &Ctxt, args: TokenStream, input: TokenStream) -> Option<parse::CachedFn> {
        parse::parse(cx, args, input)
    }

    fn validate<'a>(cx: &Ctxt, parsed: &'a parse::CachedFn) -> Option<validate::ValidFn<'a>> {
        validate::check(cx, parsed)
    }

    fn expand(valid: &validate::ValidFn<'_>) -> TokenStream {
        expand::expand(valid)
    }

    fn fallback(parsed: &parse::CachedFn) -> TokenStream {
        stub::stub(parsed)
    }
}
