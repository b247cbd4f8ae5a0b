//! `#[injectable]`: declares a service of the container, its lifetime, and how
//! it is built (its fields injected, `Default`, a factory, or the annotated
//! function itself).
//!
//! [`parse`] reads the item and the options, [`validate`] checks every rule and
//! builds the [`model`], [`expand`] writes the `Injectable` and `Recipe` impls.

mod expand;
mod foreign;
mod model;
mod options;
mod parse;
mod validate;

use crate::common::ctxt::Ctxt;
use crate::common::pipeline::{self, Pipeline};
use proc_macro2::TokenStream;

pub(crate) fn injectable(args: TokenStream, input: TokenStream) -> TokenStream {
    pipeline::run::<InjectableAttr>(args, input)
}

struct InjectableAttr;

impl Pipeline for InjectableAttr {
    type Parsed = parse::Injectable;
    type Valid<'a> = model::Service<'a>;
    const IS_DERIVE: bool = false;

    fn parse(cx: &Ctxt, args: TokenStream, input: TokenStream) -> Option<parse::Injectable> {
        parse::parse(cx, args, input)
    }

    fn validate<'a>(cx: &Ctxt, parsed: &'a parse::Injectable) -> Option<model::Service<'a>> {
        validate::check(cx, parsed)
    }

    fn expand(valid: &model::Service<'_>) -> TokenStream {
        expand::expand(valid)
    }

    fn fallback(parsed: &parse::Injectable) -> TokenStream {
        expand::stub(parsed)
    }
}
