//! The rules of a filter: a model, and for each field an operator its type fits.

use super::parse::{Field, Input};
use crate::common::ctxt::Ctxt;
use crate::common::{field, suggest};
use syn::{GenericArgument, Ident, Path, PathArguments, Type};

/// The operators a field may take.
const OPS: &[&str] = &[
    "eq",
    "ne",
    "lt",
    "lte",
    "gt",
    "gte",
    "in",
    "not_in",
    "like",
    "starts_with",
    "contains",
    "is_null",
    "any_of",
    "all_of",
];

pub(crate) struct FilterDef<'a> {
    pub(crate) input: &'a Input,
    pub(crate) model: &'a Path,
    pub(crate) fields: Vec<FieldDef<'a>>,
}

pub(crate) struct FieldDef<'a> {
    pub(crate) ident: &'a Ident,
    /// The model's field (its column), with the span to report it at.
    pub(crate) column: Ident,
    pub(crate) kind: Kind<'a>,
}

pub(crate) enum Kind<'a> {
    /// `eq` … `gte`: the `Op` variant, and the value's type.
    Compare(&'static str, &'a Type),
    /// `in` (or `not_in` when negated): the element type.
    In(bool, &'a Type),
    /// `like`, `starts_with`, `contains`: the `Like` variant.
    Like(&'static str),
    IsNull,
    /// `any_of` (true) or `all_of`: a nested filter of the same model.
    Group(bool, &'a Type),
}

pub(crate) fn check<'a>(cx: &Ctxt, input: &'a Input) -> Option<FilterDef<'a>> {
    if !input.generics.params.is_empty() {
        cx.error_at(
            &input.generics,
            "a filter cannot be generic; name the model's column types",
        );
    }
    let Some(model) = &input.model else {
        cx.error_at(
            &input.ident,
            "a filter needs its model: `#[filter(model = Post)]` on the struct",
        );
        return None;
    };
    let fields = input
        .fields
        .iter()
        .filter_map(|field| check_field(cx, field))
        .collect();
    Some(FilterDef {
        input,
        model,
        fields,
    })
}

fn check_field<'a>(cx: &Ctxt, field: &'a Field) -> Option<FieldDef<'a>> {
    let op = field
        .op
        .as_ref()
        .map_or_else(|| "eq".to_owned(), syn::LitStr::value);
    let op_span = field
        .op
        .as_ref()
        .map_or_else(|| field.ident.span(), syn::LitStr::span);
    let column = match &field.column {
        Some(column) => {
            let Some(ident) = field::named(&column.value(), column.span()) else {
                cx.error_at(
                    column,
                    "`column` names a field of the model: letters, digits and `_`",
                );
                return None;
            };
            ident
        }
        None => field.ident.clone(),
    };
    let Some(inner) = option_of(&field.ty) else {
        cx.error_at(
            &field.ty,
            "a filter field is an `Option`: `None` leaves its condition out (`Option<Vec<_>>` for `in`, `Option<bool>` for `is_null`)",
        );
        return None;
    };
    let kind = match op.as_str() {
        "eq" => Kind::Compare("Eq", inner),
        "ne" => Kind::Compare("Ne", inner),
        "lt" => Kind::Compare("Lt", inner),
        "lte" => Kind::Compare("Lte", inner),
        "gt" => Kind::Compare("Gt", inner),
        "gte" => Kind::Compare("Gte", inner),
        "in" | "not_in" => {
            let Some(element) = generic_of(inner, "Vec") else {
                cx.error_at(&field.ty, format!("`{op}` takes a list: `Option<Vec<T>>`"));
                return None;
            };
            Kind::In(op == "not_in", element)
        }
        "like" | "starts_with" | "contains" => {
            if !is_named(inner, "String") {
                cx.error_at(&field.ty, format!("`{op}` takes text: `Option<String>`"));
                return None;
            }
            Kind::Like(match op.as_str() {
                "like" => "Pattern",
                "starts_with" => "StartsWith",
                _ => "Contains",
            })
        }
        "is_null" => {
            if !is_named(inner, "bool") {
                cx.error_at(
                    &field.ty,
                    "`is_null` takes `Option<bool>`: `true` for IS NULL, `false` for IS NOT NULL",
                );
                return None;
            }
            Kind::IsNull
        }
        "any_of" | "all_of" => Kind::Group(op == "any_of", inner),
        unknown => {
            let hint = suggest::closest(unknown, OPS)
                .map(|known| format!("did you mean `{known}`? "))
                .unwrap_or_default();
            cx.error_span(
                op_span,
                format!(
                    "unknown operator `{unknown}`; {hint}operators: {}",
                    OPS.join(", ")
                ),
            );
            return None;
        }
    };
    if matches!(kind, Kind::Group(..)) && field.column.is_some() {
        cx.error_span(
            op_span,
            "a group filters several columns: it takes no `column`",
        );
    }
    Some(FieldDef {
        ident: &field.ident,
        column,
        kind,
    })
}

/// `T` of `Option<T>`.
fn option_of(ty: &Type) -> Option<&Type> {
    generic_of(ty, "Option")
}

/// `T` of `Name<T>` (by the last segment of its path).
fn generic_of<'a>(ty: &'a Type, name: &str) -> Option<&'a Type> {
    let Type::Path(path) = ty else { return None };
    let last = path.path.segments.last()?;
    if last.ident != name {
        return None;
    }
    let PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    match args.args.first()? {
        GenericArgument::Type(inner) if args.args.len() == 1 => Some(inner),
        _ => None,
    }
}

fn is_named(ty: &Type, name: &str) -> bool {
    matches!(ty, Type::Path(path) if path.qself.is_none() && path.path.segments.last().is_some_and(|last| last.ident == name && last.arguments.is_none()))
}
