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

use super::impls;
use super::parse::ContainerInput;
use crate::common::private;
use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};
use syn::Type;

/// The names shared by the generated pieces.
pub(crate) struct Names<'a> {
    pub(crate) root: &'a Ident,
    pub(crate) scope: Ident,
    pub(crate) builder: Ident,
    pub(crate) slots: Ident,
    /// Every service, implementations of bindings included, in list order.
    pub(crate) services: Vec<&'a Type>,
    /// `(dyn Trait, Implementation)` per binding.
    pub(crate) bindings: Vec<(&'a Type, &'a Type)>,
    /// Each service's slot, named after it: `__unokit_unit_of_work`.
    pub(crate) fields: Vec<Ident>,
}

impl Names<'_> {
    pub(crate) fn service_field(&self, index: usize) -> Ident {
        self.fields[index].clone()
    }

    pub(crate) fn binding_field(index: usize) -> Ident {
        format_ident!("__unokit_binding_{}", index)
    }
}

/// Slot names that read well in `cargo expand`: the snake-case name of each
/// service's type, numbered only when two services share a name.
fn field_names(services: &[&Type]) -> Vec<Ident> {
    let snake: Vec<String> = services
        .iter()
        .map(|ty| match ty {
            Type::Path(path) => path
                .path
                .segments
                .last()
                .map_or_else(String::new, |segment| {
                    let mut snake = String::new();
                    for (position, c) in segment.ident.to_string().chars().enumerate() {
                        if c.is_uppercase() && position > 0 {
                            snake.push('_');
                        }
                        snake.extend(c.to_lowercase());
                    }
                    snake
                }),
            _ => String::new(),
        })
        .collect();
    snake
        .iter()
        .enumerate()
        .map(|(index, name)| {
            if snake.iter().filter(|other| *other == name).count() > 1 || name.is_empty() {
                format_ident!("__unokit_{}{}", name, index)
            } else {
                format_ident!("__unokit_{}", name)
            }
        })
        .collect()
}

pub(crate) fn expand(input: &ContainerInput) -> TokenStream {
    let root = &input.item.ident;
    let mut services: Vec<&Type> = Vec::new();
    let mut bindings = Vec::new();
    for entry in &input.entries {
        let service = &entry.service;
        if !services.iter().any(|known| same_type(known, service)) {
            services.push(service);
        }
        if let Some(bound) = &entry.bound {
            bindings.push((bound, service));
        }
    }
    let names = Names {
        root,
        scope: format_ident!("{}Scope", root),
        builder: format_ident!("{}Builder", root),
        slots: format_ident!("__{}ScopeSlots", root),
        fields: field_names(&services),
        services,
        bindings,
    };
    let types = types(input, &names);
    let root_api = root_api(input, &names);
    let scope_api = scope_api(input, &names);
    let builder_api = builder_api(input, &names);
    let impls = impls::impls(&names);
    quote! {
        #types
        #root_api
        #scope_api
        #builder_api
        #impls
    }
}

fn same_type(a: &Type, b: &Type) -> bool {
    quote!(#a).to_string() == quote!(#b).to_string()
}

fn slot_type(ty: &Type, level: &str) -> TokenStream {
    let private = private();
    let level = format_ident!("{}", level);
    quote!(<<#ty as #private::di::Injectable>::Kind as #private::di::Kind>::#level<#ty>)
}

fn types(input: &ContainerInput, names: &Names<'_>) -> TokenStream {
    let private = private();
    let Names {
        root,
        scope,
        builder,
        slots,
        ..
    } = names;
    let vis = &input.item.vis;
    let attrs = &input.item.attrs;
    let fields = &names.fields;
    let services = &names.services;
    let root_slots = services.iter().map(|ty| slot_type(ty, "RootSlot"));
    let scope_slots = services.iter().map(|ty| slot_type(ty, "ScopeSlot"));
    let binding_fields = (0..names.bindings.len()).map(Names::binding_field);
    let bounds = names.bindings.iter().map(|(bound, _)| bound);
    let scope_doc = format!(
        "A scope of [`{root}`]: one instance of each scoped service, made on first resolve.\n\n\
         Make one per request with [`{root}::scope`]. Dropping it disposes of its services \
         (detached when they have async cleanup); [`{scope}::close`] awaits their cleanup. \
         Its slots go back to the container's pool for the next scope."
    );
    let builder_doc = format!(
        "Builds a [`{root}`], with test doubles in place of some singletons or bindings: \
         [`{root}::builder`]."
    );
    quote! {
        #(#attrs)*
        #vis struct #root {
            #(#fields: #root_slots,)*
            #(#binding_fields: ::core::option::Option<::std::sync::Arc<#bounds>>,)*
            __unokit_core: #private::di::RootCore<#slots>,
        }

        #[doc(hidden)]
        struct #slots {
            #(#fields: #scope_slots,)*
            __unokit_log: #private::di::CreationLog,
        }

        #[doc = #scope_doc]
        #vis struct #scope {
            __unokit_root: ::std::sync::Arc<#root>,
            __unokit_core: #private::di::ScopeCore<#slots>,
        }

        #[doc = #builder_doc]
        #[must_use = "a builder does nothing until `build().await`"]
        #vis struct #builder {
            __unokit_container: #root,
        }
    }
}

fn root_api(input: &ContainerInput, names: &Names<'_>) -> TokenStream {
    let private = private();
    let Names {
        root,
        scope,
        builder,
        slots,
        ..
    } = names;
    let vis = &input.item.vis;
    let fields = &names.fields;
    let binding_fields = (0..names.bindings.len()).map(Names::binding_field);
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
                        __unokit_core: #private::di::RootCore::new(
                            #private::di::RootCore::<#slots>::DEFAULT_SCOPE_POOL,
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
            #vis async fn build() -> ::core::result::Result<::std::sync::Arc<Self>, #private::di::BuildError> {
                Self::builder().build().await
            }

            /// Resolves a singleton, as `Arc<Service>` (or a bound trait, as
            /// `Arc<dyn Trait>`). Scoped and transient services come from a scope.
            #[inline]
            #[must_use]
            #vis fn resolve<H: #private::di::Inject<Self>>(&self) -> H {
                H::inject(self)
            }

            /// Borrows a singleton.
            #[inline]
            #[must_use]
            #vis fn resolve_ref<S>(&self) -> &S
            where
                S: #private::di::Injectable,
                Self: #private::di::Provides<S>,
                <S as #private::di::Injectable>::Kind: #private::di::kind::VisibleIn<#private::di::kind::RootRole, S>,
            {
                <Self as #private::di::Provides<S>>::provide_ref(self)
            }

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
            #vis fn scope_stats(&self) -> #private::task::PoolStats {
                self.__unokit_core.scope_stats()
            }
        }
    }
}

fn scope_api(input: &ContainerInput, names: &Names<'_>) -> TokenStream {
    let private = private();
    let Names { root, scope, .. } = names;
    let vis = &input.item.vis;
    quote! {
        #[automatically_derived]
        impl #scope {
            /// Resolves a service: `Arc<Service>` for a singleton or scoped one,
            /// `Service` (or `Arc<Service>`) for a transient one, `Arc<dyn Trait>`
            /// for a binding.
            #[inline]
            #[must_use]
            #vis fn resolve<H: #private::di::Inject<Self>>(&self) -> H {
                H::inject(self)
            }

            /// Borrows a singleton or this scope's instance of a scoped service.
            #[inline]
            #[must_use]
            #vis fn resolve_ref<S>(&self) -> &S
            where
                S: #private::di::Injectable,
                Self: #private::di::Provides<S>,
                <S as #private::di::Injectable>::Kind: #private::di::kind::Shared<S>,
            {
                <Self as #private::di::Provides<S>>::provide_ref(self)
            }

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

fn builder_api(input: &ContainerInput, names: &Names<'_>) -> TokenStream {
    let private = private();
    let Names { root, builder, .. } = names;
    let vis = &input.item.vis;
    let build_doc = format!("Builds the container: see [`{root}::build`].");
    quote! {
        #[automatically_derived]
        impl #builder {
            /// Uses `value` as the singleton `S`: the container never builds its own.
            #vis fn replace<S>(mut self, value: ::std::sync::Arc<S>) -> Self
            where
                S: #private::di::Injectable,
                #root: #private::di::RootSlots<S>,
                <S as #private::di::Injectable>::Kind: #private::di::kind::Replaceable<S>,
            {
                let slot = <#root as #private::di::RootSlots<S>>::root_slot_mut(&mut self.__unokit_container);
                <<S as #private::di::Injectable>::Kind as #private::di::kind::Replaceable<S>>::replace(slot, value);
                self
            }

            /// Resolves `Arc<T>` (a bound `dyn Trait`) to `value` instead of the
            /// implementation the container lists.
            #vis fn replace_binding<T: ?::core::marker::Sized>(mut self, value: ::std::sync::Arc<T>) -> Self
            where
                #root: #private::di::Binding<T>,
            {
                *<#root as #private::di::Binding<T>>::binding_mut(&mut self.__unokit_container) =
                    ::core::option::Option::Some(value);
                self
            }

            /// Keeps up to `idle` closed scopes' slots for reuse (0: none).
            #vis fn scope_pool(mut self, idle: usize) -> Self {
                self.__unokit_container.__unokit_core = #private::di::RootCore::new(idle);
                self
            }

            #[doc = #build_doc]
            ///
            /// # Errors
            ///
            /// A dependency cycle, or the first factory that failed.
            #vis async fn build(self) -> ::core::result::Result<::std::sync::Arc<#root>, #private::di::BuildError> {
                #private::di::build(self.__unokit_container).await
            }
        }
    }
}
