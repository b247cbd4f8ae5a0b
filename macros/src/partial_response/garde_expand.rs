//! The `validate_selected` method of a struct with `#[garde(..)]` rules: each
//! field's rules run only when the selection picks the field, and a `dive`
//! field is checked under its own part of the selection.

use super::garde_attrs::{Args, Rule};
use super::validate::{Form, Output, Serialized};
use crate::common::paths::select::{GARDE, PICK, VIOLATIONS, WITH_VALIDATE};
use proc_macro2::{Literal, TokenStream};
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;

/// The method, or nothing when no field has a rule: the trait's default then
/// checks nothing.
pub(crate) fn validate_selected(output: &Output<'_>) -> TokenStream {
    if output.fields.iter().all(|field| field.garde.is_empty()) {
        return TokenStream::new();
    }
    // Where the error without the `validate` feature points: the first rule.
    let first = output
        .fields
        .iter()
        .find_map(|field| {
            field
                .garde
                .rules
                .first()
                .map(|rule| rule.span)
                .or(field.garde.dive)
        })
        .unwrap_or_else(proc_macro2::Span::call_site);
    let with_validate = WITH_VALIDATE.at(first);
    let count = Literal::usize_unsuffixed(output.fields.len());
    let fields = output
        .fields
        .iter()
        .enumerate()
        .filter(|(_, field)| !field.garde.is_empty())
        .map(|(at, field)| check_field(Literal::usize_unsuffixed(at), field));
    let method = quote! {
        fn validate_selected(&self, __pick: &#PICK, __report: &mut #VIOLATIONS) {
            // `None`: everything is selected, so every field is checked whole.
            let __picks = match __pick {
                #PICK::Skip => return,
                #PICK::All => ::core::option::Option::None,
                // Reached through a restricting `*`: a struct has fields, so
                // it is serialized under the inner pick.
                #PICK::IfFields(__inner) => return self.validate_selected(__inner, __report),
                #PICK::Some(__node) => match __node.object_picks::<#count>() {
                    ::core::option::Option::Some((__picks, _)) => ::core::option::Option::Some(__picks),
                    // Compiled for another type: serializing reports it.
                    ::core::option::Option::None => return,
                },
            };
            #(#fields)*
        }
    };
    // The invocation at the rule too, so that the error points there.
    quote_spanned!(first=> #with_validate! { #method })
}

fn check_field(at: Literal, field: &Serialized<'_>) -> TokenStream {
    let member = field.member;
    let name = &field.name;
    let rules = field.garde.rules.iter().map(|rule| {
        let call = call(rule, &quote!(&self.#member));
        quote_spanned!(rule.span=> __report.check(#name, #call);)
    });
    let dive = field
        .garde
        .dive
        .map(|span| quote_spanned!(span=> __report.dive(#name, &self.#member, __field);));
    // Checked when serialized: a selectable field under a restricting `*` is
    // left out when it has no fields (`None`, `[]`), as serialization does.
    let kept = match field.form {
        Form::Leaf => quote!(!__field.is_skip()),
        Form::Selected => quote_spanned!(field.ty.span()=> __field.keeps(&self.#member)),
    };
    quote! {
        {
            let __field: &#PICK = match __picks {
                ::core::option::Option::Some(__picks) => &__picks[#at],
                ::core::option::Option::None => &#PICK::All,
            };
            if #kept {
                #(#rules)*
                #dive
            }
        }
    }
}

/// `garde::rules::<module>::apply(value, args)`, as garde's derive writes it.
fn call(rule: &Rule, value: &TokenStream) -> TokenStream {
    let span = rule.span;
    let args = match &rule.args {
        Args::Custom(check) => return quote_spanned!(span=> (#check)(#value, &())),
        Args::Unit => quote!(()),
        Args::Ip(kind) => {
            let kind = syn::Ident::new(kind, span);
            quote!((#GARDE::rules::ip::IpKind::#kind,))
        }
        Args::Length(min, max) => {
            let min = min
                .as_ref()
                .map_or_else(|| quote!(0usize), |min| quote!(#min));
            let max = max
                .as_ref()
                .map_or_else(|| quote!(::core::primitive::usize::MAX), |max| quote!(#max));
            quote!((#min, #max))
        }
        Args::Range(min, max) => {
            let bound = |bound: &Option<syn::Expr>| match bound {
                Some(bound) => quote!(::core::option::Option::Some(#bound)),
                None => quote!(::core::option::Option::None),
            };
            let (min, max) = (bound(min), bound(max));
            quote!((#min, #max))
        }
        Args::Ref(expr) => quote_spanned!(span=> (&#expr,)),
        Args::Pattern(pattern) => quote!({
            static __PATTERN: #GARDE::rules::pattern::regex::StaticPattern =
                #GARDE::rules::pattern::regex::init_pattern!(#pattern);
            (&__PATTERN,)
        }),
    };
    let module: TokenStream = rule
        .module
        .as_deref()
        .unwrap_or_default()
        .parse()
        .unwrap_or_default();
    quote_spanned!(span=> #GARDE::rules::#module::apply(#value, #args))
}
