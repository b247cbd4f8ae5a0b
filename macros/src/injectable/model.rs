//! The service as the expansion reads it: built by `validate` once every rule
//! holds, so that `expand` has nothing left to check.

use super::options::{Lifetime, Options};
use super::parse::{Field, Injectable, Style, Target, style};
use crate::common::types::last_segment_name;
use proc_macro2::{Span, TokenStream};
use quote::{ToTokens, quote};
use syn::Type;

pub(crate) struct Service<'a> {
    /// The item as written, less the `#[inject]` attributes.
    pub(crate) item: &'a Target,
    /// The type the container holds.
    pub(crate) ty: TokenStream,
    /// Its name in errors and cycle paths.
    pub(crate) name: String,
    pub(crate) kind: Kind,
    /// Where `dispose` was written: the service's `Dispose` impl is its teardown.
    pub(crate) dispose: Option<Span>,
    pub(crate) made: Made<'a>,
}

/// The runtime's kind of service: the lifetime, and for a singleton whether
/// `build()` makes it.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    EagerSingleton,
    LazySingleton,
    Scoped,
    Transient,
}

impl Kind {
    /// The kind the options give, if they give a lifetime.
    pub(crate) fn of(options: &Options) -> Option<Self> {
        Some(match options.lifetime()? {
            Lifetime::Singleton if options.eager.is_some() => Self::EagerSingleton,
            Lifetime::Singleton => Self::LazySingleton,
            Lifetime::Scoped => Self::Scoped,
            Lifetime::Transient => Self::Transient,
        })
    }
}

/// How the service is made.
pub(crate) enum Made<'a> {
    /// Field by field: each injected, or `Default` where marked.
    Fields { style: Style, fields: &'a [Field] },
    /// `Default::default()`.
    Default,
    /// A function, called with its parameters injected: `factory = path` (no
    /// parameters), or the annotated function itself.
    Factory {
        path: syn::Path,
        is_async: bool,
        params: &'a [Type],
        /// What it returns (less a `Result`), as the impls name it: `Self` for
        /// `factory = path`, the return type for a function.
        returns: TokenStream,
    },
}

impl<'a> Service<'a> {
    /// The model of a valid input; `None` only where the rules already
    /// recorded an error (no lifetime, or a factory without a return type).
    pub(crate) fn new(input: &'a Injectable) -> Option<Self> {
        let options = &input.options;
        let kind = Kind::of(options)?;
        let (ty, name, made) = match &input.target {
            Target::Struct(target) => {
                let ident = &target.item.ident;
                let made = if options.default.is_some() {
                    Made::Default
                } else if let Some((factory, _)) = &options.factory {
                    Made::Factory {
                        path: factory.path.clone(),
                        is_async: factory.is_async.is_some(),
                        params: &[],
                        returns: quote!(Self),
                    }
                } else {
                    Made::Fields {
                        style: style(&target.item.fields),
                        fields: &target.fields,
                    }
                };
                (ident.to_token_stream(), ident.to_string(), made)
            }
            Target::Fn(target) => {
                let service = target.service.as_ref()?;
                let made = Made::Factory {
                    path: target.item.sig.ident.clone().into(),
                    is_async: target.item.sig.asyncness.is_some(),
                    params: &target.params,
                    returns: service.to_token_stream(),
                };
                (service.to_token_stream(), type_name(service), made)
            }
        };
        Some(Self {
            item: &input.target,
            ty,
            name,
            kind,
            dispose: options.dispose,
            made,
        })
    }
}

/// The last segment of the service's path: its name in errors and cycle paths.
pub(crate) fn type_name(ty: &Type) -> String {
    last_segment_name(ty).unwrap_or_else(|| ty.to_token_stream().to_string())
}
