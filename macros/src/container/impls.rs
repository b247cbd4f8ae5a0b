//! The container's trait impls: the contexts, one `Provides<S>` per service and
//! context (the resolution paths), the bindings, and the graph `build()` reads.

use super::model::{Binding, Container, Names, Service};
use crate::common::paths::di::{
    BINDING, CONTAINER, CONTAINER_SCOPE, CONTEXT, CREATION_LOG, INJECT, INJECTABLE, IS_BUILT, KIND,
    NEVER_MADE, PROVIDES, RECIPES, ROOT_ROLE, ROOT_SLOTS, SCOPE_ROLE, SCOPE_SLOTS,
    SCOPED_CONTAINER, SERVICE_SLOT, START, STARTING, VISIBLE_IN,
};
use proc_macro2::{Literal, TokenStream};
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;

pub(crate) fn impls(container: &Container<'_>) -> TokenStream {
    let names = &container.names;
    let contexts = contexts(names);
    let slots = scope_slots(container);
    let services = container
        .services
        .iter()
        .enumerate()
        .map(|(index, service)| provides(names, index, service));
    let bindings = container
        .bindings
        .iter()
        .map(|binding| bind(names, binding));
    let generic = scoped_container(names);
    let container = container_impl(container);
    quote! {
        #contexts
        #generic
        #slots
        #(#services)*
        #(#bindings)*
        #container
    }
}

fn kind_of(ty: &syn::Type) -> TokenStream {
    quote!(<<#ty as #INJECTABLE>::Kind as #KIND>)
}

/// `ScopedContainer` and `ContainerScope`, which code generic over containers
/// (the axum layer) names; each method is the inherent one. Also in the
/// fallback, so that such code reports only the real error.
pub(crate) fn scoped_container(names: &Names<'_>) -> TokenStream {
    let Names { root, scope, .. } = names;
    quote! {
        #[automatically_derived]
        impl #SCOPED_CONTAINER for #root {
            type Scope = #scope;

            #[inline]
            fn open_scope(self: &::std::sync::Arc<Self>) -> #scope {
                #root::scope(self)
            }
        }

        #[automatically_derived]
        impl #CONTAINER_SCOPE for #scope {
            type Container = #root;

            #[inline]
            fn container(&self) -> &::std::sync::Arc<#root> {
                #scope::container(self)
            }

            fn close(self) -> impl ::core::future::Future<Output = ()> + ::core::marker::Send {
                #scope::close(self)
            }
        }
    }
}

fn contexts(names: &Names<'_>) -> TokenStream {
    let Names { root, scope, .. } = names;
    quote! {
        #[automatically_derived]
        impl #CONTEXT for #root {
            type Role = #ROOT_ROLE;

            #[inline]
            fn creation_log(&self) -> &#CREATION_LOG {
                self.__unokit_core.creation_log()
            }
        }

        #[automatically_derived]
        impl #CONTEXT for #scope {
            type Role = #SCOPE_ROLE;

            #[inline]
            fn creation_log(&self) -> &#CREATION_LOG {
                #SCOPE_SLOTS::creation_log(self.__unokit_core.slots())
            }
        }
    }
}

fn scope_slots(container: &Container<'_>) -> TokenStream {
    let slots = &container.names.slots;
    let fields: Vec<_> = container.services.iter().map(|s| &s.field).collect();
    let services = container.services.iter().map(|service| service.ty);
    // Constants are not bindings `quote!` can repeat beside iterators.
    let service_slot = SERVICE_SLOT;
    quote! {
        #[automatically_derived]
        impl ::core::default::Default for #slots {
            fn default() -> Self {
                Self {
                    #(#fields: ::core::default::Default::default(),)*
                    __unokit_log: ::core::default::Default::default(),
                }
            }
        }

        #[automatically_derived]
        impl #SCOPE_SLOTS for #slots {
            fn reset(&mut self) {
                #(#service_slot::<#services>::reset(&mut self.#fields);)*
            }

            #[inline]
            fn creation_log(&self) -> &#CREATION_LOG {
                &self.__unokit_log
            }
        }
    }
}

/// One service's slot access and resolution paths, in the container and in a
/// scope. Errors about the service's own recipe point at its name in the list.
fn provides(names: &Names<'_>, index: usize, service: &Service<'_>) -> TokenStream {
    let Names { root, scope, .. } = names;
    let Service { ty, field } = service;
    let index = Literal::usize_unsuffixed(index);
    let kind = kind_of(ty);
    let span = ty.span();
    let recipe = quote!(<Self as #PROVIDES<#ty>>::RECIPE);
    // Each context's recipe is defined once; its errors point at the service's name.
    let root_provides_header = quote_spanned!(span=> impl #PROVIDES<#ty> for #root);
    let scope_provides_header = quote_spanned!(span=> impl #PROVIDES<#ty> for #scope);
    let root_home = quote_spanned!(span=> type Home = #kind::RootHome<Self>;);
    let scope_home = quote_spanned!(span=> type Home = #kind::ScopeHome<#root, Self>;);
    let recipes = RECIPES.at(span);
    let recipe_const =
        quote_spanned!(span=> const RECIPE: #RECIPES<#ty, Self::Home> = #recipes::of(););
    let root_provide = quote!(#kind::provide_root::<#ty, Self>(&self.#field, self, #recipe));
    let root_ref = quote!(#kind::provide_root_ref::<#ty, Self>(&self.#field, self, #recipe));
    let slot = quote!(&self.__unokit_core.slots().#field);
    let scope_provide =
        quote!(#kind::provide_scope::<#ty, #root, Self>(#slot, &self.__unokit_root, self, #recipe));
    let scope_ref = quote!(#kind::provide_scope_ref::<#ty, #root, Self>(#slot, &self.__unokit_root, self, #recipe));
    let scope_make = quote!(#kind::make_scope::<#ty, #root, Self>(self, #recipe));
    quote! {
        #[automatically_derived]
        impl #ROOT_SLOTS<#ty> for #root {
            #[inline]
            fn root_slot(&self) -> &#kind::RootSlot<#ty> {
                &self.#field
            }

            #[inline]
            fn root_slot_mut(&mut self) -> &mut #kind::RootSlot<#ty> {
                &mut self.#field
            }
        }

        #[automatically_derived]
        #root_provides_header {
            const INDEX: usize = #index;
            #root_home
            #recipe_const

            #[inline(always)]
            fn provide(&self) -> ::std::sync::Arc<#ty> {
                #root_provide
            }

            #[inline(always)]
            fn provide_ref(&self) -> &#ty {
                #root_ref
            }

            fn make(&self) -> #ty {
                #NEVER_MADE::<#ty>()
            }
        }

        #[automatically_derived]
        #scope_provides_header {
            const INDEX: usize = #index;
            #scope_home
            #recipe_const

            #[inline(always)]
            fn provide(&self) -> ::std::sync::Arc<#ty> {
                #scope_provide
            }

            #[inline(always)]
            fn provide_ref(&self) -> &#ty {
                #scope_ref
            }

            #[inline(always)]
            fn make(&self) -> #ty {
                #scope_make
            }
        }
    }
}

/// `Arc<dyn Trait>` resolves to the override a test supplied, else to the
/// implementation. In the container it is checked only where it is used, since
/// an implementation that is not a singleton may still serve scopes.
fn bind(names: &Names<'_>, binding: &Binding<'_>) -> TokenStream {
    let Names { root, scope, .. } = names;
    let Binding {
        bound,
        implementation,
        field,
    } = binding;
    let span = implementation.span();
    let root_inject = quote_spanned!(span=> <::std::sync::Arc<#implementation> as #INJECT<#root>>::inject(context));
    let scope_inject = quote_spanned!(span=> <::std::sync::Arc<#implementation> as #INJECT<#scope>>::inject(context));
    quote! {
        #[automatically_derived]
        impl<__UnokitKind> #INJECT<#root> for ::std::sync::Arc<#bound>
        where
            #implementation: #INJECTABLE<Kind = __UnokitKind>,
            __UnokitKind: #VISIBLE_IN<#ROOT_ROLE, #implementation>,
        {
            #[inline]
            fn inject(context: &#root) -> Self {
                match &context.#field {
                    ::core::option::Option::Some(replaced) => ::std::sync::Arc::clone(replaced),
                    ::core::option::Option::None => #root_inject,
                }
            }

            fn dependency(out: &mut ::std::vec::Vec<usize>) {
                <::std::sync::Arc<#implementation> as #INJECT<#root>>::dependency(out);
            }
        }

        #[automatically_derived]
        impl #INJECT<#scope> for ::std::sync::Arc<#bound> {
            #[inline]
            fn inject(context: &#scope) -> Self {
                match &context.__unokit_root.#field {
                    ::core::option::Option::Some(replaced) => ::std::sync::Arc::clone(replaced),
                    ::core::option::Option::None => #scope_inject,
                }
            }

            fn dependency(out: &mut ::std::vec::Vec<usize>) {
                <::std::sync::Arc<#implementation> as #INJECT<#scope>>::dependency(out);
            }
        }

        #[automatically_derived]
        impl #BINDING<#bound> for #root {
            fn binding_mut(&mut self) -> &mut ::core::option::Option<::std::sync::Arc<#bound>> {
                &mut self.#field
            }
        }
    }
}

/// The graph `build()` reads: names, eagerness, dependencies, and how to start
/// each eager singleton.
fn container_impl(container: &Container<'_>) -> TokenStream {
    let Names { root, scope, .. } = &container.names;
    let services: Vec<&syn::Type> = container
        .services
        .iter()
        .map(|service| service.ty)
        .collect();
    let indices: Vec<Literal> = (0..services.len()).map(Literal::usize_unsuffixed).collect();
    let kinds: Vec<TokenStream> = services.iter().map(|ty| kind_of(ty)).collect();
    // Constants are not bindings `quote!` can repeat beside iterators.
    let (provides, is_built, start, injectable) = (PROVIDES, IS_BUILT, START, INJECTABLE);
    quote! {
        #[automatically_derived]
        impl #CONTAINER for #root {
            const SERVICES: &'static [&'static str] = &[
                #(<#services as #injectable>::NAME,)*
            ];
            const EAGER: &'static [bool] = &[#(#kinds::EAGER,)*];

            fn dependencies(index: usize, out: &mut ::std::vec::Vec<usize>) {
                match index {
                    #(#indices => #kinds::dependencies::<#services, #root, #scope>(
                        <#root as #provides<#services>>::RECIPE,
                        <#scope as #provides<#services>>::RECIPE,
                        out,
                    ),)*
                    _ => {}
                }
            }

            fn is_built(&self, index: usize) -> bool {
                match index {
                    #(#indices => #is_built::<#services, Self>(self),)*
                    _ => false,
                }
            }

            fn start(&self, index: usize) -> ::core::option::Option<#STARTING<Self>> {
                match index {
                    #(#indices => #start::<#services, Self>(
                        self,
                        <Self as #provides<#services>>::RECIPE,
                    ),)*
                    _ => ::core::option::Option::None,
                }
            }
        }
    }
}
