//! Reads the annotated function: its `#[ctx]` parameters, its keys parameter and
//! what it returns.

use super::options::{self, Options};
use crate::common::ctxt::Ctxt;
use crate::common::types::{last_segment_name, type_arguments, ungroup};
use proc_macro2::{Span, TokenStream};
use quote::quote;
use syn::spanned::Spanned;
use syn::{Attribute, Block, FnArg, Ident, Item, Pat, Signature, Type, Visibility};

/// The attribute that marks a context parameter.
pub(crate) const CTX: &str = "ctx";

pub(crate) struct BatchLoadFn {
    pub(crate) attrs: Vec<Attribute>,
    pub(crate) vis: Visibility,
    /// The signature without `#[ctx]` attributes, as the body expects it.
    pub(crate) sig: Signature,
    pub(crate) block: Box<Block>,
    pub(crate) options: Options,
    /// The typed parameters, in order.
    pub(crate) params: Vec<Param>,
}

pub(crate) struct Param {
    /// The parameter's name, if it is a plain identifier.
    pub(crate) name: Option<Ident>,
    pub(crate) pat: Box<Pat>,
    pub(crate) ty: Box<Type>,
    /// Where `#[ctx]` was written, if it was.
    pub(crate) ctx: Option<Span>,
}

/// What the function returns.
pub(crate) struct Returns<'a> {
    /// `HashMap<K, V>` or `BTreeMap<K, V>`, as written.
    pub(crate) map: &'a Type,
    pub(crate) value: &'a Type,
    /// The error type, when the function returns a `Result`.
    pub(crate) error: Option<&'a Type>,
}

pub(crate) fn parse(cx: &Ctxt, args: TokenStream, input: TokenStream) -> Option<BatchLoadFn> {
    let options = options::parse(cx, args);
    let item = match syn::parse2::<Item>(input) {
        Ok(Item::Fn(item)) => item,
        Ok(other) => {
            cx.error_at(
                other,
                "#[batch_load] applies to an `async fn` that loads many values by their keys",
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
    Some(BatchLoadFn {
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
    for input in &mut sig.inputs {
        match input {
            FnArg::Receiver(receiver) => {
                for attr in take_ctx_attrs(&mut receiver.attrs) {
                    cx.error_at(attr, "`self` cannot be a #[ctx] argument");
                }
            }
            FnArg::Typed(typed) => {
                let ctx = take_ctx_attrs(&mut typed.attrs)
                    .iter()
                    .map(|attr| read_ctx(cx, attr))
                    .last();
                params.push(Param {
                    name: match &*typed.pat {
                        Pat::Ident(ident) if ident.subpat.is_none() => Some(ident.ident.clone()),
                        _ => None,
                    },
                    pat: typed.pat.clone(),
                    ty: typed.ty.clone(),
                    ctx,
                });
            }
        }
    }
    params
}

fn take_ctx_attrs(attrs: &mut Vec<Attribute>) -> Vec<Attribute> {
    let (ours, theirs) = attrs.drain(..).partition(|attr| attr.path().is_ident(CTX));
    *attrs = theirs;
    ours
}

fn read_ctx(cx: &Ctxt, attr: &Attribute) -> Span {
    if !matches!(attr.meta, syn::Meta::Path(_)) {
        cx.error_at(attr, "#[ctx] takes no arguments; write just #[ctx]");
    }
    attr.span()
}

impl BatchLoadFn {
    /// The parameters the loader stores and passes to every call.
    pub(crate) fn ctx_params(&self) -> impl Iterator<Item = &Param> {
        self.params.iter().filter(|param| param.ctx.is_some())
    }

    /// The parameters that are not `#[ctx]`: exactly one, the keys, when valid.
    pub(crate) fn key_params(&self) -> impl Iterator<Item = &Param> {
        self.params.iter().filter(|param| param.ctx.is_none())
    }

    /// `K` of the keys parameter `&[K]`.
    pub(crate) fn key_type(&self) -> Option<&Type> {
        let keys = self.key_params().next()?;
        match ungroup(&keys.ty) {
            Type::Reference(reference) if reference.mutability.is_none() => {
                match ungroup(&reference.elem) {
                    Type::Slice(slice) => Some(ungroup(&slice.elem)),
                    _ => None,
                }
            }
            _ => None,
        }
    }

    pub(crate) fn output(&self) -> Option<&Type> {
        match &self.sig.output {
            syn::ReturnType::Default => None,
            syn::ReturnType::Type(_, ty) => Some(ungroup(ty)),
        }
    }

    /// `Result<Map<K, V>, E>` or `Map<K, V>`, where `Map` is a `HashMap` or a `BTreeMap`.
    pub(crate) fn returns(&self) -> Option<Returns<'_>> {
        let output = self.output()?;
        let (map, error) = if last_segment_name(output).as_deref() == Some("Result") {
            let mut arguments = type_arguments(output);
            (arguments.next()?, Some(arguments.next()?))
        } else {
            (output, None)
        };
        if !matches!(
            last_segment_name(map).as_deref(),
            Some("HashMap" | "BTreeMap")
        ) {
            return None;
        }
        let value = type_arguments(map).nth(1)?;
        Some(Returns { map, value, error })
    }

    /// The function as written, less the `#[ctx]` attributes only this macro understands.
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
