//! The `CacheKey` impl: fields in declaration order, variants by position.

use super::parse::{Field, Input, Shape, Style, Variant};
use crate::common::paths::key::{CACHE_KEY, KEY_SINK};
use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};
use syn::{GenericParam, Member};

pub(crate) fn expand(input: &Input) -> TokenStream {
    let (write, key_eq) = match &input.shape {
        Shape::Struct(fields) => (write_struct(fields), key_eq_struct(fields)),
        Shape::Enum(variants) => (write_enum(variants), key_eq_enum(variants)),
    };
    impl_cache_key(input, &write, &key_eq)
}

/// On error, an impl whose methods are never meant to run, so that code naming
/// the type as a key reports only the real error.
pub(crate) fn stub(input: &Input) -> TokenStream {
    let unreachable = quote!(::core::unreachable!());
    impl_cache_key(input, &unreachable, &unreachable)
}

fn impl_cache_key(input: &Input, write: &TokenStream, key_eq: &TokenStream) -> TokenStream {
    let ident = &input.ident;
    let mut generics = input.generics.clone();
    for param in &mut generics.params {
        if let GenericParam::Type(ty) = param {
            ty.bounds.push(syn::parse_quote!(#CACHE_KEY));
        }
    }
    let (impl_generics, ty_generics, where_clause) = generics.split_for_impl();
    quote! {
        #[automatically_derived]
        impl #impl_generics #CACHE_KEY for #ident #ty_generics #where_clause {
            #[inline]
            fn write_key<__UnokitSink>(&self, __unokit_sink: &mut __UnokitSink)
            where
                __UnokitSink: #KEY_SINK + ?::core::marker::Sized,
            {
                #write
            }

            #[inline]
            fn key_eq(&self, __unokit_other: &Self) -> bool {
                #key_eq
            }
        }
    }
}

fn write_struct(fields: &[Field]) -> TokenStream {
    let writes = kept(fields).map(|field| {
        let member = &field.member;
        write(&quote!(&self.#member), field)
    });
    quote!(#(#writes)*)
}

fn write_enum(variants: &[Variant]) -> TokenStream {
    let arms = variants.iter().enumerate().map(|(position, variant)| {
        let ident = &variant.ident;
        let position = proc_macro2::Literal::usize_unsuffixed(position);
        let writes = kept(&variant.fields).map(|field| write(&binding(&field.member), field));
        let pattern = pattern(variant);
        quote! {
            Self::#ident #pattern => {
                #KEY_SINK::put_u64(__unokit_sink, #position);
                #(#writes)*
            }
        }
    });
    quote! {
        match self {
            #(#arms)*
        }
    }
}

fn key_eq_struct(fields: &[Field]) -> TokenStream {
    all(kept(fields).map(|field| {
        let member = &field.member;
        same_key(
            &quote!(&self.#member),
            &quote!(&__unokit_other.#member),
            field,
        )
    }))
}

/// Same variant, and the same key in each kept field.
fn key_eq_enum(variants: &[Variant]) -> TokenStream {
    let arms = variants.iter().map(|variant| {
        let ident = &variant.ident;
        let ours = pattern_with(variant, "");
        let theirs = pattern_with(variant, "other_");
        let fields = all(kept(&variant.fields).map(|field| {
            same_key(
                &binding_with(&field.member, ""),
                &binding_with(&field.member, "other_"),
                field,
            )
        }));
        quote!((Self::#ident #ours, Self::#ident #theirs) => #fields,)
    });
    let mismatch = (variants.len() > 1).then(|| quote!(_ => false,));
    quote! {
        match (self, __unokit_other) {
            #(#arms)*
            #mismatch
        }
    }
}

fn all(conditions: impl Iterator<Item = TokenStream>) -> TokenStream {
    conditions
        .reduce(|all, next| quote!(#all && #next))
        .unwrap_or_else(|| quote!(true))
}

fn same_key(ours: &TokenStream, theirs: &TokenStream, field: &Field) -> TokenStream {
    let cache_key = CACHE_KEY.at(field.ty_span);
    quote_spanned!(field.ty_span=> #cache_key::key_eq(#ours, #theirs))
}

/// The variant's pattern, binding each kept field and ignoring the rest.
fn pattern(variant: &Variant) -> TokenStream {
    pattern_with(variant, "")
}

fn pattern_with(variant: &Variant, prefix: &str) -> TokenStream {
    match variant.style {
        Style::Unit => TokenStream::new(),
        Style::Named => {
            let fields = kept(&variant.fields).map(|field| {
                let member = &field.member;
                let binding = binding_with(member, prefix);
                quote!(#member: #binding)
            });
            quote!({ #(#fields,)* .. })
        }
        Style::Tuple => {
            let fields = variant.fields.iter().map(|field| match field.skip {
                Some(_) => quote!(_),
                None => binding_with(&field.member, prefix),
            });
            quote!((#(#fields),*))
        }
    }
}

fn binding(member: &Member) -> TokenStream {
    binding_with(member, "")
}

fn binding_with(member: &Member, prefix: &str) -> TokenStream {
    let ident = match member {
        Member::Named(ident) => format_ident!("__unokit_{}{}", prefix, ident),
        Member::Unnamed(index) => format_ident!("__unokit_{}{}", prefix, index.index),
    };
    quote!(#ident)
}

fn kept(fields: &[Field]) -> impl Iterator<Item = &Field> {
    fields.iter().filter(|field| field.skip.is_none())
}

/// Writes one field, spanned at its type so that a field type that is not a
/// `CacheKey` is reported there.
fn write(place: &TokenStream, field: &Field) -> TokenStream {
    let cache_key = CACHE_KEY.at(field.ty_span);
    quote_spanned!(field.ty_span=> #cache_key::write_key(#place, __unokit_sink);)
}
