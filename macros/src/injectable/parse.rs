//! Reads the annotated item: a struct whose fields are its dependencies, or a
//! free function that builds the service from its parameters.

use super::options::{self, Options};
use crate::common::ctxt::Ctxt;
use crate::common::item::{CfgAttr, item_span, take_attrs_cfg};
use crate::common::types::{last_segment_name, type_arguments};
use proc_macro2::{Span, TokenStream};
use quote::{ToTokens, quote};
use syn::spanned::Spanned;
use syn::{Attribute, Fields, FnArg, Item, ItemFn, ItemStruct, Member, ReturnType, Type};

/// The attribute on a field.
pub(crate) const INJECT: &str = "inject";
/// Its only option: fill the field with `Default::default()`.
pub(crate) const DEFAULT: &str = "default";

pub(crate) struct Injectable {
    pub(crate) options: Options,
    pub(crate) target: Target,
}

pub(crate) enum Target {
    Struct(Box<StructTarget>),
    Fn(Box<FnTarget>),
}

pub(crate) struct StructTarget {
    /// The struct, less the `#[inject]` attributes.
    pub(crate) item: ItemStruct,
    pub(crate) fields: Vec<Field>,
    /// Where `#[inject]` attributes were, for errors when fields are not injected.
    pub(crate) inject_attrs: Vec<Span>,
}

#[derive(Clone)]
pub(crate) struct Field {
    pub(crate) member: Member,
    pub(crate) ty: Type,
    pub(crate) default: Option<Span>,
    /// When `default` came from `#[cfg_attr(cfg, inject(default))]`: the
    /// `cfg` under which it applies (the field is injected otherwise).
    pub(crate) default_cfg: Option<TokenStream>,
}

pub(crate) struct FnTarget {
    pub(crate) item: ItemFn,
    /// Each parameter's type, in order; `None` for a receiver (an error).
    pub(crate) params: Vec<Type>,
    pub(crate) receiver: Option<Span>,
    /// The type the function builds: its return type, or the `T` of `Result<T, E>`.
    pub(crate) service: Option<Type>,
    /// Whether it returns a `Result`.
    pub(crate) fallible: Option<Span>,
}

pub(crate) fn parse(cx: &Ctxt, args: TokenStream, input: TokenStream) -> Option<Injectable> {
    let options = options::parse(cx, args);
    let target = match syn::parse2::<Item>(input) {
        Ok(Item::Struct(item)) => Target::Struct(Box::new(read_struct(cx, item))),
        Ok(Item::Fn(item)) => Target::Fn(Box::new(read_fn(item))),
        Ok(other) => {
            cx.error_span(
                item_span(&other),
                "#[injectable] goes on a struct (its fields are its dependencies) or on a free function that builds the service from its parameters",
            );
            return None;
        }
        Err(error) => {
            cx.push(error);
            return None;
        }
    };
    Some(Injectable { options, target })
}

fn read_struct(cx: &Ctxt, mut item: ItemStruct) -> StructTarget {
    let mut inject_attrs = Vec::new();
    let mut fields = Vec::new();
    for (index, field) in item.fields.iter_mut().enumerate() {
        let (mut default, mut always, mut cfgs) = (None, false, Vec::new());
        for CfgAttr { cfg, attr } in take_attrs_cfg(&mut field.attrs, INJECT) {
            inject_attrs.push(attr.span());
            let mut this = None;
            read_inject_attr(cx, &attr, &mut this);
            if let Some(span) = this {
                default.get_or_insert(span);
                match cfg {
                    None => always = true,
                    Some(cfg) => cfgs.push(cfg),
                }
            }
        }
        let default_cfg = (!always && !cfgs.is_empty()).then(|| quote!(any(#(#cfgs),*)));
        fields.push(Field {
            member: field
                .ident
                .clone()
                .map_or_else(|| Member::from(index), Member::Named),
            ty: field.ty.clone(),
            default,
            default_cfg,
        });
    }
    StructTarget {
        item,
        fields,
        inject_attrs,
    }
}

fn read_inject_attr(cx: &Ctxt, attr: &Attribute, default: &mut Option<Span>) {
    let result = attr.parse_nested_meta(|meta| {
        if meta.path.is_ident(DEFAULT) {
            *default = Some(meta.path.span());
        } else {
            cx.error_at(
                &meta.path,
                "unknown #[inject] option; the only one is `default`: #[inject(default)] fills the field with `Default::default()`",
            );
        }
        Ok(())
    });
    if let Err(error) = result {
        cx.push(syn::Error::new(
            error.span(),
            "write #[inject(default)] to fill a field with `Default::default()` instead of injecting it",
        ));
    }
}

fn read_fn(item: ItemFn) -> FnTarget {
    let mut params = Vec::new();
    let mut receiver = None;
    for input in &item.sig.inputs {
        match input {
            FnArg::Receiver(found) => receiver = Some(found.span()),
            FnArg::Typed(typed) => params.push((*typed.ty).clone()),
        }
    }
    let (service, fallible) = match &item.sig.output {
        ReturnType::Default => (None, None),
        ReturnType::Type(_, ty) => match result_ok_type(ty) {
            Some(ok) => (Some(ok), Some(ty.span())),
            None => (Some((**ty).clone()), None),
        },
    };
    FnTarget {
        item,
        params,
        receiver,
        service,
        fallible,
    }
}

/// `T` in `Result<T, E>`, `io::Result<T>`, `anyhow::Result<T>`: a path whose
/// last segment is `Result`, first type argument.
fn result_ok_type(ty: &Type) -> Option<Type> {
    if last_segment_name(ty)? != "Result" {
        return None;
    }
    type_arguments(ty).next().cloned()
}

/// The item as written, less the `#[inject]` attributes only this macro reads.
impl ToTokens for Target {
    fn to_tokens(&self, tokens: &mut TokenStream) {
        match self {
            Self::Struct(target) => target.item.to_tokens(tokens),
            Self::Fn(target) => target.item.to_tokens(tokens),
        }
    }
}

/// The fields of a struct, for building it.
pub(crate) fn style(fields: &Fields) -> Style {
    match fields {
        Fields::Named(_) => Style::Named,
        Fields::Unnamed(_) => Style::Tuple,
        Fields::Unit => Style::Unit,
    }
}

#[derive(Clone, Copy)]
pub(crate) enum Style {
    Named,
    Tuple,
    Unit,
}
