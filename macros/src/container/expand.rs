//! The container's types and their inherent API.
//!
//! For `#[container(A, B, dyn T = C)] pub struct App;` this writes:
//!
//! - `App`: one slot per service (`<<A as Injectable>::Kind as Kind>::RootSlot<A>`,
//!   an `Option<Arc<A>>` for an eager singleton, nothing for a scoped one), one
//!   override per binding, and the singletons' creation log and scope pool;
//! - `AppScope`: the container and one pooled set of scope slots;
//! - `AppBuilder`: replaces singletons or bindings with test doubles, then builds;
//! - the trait impls of [`impls`]: for each service, `Provides<S>` on `App` and on
//!   `AppScope`, whose bodies are the resolution paths.
//!
//! On error, [`stub`] writes the same types and methods with bodies that never
//! run, so that the code using them reports only the real error.

use super::impls;
use super::model::{Container, Names};
use super::parse::ContainerInput;
use crate::common::paths::di::{
    BINDING, BORROWABLE, BUILD, BUILD_ERROR, CREATION_LOG, INJECT, INJECTABLE, KIND, PROVIDES,
    REPLACEABLE, ROOT_CORE, ROOT_ROLE, ROOT_SLOTS, SCOPE_CORE, VISIBLE_IN,
};
use crate::common::paths::task::POOL_STATS;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::{Type, Visibility};

pub(crate) fn expand(container: &Container<'_>) -> TokenStream {
    let types = types(container);
    let root_api = root_api(container);
    let scope_api = scope_api(container);
    let builder_api = builder_api(container);
    let impls = impls::impls(container);
    quote! {
        #types
        #root_api
        #scope_api
        #builder_api
        #impls
    }
}

fn slot_type(ty: &Type, level: &str) -> TokenStream {
    let level = format_ident!("{}", level);
    quote!(<<#ty as #INJECTABLE>::Kind as #KIND>::#level<#ty>)
}

fn scope_doc(names: &Names<'_>) -> String {
    let Names { root, scope, .. } = names;
    format!(
        "A scope of [`{root}`]: one instance of each scoped service, made on first resolve.\n\n\
         Make one per request with [`{root}::scope`]. Dropping it disposes of its services \
         (detached when they have async cleanup); [`{scope}::close`] awaits their cleanup. \
         Its slots go back to the container's pool for the next scope."
    )
}

fn builder_doc(names: &Names<'_>) -> String {
    let root = names.root;
    format!(
        "Builds a [`{root}`], with test doubles in place of some singletons or bindings: \
         [`{root}::builder`]."
    )
}

fn types(container: &Container<'_>) -> TokenStream {
    let Names {
        root,
        scope,
        builder,
        slots,
    } = &container.names;
    let Container { attrs, vis, .. } = container;
    let fields: Vec<_> = container.services.iter().map(|s| &s.field).collect();
    let root_slots = container
        .services
        .iter()
        .map(|service| slot_type(service.ty, "RootSlot"));
    let scope_slots = container
        .services
        .iter()
        .map(|service| slot_type(service.ty, "ScopeSlot"));
    let binding_fields = container.bindings.iter().map(|binding| &binding.field);
    let bounds = container.bindings.iter().map(|binding| binding.bound);
    let scope_doc = scope_doc(&container.names);
    let builder_doc = builder_doc(&container.names);
    quote! {
        #(#attrs)*
        #vis struct #root {
            #(#fields: #root_slots,)*
            #(#binding_fields: ::core::option::Option<::std::sync::Arc<#bounds>>,)*
            __unokit_core: #ROOT_CORE<#slots>,
        }

        #[doc(hidden)]
        struct #slots {
            #(#fields: #scope_slots,)*
            __unokit_log: #CREATION_LOG,
        }

        #[doc = #scope_doc]
        #vis struct #scope {
            __unokit_root: ::std::sync::Arc<#root>,
            __unokit_core: #SCOPE_CORE<#slots>,
        }

        #[doc = #builder_doc]
        #[must_use = "a builder does nothing until `build().await`"]
        #vis struct #builder {
            __unokit_container: #root,
        }
    }
}

/// `resolve` and `resolve_ref`, the same in the container and in a scope but
/// for their docs and what each may borrow.
fn resolve_fns(
    vis: &Visibility,
    resolve_doc: &TokenStream,
    resolve_ref_doc: &TokenStream,
    borrowable: &TokenStream,
) -> TokenStream {
    quote! {
        #resolve_doc
        #[inline]
        #[must_use]
        #vis fn resolve<H: #INJECT<Self>>(&self) -> H {
            H::inject(self)
        }

        #resolve_ref_doc
        #[inline]
        #[must_use]
        #vis fn resolve_ref<S>(&self) -> &S
        where
            S: #INJECTABLE,
            Self: #PROVIDES<S>,
            <S as #INJECTABLE>::Kind: #borrowable,
        {
            <Self as #PROVIDES<S>>::provide_ref(self)
        }
    }
}

fn root_api(container: &Container<'_>) -> TokenStream {
    let Names {
        root,
        scope,
        builder,
        slots,
    } = &container.names;
    let vis = container.vis;
    let fields = container.services.iter().map(|service| &service.field);
    let binding_fields = container.bindings.iter().map(|binding| &binding.field);
    let resolve = resolve_fns(
        vis,
        &quote! {
            /// Resolves a singleton, as `Arc<Service>` (or a bound trait, as
            /// `Arc<dyn Trait>`). Scoped and transient services come from a scope.
        },
        &quote! {
            /// Borrows a singleton.
        },
        &quote!(#VISIBLE_IN<#ROOT_ROLE, S>),
    );
    quote! {
        #[automatically_derived]
        impl #root {
            /// Starts building the container: replace singletons or bindings, set
            /// the scope pool's size, then `build().await`.
            #vis fn builder() -> #builder {
                #builder {
                    __unokit_container: Self {
                        #(#fields: ::core::default::Default::default(),)*
                        #(#binding_fields: ::core::option::Option::None,)*
                        __unokit_core: #ROOT_CORE::new(
                            #ROOT_CORE::<#slots>::DEFAULT_SCOPE_POOL,
                        ),
                    },
                }
            }

            /// Builds the container: checks the dependency graph, then makes every
            /// eager singleton, independent ones concurrently.
            ///
            /// # Errors
            ///
            /// A dependency cycle, or the first factory that failed, with its
            /// service's name. Whatever was already made is disposed of first.
            #vis async fn build() -> ::core::result::Result<::std::sync::Arc<Self>, #BUILD_ERROR> {
                Self::builder().build().await
            }

            #resolve

            /// Opens a scope: cheap, its slots come from a pool.
            #[must_use]
            #vis fn scope(self: &::std::sync::Arc<Self>) -> #scope {
                #scope {
                    __unokit_root: ::std::sync::Arc::clone(self),
                    __unokit_core: self.__unokit_core.open_scope(),
                }
            }

            /// Disposes of the singletons made so far, newest first, awaiting each
            /// one's cleanup. Call it at shutdown; dropping the last handle to the
            /// container does the same, detached.
            #vis async fn close(&self) {
                self.__unokit_core.close().await;
            }

            /// The scope pool's counters: `created` and `reused` scopes.
            #[must_use]
            #vis fn scope_stats(&self) -> #POOL_STATS {
                self.__unokit_core.scope_stats()
            }
        }
    }
}

fn scope_api(container: &Container<'_>) -> TokenStream {
    let Names { root, scope, .. } = &container.names;
    let vis = container.vis;
    let resolve = resolve_fns(
        vis,
        &quote! {
            /// Resolves a service: `Arc<Service>` for a singleton or scoped one,
            /// `Service` (or `Arc<Service>`) for a transient one, `Arc<dyn Trait>`
            /// for a binding.
        },
        &quote! {
            /// Borrows a singleton or this scope's instance of a scoped service.
        },
        &quote!(#BORROWABLE<S>),
    );
    quote! {
        #[automatically_derived]
        impl #scope {
            #resolve

            /// The container this scope belongs to.
            #[inline]
            #[must_use]
            #vis fn container(&self) -> &::std::sync::Arc<#root> {
                &self.__unokit_root
            }

            /// Disposes of the scope's services, newest first, awaiting each one's
            /// cleanup, and returns its slots to the pool.
            #vis async fn close(self) {
                let Self { __unokit_core, .. } = self;
                __unokit_core.close().await;
            }
        }
    }
}

fn builder_api(container: &Container<'_>) -> TokenStream {
    let Names { root, builder, .. } = &container.names;
    let vis = container.vis;
    let build_doc = format!("Builds the container: see [`{root}::build`].");
    quote! {
        #[automatically_derived]
        impl #builder {
            /// Uses `value` as the singleton `S`: the container never builds its own.
            #vis fn replace<S>(mut self, value: ::std::sync::Arc<S>) -> Self
            where
                S: #INJECTABLE,
                #root: #ROOT_SLOTS<S>,
                <S as #INJECTABLE>::Kind: #REPLACEABLE<S>,
            {
                let slot = <#root as #ROOT_SLOTS<S>>::root_slot_mut(&mut self.__unokit_container);
                <<S as #INJECTABLE>::Kind as #REPLACEABLE<S>>::replace(slot, value);
                self
            }

            /// Resolves `Arc<T>` (a bound `dyn Trait`) to `value` instead of the
            /// implementation the container lists.
            #vis fn replace_binding<T: ?::core::marker::Sized>(mut self, value: ::std::sync::Arc<T>) -> Self
            where
                #root: #BINDING<T>,
            {
                *<#root as #BINDING<T>>::binding_mut(&mut self.__unokit_container) =
                    ::core::option::Option::Some(value);
                self
            }

            /// Keeps up to `idle` closed scopes' slots for reuse (0: none).
            #vis fn scope_pool(mut self, idle: usize) -> Self {
                self.__unokit_container.__unokit_core = #ROOT_CORE::new(idle);
                self
            }

            #[doc = #build_doc]
            ///
            /// # Errors
            ///
            /// A dependency cycle, or the first factory that failed.
            #vis async fn build(self) -> ::core::result::Result<::std::sync::Arc<#root>, #BUILD_ERROR> {
                #BUILD(self.__unokit_container).await
            }
        }
    }
}

/// On error: the struct as written, and the scope and builder types with every
/// method a user calls, unbounded and never meant to run. None for a generic
/// struct, which has no one type to stub.
pub(crate) fn stub(input: &ContainerInput) -> TokenStream {
    let item = &input.item;
    if !item.generics.params.is_empty() {
        return quote!(#item);
    }
    let names = Names::of(&item.ident);
    let Names {
        root,
        scope,
        builder,
        ..
    } = &names;
    let vis = &item.vis;
    let scope_doc = scope_doc(&names);
    let builder_doc = builder_doc(&names);
    let unreachable = quote!(::core::unreachable!());
    let generic = impls::scoped_container(&names);
    let resolve = quote! {
        #vis fn resolve<H>(&self) -> H {
            #unreachable
        }

        #vis fn resolve_ref<S>(&self) -> &S {
            #unreachable
        }
    };
    quote! {
        #item
        #generic

        #[doc = #scope_doc]
        #vis struct #scope(());

        #[doc = #builder_doc]
        #vis struct #builder(());

        #[automatically_derived]
        impl #root {
            #vis fn builder() -> #builder {
                #unreachable
            }

            #vis async fn build() -> ::core::result::Result<::std::sync::Arc<Self>, #BUILD_ERROR> {
                #unreachable
            }

            #resolve

            #vis fn scope(self: &::std::sync::Arc<Self>) -> #scope {
                #unreachable
            }

            #vis async fn close(&self) {
                #unreachable
            }

            #vis fn scope_stats(&self) -> #POOL_STATS {
                #unreachable
            }
        }

        #[automatically_derived]
        impl #scope {
            #resolve

            #vis fn container(&self) -> &::std::sync::Arc<#root> {
                #unreachable
            }

            #vis async fn close(self) {
                #unreachable
            }
        }

        #[automatically_derived]
        impl #builder {
            #vis fn replace<S>(self, _: ::std::sync::Arc<S>) -> Self {
                #unreachable
            }

            #vis fn replace_binding<T: ?::core::marker::Sized>(self, _: ::std::sync::Arc<T>) -> Self {
                #unreachable
            }

            #vis fn scope_pool(self, _: usize) -> Self {
                #unreachable
            }

            #vis async fn build(self) -> ::core::result::Result<::std::sync::Arc<#root>, #BUILD_ERROR> {
                #unreachable
            }
        }
    }
}
