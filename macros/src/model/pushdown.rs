//! `SelectModel`: reading some of a model's columns, and following a
//! selection into its relations, for `query.select(&selection)`.
//!
//! One impl per engine unokit was built with (through `each_engine!`, so the
//! user's crate never names an engine it lacks), bounded only by the model's
//! own row: a bound on a related model would make the trait solver overflow
//! on a graph that reaches a model again (`Post` → `Author` → `Vec<Post>`).
//! What depends on other types (whether a column's type is `Default`, whether
//! a related model is selectable on the engine) is chosen in the bodies, where
//! the types are concrete (see the runtime's `pushdown/derived.rs`).

use super::def::{FieldDef, ModelDef};
use super::relations::relation_type;
use crate::common::paths::db::{
    ALWAYS_READ, DATABASE, DEFAULT_STANDS_IN, EACH_ENGINE, FOLLOW, FOLLOW_NOT_SELECTABLE,
    FOLLOW_SELECTED, INCLUDE_FUTURE, MODEL_ROW, NESTED_RELATION, PICK, READ_COLUMN, RELATED,
    SELECT_MODEL, SESSION, SQLX_ERROR, UNREAD,
};
use proc_macro2::{Literal, TokenStream};
use quote::quote;

pub(crate) fn expand(model: &ModelDef<'_>) -> TokenStream {
    // The name `each_engine!` gives each engine in turn.
    let engine = quote!(__UnokitDb);
    let ident = model.ident;
    let mut keys = Vec::new();
    let mut follows = Vec::new();
    for relation in model.relations() {
        let ty = relation_type(ident, relation.ident);
        let name = &relation.name;
        keys.push(quote!((#name, <#ty as #NESTED_RELATION>::PARENT_COLUMN)));
        follows.push(quote! {
            (&&#FOLLOW::<#ty, #engine>::new())
                .follow(session, parents, pick, #name, trail)
                .await?;
        });
    }
    // Under a binder, so that on an engine the row does not read from the
    // impl is left out rather than failing; each column's, so that the body
    // may read it.
    let mut bounds = vec![quote!(for<'__unokit> #ident: #MODEL_ROW<#engine>)];
    let mut bounded = Vec::new();
    for column in model.columns() {
        let ty = column.ty;
        // One bound per type, however many columns have it.
        let name = quote!(#ty).to_string();
        if !bounded.contains(&name) {
            bounded.push(name);
            bounds.push(quote!(for<'__unokit> #ty: #READ_COLUMN<#engine>));
        }
    }
    let mut must_read = Vec::new();
    let mut position = 0_usize;
    let reads: Vec<TokenStream> = model
        .fields
        .iter()
        .map(|field| match field {
            FieldDef::Relation(relation) => {
                let name = relation.ident;
                quote!(#name: #RELATED::not_loaded())
            }
            FieldDef::Column(column) => {
                let name = column.ident;
                let ty = column.ty;
                let at = Literal::usize_unsuffixed(position);
                position += 1;
                must_read.push(quote! {
                    columns[#at] |= (&&#UNREAD::<#ty>::new()).must_read();
                });
                quote! {
                    #name: (&&#UNREAD::<#ty>::new())
                        .read_or_default::<#engine>(row, &mut at, columns[#at])?
                }
            }
        })
        .collect();
    quote! {
        #EACH_ENGINE! {
            #[automatically_derived]
            impl #SELECT_MODEL<#engine> for #ident
            where
                #(#bounds,)*
            {
                const RELATION_KEYS: &'static [(&'static str, &'static str)] = &[#(#keys),*];

                fn must_read(columns: &mut [bool]) {
                    #[allow(unused_imports)]
                    use {#ALWAYS_READ as _, #DEFAULT_STANDS_IN as _};
                    #(#must_read)*
                }

                fn from_columns(
                    row: &<#engine as #DATABASE>::Row,
                    offset: usize,
                    columns: &[bool],
                ) -> ::core::result::Result<Self, #SQLX_ERROR> {
                    #[allow(unused_imports)]
                    use {#ALWAYS_READ as _, #DEFAULT_STANDS_IN as _};
                    let mut at = offset;
                    ::core::result::Result::Ok(Self {
                        #(#reads,)*
                    })
                }

                fn include_selected<'a, 'p: 'a>(
                    session: &'a #SESSION<#engine>,
                    parents: &'a mut [&'p mut Self],
                    pick: &'a #PICK,
                    trail: &'a [::core::any::TypeId],
                ) -> #INCLUDE_FUTURE<'a> {
                    #[allow(unused_imports)]
                    use {#FOLLOW_NOT_SELECTABLE as _, #FOLLOW_SELECTED as _};
                    ::std::boxed::Box::pin(async move {
                        let _ = (&session, &parents, &pick, &trail);
                        #(#follows)*
                        ::core::result::Result::Ok(())
                    })
                }
            }
        }
    }
}
