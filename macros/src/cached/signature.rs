//! Signatures of the generated functions, derived from the user's.

use super::parse::CachedFn;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::{FnArg, GenericParam, Generics, Ident, Signature};

/// The cached function's signature: each parameter bound to a plain name, which
/// the key and the call to the body use.
pub(crate) fn outer_signature(f: &CachedFn) -> Signature {
    let mut sig = f.item.sig.clone();
    let mut params = f.params.iter();
    for input in &mut sig.inputs {
        match input {
            FnArg::Receiver(receiver) => {
                if matches!(
                    receiver.kind,
                    syn::ReceiverKind::Value | syn::ReceiverKind::Typed(..)
                ) {
                    receiver.mutability = None;
                }
            }
            FnArg::Typed(typed) => {
                typed.attrs.clear();
                // `parse` read one param per typed input, in order.
                if let Some(param) = params.next() {
                    let name = &param.name;
                    *typed.pat = syn::parse_quote!(#name);
                }
            }
        }
    }
    sig
}

pub(crate) fn call_arguments(f: &CachedFn) -> TokenStream {
    let receiver = f.item.sig.receiver().map(|_| quote!(self)).into_iter();
    let params = f.params.iter().map(|param| &param.name);
    quote!(#(#receiver,)* #(#params),*)
}

/// The inputs of the key companions: the key's parameters, and `&self` when the key uses it.
pub(crate) fn key_inputs(f: &CachedFn) -> Vec<TokenStream> {
    // Only where there is a receiver to take: elsewhere `self` in the key is
    // an error of its own, reported at the key.
    let uses_self = f.item.sig.receiver().is_some()
        && (f.options.key_self.is_some()
            || f.options.key.as_ref().is_some_and(|key| {
                let expr = &key.value;
                mentions(quote!(#expr), "self")
            }));
    let receiver = uses_self.then(|| quote!(&self));
    let params = f.key_params().map(|param| {
        let name = &param.name;
        let ty = &param.ty;
        quote!(#name: #ty)
    });
    receiver.into_iter().chain(params).collect()
}

/// The function's generics, less the type and const parameters `inputs` do not
/// mention (a companion could not infer them).
pub(crate) fn generics_for(f: &CachedFn, inputs: &[TokenStream]) -> Generics {
    let mentioned = |ident: &Ident| {
        inputs
            .iter()
            .any(|input| mentions(input.clone(), &ident.to_string()))
    };
    let mut generics = f.item.sig.generics.clone();
    let dropped: Vec<Ident> = generics
        .params
        .iter()
        .filter_map(|param| match param {
            GenericParam::Type(ty) if !mentioned(&ty.ident) => Some(ty.ident.clone()),
            GenericParam::Const(constant) if !mentioned(&constant.ident) => {
                Some(constant.ident.clone())
            }
            _ => None,
        })
        .collect();
    generics.params = generics
        .params
        .into_iter()
        .filter(|param| match param {
            GenericParam::Type(ty) => !dropped.contains(&ty.ident),
            GenericParam::Const(constant) => !dropped.contains(&constant.ident),
            GenericParam::Lifetime(_) => true,
        })
        .collect();
    if let Some(where_clause) = &mut generics.where_clause {
        where_clause.predicates = where_clause
            .predicates
            .iter()
            .filter(|predicate| {
                !dropped
                    .iter()
                    .any(|ident| mentions(quote!(#predicate), &ident.to_string()))
            })
            .cloned()
            .collect();
    }
    generics
}

/// Whether `tokens` contain the identifier `name`, at any depth.
fn mentions(tokens: TokenStream, name: &str) -> bool {
    tokens.into_iter().any(|token| match token {
        proc_macro2::TokenTree::Ident(ident) => ident == name,
        proc_macro2::TokenTree::Group(group) => mentions(group.stream(), name),
        _ => false,
    })
}

/// `preferred`, unless a parameter already has that name.
pub(crate) fn unused_name(f: &CachedFn, preferred: &str) -> Ident {
    if f.params.iter().any(|param| param.name == preferred) {
        format_ident!("__unokit_{}", preferred)
    } else {
        format_ident!("{}", preferred)
    }
}
