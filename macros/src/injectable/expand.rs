//! The impls that make a type a service: `Injectable` (its kind and name) and
//! `Recipe<C>` (how to build it in any context `C` whose dependencies resolve).

use super::options::{Factory, Lifetime, Options};
use super::parse::{Field, FnTarget, Injectable, StructTarget, Style, Target, style};
use crate::common::{private, private_at};
use proc_macro2::TokenStream;
use quote::{ToTokens, quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{Member, Type};

/// The generated context type parameter.
fn context() -> TokenStream {
    quote!(__UnokitContext)
}

pub(crate) fn expand(input: &Injectable) -> TokenStream {
    let item = input.unchanged();
    let (service, name, dependencies, made) = match &input.target {
        Target::Struct(target) => {
            let ident = &target.item.ident;
            let (dependencies, made) = struct_recipe(&input.options, target);
            (
                ident.to_token_stream(),
                ident.to_string(),
                dependencies,
                made,
            )
        }
        Target::Fn(target) => {
            let service = target
                .service
                .as_ref()
                .expect("validated: a factory returns a type");
            let (dependencies, made) = fn_recipe(&input.options, target, service);
            (
                service.to_token_stream(),
                type_name(service),
                dependencies,
                made,
            )
        }
    };
    let injectable = injectable_impl(&input.options, &service, &name);
    let recipe = recipe_impl(&input.options, &service, &dependencies, &made);
    let transient =
        (input.options.lifetime() == Some(Lifetime::Transient)).then(|| transient_impls(&service));
    let handle_checks = handle_checks(&dependencies);
    quote! {
        #item
        #injectable
        #recipe
        #transient
        #handle_checks
    }
}

/// The last segment of the service's path: its name in errors and cycle paths.
fn type_name(ty: &Type) -> String {
    match ty {
        Type::Path(path) => path
            .path
            .segments
            .last()
            .map_or_else(String::new, |segment| segment.ident.to_string()),
        other => other.to_token_stream().to_string(),
    }
}

fn kind(options: &Options) -> TokenStream {
    let private = private();
    match options.lifetime() {
        Some(Lifetime::Singleton) if options.eager.is_some() => {
            quote!(#private::di::EagerSingleton)
        }
        Some(Lifetime::Singleton) => quote!(#private::di::LazySingleton),
        Some(Lifetime::Scoped) => quote!(#private::di::Scoped),
        Some(Lifetime::Transient) | None => quote!(#private::di::Transient),
    }
}

fn injectable_impl(options: &Options, service: &TokenStream, name: &str) -> TokenStream {
    let private = private();
    let kind = kind(options);
    let teardown = options.dispose.map(|span| {
        let dispose = quote_spanned!(span=> #private::di::Dispose::dispose(self));
        quote! {
            const HAS_TEARDOWN: bool = true;

            #[inline]
            fn teardown(&self) -> ::core::option::Option<#private::task::BoxFuture<'_, ()>> {
                ::core::option::Option::Some(::std::boxed::Box::pin(#dispose))
            }
        }
    });
    quote! {
        #[automatically_derived]
        impl #private::di::Injectable for #service {
            type Kind = #kind;
            const NAME: &'static str = #name;
            #teardown
        }
    }
}

/// `Recipe<C>`: the dependencies, each bounded where it is written so that an
/// error points at it, and the construction.
fn recipe_impl(
    options: &Options,
    service: &TokenStream,
    dependencies: &[Type],
    made: &TokenStream,
) -> TokenStream {
    let private = private();
    let context = context();
    let bounds = dependencies.iter().map(|ty| {
        let spanned = private_at(ty.span());
        quote_spanned!(ty.span()=> #ty: #spanned::di::Inject<#context>)
    });
    let declare = dependencies
        .iter()
        .map(|ty| quote!(<#ty as #private::di::Inject<#context>>::dependency(__unokit_out);));
    let construct = if options.is_eager_singleton() {
        quote! {
            #[inline]
            fn construct_eager(
                __unokit_context: &#context,
            ) -> #private::task::BoxFuture<'static, ::core::result::Result<Self, #private::task::BoxError>> {
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
        impl<#context> #private::di::Recipe<#context> for #service
        where
            #context: #private::di::Context,
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
    let private = private_at(ty.span());
    let context = context();
    quote_spanned!(ty.span()=> <#ty as #private::di::Inject<#context>>::inject(__unokit_context))
}

/// The dependencies and the construction of a struct: field by field, by
/// `Default`, or by a factory without parameters.
fn struct_recipe(options: &Options, target: &StructTarget) -> (Vec<Type>, TokenStream) {
    let eager = options.is_eager_singleton();
    if options.default.is_some() {
        let value = quote!(<Self as ::core::default::Default>::default());
        return (Vec::new(), ready_if(eager, &value));
    }
    if let Some((factory, _)) = &options.factory {
        return (
            Vec::new(),
            call_factory(factory, eager, &quote!(Self), &TokenStream::new()),
        );
    }
    let injected: Vec<&Field> = target
        .fields
        .iter()
        .filter(|field| field.default.is_none())
        .collect();
    let values = target.fields.iter().map(|field| match field.default {
        Some(span) => quote_spanned!(span=> ::core::default::Default::default()),
        None => inject(&field.ty),
    });
    let value = match style(&target.item.fields) {
        Style::Unit => quote!(Self),
        Style::Tuple => quote!(Self(#(#values),*)),
        Style::Named => {
            let members = target.fields.iter().map(|field| match &field.member {
                Member::Named(ident) => ident.to_token_stream(),
                Member::Unnamed(index) => index.to_token_stream(),
            });
            quote!(Self { #(#members: #values),* })
        }
    };
    (
        injected.iter().map(|field| field.ty.clone()).collect(),
        ready_if(eager, &value),
    )
}

/// The dependencies and the construction of a factory function: its
/// parameters, injected, and its result.
fn fn_recipe(options: &Options, target: &FnTarget, service: &Type) -> (Vec<Type>, TokenStream) {
    let args: Vec<TokenStream> = target.params.iter().map(inject).collect();
    let ident = &target.item.sig.ident;
    let factory = Factory {
        path: ident.clone().into(),
        is_async: target.item.sig.asyncness.map(|token| token.span),
    };
    let made = call_factory(
        &factory,
        options.is_eager_singleton(),
        &service.to_token_stream(),
        &quote!(#(#args),*),
    );
    (target.params.clone(), made)
}

/// Calls a factory and turns what it returns into the service: for an eager
/// singleton, a future of `Result` (awaited for an `async` factory); otherwise
/// the service itself.
fn call_factory(
    factory: &Factory,
    eager: bool,
    service: &TokenStream,
    args: &TokenStream,
) -> TokenStream {
    let path = &factory.path;
    let span = path.span();
    let private = private_at(span);
    let call = quote_spanned!(span=> #path(#args));
    match (eager, factory.is_async) {
        (true, Some(_)) => quote_spanned!(span=> #private::di::awaiting::<#service, _>(#call)),
        (true, None) => quote_spanned! {span=>
            #private::di::ready(#private::di::FactoryOutput::<#service>::into_result(#call))
        },
        (false, _) => {
            quote_spanned!(span=> #private::di::InfallibleOutput::<#service>::into_service(#call))
        }
    }
}

/// An eager singleton's recipe returns a (ready) future of `Result`.
fn ready_if(eager: bool, value: &TokenStream) -> TokenStream {
    let private = private();
    if eager {
        quote!(#private::di::ready(::core::result::Result::Ok(#value)))
    } else {
        value.clone()
    }
}

/// A transient service is injected by value too.
fn transient_impls(service: &TokenStream) -> TokenStream {
    let private = private();
    let context = context();
    quote! {
        #[automatically_derived]
        impl #private::di::Handle for #service {}

        #[automatically_derived]
        impl<#context> #private::di::Inject<#context> for #service
        where
            #context: #private::di::Provides<#service>,
            #private::di::Transient: #private::di::kind::VisibleIn<<#context as #private::di::Context>::Role, #service>,
        {
            #[inline]
            fn inject(__unokit_context: &#context) -> Self {
                <#context as #private::di::Provides<#service>>::make(__unokit_context)
            }

            #[inline]
            fn dependency(__unokit_out: &mut ::std::vec::Vec<usize>) {
                __unokit_out.push(<#context as #private::di::Provides<#service>>::INDEX);
            }
        }
    }
}

/// Checks, where each dependency is written, that its type can be injected at
/// all, so that the error points at the field rather than at the container.
fn handle_checks(dependencies: &[Type]) -> TokenStream {
    if dependencies.is_empty() {
        return TokenStream::new();
    }
    let checks = dependencies.iter().map(|ty| {
        let private = private_at(ty.span());
        quote_spanned!(ty.span()=> #private::di::assert_handle::<#ty>();)
    });
    quote! {
        const _: () = {
            #(#checks)*
        };
    }
}
