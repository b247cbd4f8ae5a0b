//! One zero-sized type per relation field, implementing `Relation`, with a
//! constant on the model (`Post::AUTHOR`) to include it or load it.

use super::def::{ModelDef, Relation, RelationField};
use super::parse::{Field, Input, RelationAttr, RelationKind};
use crate::common::case;
use crate::common::paths::db::{
    ASSERT_MODEL, DB_ERROR, ENGINE, MANY, MODEL, NESTED_RELATION, ONE, RELATED, RELATION,
    RELATION_KIND, RELATION_ON, SAME_KEY, SESSION, TARGET, WITH,
};
use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};
use syn::ext::IdentExt;
use syn::spanned::Spanned;
use syn::{Ident, Path, Visibility};

pub(crate) fn expand(model: &ModelDef<'_>) -> TokenStream {
    let relations: Vec<Items<'_>> = model
        .relations()
        .map(|relation| Items::new(model, relation))
        .collect();
    items(model.vis, model.ident, &relations)
}

/// On error, the relation types and constants that code naming them expects,
/// with bodies that never run, for every relation whose model is known.
pub(crate) fn stub(input: &Input) -> TokenStream {
    let relations: Vec<Items<'_>> = input
        .fields
        .iter()
        .filter_map(|field| {
            let attr = field.relation.as_ref()?;
            Some(Items::stub(input, field, attr, attr.model.as_ref()?))
        })
        .collect();
    items(&input.vis, &input.ident, &relations)
}

fn items(vis: &Visibility, parent: &Ident, relations: &[Items<'_>]) -> TokenStream {
    if relations.is_empty() {
        return TokenStream::new();
    }
    let constants = relations.iter().map(|relation| {
        let Items {
            ty,
            constant,
            field,
            described,
            ..
        } = relation;
        let doc =
            format!(" The `{field}` relation ({described}): include it in a query, or `load` it.");
        quote! {
            #[doc = #doc]
            #vis const #constant: #ty = #ty;
        }
    });
    let items = relations.iter().map(|relation| relation.items(vis, parent));
    quote! {
        impl #parent {
            #(#constants)*
        }
        #(#items)*
    }
}

/// What one relation's items are made of.
struct Items<'a> {
    /// The relation field.
    field: &'a Ident,
    /// The related model.
    child: &'a Path,
    /// `PostAuthorRelation`.
    ty: Ident,
    /// `AUTHOR`.
    constant: Ident,
    /// `` `belongs_to(Author, key = author_id)` ``, for docs.
    described: String,
    /// `Relation::Key`.
    key: TokenStream,
    /// `Relation::Arity`.
    arity: TokenStream,
    /// `Relation::KIND`.
    kind: TokenStream,
    parent_key: TokenStream,
    child_key: TokenStream,
    /// `NestedRelation::PARENT_COLUMN`: the column of the parent matched on.
    parent_column: TokenStream,
    /// The bodies of `related` and `related_mut`.
    related: TokenStream,
    related_mut: TokenStream,
    /// Checks spanned at the attribute.
    checks: TokenStream,
}

impl<'a> Items<'a> {
    fn new(model: &ModelDef<'a>, relation: &'a RelationField<'a>) -> Self {
        let parent = model.ident;
        let child = relation.model;
        let field = relation.ident;
        let (key, arity, kind, parent_key, child_key, described) = match &relation.relation {
            Relation::BelongsTo { key } => (
                quote!(<#child as #MODEL>::Key),
                quote!(#ONE),
                quote!(#RELATION_KIND::BelongsTo),
                // The key field must have the related model's key type: checked
                // here, and reported at `key = ...`.
                quote_spanned!(key.span()=> #SAME_KEY::<Self::Key>::to_key(&parent.#key)),
                quote!(::core::option::Option::Some(#MODEL::key(child))),
                format!("`belongs_to({}, key = {key})`", path_text(child)),
            ),
            Relation::HasMany { foreign_key } => {
                let column = foreign_key.to_string();
                (
                    quote!(<#parent as #MODEL>::Key),
                    quote!(#MANY),
                    quote!(#RELATION_KIND::HasMany { foreign_key: #column }),
                    quote!(#MODEL::key(parent)),
                    quote_spanned!(foreign_key.span()=> ::core::option::Option::Some(#SAME_KEY::<Self::Key>::to_key(&child.#foreign_key))),
                    format!(
                        "`has_many({}, foreign_key = {foreign_key})`",
                        path_text(child)
                    ),
                )
            }
            Relation::ManyToMany {
                through,
                local,
                remote,
            } => {
                let (local, remote) = (local.to_string(), remote.to_string());
                (
                    quote!(<#parent as #MODEL>::Key),
                    quote!(#MANY),
                    quote!(#RELATION_KIND::ManyToMany { through: #through, local: #local, remote: #remote }),
                    quote!(#MODEL::key(parent)),
                    quote!({
                        let _ = child;
                        ::core::option::Option::None
                    }),
                    format!(
                        "`many_to_many({}, through = \"{through}\")`",
                        path_text(child)
                    ),
                )
            }
        };
        let parent_column = match &relation.relation {
            Relation::BelongsTo { key } => {
                let column = key.unraw().to_string();
                quote!(#column)
            }
            Relation::HasMany { .. } | Relation::ManyToMany { .. } => {
                quote!(<#parent as #MODEL>::KEY_COLUMN)
            }
        };
        let is_model = quote_spanned!(child.span()=> #ASSERT_MODEL::<#child>(););
        Self {
            parent_column,
            field,
            child,
            ty: relation_type(parent, field),
            constant: constant(field, &relation.name),
            described,
            key,
            arity,
            kind,
            parent_key,
            child_key,
            related: quote!(&parent.#field),
            related_mut: quote!(&mut parent.#field),
            // The related type is a model. (The key types are checked where the
            // keys are read, in `parent_key` and `child_key`.)
            checks: quote! {
                const _: () = {
                    #is_model
                };
            },
        }
    }

    /// The same items with bodies that never run and no checks: the input had
    /// errors, which are reported instead.
    fn stub(input: &'a Input, field: &'a Field, attr: &RelationAttr, child: &'a Path) -> Self {
        let parent = &input.ident;
        let unreachable = quote!(::core::unreachable!());
        let (key, arity, kind) = match attr.kind {
            RelationKind::BelongsTo => (
                quote!(<#child as #MODEL>::Key),
                quote!(#ONE),
                quote!(#RELATION_KIND::BelongsTo),
            ),
            RelationKind::HasMany => (
                quote!(<#parent as #MODEL>::Key),
                quote!(#MANY),
                quote!(#RELATION_KIND::HasMany { foreign_key: "" }),
            ),
            RelationKind::ManyToMany => (
                quote!(<#parent as #MODEL>::Key),
                quote!(#MANY),
                quote!(#RELATION_KIND::ManyToMany { through: "", local: "", remote: "" }),
            ),
        };
        Self {
            field: &field.ident,
            child,
            ty: relation_type(parent, &field.ident),
            constant: constant(&field.ident, &field.column()),
            described: format!("`{}({})`", attr.kind.name(), path_text(child)),
            key,
            arity,
            kind,
            parent_key: unreachable.clone(),
            child_key: unreachable.clone(),
            parent_column: quote!(""),
            related: unreachable.clone(),
            related_mut: unreachable,
            checks: TokenStream::new(),
        }
    }

    fn items(&self, vis: &Visibility, parent: &Ident) -> TokenStream {
        let Self {
            field,
            child,
            ty,
            described,
            key,
            arity,
            kind,
            parent_key,
            child_key,
            parent_column,
            related,
            related_mut,
            checks,
            ..
        } = self;
        let name = format!("{parent}.{field}");
        let child_type = quote_spanned!(child.span()=> type Child = #child;);
        let doc = format!(" The `{field}` relation of [`{parent}`]: {described}.");
        let load_doc =
            format!(" Loads `{field}` into `parent` now, unless it is loaded, and returns it.");
        quote! {
            #checks

            #[doc = #doc]
            #vis struct #ty;

            #[automatically_derived]
            impl ::core::clone::Clone for #ty {
                #[inline]
                fn clone(&self) -> Self {
                    *self
                }
            }

            #[automatically_derived]
            impl ::core::marker::Copy for #ty {}

            #[automatically_derived]
            impl ::core::fmt::Debug for #ty {
                fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                    f.write_str(#name)
                }
            }

            #[automatically_derived]
            impl #RELATION for #ty {
                type Parent = #parent;
                #child_type
                type Key = #key;
                type Arity = #arity;
                const NAME: &'static str = #name;
                const KIND: #RELATION_KIND = #kind;

                #[inline]
                fn parent_key(parent: &#parent) -> Self::Key {
                    #parent_key
                }

                #[inline]
                fn child_key(child: &#child) -> ::core::option::Option<Self::Key> {
                    #child_key
                }

                #[inline]
                fn related(parent: &#parent) -> &#RELATED<#TARGET<Self>> {
                    #related
                }

                #[inline]
                fn related_mut(parent: &mut #parent) -> &mut #RELATED<#TARGET<Self>> {
                    #related_mut
                }
            }

            #[automatically_derived]
            impl #NESTED_RELATION for #ty {
                const PARENT_COLUMN: &'static str = #parent_column;
            }

            impl #ty {
                #[doc = #load_doc]
                ///
                /// An explicit lazy load: it goes through the session's batch loader,
                /// so lazy loads made concurrently for many parents share one statement.
                ///
                /// # Errors
                ///
                /// In a strict session, an error instead of a lazy load; otherwise when
                /// the statement fails, or a `belongs_to` row is missing.
                pub async fn load<'p, __UnokitDb>(
                    self,
                    session: &#SESSION<__UnokitDb>,
                    parent: &'p mut #parent,
                ) -> ::core::result::Result<&'p #TARGET<Self>, #DB_ERROR>
                where
                    __UnokitDb: #ENGINE,
                    Self: #RELATION_ON<__UnokitDb>,
                {
                    session.load_relation(self, parent).await
                }

                /// This relation, with relations of its rows to load too.
                #[must_use]
                pub const fn with<__UnokitNested>(
                    self,
                    nested: __UnokitNested,
                ) -> #WITH<Self, __UnokitNested> {
                    #WITH::new(self, nested)
                }
            }
        }
    }
}

/// `PostAuthorRelation`, spanned at the field.
pub(crate) fn relation_type(parent: &Ident, field: &Ident) -> Ident {
    format_ident!(
        "{}{}Relation",
        parent,
        case::upper_camel(field),
        span = field.span()
    )
}

/// `AUTHOR`, spanned at the field.
fn constant(field: &Ident, name: &str) -> Ident {
    format_ident!("{}", name.to_uppercase(), span = field.span())
}

fn path_text(path: &Path) -> String {
    quote!(#path).to_string()
}
