use proc_macro2::TokenStream;
use quote::quote;

/// The output of a macro whose input has errors: the user's item, so that the rest
/// of the crate and the IDE keep working, beside one `compile_error!` per error.
pub(crate) fn item_with_errors(item: impl quote::ToTokens, errors: &syn::Error) -> TokenStream {
    let errors = errors.to_compile_error();
    quote!(#item #errors)
}
