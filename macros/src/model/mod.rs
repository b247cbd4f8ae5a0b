//! `#[derive(Model)]`: maps a row struct to a table, with its statements for each
//! engine, its row mapping, and a relation type per relation field.
//!
//! [`parse`] reads the struct and its `#[model]` attributes, [`validate`] checks
//! every rule, [`expand`] writes the impls; [`statements`] writes the SQL and
//! [`relations`] the relation types.

mod expand;
mod parse;
mod relations;
mod statements;
mod validate;

use crate::common::ctxt::Ctxt;
use proc_macro2::TokenStream;

pub(crate) fn derive(input: TokenStream) -> TokenStream {
    let cx = Ctxt::new();
    let parsed = parse::parse(&cx, input);
    if let Some(parsed) = &parsed {
        validate::check(&cx, parsed);
    }
    match (cx.check(), parsed) {
        (Ok(()), Some(parsed)) => expand::expand(&parsed),
        // A derive's input stays in place; only the errors are emitted.
        (Err(errors), _) => errors.to_compile_error(),
        (Ok(()), None) => unreachable!("a failed parse records an error"),
    }
}
