//! `#[container(..)]`: turns a unit struct into a dependency-injection container
//! with one slot per listed service, a scope type and a builder.
//!
//! [`parse`] reads the list and the struct, [`validate`] checks every rule and
//! builds the [`model`], [`expand`] writes the types and their API, [`impls`]
//! the trait impls (see `expand` for their shape).

mod expand;
mod impls;
mod model;
mod parse;
mod validate;

use crate::common::ctxt::Ctxt;
use crate::common::pipeline::{self, Pipeline};
use proc_macro2::TokenStream;

pub(crate) fn container(args: TokenStream, input: TokenStream) -> TokenStream {
    pipeline::run::<ContainerAttr>(args, input)
}

struct ContainerAttr;

impl Pipeline for ContainerAttr {
    type Parsed = parse::ContainerInput;
    type Valid<'a> = model::Container<'a>;
    const IS_DERIVE: bool = false;

    fn parse(cx: &Ctxt, args: TokenStream, input: TokenStream) -> Option<parse::ContainerInput> {
        parse::parse(cx, args, input)
    }

    fn validate<'a>(cx: &Ctxt, parsed: &'a parse::ContainerInput) -> Option<model::Container<'a>> {
        validate::check(cx, parsed)
    }

    fn expand(valid: &model::Container<'_>) -> TokenStream {
        expand::expand(valid)
    }

    fn fallback(parsed: &parse::ContainerInput) -> TokenStream {
        expand::stub(parsed)
    }
}
