//! `#[partial_response]`: a static schema of a struct and a serializer that
//! writes only the fields a compiled selection picks.
//!
//! [`parse`] reads the struct, its serde attributes ([`serde_attrs`]) and its
//! `#[partial]` options, [`validate`] checks every rule and resolves each
//! field's name and column, [`expand`] writes the struct back (without
//! `#[partial]`) beside the `Object` and `Selectable` impls.

mod expand;
mod garde_attrs;
mod garde_expand;
mod parse;
mod rename;
mod serde_attrs;
mod validate;

use crate::common::ctxt::Ctxt;
use crate::common::pipeline::{self, Pipeline};
use proc_macro2::TokenStream;

pub(crate) fn partial_response(args: TokenStream, input: TokenStream) -> TokenStream {
    pipeline::run::<PartialResponse>(args, input)
}

struct PartialResponse;

impl Pipeline for PartialResponse {
    type Parsed = parse::Input;
    type Valid<'a> = validate::Output<'a>;
    const IS_DERIVE: bool = false;

    fn parse(cx: &Ctxt, args: TokenStream, input: TokenStream) -> Option<parse::Input> {
        parse::parse(cx, args, input)
    }

    fn validate<'a>(cx: &Ctxt, parsed: &'a parse::Input) -> Option<validate::Output<'a>> {
        validate::check(cx, parsed)
    }

    fn expand(valid: &validate::Output<'_>) -> TokenStream {
        expand::expand(valid)
    }

    fn fallback(parsed: &parse::Input) -> TokenStream {
        expand::stub(parsed)
    }
}
