//! The `CacheKey` impl: fields in declaration order, variants by position.

use super::parse::{Field, Input, Shape, Style, Variant};
use crate::common::private;
use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};
use syn::{GenericParam, Member};

pub(crate) fn expand(input: &Input) -> TokenStream {
    let private = private();
    let ident = &input.ident;
    let mut generics = input.generics.clone();
    for param in &mut generics.params {
        if let GenericParam::Type(ty) = param {
            ty.bounds.push(syn::parse_quote!(#private::CacheKey));
        }
    }
    let (impl_generics, ty_generics, where_clause) = generics.split_for_impl();
    let body = match &input.shape {
        Shape::Struct(fields) => write_struct(fields),
        Shape::Enum(variants) => write_enum(variants),
    };
    quote! {
        #[automatically_derived]
        impl #impl_generics #private::CacheKey for #ident #ty_generics #where_clause {
            #[inline]
            fn write_key<__UnokitSink>(&self, __unokit_sink: &mut __UnokitSink)
            where
                __UnokitSink: #private::KeySink + ?::core::marker::Sized,
            {
                #body
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
    let private = private();
    let arms = variants.iter().enumerate().map(|(position, variant)| {
        let ident = &variant.ident;
        let position = proc_macro2::Literal::usize_unsuffixed(position);
        let writes = kept(&variant.fields).map(|field| write(&binding(&field.member), field));
        let pattern = pattern(variant);
        quote! {
            Self::#ident #pattern => {
                #private::KeySink::put_u64(__unokit_sink, #position);
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

/// The variant's pattern, binding each kept field and ignoring the rest.
fn pattern(variant: &Variant) -> TokenStream {
    match variant.style {
        Style::Unit => TokenStream::new(),
        Style::Named => {
            let fields = kept(&variant.fields).map(|field| {
                let member = &field.member;
                let binding = binding(member);
                quote!(#member: #binding)
            });
            quote!({ #(#fields,)* .. })
        }
        Style::Tuple => {
            let fields = variant.fields.iter().map(|field| match field.skip {
                Some(_) => quote!(_),
                None => binding(&field.member),
            });
            quote!((#(#fields),*))
        }
    }
}

fn binding(member: &Member) -> TokenStream {
    match member {
        Member::Named(ident) => {
            let ident = format_ident!("__unokit_{}", ident);
            quote!(#ident)
        }
        Member::Unnamed(index) => {
            let ident = format_ident!("__unokit_{}", index.index);
            quote!(#ident)
        }
    }
}

fn kept(fields: &[Field]) -> impl Iterator<Item = &Field> {
    fields.iter().filter(|field| field.skip.is_none())
}

/// Writes one field, spanned at its type so that a field type that is not a
/// `CacheKey` is reported there.
fn write(place: &TokenStream, field: &Field) -> TokenStream {
    quote_spanned!(field.ty_span=> ::unokit::__private::CacheKey::write_key(#place, __unokit_sink);)
}
