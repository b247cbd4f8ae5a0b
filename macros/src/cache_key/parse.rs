//! Reads the deriving type: its fields and their `#[cache_key(...)]` attributes.

use crate::common::ctxt::Ctxt;
use crate::common::skip;
use proc_macro2::{Span, TokenStream};
use syn::spanned::Spanned;
use syn::{Attribute, Data, DeriveInput, Fields, Generics, Ident, Member};

/// The attribute on a field; its one option, `skip`, leaves it out of the key.
pub(crate) const CACHE_KEY: &str = "cache_key";

pub(crate) struct Input {
    pub(crate) ident: Ident,
    pub(crate) generics: Generics,
    pub(crate) shape: Shape,
}

pub(crate) enum Shape {
    Struct(Vec<Field>),
    Enum(Vec<Variant>),
}

pub(crate) struct Variant {
    pub(crate) ident: Ident,
    pub(crate) fields: Vec<Field>,
    pub(crate) style: Style,
}

#[derive(Clone, Copy)]
pub(crate) enum Style {
    Named,
    Tuple,
    Unit,
}

pub(crate) struct Field {
    pub(crate) member: Member,
    /// Where a type that is not a `CacheKey` is reported.
    pub(crate) ty_span: Span,
    pub(crate) skip: Option<Span>,
}

pub(crate) fn parse(cx: &Ctxt, input: TokenStream) -> Option<Input> {
    let input: DeriveInput = match syn::parse2(input) {
        Ok(input) => input,
        Err(error) => {
            cx.push(error);
            return None;
        }
    };
    for attr in input
        .attrs
        .iter()
        .filter(|attr| attr.path().is_ident(CACHE_KEY))
    {
        cx.error_at(
            attr,
            "#[cache_key] goes on fields, as #[cache_key(skip)]; a type takes no options",
        );
    }
    let shape = match input.data {
        Data::Struct(data) => Shape::Struct(read_fields(cx, &data.fields)),
        Data::Enum(data) => Shape::Enum(
            data.variants
                .iter()
                .map(|variant| Variant {
                    ident: variant.ident.clone(),
                    fields: read_fields(cx, &variant.fields),
                    style: style(&variant.fields),
                })
                .collect(),
        ),
        Data::Union(data) => {
            cx.error_at(
                data.union_token,
                "CacheKey cannot be derived for a union: which field is live is unknown; implement CacheKey by hand",
            );
            return None;
        }
    };
    Some(Input {
        ident: input.ident,
        generics: input.generics,
        shape,
    })
}

fn read_fields(cx: &Ctxt, fields: &Fields) -> Vec<Field> {
    fields
        .iter()
        .enumerate()
        .map(|(index, field)| Field {
            member: field
                .ident
                .clone()
                .map_or_else(|| Member::from(index), Member::Named),
            ty_span: field.ty.span(),
            skip: read_skip(cx, &field.attrs),
        })
        .collect()
}

fn read_skip(cx: &Ctxt, attrs: &[Attribute]) -> Option<Span> {
    attrs
        .iter()
        .filter(|attr| attr.path().is_ident(CACHE_KEY))
        .filter_map(|attr| skip::read_skip(cx, attr, "field"))
        .last()
}

fn style(fields: &Fields) -> Style {
    match fields {
        Fields::Named(_) => Style::Named,
        Fields::Unnamed(_) => Style::Tuple,
        Fields::Unit => Style::Unit,
    }
}
