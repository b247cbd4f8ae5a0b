//! The rules of a sort enum: a model, and per variant one column.

use super::parse::{Input, Variant};
use crate::common::ctxt::Ctxt;
use crate::common::field;
use syn::{Ident, Path};

pub(crate) struct SortDef<'a> {
    pub(crate) input: &'a Input,
    pub(crate) model: &'a Path,
    pub(crate) keys: Vec<Key<'a>>,
}

/// One variant: its column (spanned at the string that names it) and
/// direction.
pub(crate) struct Key<'a> {
    pub(crate) variant: &'a Ident,
    pub(crate) column: Ident,
    pub(crate) descending: bool,
}

pub(crate) fn check<'a>(cx: &Ctxt, input: &'a Input) -> Option<SortDef<'a>> {
    // A sort key is a fixed set of names a client picks from: no type
    // parameter could change which columns they are.
    if !input.generics.params.is_empty() {
        cx.error_at(&input.generics, "a sort enum cannot be generic");
    }
    if input.variants.is_empty() {
        cx.error_at(
            &input.ident,
            "a sort enum needs at least one sort key: `#[sort(asc = \"title\")] Title`",
        );
    }
    let Some(model) = &input.model else {
        cx.error_at(
            &input.ident,
            "a sort enum needs its model: `#[sort(model = Post)]` on the enum",
        );
        return None;
    };
    let keys = input
        .variants
        .iter()
        .filter_map(|variant| check_variant(cx, variant))
        .collect();
    Some(SortDef { input, model, keys })
}

/// Each variant is one sort key: a unit variant (what a query string can
/// name) with exactly one of `asc` and `desc`.
fn check_variant<'a>(cx: &Ctxt, variant: &'a Variant) -> Option<Key<'a>> {
    if let Some(fields) = variant.fields {
        cx.error_span(fields, "a sort key is a unit variant: remove its fields");
    }
    let (column, descending) = match (&variant.asc, &variant.desc) {
        (Some(column), None) => (column, false),
        (None, Some(column)) => (column, true),
        (Some(_), Some(desc)) => {
            cx.error_at(
                desc,
                "a sort key sorts by one column: give `asc` or `desc`, not both",
            );
            return None;
        }
        (None, None) => {
            cx.error_at(
                &variant.ident,
                "name the column this key sorts by: `#[sort(asc = \"title\")]` or `#[sort(desc = \"id\")]`",
            );
            return None;
        }
    };
    let Some(field) = field::named(&column.value(), column.span()) else {
        cx.error_at(
            column,
            "the column names a field of the model: letters, digits and `_`",
        );
        return None;
    };
    Some(Key {
        variant: &variant.ident,
        column: field,
        descending,
    })
}
