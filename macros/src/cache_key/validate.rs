//! The rules a `#[derive(CacheKey)]` type must follow.

use super::parse::{Input, Shape};
use crate::common::ctxt::Ctxt;

/// The parsed input is the model `expand` reads: every rule is a check on it.
pub(crate) fn check<'a>(cx: &Ctxt, input: &'a Input) -> Option<&'a Input> {
    check_struct_keeps_a_field(cx, input);
    Some(input)
}

/// A struct whose every field is skipped gives all its values one key: every
/// lookup would hit the same entry. (A unit struct, with no fields, is fine.)
fn check_struct_keeps_a_field(cx: &Ctxt, input: &Input) {
    if let Shape::Struct(fields) = &input.shape
        && !fields.is_empty()
        && fields.iter().all(|field| field.skip.is_some())
    {
        cx.error_at(
                &input.ident,
                format!(
                    "every field of `{}` is #[cache_key(skip)], so all its values would share one key; keep at least one field",
                    input.ident
                ),
            );
    }
}
