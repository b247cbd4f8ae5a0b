//! The struct, unchanged but for `#[partial]` attributes, and two impls:
//! `Object` (the static schema) and `Selectable` (the selected serializer).

use super::parse::{Field, Input};
use crate::common::private;
use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{GenericParam, Generics};

pub(crate) fn expand(input: &Input) -> TokenStream {
    let item = &input.item;
    let object = object_impl(input);
    let selectable = selectable_impl(input);
    quote! {
        #item
        #object
        #selectable
    }
}

/// The serialized fields: the ones serde does not skip, in declaration order.
fn serialized(input: &Input) -> impl Iterator<Item = &Field> {
    input.fields.iter().filter(|field| !field.skip)
}

/// Every type parameter must be selectable: fields of type `T`, `Vec<T>`, …
/// need it, and a parameter used only in a leaf field is rare enough.
fn bounded_generics(input: &Input) -> Generics {
    let private = private();
    let mut generics = input.generics.clone();
    let params: Vec<_> = generics
        .params
        .iter()
        .filter_map(|param| match param {
            GenericParam::Type(ty) => Some(ty.ident.clone()),
            _ => None,
        })
        .collect();
    let where_clause = generics.make_where_clause();
    for param in params {
        where_clause
            .predicates
            .push(syn::parse_quote!(#param: #private::select::Selectable));
    }
    generics
}

fn object_impl(input: &Input) -> TokenStream {
    let private = private();
    let ident = &input.ident;
    let type_name = ident.to_string();
    let generics = bounded_generics(input);
    let (impl_generics, ty_generics, where_clause) = generics.split_for_impl();
    let fields = serialized(input).map(|field| {
        let name = field.serialized_name(input.rename_all);
        let column = match (&field.column, field.no_column) {
            (Some(column), _) => quote!(::core::option::Option::Some(#column)),
            (None, Some(_)) => quote!(::core::option::Option::None),
            (None, None) => {
                let column = field.ident.to_string();
                let column = column.strip_prefix("r#").unwrap_or(&column);
                quote!(::core::option::Option::Some(#column))
            }
        };
        let ty = &field.ty;
        // Spanned at the field's type, so that a type that cannot be selected
        // into is reported there.
        let shape = match field.leaf {
            Some(_) => quote!(#private::select::leaf_shape),
            None => quote_spanned!(ty.span()=> <#ty as #private::select::Selectable>::shape),
        };
        quote! {
            #private::select::FieldSchema {
                name: #name,
                column: #column,
                shape: #shape,
            }
        }
    });
    quote! {
        #[automatically_derived]
        impl #impl_generics #private::select::Object for #ident #ty_generics #where_clause {
            const SCHEMA: &'static #private::select::Schema = &#private::select::Schema {
                type_name: #type_name,
                fields: &[#(#fields),*],
            };
        }
    }
}

fn selectable_impl(input: &Input) -> TokenStream {
    let private = private();
    let ident = &input.ident;
    let type_name = ident.to_string();
    let generics = bounded_generics(input);
    let (impl_generics, ty_generics, where_clause) = generics.split_for_impl();
    let fields: Vec<&Field> = serialized(input).collect();
    let count = Literal::usize_unsuffixed(fields.len());
    let picks: Vec<_> = (0..fields.len())
        .map(|i| format_ident!("__pick{}", i))
        .collect();
    // serde skips these at run time, so the map's length is known only then.
    let skipped_at_run_time = fields.iter().zip(&picks).filter_map(|(field, pick)| {
        let skip_if = field.skip_if.as_ref()?;
        let member = &field.ident;
        Some(quote! {
            let __len = __len - ::core::primitive::usize::from(!#pick.is_skip() && #skip_if(&self.#member));
        })
    });
    let entries = fields.iter().zip(&picks).map(|(field, pick)| {
        let member = &field.ident;
        let name = field.serialized_name(input.rename_all);
        let wanted = match &field.skip_if {
            Some(skip_if) => quote!(!#pick.is_skip() && !#skip_if(&self.#member)),
            None => quote!(!#pick.is_skip()),
        };
        let entry = match field.leaf {
            Some(_) => quote! {
                #private::select::SerializeMap::serialize_entry(&mut __map, #name, &self.#member)?;
            },
            // Spanned at the field's type: that is where a type that cannot
            // be selected into is reported.
            None => {
                let ty = &field.ty;
                quote_spanned! {ty.span()=>
                    #private::select::SerializeMap::serialize_entry(
                        &mut __map,
                        #name,
                        &#private::select::Selected::<#ty>::new(&self.#member, #pick),
                    )?;
                }
            }
        };
        quote! {
            if #wanted {
                #entry
            }
        }
    });
    quote! {
        #[automatically_derived]
        impl #impl_generics #private::select::Selectable for #ident #ty_generics #where_clause {
            type Root = Self;

            #[inline]
            fn shape() -> #private::select::Shape {
                #private::select::Shape::Object(<Self as #private::select::Object>::SCHEMA)
            }

            fn serialize_selected<__S>(
                &self,
                __node: &#private::select::Node,
                __serializer: __S,
            ) -> ::core::result::Result<__S::Ok, __S::Error>
            where
                __S: #private::select::Serializer,
            {
                let ::core::option::Option::Some(([#(#picks),*], __len)) = __node.object_picks::<#count>() else {
                    return ::core::result::Result::Err(__node.mismatch::<__S::Error>(#type_name));
                };
                #(#skipped_at_run_time)*
                let mut __map = #private::select::Serializer::serialize_map(
                    __serializer,
                    ::core::option::Option::Some(__len),
                )?;
                #(#entries)*
                #private::select::SerializeMap::end(__map)
            }
        }
    }
}
