//! Naming a model's field from a string an attribute gives (`column = "..."`).

use proc_macro2::Span;
use syn::Ident;
use syn::ext::IdentExt;

/// The model's field named `name` (`type` or `r#type`), at `span`: raw when
/// the name is a keyword, so that `row.r#type` reads it; `None` when `name`
/// is no identifier (or a keyword that cannot be raw, such as `self`).
pub(crate) fn named(name: &str, span: Span) -> Option<Ident> {
    let name = name.strip_prefix("r#").unwrap_or(name);
    if syn::parse_str::<Ident>(name).is_ok() {
        return Some(Ident::new(name, span));
    }
    let raw = syn::parse_str::<Ident>(&format!("r#{name}")).ok()?;
    Some(Ident::new_raw(&raw.unraw().to_string(), span))
}
