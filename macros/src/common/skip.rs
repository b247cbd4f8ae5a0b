use super::ctxt::Ctxt;
use proc_macro2::Span;
use syn::Attribute;
use syn::spanned::Spanned;

/// The one option of the helper attributes `#[cache]` and `#[cache_key]`.
pub(crate) const SKIP: &str = "skip";

/// Reads `#[<attr>(skip)]` on a `part` (parameter, field): where `skip` was written,
/// or `None` with an error recorded if the attribute says anything else.
pub(crate) fn read_skip(cx: &Ctxt, attr: &Attribute, part: &str) -> Option<Span> {
    let name = attr
        .path()
        .get_ident()
        .map(ToString::to_string)
        .unwrap_or_default();
    let mut skip = None;
    let result = attr.parse_nested_meta(|meta| {
        if meta.path.is_ident(SKIP) {
            skip = Some(meta.path.span());
        } else {
            cx.error_at(
                &meta.path,
                format!("unknown #[{name}] option; the only one is `{SKIP}`: #[{name}({SKIP})]"),
            );
        }
        Ok(())
    });
    if let Err(error) = result {
        cx.push(syn::Error::new(
            error.span(),
            format!("write #[{name}({SKIP})] to leave a {part} out of the key"),
        ));
    }
    skip
}
