//! `#[derive(Model)]`: maps a row struct to a table, with its table, key and
//! column names (from which the runtime builds each engine's statements), its
//! row mapping, and a relation type per relation field.
//!
//! [`parse`] reads the struct and its `#[model]` attributes, [`validate`] checks
//! every rule and builds the typed model of [`def`], [`expand`] writes the
//! impls, [`relations`] the relation types and [`pushdown`] the reading of
//! what a selection asks for.

mod def;
mod expand;
pub(crate) mod parse;
mod pushdown;
mod relations;
mod validate;

use crate::common::ctxt::Ctxt;
use crate::common::pipeline::{self, Pipeline};
use proc_macro2::TokenStream;

pub(crate) fn derive(input: TokenStream) -> TokenStream {
    pipeline::run::<DeriveModel>(TokenStream::new(), input)
}

struct DeriveModel;

impl Pipeline for DeriveModel {
    type Parsed = parse::Input;
    type Valid<'a> = def::ModelDef<'a>;
    const IS_DERIVE: bool = true;

    fn parse(cx: &Ctxt, _args: TokenStream, input: TokenStream) -> Option<parse::Input> {
        parse::parse(cx, input)
    }

    fn validate<'a>(cx: &Ctxt, parsed: &'a parse::Input) -> Option<def::ModelDef<'a>> {
        validate::check(cx, parsed)
    }

    fn expand(valid: &def::ModelDef<'_>) -> TokenStream {
        expand::expand(valid)
    }

    fn fallback(parsed: &parse::Input) -> TokenStream {
        expand::stub(parsed)
    }
}
