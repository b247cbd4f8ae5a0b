//! Reading a macro's options: the checks every attribute makes.

use super::ctxt::Ctxt;
use super::suggest;
use proc_macro2::Span;
use syn::meta::ParseNestedMeta;

/// Stores `value` in `slot`, or records that the option `name` was given twice.
pub(crate) fn set_once<T>(cx: &Ctxt, slot: &mut Option<T>, name: &str, span: Span, value: T) {
    if slot.is_some() {
        cx.error_span(span, format!("`{name}` is given twice; keep one"));
    } else {
        *slot = Some(value);
    }
}

/// Records an unknown option, with the closest of the `known` names if it looks
/// like a typo and `what_it_takes` (e.g. "#[cached] takes: capacity, ttl"), then
/// skips the option's value so the next option can still be read.
pub(crate) fn unknown(
    cx: &Ctxt,
    meta: &ParseNestedMeta<'_>,
    known: &[&str],
    what_it_takes: &str,
) -> syn::Result<()> {
    let name = meta
        .path
        .get_ident()
        .map(ToString::to_string)
        .unwrap_or_default();
    let hint = suggest::closest(&name, known)
        .map(|known| format!("did you mean `{known}`? "))
        .unwrap_or_default();
    cx.error_at(
        &meta.path,
        format!("unknown option `{name}`; {hint}{what_it_takes}"),
    );
    if meta.input.peek(syn::Token![=]) {
        meta.value()?.parse::<syn::Expr>()?;
    }
    Ok(())
}
