//! Reading the item a macro is attached to: where to point an error at it, the
//! helper attributes only the macro understands, and an annotated function.

use super::ctxt::Ctxt;
use super::types::ungroup;
use proc_macro2::{Span, TokenStream};
use quote::{ToTokens, quote};
use syn::spanned::Spanned;
use syn::{Attribute, Block, Item, ReturnType, Signature, Type, Visibility};

/// Where to point an error that says "this macro does not apply to this item":
/// its keyword (`struct`, `impl`, …), so the error does not cover the whole body.
pub(crate) fn item_span(item: &Item) -> Span {
    match item {
        Item::Struct(item) => item.struct_token.span,
        Item::Enum(item) => item.enum_token.span,
        Item::Union(item) => item.union_token.span,
        Item::Impl(item) => item.impl_token.span,
        Item::Mod(item) => item.mod_token.span,
        Item::Trait(item) => item.trait_token.span,
        Item::Static(item) => item.static_token.span,
        Item::Const(item) => item.const_token.span,
        Item::Type(item) => item.type_token.span,
        Item::Fn(item) => item.sig.fn_token.span,
        other => other.span(),
    }
}

/// Takes the attributes named `name` out of `attrs`: the helper attributes a
/// macro reads and the compiler would reject if they were left in its output.
pub(crate) fn take_attrs(attrs: &mut Vec<Attribute>, name: &str) -> Vec<Attribute> {
    let (ours, theirs) = attrs.drain(..).partition(|attr| attr.path().is_ident(name));
    *attrs = theirs;
    ours
}

/// A helper attribute [`take_attrs_cfg`] took out: written bare, or under
/// `#[cfg_attr(cfg, ..)]`, where it applies only when `cfg` holds.
pub(crate) struct CfgAttr {
    /// The predicate of the `cfg_attr` it was in.
    pub(crate) cfg: Option<TokenStream>,
    /// The attribute, as if written bare.
    pub(crate) attr: Attribute,
}

/// Like [`take_attrs`], and also out of `#[cfg_attr(cfg, name(..), ..)]`, whose
/// other attributes stay: a macro cannot evaluate `cfg`, so it gets the
/// predicate, to put the code that depends on the attribute under `#[cfg]`.
/// Left in, such an attribute would be "cannot find attribute" once rustc
/// expands the `cfg_attr`.
pub(crate) fn take_attrs_cfg(attrs: &mut Vec<Attribute>, name: &str) -> Vec<CfgAttr> {
    let mut taken = Vec::new();
    let mut kept = Vec::new();
    for attr in attrs.drain(..) {
        if attr.path().is_ident(name) {
            taken.push(CfgAttr { cfg: None, attr });
        } else if attr.path().is_ident("cfg_attr")
            && let Ok((cfg, inner)) = attr.parse_args_with(cfg_attr_args)
            && inner.iter().any(|meta| meta.path().is_ident(name))
        {
            let (ours, theirs): (Vec<_>, Vec<_>) = inner
                .into_iter()
                .partition(|meta| meta.path().is_ident(name));
            for meta in ours {
                let mut bare: Attribute = syn::parse_quote!(#[#meta]);
                bare.pound_token.span = attr.pound_token.span;
                taken.push(CfgAttr {
                    cfg: Some(cfg.to_token_stream()),
                    attr: bare,
                });
            }
            if !theirs.is_empty() {
                let (pound, style) = (attr.pound_token, attr.style);
                let mut rest: Attribute = syn::parse_quote!(#[cfg_attr(#cfg, #(#theirs),*)]);
                (rest.pound_token, rest.style) = (pound, style);
                kept.push(rest);
            }
        } else {
            kept.push(attr);
        }
    }
    *attrs = kept;
    taken
}

/// `cfg, attr, attr..` of a `cfg_attr`.
fn cfg_attr_args(
    input: syn::parse::ParseStream<'_>,
) -> syn::Result<(
    syn::Meta,
    syn::punctuated::Punctuated<syn::Meta, syn::Token![,]>,
)> {
    let cfg = input.parse()?;
    input.parse::<syn::Token![,]>()?;
    Ok((cfg, syn::punctuated::Punctuated::parse_terminated(input)?))
}

/// A function an attribute macro is attached to, in parts, so the macro can
/// rewrite the signature (take out its helper attributes) and put it back.
pub(crate) struct AnnotatedFn {
    pub(crate) attrs: Vec<Attribute>,
    pub(crate) vis: Visibility,
    pub(crate) sig: Signature,
    pub(crate) block: Box<Block>,
}

impl AnnotatedFn {
    /// Reads `input` as a function with a body; `None` (with `misuse` recorded
    /// at the item's keyword) if it is another item.
    pub(crate) fn parse(cx: &Ctxt, input: TokenStream, misuse: &str) -> Option<Self> {
        match syn::parse2::<Item>(input) {
            Ok(Item::Fn(item)) => Some(Self {
                attrs: item.attrs,
                vis: item.vis,
                sig: item.sig,
                block: item.block,
            }),
            Ok(other) => {
                cx.error_span(item_span(&other), misuse);
                None
            }
            Err(error) => {
                cx.push(error);
                None
            }
        }
    }

    /// The return type, when there is one.
    pub(crate) fn output(&self) -> Option<&Type> {
        match &self.sig.output {
            ReturnType::Default => None,
            ReturnType::Type(_, ty) => Some(ungroup(ty)),
        }
    }
}

/// The function as written, less the helper attributes the macro took out.
impl ToTokens for AnnotatedFn {
    fn to_tokens(&self, tokens: &mut TokenStream) {
        let Self {
            attrs,
            vis,
            sig,
            block,
        } = self;
        tokens.extend(quote!(#(#attrs)* #vis #sig #block));
    }
}
