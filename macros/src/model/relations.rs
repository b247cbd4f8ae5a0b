//! One zero-sized type per relation field, implementing `Relation`, with a
//! constant on the model (`Post::AUTHOR`) to include it or load it.

use super::parse::{BELONGS_TO, Field, HAS_MANY, Input, RelationAttr};
use crate::common::{case, private};
use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};
use syn::Ident;
use syn::spanned::Spanned;

pub(crate) fn expand(input: &Input) -> TokenStream {
    let relations: Vec<_> = input
        .relations()
        .map(|(field, relation)| Relation::new(input, field, relation))
        .collect();
    if relations.is_empty() {
        return TokenStream::new();
    }
    let vis = &input.vis;
    let ident = &input.ident;
    let constants = relations.iter().map(|relation| {
        let Relation { ty, constant, .. } = relation;
        let doc = format!(
            " The `{}` relation ({}): include it in a query, or `load` it.",
            relation.field.ident,
            relation.described()
        );
        quote! {
            #[doc = #doc]
            #vis const #constant: #ty = #ty;
        }
    });
    let items = relations.iter().map(Relation::items);
    quote! {
        impl #ident {
            #(#constants)*
        }
        #(#items)*
    }
}

struct Relation<'a> {
    input: &'a Input,
    field: &'a Field,
    attr: &'a RelationAttr,
    /// `PostAuthorRelation`.
    ty: Ident,
    /// `AUTHOR`.
    constant: Ident,
}

impl<'a> Relation<'a> {
    fn new(input: &'a Input, field: &'a Field, attr: &'a RelationAttr) -> Self {
        let camel = case::upper_camel(&field.ident);
        Self {
            input,
            field,
            attr,
            ty: format_ident!(
                "{}{}Relation",
                input.ident,
                camel,
                span = field.ident.span()
            ),
            constant: format_ident!(
                "{}",
                field.column().to_uppercase(),
                span = field.ident.span()
            ),
        }
    }

    fn kind(&self) -> String {
        self.attr.kind.to_string()
    }

    fn described(&self) -> String {
        let attr = self.attr;
        let model = attr
            .model
            .as_ref()
            .map(|model| quote!(#model).to_string())
            .unwrap_or_default();
        match self.kind().as_str() {
            BELONGS_TO => format!(
                "`belongs_to({model}, key = {})`",
                attr.key.as_ref().expect("validated")
            ),
            HAS_MANY => format!(
                "`has_many({model}, foreign_key = {})`",
                attr.foreign_key.as_ref().expect("validated")
            ),
            _ => format!(
                "`many_to_many({model}, through = \"{}\")`",
                attr.through.as_ref().expect("validated").value()
            ),
        }
    }

    fn items(&self) -> TokenStream {
        let private = private();
        let db = quote!(#private::db);
        let Self {
            input,
            field,
            attr,
            ty,
            ..
        } = self;
        let vis = &input.vis;
        let parent = &input.ident;
        let child = attr.model.as_ref().expect("validated: the related model");
        let name = format!("{parent}.{}", field.ident);
        let related = &field.ident;
        let (key, arity, shape, parent_key, child_key) = match self.kind().as_str() {
            BELONGS_TO => {
                let key_field = attr.key.as_ref().expect("validated");
                (
                    quote!(<#child as #db::Model>::Key),
                    quote!(#db::One),
                    quote!(#db::Shape::BelongsTo),
                    // The key field must have the related model's key type: checked
                    // here, and reported at `key = ...`.
                    quote_spanned!(key_field.span()=> #db::SameKey::<Self::Key>::to_key(&parent.#key_field)),
                    quote!(::core::option::Option::Some(#db::Model::key(child))),
                )
            }
            HAS_MANY => {
                let foreign_key = attr.foreign_key.as_ref().expect("validated");
                let column = foreign_key.to_string();
                (
                    quote!(<#parent as #db::Model>::Key),
                    quote!(#db::Many),
                    quote!(#db::Shape::HasMany { foreign_key: #column }),
                    quote!(#db::Model::key(parent)),
                    quote_spanned!(foreign_key.span()=> ::core::option::Option::Some(#db::SameKey::<Self::Key>::to_key(&child.#foreign_key))),
                )
            }
            _ => {
                let through = attr.through.as_ref().expect("validated").value();
                let local = attr.local.as_ref().expect("validated").to_string();
                let remote = attr.remote.as_ref().expect("validated").to_string();
                (
                    quote!(<#parent as #db::Model>::Key),
                    quote!(#db::Many),
                    quote!(#db::Shape::ManyToMany { through: #through, local: #local, remote: #remote }),
                    quote!(#db::Model::key(parent)),
                    quote!({
                        let _ = child;
                        ::core::option::Option::None
                    }),
                )
            }
        };
        let checks = self.checks();
        let child_type = quote_spanned!(child.span()=> type Child = #child;);
        let doc = format!(
            " The `{}` relation of [`{parent}`]: {}.",
            field.ident,
            self.described()
        );
        let load_doc =
            format!(" Loads `{related}` into `parent` now, unless it is loaded, and returns it.");
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
            impl #db::Relation for #ty {
                type Parent = #parent;
                #child_type
                type Key = #key;
                type Arity = #arity;
                const NAME: &'static str = #name;
                const SHAPE: #db::Shape = #shape;

                #[inline]
                fn parent_key(parent: &#parent) -> Self::Key {
                    #parent_key
                }

                #[inline]
                fn child_key(child: &#child) -> ::core::option::Option<Self::Key> {
                    #child_key
                }

                #[inline]
                fn related(parent: &#parent) -> &#db::Related<#db::Target<Self>> {
                    &parent.#related
                }

                #[inline]
                fn related_mut(parent: &mut #parent) -> &mut #db::Related<#db::Target<Self>> {
                    &mut parent.#related
                }
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
                    session: &#db::Session<__UnokitDb>,
                    parent: &'p mut #parent,
                ) -> ::core::result::Result<&'p #db::Target<Self>, #db::DbError>
                where
                    __UnokitDb: #db::Engine,
                    Self: #db::RelationOn<__UnokitDb>,
                {
                    session.load_relation(self, parent).await
                }

                /// This relation, with relations of its rows to load too.
                #[must_use]
                pub const fn with<__UnokitNested>(
                    self,
                    nested: __UnokitNested,
                ) -> #db::With<Self, __UnokitNested> {
                    #db::With::new(self, nested)
                }
            }
        }
    }

    /// Checks spanned at the attribute: the related type is a model. (The key
    /// types are checked where the keys are read, in `parent_key` and `child_key`.)
    fn checks(&self) -> TokenStream {
        let private = private();
        let child = self
            .attr
            .model
            .as_ref()
            .expect("validated: the related model");
        let is_model = quote_spanned!(child.span()=> #private::db::assert_model::<#child>(););
        quote! {
            const _: () = {
                #is_model
            };
        }
    }
}
