//! Names generated from the user's names, through `heck`'s case conversions.

use heck::{ToSnakeCase, ToUpperCamelCase};
use proc_macro2::Ident;
use quote::format_ident;

/// `authors_by_id` → `AuthorsById` (a raw identifier's `r#` dropped): the base
/// of the type names a macro generates from a function's or a field's name.
pub(crate) fn upper_camel(ident: &Ident) -> String {
    let name = ident.to_string();
    name.strip_prefix("r#")
        .unwrap_or(&name)
        .to_upper_camel_case()
}

/// `BlogPost` → `blog_post`.
pub(crate) fn snake(name: &str) -> String {
    name.to_snake_case()
}

/// `ident` turned to `UpperCamel`, with `suffix`, spanned like `ident`.
pub(crate) fn type_name(ident: &Ident, suffix: &str) -> Ident {
    format_ident!("{}{}", upper_camel(ident), suffix, span = ident.span())
}

#[cfg(test)]
mod tests {
    use super::{snake, upper_camel};
    use quote::format_ident;

    #[test]
    fn joins_words() {
        assert_eq!(upper_camel(&format_ident!("authors_by_id")), "AuthorsById");
        assert_eq!(upper_camel(&format_ident!("load")), "Load");
        assert_eq!(upper_camel(&format_ident!("r#type")), "Type");
        assert_eq!(upper_camel(&format_ident!("_x__y")), "XY");
    }

    #[test]
    fn splits_words() {
        assert_eq!(snake("BlogPost"), "blog_post");
        assert_eq!(snake("Post"), "post");
    }
}
