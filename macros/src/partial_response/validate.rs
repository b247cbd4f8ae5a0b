//! The rules a `#[partial_response]` struct must follow, and the model of one
//! that follows them: each serialized field with its name and column resolved.

use super::garde_attrs::GardeField;
use super::parse::{Field, Input, StructShape};
use crate::common::ctxt::Ctxt;
use proc_macro2::Span;
use std::collections::HashMap;
use syn::{ExprPath, Generics, Ident, ItemStruct, LitStr, Type};

/// A struct that follows every rule: all that `expand` reads.
pub(crate) struct Output<'a> {
    /// The struct as the user wrote it, minus `#[partial]` attributes.
    pub(crate) item: &'a ItemStruct,
    pub(crate) ident: &'a Ident,
    pub(crate) generics: &'a Generics,
    /// The fields serde serializes, in declaration order.
    pub(crate) fields: Vec<Serialized<'a>>,
}

/// One field serde serializes.
pub(crate) struct Serialized<'a> {
    pub(crate) member: &'a Ident,
    pub(crate) ty: &'a Type,
    /// The name a client selects, as serde serializes it.
    pub(crate) name: String,
    /// The column `Selection::columns` reports, if the field is read from one.
    pub(crate) column: Option<LitStr>,
    pub(crate) form: Form,
    /// serde's `skip_serializing_if`: left out at run time when it says so.
    pub(crate) skip_if: Option<&'a ExprPath>,
    /// garde's rules, checked when the selection serializes the field.
    pub(crate) garde: &'a GardeField,
}

/// How a field is serialized under a selection.
#[derive(Clone, Copy)]
pub(crate) enum Form {
    /// `#[partial(leaf)]`: whole, with its own `Serialize`.
    Leaf,
    /// Through its type's `Selectable`: selected into.
    Selected,
}

pub(crate) fn check<'a>(cx: &Ctxt, input: &'a Input) -> Option<Output<'a>> {
    check_named_fields(cx, input);
    check_derives_serialize(cx, input);
    check_unique_names(cx, input);
    check_column_options(cx, input);
    check_dive(cx, input);
    Some(Output {
        item: &input.item,
        ident: &input.item.ident,
        generics: &input.item.generics,
        fields: serialized(input).map(|field| model(input, field)).collect(),
    })
}

/// The serialized fields: the ones serde does not skip, in declaration order.
fn serialized(input: &Input) -> impl Iterator<Item = &Field> {
    input.fields.iter().filter(|field| !field.skip)
}

fn model<'a>(input: &Input, field: &'a Field) -> Serialized<'a> {
    let column = match (&field.column, field.no_column) {
        (Some(column), _) => Some(column.clone()),
        (None, Some(_)) => None,
        (None, None) if field.relation => None,
        (None, None) => {
            let name = field.ident.to_string();
            let name = name.strip_prefix("r#").unwrap_or(&name);
            Some(LitStr::new(name, Span::call_site()))
        }
    };
    Serialized {
        member: &field.ident,
        ty: &field.ty,
        name: field.serialized_name(input.rename_all),
        column,
        form: match field.leaf {
            Some(_) => Form::Leaf,
            None => Form::Selected,
        },
        skip_if: field.skip_if.as_ref(),
        garde: &field.garde,
    }
}

/// Clients select fields by name, so there must be names: a tuple struct
/// serializes as an array and a unit struct as `null`.
fn check_named_fields(cx: &Ctxt, input: &Input) {
    let what = match input.shape {
        StructShape::Named => return,
        StructShape::Tuple => "a tuple struct serializes as an array, whose elements have no names",
        StructShape::Unit => "a unit struct has no fields",
    };
    cx.error_at(
        &input.item.ident,
        format!(
            "#[partial_response] needs a struct with named fields: {what}; use named fields, or mark the field that holds this type #[partial(leaf)]"
        ),
    );
}

/// Selecting everything (`*`) serializes with the struct's own `Serialize`,
/// and the generated serializer reads the serde attributes that derive reads.
/// Attribute macros only see the attributes below them, so the derive must
/// come after `#[partial_response]`.
fn check_derives_serialize(cx: &Ctxt, input: &Input) {
    if input.derives_serialize.is_none() {
        cx.error_at(
            &input.item.ident,
            format!(
                "#[partial_response] needs #[derive(Serialize)] below it: write #[partial_response] first, then #[derive(serde::Serialize)] on `{}`",
                input.item.ident
            ),
        );
    }
}

/// Two fields serialized under one name would both answer a selection of that
/// name, and the output would hold the key twice.
fn check_unique_names(cx: &Ctxt, input: &Input) {
    let mut seen: HashMap<String, &Ident> = HashMap::new();
    for field in serialized(input) {
        let name = field.serialized_name(input.rename_all);
        if let Some(first) = seen.get(&name) {
            cx.error_at(
                &field.ident,
                format!(
                    "`{}` and `{first}` both serialize as \"{name}\"; rename one with #[serde(rename = \"...\")]",
                    field.ident
                ),
            );
        } else {
            seen.insert(name, &field.ident);
        }
    }
}

/// A field is read from one column or from none, not both.
fn check_column_options(cx: &Ctxt, input: &Input) {
    for field in &input.fields {
        if let (Some(column), Some(_)) = (&field.column, field.no_column) {
            cx.error_at(
                column,
                "a field has a column or `no_column`, not both; remove one of them",
            );
        }
    }
}

/// `dive` checks a field under its part of the selection, through its type's
/// `Selectable`; a leaf is serialized whole, without one.
fn check_dive(cx: &Ctxt, input: &Input) {
    for field in &input.fields {
        if let (Some(dive), Some(_)) = (field.garde.dive, field.leaf) {
            cx.error_span(
                dive,
                "`#[garde(dive)]` checks a field under its part of the selection, and a #[partial(leaf)] field is serialized whole: put #[partial_response] on the field's type and remove #[partial(leaf)], or check it with `#[garde(custom(..))]`",
            );
        }
    }
}
