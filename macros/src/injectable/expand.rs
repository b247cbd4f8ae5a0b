//! The impls that make a type a service: `Injectable` (its kind and name) and
//! `Recipe<C>` (how to build it in any context `C` whose dependencies resolve).

use super::model::{Kind, Made, Service, type_name};
use super::parse::{Field, Injectable, Style, Target};
use crate::common::paths::di::{
    ASSERT_HANDLE, AWAITING, CONTEXT, DISPOSE, EAGER_SINGLETON, FACTORY_OUTPUT, HANDLE,
    INFALLIBLE_OUTPUT, INJECT, INJECTABLE, LAZY_SINGLETON, PROVIDES, READY, RECIPE, SCOPED,
    TRANSIENT, VISIBLE_IN,
};
use crate::common::paths::task::{BOX_ERROR, BOX_FUTURE};
use proc_macro2::TokenStream;
use quote::{ToTokens, quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{Member, Type};

/// The generated context type parameter.
fn context() -> TokenStream {
    quote!(__UnokitContext)
}

pub(crate) fn expand(service: &Service<'_>) -> TokenStream {
    let item = service.item;
    let ty = &service.ty;
    let eager = service.kind == Kind::EagerSingleton;
    let (recipes, checks) = match &service.made {
        Made::Fields { style, fields } => fields_recipes(ty, *style, fields, eager),
        Made::Default => {
            let value = quote!(<Self as ::core::default::Default>::default());
            (
                recipe_impl(eager, ty, &[], &ready_if(eager, &value)),
                TokenStream::new(),
            )
        }
        Made::Factory {
            path,
            is_async,
            params,
            returns,
        } => {
            let args = params.iter().map(inject);
            let made = call_factory(path, *is_async, eager, returns, &quote!(#(#args),*));
            let dependencies: Vec<&Type> = params.iter().collect();
            (
                recipe_impl(eager, ty, &dependencies, &made),
                handle_checks(&dependencies),
            )
        }
    };
    let teardown = service.dispose.map(|span| {
        let dispose = quote_spanned!(span=> #DISPOSE::dispose(self));
        quote! {
            const HAS_TEARDOWN: bool = true;

            #[inline]
            fn teardown(&self) -> ::core::option::Option<#BOX_FUTURE<'_, ()>> {
                ::core::option::Option::Some(::std::boxed::Box::pin(#dispose))
            }
        }
    });
    let injectable = injectable_impl(service.kind, ty, &service.name, teardown);
    let transient = (service.kind == Kind::Transient).then(|| transient_impls(ty));
    quote! {
        #item
        #injectable
        #recipes
        #transient
        #checks
    }
}

/// On error: the item, and impls whose methods are never meant to run, so that
/// a container listing the service, and the services that depend on it, report
/// only the real error. None when the service's type is not known or is
/// generic: there is no one type to stub.
pub(crate) fn stub(input: &Injectable) -> TokenStream {
    let item = &input.target;
    let service = match &input.target {
        Target::Struct(target) if target.item.generics.params.is_empty() => {
            Some(target.item.ident.to_token_stream())
        }
        Target::Fn(target) if target.item.sig.generics.params.is_empty() => match &target.service {
            // A foreign type cannot take the stub impls either: the orphan rule.
            Some(ty @ Type::Path(path))
                if path.qself.is_none() && super::foreign::foreign_crate(ty).is_none() =>
            {
                Some(ty.to_token_stream())
            }
            _ => None,
        },
        _ => None,
    };
    let Some(ty) = service else {
        return quote!(#item);
    };
    let name = match &input.target {
        Target::Struct(target) => target.item.ident.to_string(),
        Target::Fn(target) => target.service.as_ref().map(type_name).unwrap_or_default(),
    };
    // Without a lifetime, a lazy singleton: every context may hold one, so the
    // guess adds no captive-dependency error.
    let kind = Kind::of(&input.options).unwrap_or(Kind::LazySingleton);
    let injectable = injectable_impl(kind, &ty, &name, None);
    let context = context();
    let unreachable = quote!(::core::unreachable!());
    quote! {
        #item
        #injectable

        #[automatically_derived]
        impl<#context: #CONTEXT> #RECIPE<#context> for #ty {
            fn dependencies(_: &mut ::std::vec::Vec<usize>) {}
        }

        #[automatically_derived]
        impl #HANDLE for #ty {}

        #[automatically_derived]
        impl<#context: #CONTEXT> #INJECT<#context> for #ty {
            fn inject(_: &#context) -> Self {
                #unreachable
            }

            fn dependency(_: &mut ::std::vec::Vec<usize>) {
                #unreachable
            }
        }
    }
}

fn injectable_impl(
    kind: Kind,
    service: &TokenStream,
    name: &str,
    teardown: Option<TokenStream>,
) -> TokenStream {
    let kind = match kind {
        Kind::EagerSingleton => EAGER_SINGLETON,
        Kind::LazySingleton => LAZY_SINGLETON,
        Kind::Scoped => SCOPED,
        Kind::Transient => TRANSIENT,
    };
    quote! {
        #[automatically_derived]
        impl #INJECTABLE for #service {
            type Kind = #kind;
            const NAME: &'static str = #name;
            #teardown
        }
    }
}

/// `Recipe<C>`: the dependencies, each bounded where it is written so that an
/// error points at it, and the construction.
fn recipe_impl(
    eager: bool,
    service: &TokenStream,
    dependencies: &[&Type],
    made: &TokenStream,
) -> TokenStream {
    let context = context();
    let bounds = dependencies.iter().map(|ty| {
        let inject = INJECT.at(ty.span());
        quote_spanned!(ty.span()=> #ty: #inject<#context>)
    });
    let declare = dependencies
        .iter()
        .map(|ty| quote!(<#ty as #INJECT<#context>>::dependency(__unokit_out);));
    let construct = if eager {
        quote! {
            #[inline]
            fn construct_eager(
                __unokit_context: &#context,
            ) -> #BOX_FUTURE<'static, ::core::result::Result<Self, #BOX_ERROR>> {
                #made
            }
        }
    } else {
        quote! {
            #[inline]
            fn construct(__unokit_context: &#context) -> Self {
                #made
            }
        }
    };
    quote! {
        #[automatically_derived]
        impl<#context> #RECIPE<#context> for #service
        where
            #context: #CONTEXT,
            #(#bounds,)*
        {
            #[inline]
            fn dependencies(__unokit_out: &mut ::std::vec::Vec<usize>) {
                #(#declare)*
            }

            #construct
        }
    }
}

/// Resolves one dependency of type `ty` from the context.
fn inject(ty: &Type) -> TokenStream {
    let inject = INJECT.at(ty.span());
    let context = context();
    quote_spanned!(ty.span()=> <#ty as #inject<#context>>::inject(__unokit_context))
}

/// The recipe of a struct made field by field, and its fields' checks. A
/// field whose `#[inject(default)]` is under `cfg_attr` is injected or not
/// depending on a `cfg` the macro cannot evaluate: one recipe per combination
/// of those, each under the `#[cfg]` that selects it (validation caps them).
fn fields_recipes(
    service: &TokenStream,
    style: Style,
    fields: &[Field],
    eager: bool,
) -> (TokenStream, TokenStream) {
    let conditional: Vec<usize> = (0..fields.len())
        .filter(|&index| fields[index].default_cfg.is_some())
        .collect();
    if conditional.is_empty() {
        let (dependencies, made) = fields_recipe(style, fields, eager);
        let recipe = recipe_impl(eager, service, &dependencies, &made);
        return (recipe, handle_checks(&dependencies));
    }
    let (mut recipes, mut all_checks) = (TokenStream::new(), TokenStream::new());
    for mask in 0..1usize << conditional.len() {
        let mut fields = fields.to_vec();
        let mut cfgs = Vec::new();
        for (bit, &index) in conditional.iter().enumerate() {
            let field = &mut fields[index];
            let cfg = field.default_cfg.take();
            if mask & (1 << bit) == 0 {
                field.default = None;
                cfgs.push(quote!(not(#cfg)));
            } else {
                cfgs.push(cfg.unwrap_or_default());
            }
        }
        let (dependencies, made) = fields_recipe(style, &fields, eager);
        let recipe = recipe_impl(eager, service, &dependencies, &made);
        let checks = handle_checks(&dependencies);
        let cfg = quote!(#[cfg(all(#(#cfgs),*))]);
        recipes.extend(quote!(#cfg #recipe));
        if !checks.is_empty() {
            all_checks.extend(quote!(#cfg #checks));
        }
    }
    (recipes, all_checks)
}

/// The dependencies and the construction of a struct made field by field.
fn fields_recipe(style: Style, fields: &[Field], eager: bool) -> (Vec<&Type>, TokenStream) {
    let values = fields.iter().map(|field| match field.default {
        Some(span) => quote_spanned!(span=> ::core::default::Default::default()),
        None => inject(&field.ty),
    });
    let value = match style {
        Style::Unit => quote!(Self),
        Style::Tuple => quote!(Self(#(#values),*)),
        Style::Named => {
            let members = fields.iter().map(|field| match &field.member {
                Member::Named(ident) => ident.to_token_stream(),
                Member::Unnamed(index) => index.to_token_stream(),
            });
            quote!(Self { #(#members: #values),* })
        }
    };
    let injected = fields
        .iter()
        .filter(|field| field.default.is_none())
        .map(|field| &field.ty)
        .collect();
    (injected, ready_if(eager, &value))
}

/// Calls a factory and turns what it returns into the service: for an eager
/// singleton, a future of `Result` (awaited for an `async` factory); otherwise
/// the service itself.
fn call_factory(
    path: &syn::Path,
    is_async: bool,
    eager: bool,
    service: &TokenStream,
    args: &TokenStream,
) -> TokenStream {
    let span = path.span();
    let call = quote_spanned!(span=> #path(#args));
    match (eager, is_async) {
        (true, true) => {
            let awaiting = AWAITING.at(span);
            quote_spanned!(span=> #awaiting::<#service, _>(#call))
        }
        (true, false) => {
            let ready = READY.at(span);
            let output = FACTORY_OUTPUT.at(span);
            quote_spanned!(span=> #ready(#output::<#service>::into_result(#call)))
        }
        (false, _) => {
            let output = INFALLIBLE_OUTPUT.at(span);
            quote_spanned!(span=> #output::<#service>::into_service(#call))
        }
    }
}

/// An eager singleton's recipe returns a (ready) future of `Result`.
fn ready_if(eager: bool, value: &TokenStream) -> TokenStream {
    if eager {
        quote!(#READY(::core::result::Result::Ok(#value)))
    } else {
        value.clone()
    }
}

/// A transient service is injected by value too.
fn transient_impls(service: &TokenStream) -> TokenStream {
    let context = context();
    quote! {
        #[automatically_derived]
        impl #HANDLE for #service {}

        #[automatically_derived]
        impl<#context> #INJECT<#context> for #service
        where
            #context: #PROVIDES<#service>,
            #TRANSIENT: #VISIBLE_IN<<#context as #CONTEXT>::Role, #service>,
        {
            #[inline]
            fn inject(__unokit_context: &#context) -> Self {
                <#context as #PROVIDES<#service>>::make(__unokit_context)
            }

            #[inline]
            fn dependency(__unokit_out: &mut ::std::vec::Vec<usize>) {
                __unokit_out.push(<#context as #PROVIDES<#service>>::INDEX);
            }
        }
    }
}

/// Checks, where each dependency is written, that its type can be injected at
/// all, so that the error points at the field rather than at the container.
fn handle_checks(dependencies: &[&Type]) -> TokenStream {
    if dependencies.is_empty() {
        return TokenStream::new();
    }
    let checks = dependencies.iter().map(|ty| {
        let assert_handle = ASSERT_HANDLE.at(ty.span());
        quote_spanned!(ty.span()=> #assert_handle::<#ty>();)
    });
    quote! {
        const _: () = {
            #(#checks)*
        };
    }
}
