//! `#[derive(Sort)]`: an enum of the sort keys a client may ask for, each a
//! column of the model checked at compile time.
//!
//! [`parse`] reads the enum and each variant's `#[sort(asc = "...")]` or
//! `#[sort(desc = "...")]`, [`validate`] checks that every variant is a unit
//! variant naming exactly one column, [`expand`] writes the `Sort` impl, the
//! `From<_> for Order` and the checks against the model.

mod expand;
mod parse;
mod validate;

use crate::common::ctxt::Ctxt;
use crate::common::pipeline::{self, Pipeline};
use proc_macro2::TokenStream;

pub(crate) fn derive(input: TokenStream) -> TokenStream {
    pipeline::run::<DeriveSort>(TokenStream::new(), input)
}

struct DeriveSort;

impl Pipeline for DeriveSort {
    type Parsed = parse::Input;
    type Valid<'a> = validate::SortDef<'a>;
    const IS_DERIVE: bool = true;

    fn parse(cx: &Ctxt, _args: TokenStream, input: TokenStream) -> Option<parse::Input> {
        parse::parse(cx, input)
    }

    fn validate<'a>(cx: &Ctxt, parsed: &'a parse::Input) -> Option<validate::SortDef<'a>> {
        validate::check(cx, parsed)
    }

    fn expand(valid: &validate::SortDef<'_>) -> TokenStream {
        expand::expand(valid)
    }

    fn fallback(parsed: &parse::Input) -> TokenStream {
        expand::stub(parsed)
    }
}
