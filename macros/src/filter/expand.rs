//! The `Filter` impl, generic over the engine, and the checks of each field
//! against the model's field of the same column.

use super::parse::Input;
use super::validate::{FilterDef, Kind};
use crate::common::paths::db::{BOX_DYN_ERROR, COLUMN, ENGINE, KEY_COLUMN, MODEL};
use crate::common::paths::query::{COMPARES, FILTER, LIKE, NULLABLE, OP, TEXT, VISIT};
use proc_macro2::{Ident, Span, TokenStream};
use quote::{quote, quote_spanned};
use syn::ext::IdentExt;
use syn::spanned::Spanned;

pub(crate) fn expand(filter: &FilterDef<'_>) -> TokenStream {
    let ident = &filter.input.ident;
    let model = filter.model;
    let db = Ident::new("__UnokitDb", Span::call_site());
    let mut bounds = Vec::new();
    let mut visits = Vec::new();
    let mut checks = Vec::new();
    let row = quote!(__unokit_row);
    for field in &filter.fields {
        let name = field.ident;
        let column = &field.column;
        let column_name = column.unraw().to_string();
        let at = column.span();
        // The row at the column too, so that an error spans the filter's field.
        let row_at = Ident::new("__unokit_row", at);
        match &field.kind {
            Kind::Compare(op, ty) => {
                let op = Ident::new(op, Span::call_site());
                bounds.push(quote_spanned!(ty.span()=> #ty: #COLUMN<#db>));
                visits.push(quote! {
                    if let ::core::option::Option::Some(__unokit_value) = &self.#name {
                        __unokit_visitor.compare(#column_name, #OP::#op, __unokit_value)?;
                    }
                });
                let compares = COMPARES.at(at);
                checks.push(quote_spanned!(at=> #compares::<_, #ty>(&#row_at.#column);));
            }
            Kind::In(negated, ty) => {
                bounds.push(quote_spanned!(ty.span()=> #ty: #KEY_COLUMN<#db>));
                visits.push(quote! {
                    if let ::core::option::Option::Some(__unokit_values) = &self.#name {
                        __unokit_visitor.in_list(#column_name, #negated, __unokit_values.as_slice())?;
                    }
                });
                let compares = COMPARES.at(at);
                checks.push(quote_spanned!(at=> #compares::<_, #ty>(&#row_at.#column);));
            }
            Kind::Like(kind) => {
                let kind = Ident::new(kind, Span::call_site());
                visits.push(quote! {
                    if let ::core::option::Option::Some(__unokit_value) = &self.#name {
                        __unokit_visitor.like(#column_name, #LIKE::#kind, __unokit_value.as_str())?;
                    }
                });
                let text = TEXT.at(at);
                checks.push(quote_spanned!(at=> #text(&#row_at.#column);));
            }
            Kind::IsNull => {
                visits.push(quote! {
                    if let ::core::option::Option::Some(__unokit_null) = self.#name {
                        __unokit_visitor.is_null(#column_name, __unokit_null)?;
                    }
                });
                let nullable = NULLABLE.at(at);
                checks.push(quote_spanned!(at=> #nullable(&#row_at.#column);));
            }
            Kind::Group(any, ty) => {
                bounds.push(quote_spanned!(ty.span()=> #ty: #FILTER<#db, Model = #model>));
                visits.push(quote! {
                    if let ::core::option::Option::Some(__unokit_group) = &self.#name {
                        __unokit_visitor.group(#any, &mut |__unokit_visitor: &mut __UnokitVisitor| {
                            #FILTER::<#db>::visit(__unokit_group, __unokit_visitor)
                        })?;
                    }
                });
            }
        }
    }
    let needs_text = filter
        .fields
        .iter()
        .any(|field| matches!(field.kind, Kind::Like(_)));
    if needs_text {
        bounds.push(quote!(::std::string::String: #COLUMN<#db>));
    }
    quote! {
        #[automatically_derived]
        impl<#db: #ENGINE> #FILTER<#db> for #ident
        where
            #(#bounds,)*
        {
            type Model = #model;

            fn visit<'__unokit_q, __UnokitVisitor: #VISIT<'__unokit_q, #db>>(
                &'__unokit_q self,
                __unokit_visitor: &mut __UnokitVisitor,
            ) -> ::core::result::Result<(), #BOX_DYN_ERROR> {
                #(#visits)*
                ::core::result::Result::Ok(())
            }
        }

        // Each field against the model's field it filters: a typo or a type
        // that does not fit is an error at the filter's field.
        const _: () = {
            #[allow(dead_code, clippy::all, clippy::pedantic)]
            fn __unokit_filter_columns(#row: &#model) {
                let _ = <#model as #MODEL>::TABLE;
                #(#checks)*
            }
        };
    }
}

/// On error, an impl whose method never runs, so that code using the filter
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
        impl<__UnokitDb: #ENGINE> #FILTER<__UnokitDb> for #ident {
            type Model = #model;

            fn visit<'__unokit_q, __UnokitVisitor: #VISIT<'__unokit_q, __UnokitDb>>(
                &'__unokit_q self,
                _: &mut __UnokitVisitor,
            ) -> ::core::result::Result<(), #BOX_DYN_ERROR> {
                ::core::unreachable!()
            }
        }
    }
}
