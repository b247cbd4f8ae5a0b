//! Reads `#[container(Service, .., dyn Trait = Implementation)]` and the unit
//! struct it is on.

use crate::common::ctxt::Ctxt;
use crate::common::item::item_span;
use proc_macro2::TokenStream;
use syn::parse::{Parse, ParseStream, Parser};
use syn::punctuated::Punctuated;
use syn::{Item, ItemStruct, Token, Type};

pub(crate) struct ContainerInput {
    pub(crate) item: ItemStruct,
    pub(crate) entries: Vec<Entry>,
}

/// One service of the list: `Service`, or `dyn Trait = Implementation`, which
/// registers the implementation and makes `Arc<dyn Trait>` resolve to it.
pub(crate) struct Entry {
    /// The trait object of a binding.
    pub(crate) bound: Option<Type>,
    /// The service (a binding's implementation).
    pub(crate) service: Type,
}

impl Parse for Entry {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let first: Type = input.parse()?;
        if input.peek(Token![=]) {
            input.parse::<Token![=]>()?;
            Ok(Self {
                bound: Some(first),
                service: input.parse()?,
            })
        } else {
            Ok(Self {
                bound: None,
                service: first,
            })
        }
    }
}

pub(crate) fn parse(cx: &Ctxt, args: TokenStream, input: TokenStream) -> Option<ContainerInput> {
    let entries = match Punctuated::<Entry, Token![,]>::parse_terminated.parse2(args) {
        Ok(entries) => entries.into_iter().collect(),
        Err(error) => {
            cx.push(syn::Error::new(
                error.span(),
                format!(
                    "{error}; #[container] lists services by type, and trait bindings as `dyn Trait = Implementation`: #[container(Config, Db, dyn Repo = PgRepo)]"
                ),
            ));
            Vec::new()
        }
    };
    match syn::parse2::<Item>(input) {
        Ok(Item::Struct(item)) => Some(ContainerInput { item, entries }),
        Ok(other) => {
            cx.error_span(
                item_span(&other),
                "#[container] goes on a unit struct, `pub struct AppContainer;`: it writes the fields",
            );
            None
        }
        Err(error) => {
            cx.push(error);
            None
        }
    }
}
