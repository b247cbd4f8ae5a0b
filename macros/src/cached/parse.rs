//! Reads the annotated function: its signature, its parameters and their
//! `#[cache(...)]` attributes.

use super::options::{self, Options};
use crate::common::ctxt::Ctxt;
use crate::common::skip;
use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote};
use syn::spanned::Spanned;
use syn::{Attribute, Block, FnArg, Ident, Item, Pat, Signature, Type, Visibility};

/// The attribute on a parameter; its one option, `skip`, leaves it out of the key.
pub(crate) const CACHE: &str = "cache";

pub(crate) struct CachedFn {
    pub(crate) attrs: Vec<Attribute>,
    pub(crate) vis: Visibility,
    /// The signature without `#[cache]` attributes, as the body expects it.
    pub(crate) sig: Signature,
    pub(crate) block: Box<Block>,
    pub(crate) options: Options,
    /// The typed parameters, in order; the receiver stays in `sig`.
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
    let item = match syn::parse2::<Item>(input) {
        Ok(Item::Fn(item)) => item,
        Ok(other) => {
            cx.error_span(
                item_span(&other),
                "#[cached] applies to functions and methods with a body; put it on a `fn`",
            );
            return None;
        }
        Err(error) => {
            cx.push(error);
            return None;
        }
    };
    let mut sig = item.sig;
    let params = read_params(cx, &mut sig);
    Some(CachedFn {
        attrs: item.attrs,
        vis: item.vis,
        sig,
        block: item.block,
        options,
        params,
    })
}

fn read_params(cx: &Ctxt, sig: &mut Signature) -> Vec<Param> {
    let mut params = Vec::new();
    for (position, input) in sig.inputs.iter_mut().enumerate() {
        match input {
            FnArg::Receiver(receiver) => {
                if let Some(attr) = take_cache_attrs(&mut receiver.attrs).first() {
                    cx.error_at(
                        attr,
                        "`self` is left out of the key already; to put it in, write #[cached(key_self)]",
                    );
                }
            }
            FnArg::Typed(typed) => {
                let skip = take_cache_attrs(&mut typed.attrs)
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

fn take_cache_attrs(attrs: &mut Vec<Attribute>) -> Vec<Attribute> {
    let (ours, theirs) = attrs
        .drain(..)
        .partition(|attr| attr.path().is_ident(CACHE));
    *attrs = theirs;
    ours
}

/// A plain `name: T` keeps its name; a pattern gets a generated one, and the body
/// destructures it as before.
fn binding_name(pat: &Pat, position: usize) -> Ident {
    match pat {
        Pat::Ident(ident) if ident.subpat.is_none() => ident.ident.clone(),
        _ => format_ident!("__unokit_arg{}", position),
    }
}

fn item_span(item: &Item) -> Span {
    match item {
        Item::Struct(item) => item.struct_token.span,
        Item::Enum(item) => item.enum_token.span,
        Item::Impl(item) => item.impl_token.span,
        Item::Mod(item) => item.mod_token.span,
        Item::Trait(item) => item.trait_token.span,
        Item::Static(item) => item.static_token.span,
        Item::Const(item) => item.const_token.span,
        other => quote!(#other).span(),
    }
}

impl CachedFn {
    /// The function as written, less the `#[cache]` attributes only this macro understands.
    pub(crate) fn unchanged(&self) -> TokenStream {
        let Self {
            attrs,
            vis,
            sig,
            block,
            ..
        } = self;
        quote!(#(#attrs)* #vis #sig #block)
    }
}
