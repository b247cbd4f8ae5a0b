//! `#[derive(Filter)]`: a struct of `Option` fields as conditions on a model's
//! columns, each checked against the model at compile time.
//!
//! [`parse`] reads the struct and its `#[filter(...)]` attributes, [`validate`]
//! checks each field's operator against its type, [`expand`] writes the
//! `Filter` impl and the checks against the model.

mod expand;
mod parse;
mod validate;

use crate::common::ctxt::Ctxt;
use crate::common::pipeline::{self, Pipeline};
use proc_macro2::TokenStream;

pub(crate) fn derive(input: TokenStream) -> TokenStream {
    pipeline::run::<DeriveFilter>(TokenStream::new(), input)
}

struct DeriveFilter;

impl Pipeline for DeriveFilter {
    type Parsed = parse::Input;
    type Valid<'a> = validate::FilterDef<'a>;
    const IS_DERIVE: bool = true;

    fn parse(cx: &Ctxt, _args: TokenStream, input: TokenStream) -> Option<parse::Input> {
        parse::parse(cx, input)
    }

    fn validate<'a>(cx: &Ctxt, parsed: &'a parse::Input) -> Option<validate::FilterDef<'a>> {
        validate::check(cx, parsed)
    }

    fn expand(valid: &validate::FilterDef<'_>) -> TokenStream {
        expand::expand(valid)
    }

    fn fallback(parsed: &parse::Input) -> TokenStream {
        expand::stub(parsed)
    }
}
