//! Reads the annotated function: its `#[ctx]` parameters, its keys parameter and
//! what it returns.

use super::options::{self, Options};
use crate::common::ctxt::Ctxt;
use crate::common::item::{AnnotatedFn, take_attrs};
use crate::common::types::{last_segment_name, type_arguments, ungroup};
use proc_macro2::{Span, TokenStream};
use syn::spanned::Spanned;
use syn::{Attribute, FnArg, Ident, Pat, Type};

/// The attribute that marks a context parameter.
pub(crate) const CTX: &str = "ctx";

pub(crate) struct BatchLoadFn {
    /// The function, its signature without `#[ctx]` attributes, as the body
    /// expects it.
    pub(crate) function: AnnotatedFn,
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
#[derive(Clone, Copy)]
pub(crate) struct Returns<'a> {
    /// `HashMap<K, V>` or `BTreeMap<K, V>`, as written.
    pub(crate) map: &'a Type,
    pub(crate) value: &'a Type,
    /// The error type, when the function returns a `Result`.
    pub(crate) error: Option<&'a Type>,
}

pub(crate) fn parse(cx: &Ctxt, args: TokenStream, input: TokenStream) -> Option<BatchLoadFn> {
    let options = options::parse(cx, args);
    let mut function = AnnotatedFn::parse(
        cx,
        input,
        "#[batch_load] applies to an `async fn` that loads many values by their keys",
    )?;
    let params = read_params(cx, &mut function);
    Some(BatchLoadFn {
        function,
        options,
        params,
    })
}

fn read_params(cx: &Ctxt, function: &mut AnnotatedFn) -> Vec<Param> {
    let mut params = Vec::new();
    for input in &mut function.sig.inputs {
        match input {
            FnArg::Receiver(receiver) => {
                for attr in take_attrs(&mut receiver.attrs, CTX) {
                    cx.error_at(attr, "`self` cannot be a #[ctx] argument");
                }
            }
            FnArg::Typed(typed) => {
                let ctx = take_attrs(&mut typed.attrs, CTX)
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

    /// `Result<Map<K, V>, E>` or `Map<K, V>`, where `Map` is a `HashMap` or a `BTreeMap`.
    pub(crate) fn returns(&self) -> Option<Returns<'_>> {
        let output = self.function.output()?;
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

    /// The loader type's name: given by `loader = ...`, or the function's in
    /// `UpperCamelCase` with `Loader` after it.
    pub(crate) fn loader_name(&self) -> Ident {
        self.options.loader.as_ref().map_or_else(
            || crate::common::case::type_name(&self.function.sig.ident, "Loader"),
            |given| given.value.clone(),
        )
    }
}
