//! The struct, unchanged but for `#[partial]` attributes, and two impls:
//! `Object` (the static schema) and `Selectable` (the selected serializer).

use super::garde_expand::validate_selected;
use super::parse::Input;
use super::validate::{Form, Output, Serialized};
use crate::common::paths::select::{
    FIELD_SCHEMA, LEAF_SHAPE, NODE, OBJECT, SCHEMA, SELECTABLE, SELECTED, SERIALIZE_MAP,
    SERIALIZER, SHAPE,
};
use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{GenericParam, Generics, Ident};

pub(crate) fn expand(output: &Output<'_>) -> TokenStream {
    let item = output.item;
    let object = object_impl(output.ident, output.generics, &schema_fields(output));
    let selectable = selectable_impl(
        output.ident,
        output.generics,
        &serialize_selected(output),
        &validate_selected(output),
    );
    quote! {
        #item
        #object
        #selectable
    }
}

/// On error, the struct and impls whose bodies are never meant to run, so that
/// code serializing it under a selection reports only the real error.
///
/// `Selectable` needs `Serialize`: without the derive (itself an error), the
/// impls would add one more, so there are none.
pub(crate) fn stub(input: &Input) -> TokenStream {
    let item = &input.item;
    if input.derives_serialize.is_none() {
        return quote!(#item);
    }
    let object = object_impl(&item.ident, &item.generics, &[]);
    let selectable = selectable_impl(
        &item.ident,
        &item.generics,
        &quote! {
            let _ = (__node, __serializer);
            ::core::unreachable!()
        },
        &TokenStream::new(),
    );
    quote! {
        #item
        #object
        #selectable
    }
}

/// Every type parameter must be selectable: fields of type `T`, `Vec<T>`, …
/// need it, and a parameter used only in a leaf field is rare enough.
fn bounded_generics(generics: &Generics) -> Generics {
    let mut generics = generics.clone();
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
            .push(syn::parse_quote!(#param: #SELECTABLE));
    }
    generics
}

fn schema_fields(output: &Output<'_>) -> Vec<TokenStream> {
    output
        .fields
        .iter()
        .map(|field| {
            let name = &field.name;
            let column = match &field.column {
                Some(column) => quote!(::core::option::Option::Some(#column)),
                None => quote!(::core::option::Option::None),
            };
            let ty = field.ty;
            // Spanned at the field's type, so that a type that cannot be
            // selected into is reported there.
            let shape = match field.form {
                Form::Leaf => quote!(#LEAF_SHAPE),
                Form::Selected => quote_spanned!(ty.span()=> <#ty as #SELECTABLE>::shape),
            };
            quote! {
                #FIELD_SCHEMA {
                    name: #name,
                    column: #column,
                    shape: #shape,
                }
            }
        })
        .collect()
}

fn object_impl(ident: &Ident, generics: &Generics, fields: &[TokenStream]) -> TokenStream {
    let type_name = ident.to_string();
    let generics = bounded_generics(generics);
    let (impl_generics, ty_generics, where_clause) = generics.split_for_impl();
    quote! {
        #[automatically_derived]
        impl #impl_generics #OBJECT for #ident #ty_generics #where_clause {
            const SCHEMA: &'static #SCHEMA = &#SCHEMA {
                type_name: #type_name,
                fields: &[#(#fields),*],
            };
        }
    }
}

/// The body of `serialize_selected`: a map of the fields the node picks.
fn serialize_selected(output: &Output<'_>) -> TokenStream {
    let type_name = output.ident.to_string();
    let fields = &output.fields;
    let count = Literal::usize_unsuffixed(fields.len());
    let picks: Vec<_> = (0..fields.len())
        .map(|i| format_ident!("__pick{}", i))
        .collect();
    // serde skips these at run time, so the map's length is known only then.
    let skipped_at_run_time = fields.iter().zip(&picks).filter_map(|(field, pick)| {
        let skip_if = field.skip_if?;
        let member = field.member;
        Some(quote! {
            let __len = __len - ::core::primitive::usize::from(!#pick.is_skip() && #skip_if(&self.#member));
        })
    });
    // Under a `*` that restricts (`*/title`), a selectable field is left out
    // when its value has no fields (`None`, an empty list): only the node knows
    // whether any pick is such, so the common case pays one test per struct.
    let dropped_at_run_time: Vec<_> = fields
        .iter()
        .zip(&picks)
        .filter(|(field, _)| matches!(field.form, Form::Selected))
        .map(|(field, pick)| {
            let member = field.member;
            // Spanned at the field's type, where a type that cannot be
            // selected into is reported.
            let drops = quote_spanned!(field.ty.span()=> #pick.drops(&self.#member));
            match field.skip_if {
                Some(skip_if) => quote! {
                    - ::core::primitive::usize::from(#drops && !#skip_if(&self.#member))
                },
                None => quote!(- ::core::primitive::usize::from(#drops)),
            }
        })
        .collect();
    let dropped_at_run_time = (!dropped_at_run_time.is_empty()).then(|| {
        quote! {
            let __len = if __node.has_conditional() {
                __len #(#dropped_at_run_time)*
            } else {
                __len
            };
        }
    });
    let entries = fields
        .iter()
        .zip(&picks)
        .map(|(field, pick)| entry(field, pick));
    quote! {
        let ::core::option::Option::Some(([#(#picks),*], __len)) = __node.object_picks::<#count>() else {
            return ::core::result::Result::Err(__node.mismatch::<__S::Error>(#type_name));
        };
        #(#skipped_at_run_time)*
        #dropped_at_run_time
        let mut __map = #SERIALIZER::serialize_map(
            __serializer,
            ::core::option::Option::Some(__len),
        )?;
        #(#entries)*
        #SERIALIZE_MAP::end(__map)
    }
}

fn entry(field: &Serialized<'_>, pick: &Ident) -> TokenStream {
    let member = field.member;
    let name = &field.name;
    // A leaf field's pick is never conditional, and its type need not be
    // selectable.
    let kept = match field.form {
        Form::Leaf => quote!(!#pick.is_skip()),
        Form::Selected => quote_spanned!(field.ty.span()=> #pick.keeps(&self.#member)),
    };
    let wanted = match field.skip_if {
        Some(skip_if) => quote!(#kept && !#skip_if(&self.#member)),
        None => kept,
    };
    let entry = match field.form {
        Form::Leaf => quote! {
            #SERIALIZE_MAP::serialize_entry(&mut __map, #name, &self.#member)?;
        },
        // Spanned at the field's type: that is where a type that cannot be
        // selected into is reported.
        Form::Selected => {
            let ty = field.ty;
            quote_spanned! {ty.span()=>
                #SERIALIZE_MAP::serialize_entry(
                    &mut __map,
                    #name,
                    &#SELECTED::<#ty>(&self.#member, #pick),
                )?;
            }
        }
    };
    quote! {
        if #wanted {
            #entry
        }
    }
}

fn selectable_impl(
    ident: &Ident,
    generics: &Generics,
    body: &TokenStream,
    validate: &TokenStream,
) -> TokenStream {
    let generics = bounded_generics(generics);
    let (impl_generics, ty_generics, where_clause) = generics.split_for_impl();
    quote! {
        #[automatically_derived]
        impl #impl_generics #SELECTABLE for #ident #ty_generics #where_clause {
            type Root = Self;

            #[inline]
            fn shape() -> #SHAPE {
                #SHAPE::Object(<Self as #OBJECT>::SCHEMA)
            }

            fn serialize_selected<__S>(
                &self,
                __node: &#NODE,
                __serializer: __S,
            ) -> ::core::result::Result<__S::Ok, __S::Error>
            where
                __S: #SERIALIZER,
            {
                #body
            }

            #validate
        }
    }
}
