//! The container's trait impls: the contexts, one `Provides<S>` per service and
//! context (the resolution paths), the bindings, and the graph `build()` reads.

use super::expand::Names;
use crate::common::{private, private_at};
use proc_macro2::{Literal, TokenStream};
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;

pub(crate) fn impls(names: &Names<'_>) -> TokenStream {
    let contexts = contexts(names);
    let slots = scope_slots(names);
    let services = names
        .services
        .iter()
        .enumerate()
        .map(|(index, ty)| service(names, index, ty));
    let bindings = names
        .bindings
        .iter()
        .enumerate()
        .map(|(index, (bound, implementation))| binding(names, index, bound, implementation));
    let container = container(names);
    quote! {
        #contexts
        #slots
        #(#services)*
        #(#bindings)*
        #container
    }
}

fn kind_of(ty: &syn::Type) -> TokenStream {
    let private = private();
    quote!(<<#ty as #private::di::Injectable>::Kind as #private::di::Kind>)
}

fn contexts(names: &Names<'_>) -> TokenStream {
    let private = private();
    let Names { root, scope, .. } = names;
    quote! {
        #[automatically_derived]
        impl #private::di::Context for #root {
            type Role = #private::di::kind::RootRole;

            #[inline]
            fn creation_log(&self) -> &#private::di::CreationLog {
                self.__unokit_core.creation_log()
            }
        }

        #[automatically_derived]
        impl #private::di::Context for #scope {
            type Role = #private::di::kind::ScopeRole;

            #[inline]
            fn creation_log(&self) -> &#private::di::CreationLog {
                #private::di::ScopeSlots::creation_log(self.__unokit_core.slots())
            }
        }
    }
}

fn scope_slots(names: &Names<'_>) -> TokenStream {
    let private = private();
    let slots = &names.slots;
    let fields = &names.fields;
    let services = &names.services;
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
        impl #private::di::ScopeSlots for #slots {
            fn reset(&mut self) {
                #(#private::di::Slot::<#services>::reset(&mut self.#fields);)*
            }

            #[inline]
            fn creation_log(&self) -> &#private::di::CreationLog {
                &self.__unokit_log
            }
        }
    }
}

/// One service's slot access and resolution paths, in the container and in a
/// scope. Errors about the service's own recipe point at its name in the list.
fn service(names: &Names<'_>, index: usize, ty: &syn::Type) -> TokenStream {
    let private = private();
    let Names { root, scope, .. } = names;
    let field = names.service_field(index);
    let index = Literal::usize_unsuffixed(index);
    let kind = kind_of(ty);
    let span = ty.span();
    let recipe = quote!(<Self as #private::di::Provides<#ty>>::RECIPE);
    // Each context's recipe is defined once; its errors point at the service's name.
    let root_provides_header = quote_spanned!(span=> impl #private::di::Provides<#ty> for #root);
    let scope_provides_header = quote_spanned!(span=> impl #private::di::Provides<#ty> for #scope);
    let root_home = quote_spanned!(span=> type Home = #kind::RootHome<Self>;);
    let scope_home = quote_spanned!(span=> type Home = #kind::ScopeHome<#root, Self>;);
    let spanned = private_at(span);
    let recipe_const = quote_spanned!(span=> const RECIPE: #private::di::Recipes<#ty, Self::Home> = #spanned::di::Recipes::of(););
    let root_provide = quote!(#kind::provide_root::<#ty, Self>(&self.#field, self, #recipe));
    let root_ref = quote!(#kind::provide_root_ref::<#ty, Self>(&self.#field, self, #recipe));
    let slot = quote!(&self.__unokit_core.slots().#field);
    let scope_provide =
        quote!(#kind::provide_scope::<#ty, #root, Self>(#slot, &self.__unokit_root, self, #recipe));
    let scope_ref = quote!(#kind::provide_scope_ref::<#ty, #root, Self>(#slot, &self.__unokit_root, self, #recipe));
    let scope_make = quote!(#kind::make_scope::<#ty, #root, Self>(self, #recipe));
    quote! {
        #[automatically_derived]
        impl #private::di::RootSlots<#ty> for #root {
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
                #private::di::never_made::<#ty>()
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
fn binding(
    names: &Names<'_>,
    index: usize,
    bound: &syn::Type,
    implementation: &syn::Type,
) -> TokenStream {
    let private = private();
    let Names { root, scope, .. } = names;
    let field = Names::binding_field(index);
    let span = implementation.span();
    let root_inject = quote_spanned!(span=> <::std::sync::Arc<#implementation> as #private::di::Inject<#root>>::inject(context));
    let scope_inject = quote_spanned!(span=> <::std::sync::Arc<#implementation> as #private::di::Inject<#scope>>::inject(context));
    quote! {
        #[automatically_derived]
        impl<__UnokitKind> #private::di::Inject<#root> for ::std::sync::Arc<#bound>
        where
            #implementation: #private::di::Injectable<Kind = __UnokitKind>,
            __UnokitKind: #private::di::kind::VisibleIn<#private::di::kind::RootRole, #implementation>,
        {
            #[inline]
            fn inject(context: &#root) -> Self {
                match &context.#field {
                    ::core::option::Option::Some(replaced) => ::std::sync::Arc::clone(replaced),
                    ::core::option::Option::None => #root_inject,
                }
            }

            fn dependency(out: &mut ::std::vec::Vec<usize>) {
                <::std::sync::Arc<#implementation> as #private::di::Inject<#root>>::dependency(out);
            }
        }

        #[automatically_derived]
        impl #private::di::Inject<#scope> for ::std::sync::Arc<#bound> {
            #[inline]
            fn inject(context: &#scope) -> Self {
                match &context.__unokit_root.#field {
                    ::core::option::Option::Some(replaced) => ::std::sync::Arc::clone(replaced),
                    ::core::option::Option::None => #scope_inject,
                }
            }

            fn dependency(out: &mut ::std::vec::Vec<usize>) {
                <::std::sync::Arc<#implementation> as #private::di::Inject<#scope>>::dependency(out);
            }
        }

        #[automatically_derived]
        impl #private::di::Binding<#bound> for #root {
            fn binding_mut(&mut self) -> &mut ::core::option::Option<::std::sync::Arc<#bound>> {
                &mut self.#field
            }
        }
    }
}

/// The graph `build()` reads: names, eagerness, dependencies, and how to start
/// each eager singleton.
fn container(names: &Names<'_>) -> TokenStream {
    let private = private();
    let Names { root, scope, .. } = names;
    let services = &names.services;
    let indices: Vec<Literal> = (0..services.len()).map(Literal::usize_unsuffixed).collect();
    let kinds: Vec<TokenStream> = services.iter().map(|ty| kind_of(ty)).collect();
    quote! {
        #[automatically_derived]
        impl #private::di::Container for #root {
            const SERVICES: &'static [&'static str] = &[
                #(<#services as #private::di::Injectable>::NAME,)*
            ];
            const EAGER: &'static [bool] = &[#(#kinds::EAGER,)*];

            fn dependencies(index: usize, out: &mut ::std::vec::Vec<usize>) {
                match index {
                    #(#indices => #kinds::dependencies::<#services, #root, #scope>(
                        <#root as #private::di::Provides<#services>>::RECIPE,
                        <#scope as #private::di::Provides<#services>>::RECIPE,
                        out,
                    ),)*
                    _ => {}
                }
            }

            fn is_built(&self, index: usize) -> bool {
                match index {
                    #(#indices => #private::di::is_built::<#services, Self>(self),)*
                    _ => false,
                }
            }

            fn start(&self, index: usize) -> ::core::option::Option<#private::di::Starting<Self>> {
                match index {
                    #(#indices => #private::di::start::<#services, Self>(
                        self,
                        <Self as #private::di::Provides<#services>>::RECIPE,
                    ),)*
                    _ => ::core::option::Option::None,
                }
            }
        }
    }
}
