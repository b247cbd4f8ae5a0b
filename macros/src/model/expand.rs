//! The `Model` and `ModelRow` impls, and the compile-time checks of a partial model.

use super::parse::{Field, Input};
use super::relations;
use super::statements::{self, Engine, Statements};
use crate::common::private;
use proc_macro2::{Literal, TokenStream};
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;

pub(crate) fn expand(input: &Input) -> TokenStream {
    let model = model_impl(input);
    let row = row_impl(input);
    let partial = partial_checks(input);
    let relations = relations::expand(input);
    quote!(#model #row #partial #relations)
}

fn model_impl(input: &Input) -> TokenStream {
    let private = private();
    let db = quote!(#private::db);
    let ident = &input.ident;
    let key = input.primary_key().expect("validated: a primary key");
    let key_ident = &key.ident;
    let key_ty = &key.ty;
    let table = input.table.as_ref().expect("validated: a table").value();
    let columns: Vec<String> = input.columns().map(Field::column).collect();
    let key_column = key.column();
    let sqlite = statements_tokens(&statements::statements(
        Engine::Sqlite,
        &table,
        &columns,
        &key_column,
    ));
    let postgres = statements_tokens(&statements::statements(
        Engine::Postgres,
        &table,
        &columns,
        &key_column,
    ));
    quote! {
        #[automatically_derived]
        impl #db::Model for #ident {
            type Key = #key_ty;
            const TABLE: &'static str = #table;
            const KEY_COLUMN: &'static str = #key_column;
            const COLUMNS: &'static [&'static str] = &[#(#columns),*];
            const SQLITE: #db::Statements = #sqlite;
            const POSTGRES: #db::Statements = #postgres;

            #[inline]
            fn key(&self) -> #key_ty {
                ::core::clone::Clone::clone(&self.#key_ident)
            }
        }
    }
}

fn statements_tokens(statements: &Statements) -> TokenStream {
    let private = private();
    let Statements {
        select,
        select_all,
        by_key,
        insert,
        update,
        delete,
    } = statements;
    quote! {
        #private::db::Statements {
            select: #select,
            select_all: #select_all,
            by_key: #by_key,
            insert: #insert,
            update: #update,
            delete: #delete,
        }
    }
}

fn row_impl(input: &Input) -> TokenStream {
    let private = private();
    let db = quote!(#private::db);
    let ident = &input.ident;
    let engine = quote!(__UnokitDb);
    let key = input.primary_key().expect("validated: a primary key");
    let bounds = input.columns().map(|field| {
        let ty = &field.ty;
        if field.primary_key.is_some() {
            quote_spanned!(ty.span()=> #ty: #db::KeyColumn<#engine>)
        } else {
            quote_spanned!(ty.span()=> #ty: #db::Column<#engine>)
        }
    });
    let reads = input.fields.iter().scan(0_usize, |position, field| {
        let name = &field.ident;
        Some(if field.relation.is_some() {
            quote!(#name: #db::Related::not_loaded())
        } else {
            let at = match *position {
                0 => quote!(offset),
                position => {
                    let position = Literal::usize_unsuffixed(position);
                    quote!(offset + #position)
                }
            };
            *position += 1;
            quote!(#name: <#engine as #db::Engine>::get(row, #at)?)
        })
    });
    let add = |field: &Field| {
        let name = &field.ident;
        quote!(#db::Arguments::add(arguments, &self.#name)?;)
    };
    let insert: Vec<_> = input.columns().map(add).collect();
    let update: Vec<_> = input
        .columns()
        .filter(|field| field.primary_key.is_none())
        .chain([key])
        .map(add)
        .collect();
    let delete = add(key);
    quote! {
        #[automatically_derived]
        impl<#engine: #db::Engine> #db::ModelRow<#engine> for #ident
        where
            #(#bounds,)*
        {
            fn from_row(
                row: &<#engine as #db::Database>::Row,
                offset: usize,
            ) -> ::core::result::Result<Self, #db::Error> {
                ::core::result::Result::Ok(Self {
                    #(#reads,)*
                })
            }

            fn bind_insert<'q>(
                &'q self,
                arguments: &mut <#engine as #db::Database>::Arguments<'q>,
            ) -> ::core::result::Result<(), #db::BoxDynError> {
                #(#insert)*
                ::core::result::Result::Ok(())
            }

            fn bind_update<'q>(
                &'q self,
                arguments: &mut <#engine as #db::Database>::Arguments<'q>,
            ) -> ::core::result::Result<(), #db::BoxDynError> {
                #(#update)*
                ::core::result::Result::Ok(())
            }

            fn bind_key<'q>(
                &'q self,
                arguments: &mut <#engine as #db::Database>::Arguments<'q>,
            ) -> ::core::result::Result<(), #db::BoxDynError> {
                #delete
                ::core::result::Result::Ok(())
            }
        }
    }
}

/// A partial model selects some columns of a full one: each of its columns must
/// be a field of the full model with the same type (a typo is a compile error
/// at the field), and both must name the same table.
fn partial_checks(input: &Input) -> TokenStream {
    let Some(full) = &input.partial_of else {
        return TokenStream::new();
    };
    let private = private();
    let ident = &input.ident;
    let table = input.table.as_ref().expect("validated: a table").value();
    let fields = input.columns().map(|field| {
        let name = &field.ident;
        let ty = &field.ty;
        quote_spanned!(name.span()=> let _: &#ty = &full.#name;)
    });
    let message = format!(
        "`{ident}` is a partial model of `{}`, so its table must be the full model's",
        quote!(#full)
    );
    quote! {
        const _: () = {
            #[allow(dead_code)]
            fn __unokit_partial_of(full: &#full) {
                #(#fields)*
            }
            ::core::assert!(
                #private::db::same_str(<#full as #private::db::Model>::TABLE, #table),
                #message
            );
        };
    }
}
