//! `SelectModel`: reading some of a model's columns, and following a
//! selection into its relations, for `query.select(&selection)`.

use super::def::{FieldDef, ModelDef};
use super::relations::relation_type;
use crate::common::paths::db::{
    COLUMN, DATABASE, ENGINE, INCLUDE_FUTURE, INCLUDE_SELECTED, MODEL_ROW, NESTED_RELATION,
    NEXT_SELECTED, PICK, RELATED, RELATION_ON, SELECT_MODEL, SESSION, SQLX_ERROR,
};
use proc_macro2::{Literal, TokenStream};
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;

pub(crate) fn expand(model: &ModelDef<'_>) -> TokenStream {
    let engine = quote!(__UnokitDb);
    let ident = model.ident;
    let mut bounds = vec![quote!(Self: #MODEL_ROW<#engine>)];
    for column in model.columns() {
        let ty = column.ty;
        bounds.push(quote_spanned!(ty.span()=> #ty: #COLUMN<#engine> + ::core::default::Default));
    }
    let mut keys = Vec::new();
    let mut loads = Vec::new();
    for relation in model.relations() {
        let ty = relation_type(ident, relation.ident);
        let child = relation.model;
        let name = &relation.name;
        bounds.push(quote!(#ty: #RELATION_ON<#engine>));
        bounds.push(quote!(#child: #SELECT_MODEL<#engine>));
        keys.push(quote!((#name, <#ty as #NESTED_RELATION>::PARENT_COLUMN)));
        loads.push(quote! {
            #INCLUDE_SELECTED::<#ty, #engine>(session, parents, pick, #name).await?;
        });
    }
    let mut position = 0_usize;
    let reads = model.fields.iter().map(|field| match field {
        FieldDef::Relation(relation) => {
            let name = relation.ident;
            quote!(#name: #RELATED::not_loaded())
        }
        FieldDef::Column(column) => {
            let name = column.ident;
            let at = Literal::usize_unsuffixed(position);
            position += 1;
            quote!(#name: #NEXT_SELECTED::<#engine, _>(row, &mut at, columns[#at])?)
        }
    });
    quote! {
        #[automatically_derived]
        impl<#engine: #ENGINE> #SELECT_MODEL<#engine> for #ident
        where
            #(#bounds,)*
        {
            const RELATION_KEYS: &'static [(&'static str, &'static str)] = &[#(#keys),*];

            fn from_columns(
                row: &<#engine as #DATABASE>::Row,
                offset: usize,
                columns: &[bool],
            ) -> ::core::result::Result<Self, #SQLX_ERROR> {
                let mut at = offset;
                ::core::result::Result::Ok(Self {
                    #(#reads,)*
                })
            }

            fn include_selected<'a, 'p: 'a>(
                session: &'a #SESSION<#engine>,
                parents: &'a mut [&'p mut Self],
                pick: &'a #PICK,
            ) -> #INCLUDE_FUTURE<'a> {
                ::std::boxed::Box::pin(async move {
                    let _ = (&session, &parents, &pick);
                    #(#loads)*
                    ::core::result::Result::Ok(())
                })
            }
        }
    }
}
