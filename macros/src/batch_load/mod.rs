//! `#[batch_load]`: turns an `async fn` that loads many values by their keys into
//! a DataLoader type.
//!
//! [`parse`] reads the function and the options, [`validate`] checks every rule
//! and reads the [`model`], [`expand`] writes the function unchanged beside its
//! loader type.

mod expand;
mod model;
mod options;
mod parse;
mod validate;

use crate::common::ctxt::Ctxt;
use crate::common::pipeline::{self, Pipeline};
use proc_macro2::TokenStream;

pub(crate) fn batch_load(args: TokenStream, input: TokenStream) -> TokenStream {
    pipeline::run::<BatchLoad>(args, input)
}

struct BatchLoad;

impl Pipeline for BatchLoad {
    type Parsed = parse::BatchLoadFn;
    type Valid<'a> = model::Loader<'a>;
    const IS_DERIVE: bool = false;

    fn parse(cx: &Ctxt, args: TokenStream, input: TokenStream) -> Option<parse::BatchLoadFn> {
        parse::parse(cx, args, input)
    }

    fn validate<'a>(cx: &Ctxt, parsed: &'a parse::BatchLoadFn) -> Option<model::Loader<'a>> {
        validate::check(cx, parsed)
    }

    fn expand(valid: &model::Loader<'_>) -> TokenStream {
        expand::expand(valid)
    }

    fn fallback(parsed: &parse::BatchLoadFn) -> TokenStream {
        expand::stub(parsed)
    }
}
