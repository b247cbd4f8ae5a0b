//! `#[derive(CacheKey)]`: writes a type's fields, in order, into a key sink.
//!
//! [`parse`] reads the type and its `#[cache_key]` attributes, [`validate`] checks
//! the rules, [`expand`] writes the impl.

mod expand;
mod parse;
mod validate;

use crate::common::ctxt::Ctxt;
use crate::common::pipeline::{self, Pipeline};
use proc_macro2::TokenStream;

pub(crate) fn derive(input: TokenStream) -> TokenStream {
    pipeline::run::<DeriveCacheKey>(TokenStream::new(), input)
}

struct DeriveCacheKey;

impl Pipeline for DeriveCacheKey {
    type Parsed = parse::Input;
    type Valid<'a> = &'a parse::Input;
    const IS_DERIVE: bool = true;

    fn parse(cx: &Ctxt, _args: TokenStream, input: TokenStream) -> Option<parse::Input> {
        parse::parse(cx, input)
    }

    fn validate<'a>(cx: &Ctxt, parsed: &'a parse::Input) -> Option<&'a parse::Input> {
        validate::check(cx, parsed)
    }

    fn expand(valid: &&parse::Input) -> TokenStream {
        expand::expand(valid)
    }

    fn fallback(parsed: &parse::Input) -> TokenStream {
        expand::stub(parsed)
    }
}
