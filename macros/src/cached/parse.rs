//! Reads the annotated function: its signature, its parameters and their
//! `#[cache(...)]` attributes.

use super::options::{self, Options};
use crate::common::ctxt::Ctxt;
use crate::common::item::{AnnotatedFn, take_attrs};
use crate::common::skip;
use proc_macro2::{Span, TokenStream};
use quote::format_ident;
use syn::{FnArg, Ident, Pat, Signature, Type};

/// The attribute on a parameter; its one option, `skip`, leaves it out of the key.
pub(crate) const CACHE: &str = "cache";

pub(crate) struct CachedFn {
    /// The function, its parameters' `#[cache]` attributes taken out, as the
    /// body expects it.
    pub(crate) item: AnnotatedFn,
    pub(crate) options: Options,
    /// The typed parameters, in order; the receiver stays in the signature.
    pub(crate) params: Vec<Param>,
}

pub(crate) struct Param {
    /// The name the generated function binds the argument to.
    pub(crate) name: Ident,
    pub(crate) ty: Box<Type>,
    pub(crate) skip: Option<Span>,
}

/// Reads `input` as a function; `None` (with an error recorded) if it is not one.
pub(crate) fn parse(cx: &Ctxt, args: TokenStream, input: TokenStream) -> Option<CachedFn> {
    let options = options::parse(cx, args);
    let mut item = AnnotatedFn::parse(
        cx,
        input,
        "#[cached] applies to functions and methods with a body; put it on a `fn`",
    )?;
    let params = read_params(cx, &mut item.sig);
    Some(CachedFn {
        item,
        options,
        params,
    })
}

fn read_params(cx: &Ctxt, sig: &mut Signature) -> Vec<Param> {
    let mut params = Vec::new();
    for (position, input) in sig.inputs.iter_mut().enumerate() {
        match input {
            FnArg::Receiver(receiver) => {
                if let Some(attr) = take_attrs(&mut receiver.attrs, CACHE).first() {
                    cx.error_at(
                        attr,
                        "`self` is left out of the key already; to put it in, write #[cached(key_self)]",
                    );
                }
            }
            FnArg::Typed(typed) => {
                let skip = take_attrs(&mut typed.attrs, CACHE)
                    .iter()
                    .filter_map(|attr| skip::read_skip(cx, attr, "parameter"))
                    .last();
                params.push(Param {
                    name: binding_name(&typed.pat, position),
                    ty: typed.ty.clone(),
                    skip,
                });
            }
        }
    }
    params
}

/// A plain `name: T` keeps its name; a pattern gets a generated one, and the body
/// destructures it as before.
fn binding_name(pat: &Pat, position: usize) -> Ident {
    match pat {
        Pat::Ident(ident) if ident.subpat.is_none() => ident.ident.clone(),
        _ => format_ident!("__unokit_arg{}", position),
    }
}
