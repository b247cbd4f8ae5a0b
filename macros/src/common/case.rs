use proc_macro2::Ident;
use quote::format_ident;

/// `authors_by_id` → `AuthorsById`, spanned like `ident`: the base of the type
/// names a macro generates from a function's or a field's name.
pub(crate) fn upper_camel(ident: &Ident) -> String {
    let name = ident.to_string();
    let name = name.strip_prefix("r#").unwrap_or(&name);
    name.split('_')
        .filter(|word| !word.is_empty())
        .map(|word| {
            let mut chars = word.chars();
            chars.next().map_or_else(String::new, |first| {
                first.to_uppercase().chain(chars).collect()
            })
        })
        .collect()
}

/// `ident` turned to `UpperCamel`, with `suffix`, spanned like `ident`.
pub(crate) fn type_name(ident: &Ident, suffix: &str) -> Ident {
    format_ident!("{}{}", upper_camel(ident), suffix, span = ident.span())
}

#[cfg(test)]
mod tests {
    use super::upper_camel;
    use quote::format_ident;

    #[test]
    fn joins_words() {
        assert_eq!(upper_camel(&format_ident!("authors_by_id")), "AuthorsById");
        assert_eq!(upper_camel(&format_ident!("load")), "Load");
        assert_eq!(upper_camel(&format_ident!("r#type")), "Type");
        assert_eq!(upper_camel(&format_ident!("_x__y")), "XY");
    }
}
