//! The `Sort` impl, `From<_> for Order`, and the check of each column against
//! the model's fields.

use super::parse::Input;
use super::validate::SortDef;
use crate::common::paths::db::MODEL;
use crate::common::paths::query::{ORDER, SORT};
use proc_macro2::{Ident, TokenStream};
use quote::quote;
use syn::ext::IdentExt;

pub(crate) fn expand(sort: &SortDef<'_>) -> TokenStream {
    let ident = &sort.input.ident;
    let model = sort.model;
    let mut arms = Vec::new();
    let mut checks = Vec::new();
    for key in &sort.keys {
        let variant = key.variant;
        let column = &key.column;
        let name = column.unraw().to_string();
        let direction = if key.descending {
            quote!(desc)
        } else {
            quote!(asc)
        };
        arms.push(quote!(Self::#variant => #ORDER::#direction(#name)));
        // The row at the column's span, so that a typo is reported at the
        // string that names it.
        let row = Ident::new("__unokit_row", column.span());
        checks.push(quote!(let _ = &#row.#column;));
    }
    quote! {
        #[automatically_derived]
        impl #SORT for #ident {
            type Model = #model;

            fn order(self) -> #ORDER {
                match self {
                    #(#arms,)*
                }
            }
        }

        #[automatically_derived]
        impl ::core::convert::From<#ident> for #ORDER {
            fn from(sort: #ident) -> Self {
                #SORT::order(sort)
            }
        }

        // Each key against the model's field it sorts by: a typo is an error
        // at the key's column.
        const _: () = {
            #[allow(dead_code, clippy::all, clippy::pedantic)]
            fn __unokit_sort_columns(__unokit_row: &#model) {
                let _ = <#model as #MODEL>::TABLE;
                #(#checks)*
            }
        };
    }
}

/// On error, impls whose methods never run, so that code using the enum
/// reports only the real error.
pub(crate) fn stub(input: &Input) -> TokenStream {
    let Some(model) = &input.model else {
        return TokenStream::new();
    };
    if !input.generics.params.is_empty() {
        return TokenStream::new();
    }
    let ident = &input.ident;
    quote! {
        impl #SORT for #ident {
            type Model = #model;

            fn order(self) -> #ORDER {
                ::core::unreachable!()
            }
        }
    }
}
