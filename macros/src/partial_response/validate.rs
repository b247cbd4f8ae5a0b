//! The rules a `#[partial_response]` struct must follow.

use super::parse::{Input, StructShape};
use crate::common::ctxt::Ctxt;
use std::collections::HashMap;

pub(crate) fn check(cx: &Ctxt, input: &Input) {
    check_named_fields(cx, input);
    check_derives_serialize(cx, input);
    check_unique_names(cx, input);
    check_column_options(cx, input);
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
        &input.ident,
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
            &input.ident,
            format!(
                "#[partial_response] needs #[derive(Serialize)] below it: write #[partial_response] first, then #[derive(serde::Serialize)] on `{}`",
                input.ident
            ),
        );
    }
}

/// Two fields serialized under one name would both answer a selection of that
/// name, and the output would hold the key twice.
fn check_unique_names(cx: &Ctxt, input: &Input) {
    let mut seen: HashMap<String, &syn::Ident> = HashMap::new();
    for field in input.fields.iter().filter(|field| !field.skip) {
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
