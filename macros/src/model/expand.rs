//! The `Model` and `ModelRow` impls, and the compile-time checks of a partial model.

use super::def::{ColumnDef, FieldDef, ModelDef, Relation};
use super::parse::Input;
use super::relations;
use crate::common::paths::db::{
    ARGUMENTS, BOX_DYN_ERROR, COLUMN, DATABASE, ENGINE, JSON_COLUMN, JSON_ENCODING, KEY_COLUMN,
    LOOKUP, MODEL, MODEL_ROW, NESTED_ROW, NEXT_COLUMN, RELATED, SAME_STR, SEQ_ACCESS, SQLX_ERROR,
    STATEMENT_CELLS,
};
use proc_macro2::{Literal, TokenStream};
use quote::{quote, quote_spanned};
use syn::ext::IdentExt;
use syn::spanned::Spanned;
use syn::{Ident, Type};

pub(crate) fn expand(model: &ModelDef<'_>) -> TokenStream {
    let model_impl = model_impl(model);
    let row = row_impl(model);
    let nested = nested_row_impl(model);
    let partial = partial_checks(model);
    let relations = relations::expand(model);
    let pushdown = super::pushdown::expand(model);
    quote!(#model_impl #row #nested #partial #relations #pushdown)
}

/// On error, the impls and relation items that code naming the model expects,
/// with bodies that never run, so that such code reports only the real error.
/// A generic struct gets none: a model cannot be one, and an impl without its
/// parameters would only add errors.
pub(crate) fn stub(input: &Input) -> TokenStream {
    if !input.generics.params.is_empty() {
        return TokenStream::new();
    }
    // The key's type as far as it is known: the marked column, else the first
    // column (whose type is a column's, at least).
    let key_ty: Type = input
        .primary_key()
        .or_else(|| input.columns().next())
        .map_or_else(|| syn::parse_quote!(()), |field| field.ty.clone());
    let table = input
        .table
        .as_ref()
        .map(syn::LitStr::value)
        .unwrap_or_default();
    let key_column = input
        .primary_key()
        .map(|field| field.column())
        .unwrap_or_default();
    let columns: Vec<String> = input.columns().map(|field| field.column()).collect();
    let unreachable = quote!(::core::unreachable!());
    let model_impl = impl_model(
        &input.ident,
        &key_ty,
        &Names {
            table: &table,
            key: &key_column,
            columns: &columns,
            lookups: &[],
        },
        &unreachable,
    );
    let row = impl_model_row(
        &input.ident,
        &[quote!(#key_ty: #KEY_COLUMN<__UnokitDb>)],
        &Bodies {
            from_row: unreachable.clone(),
            bind_insert: unreachable.clone(),
            bind_update: unreachable.clone(),
            bind_key: unreachable,
        },
    );
    let relations = relations::stub(input);
    quote!(#model_impl #row #relations)
}

/// The identifiers of the table, from which the runtime builds the statements.
struct Names<'a> {
    table: &'a str,
    key: &'a str,
    columns: &'a [String],
    /// `Lookup { .. }` expressions, one per relation that searches by a column.
    lookups: &'a [TokenStream],
}

fn model_impl(model: &ModelDef<'_>) -> TokenStream {
    let key = model.key.ident;
    let columns: Vec<String> = model.columns().map(|column| column.name.clone()).collect();
    impl_model(
        model.ident,
        model.key.ty,
        &Names {
            table: &model.table,
            key: &model.key.name,
            columns: &columns,
            lookups: &lookups(model),
        },
        &quote!(::core::clone::Clone::clone(&self.#key)),
    )
}

/// The elements of `Model::LOOKUPS`: the relations that search a column other
/// than a primary key.
fn lookups(model: &ModelDef<'_>) -> Vec<TokenStream> {
    let ident = model.ident;
    model
        .relations()
        .filter_map(|relation| {
            let name = format!("{ident}.{}", relation.name);
            let (table, column) = match &relation.relation {
                Relation::BelongsTo { .. } => return None,
                Relation::HasMany { foreign_key } => {
                    let child = relation.model;
                    (
                        quote!(<#child as #MODEL>::TABLE),
                        foreign_key.unraw().to_string(),
                    )
                }
                Relation::ManyToMany { through, local, .. } => {
                    (quote!(#through), local.unraw().to_string())
                }
            };
            Some(quote!(#LOOKUP { relation: #name, table: #table, column: #column }))
        })
        .collect()
}

fn impl_model(ident: &Ident, key_ty: &Type, names: &Names<'_>, key: &TokenStream) -> TokenStream {
    let Names {
        table,
        key: key_column,
        columns,
        lookups,
    } = names;
    quote! {
        #[automatically_derived]
        impl #MODEL for #ident {
            type Key = #key_ty;
            const TABLE: &'static str = #table;
            const KEY_COLUMN: &'static str = #key_column;
            const COLUMNS: &'static [&'static str] = &[#(#columns),*];
            const LOOKUPS: &'static [#LOOKUP] = &[#(#lookups),*];

            #[inline]
            fn key(&self) -> #key_ty {
                #key
            }

            #[inline]
            fn statement_cells() -> &'static #STATEMENT_CELLS {
                static STATEMENTS: #STATEMENT_CELLS = #STATEMENT_CELLS::new();
                &STATEMENTS
            }
        }
    }
}

/// The bodies of `ModelRow`'s methods.
struct Bodies {
    from_row: TokenStream,
    bind_insert: TokenStream,
    bind_update: TokenStream,
    bind_key: TokenStream,
}

fn row_impl(model: &ModelDef<'_>) -> TokenStream {
    let engine = quote!(__UnokitDb);
    let bounds: Vec<TokenStream> = model
        .columns()
        .map(|column| {
            let ty = column.ty;
            if column.is_key {
                quote_spanned!(ty.span()=> #ty: #KEY_COLUMN<#engine>)
            } else {
                quote_spanned!(ty.span()=> #ty: #COLUMN<#engine>)
            }
        })
        .collect();
    let mut position = 0_usize;
    let reads = model.fields.iter().map(|field| match field {
        FieldDef::Relation(relation) => {
            let name = relation.ident;
            quote!(#name: #RELATED::not_loaded())
        }
        FieldDef::Column(column) => {
            let name = column.ident;
            let at = match position {
                0 => quote!(offset),
                position => {
                    let position = Literal::usize_unsuffixed(position);
                    quote!(offset + #position)
                }
            };
            position += 1;
            quote!(#name: <#engine as #ENGINE>::get(row, #at)?)
        }
    });
    let add = |column: &ColumnDef<'_>| {
        let name = column.ident;
        quote!(#ARGUMENTS::add(arguments, &self.#name)?;)
    };
    let insert: Vec<_> = model.columns().map(add).collect();
    let update: Vec<_> = model
        .columns()
        .filter(|column| !column.is_key)
        .chain([&model.key])
        .map(add)
        .collect();
    let key = add(&model.key);
    let ok = quote!(::core::result::Result::Ok(()));
    impl_model_row(
        model.ident,
        &bounds,
        &Bodies {
            from_row: quote! {
                ::core::result::Result::Ok(Self {
                    #(#reads,)*
                })
            },
            bind_insert: quote!(#(#insert)* #ok),
            bind_update: quote!(#(#update)* #ok),
            bind_key: quote!(#key #ok),
        },
    )
}

/// `NestedRow`: the model read from the JSON array of a nested load, on every
/// engine where each column's type is a `JsonColumn` (as `ModelRow`, the
/// bounds name the engine, so a model with other columns just lacks the impl).
fn nested_row_impl(model: &ModelDef<'_>) -> TokenStream {
    let engine = quote!(__UnokitDb);
    let seq = quote!(__UnokitSeq);
    let mut bounds = Vec::new();
    let mut encodings = Vec::new();
    for column in model.columns() {
        let ty = column.ty;
        bounds.push(if column.is_key {
            quote_spanned!(ty.span()=> #ty: #KEY_COLUMN<#engine>)
        } else {
            quote_spanned!(ty.span()=> #ty: #COLUMN<#engine>)
        });
        bounds.push(quote_spanned!(ty.span()=> #ty: #JSON_COLUMN<#engine>));
        encodings.push(quote!(<#ty as #JSON_COLUMN<#engine>>::ENCODING));
    }
    // Fields in declaration order: the columns come in that order too.
    let reads = model.fields.iter().map(|field| match field {
        FieldDef::Relation(relation) => {
            let name = relation.ident;
            quote!(#name: #RELATED::not_loaded())
        }
        FieldDef::Column(column) => {
            let name = column.ident;
            let ty = column.ty;
            quote!(#name: #NEXT_COLUMN::<#engine, #ty, #seq>(seq)?)
        }
    });
    let ident = model.ident;
    quote! {
        #[automatically_derived]
        impl<#engine: #ENGINE> #NESTED_ROW<#engine> for #ident
        where
            #(#bounds,)*
        {
            const ENCODINGS: &'static [#JSON_ENCODING] = &[#(#encodings),*];

            fn decode_columns<'__unokit_de, #seq: #SEQ_ACCESS<'__unokit_de>>(
                seq: &mut #seq,
            ) -> ::core::result::Result<Self, #seq::Error> {
                ::core::result::Result::Ok(Self {
                    #(#reads,)*
                })
            }
        }
    }
}

fn impl_model_row(ident: &Ident, bounds: &[TokenStream], bodies: &Bodies) -> TokenStream {
    let engine = quote!(__UnokitDb);
    let Bodies {
        from_row,
        bind_insert,
        bind_update,
        bind_key,
    } = bodies;
    quote! {
        #[automatically_derived]
        impl<#engine: #ENGINE> #MODEL_ROW<#engine> for #ident
        where
            #(#bounds,)*
        {
            fn from_row(
                row: &<#engine as #DATABASE>::Row,
                offset: usize,
            ) -> ::core::result::Result<Self, #SQLX_ERROR> {
                #from_row
            }

            fn bind_insert<'q>(
                &'q self,
                arguments: &mut <#engine as #DATABASE>::Arguments<'q>,
            ) -> ::core::result::Result<(), #BOX_DYN_ERROR> {
                #bind_insert
            }

            fn bind_update<'q>(
                &'q self,
                arguments: &mut <#engine as #DATABASE>::Arguments<'q>,
            ) -> ::core::result::Result<(), #BOX_DYN_ERROR> {
                #bind_update
            }

            fn bind_key<'q>(
                &'q self,
                arguments: &mut <#engine as #DATABASE>::Arguments<'q>,
            ) -> ::core::result::Result<(), #BOX_DYN_ERROR> {
                #bind_key
            }
        }
    }
}

/// A partial model selects some columns of a full one: each of its columns must
/// be a field of the full model with the same type (a typo is a compile error
/// at the field), and both must name the same table.
fn partial_checks(model: &ModelDef<'_>) -> TokenStream {
    let Some(full) = model.partial_of else {
        return TokenStream::new();
    };
    let ident = model.ident;
    let table = &model.table;
    let fields = model.columns().map(|column| {
        let name = column.ident;
        let ty = column.ty;
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
                #SAME_STR(<#full as #MODEL>::TABLE, #table),
                #message
            );
        };
    }
}
