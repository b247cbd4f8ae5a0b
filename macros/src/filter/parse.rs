//! Reads the filter struct: `#[filter(model = ...)]`, and each field's
//! `#[filter(op = "...", column = "...")]`.

use crate::common::ctxt::Ctxt;
use crate::common::options::{self, Given};
use proc_macro2::TokenStream;
use syn::spanned::Spanned;
use syn::{Data, DeriveInput, Fields, Generics, Ident, LitStr, Path, Type};

pub(crate) const FILTER: &str = "filter";
const TYPE_OPTIONS: &str = "#[filter] on a struct takes: model = ModelType";
const FIELD_OPTIONS: &str = "#[filter] on a field takes: op = \"...\", column = \"...\"";

pub(crate) struct Input {
    pub(crate) ident: Ident,
    pub(crate) generics: Generics,
    pub(crate) model: Option<Path>,
    pub(crate) fields: Vec<Field>,
}

pub(crate) struct Field {
    pub(crate) ident: Ident,
    pub(crate) ty: Type,
    pub(crate) op: Option<LitStr>,
    pub(crate) column: Option<LitStr>,
}

pub(crate) fn parse(cx: &Ctxt, input: TokenStream) -> Option<Input> {
    let input: DeriveInput = match syn::parse2(input) {
        Ok(input) => input,
        Err(error) => {
            cx.push(error);
            return None;
        }
    };
    let mut model: Option<Given<Path>> = None;
    for attr in input
        .attrs
        .iter()
        .filter(|attr| attr.path().is_ident(FILTER))
    {
        let result = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("model") {
                let path: Path = meta.value()?.parse()?;
                let span = path.span();
                options::set(cx, &mut model, "model", Given { value: path, span });
                Ok(())
            } else {
                options::unknown(cx, &meta, &["model"], TYPE_OPTIONS)
            }
        });
        if let Err(error) = result {
            cx.push(error);
        }
    }
    let Data::Struct(data) = input.data else {
        cx.error_at(
            &input.ident,
            "Filter is derived for a struct with named fields, each an `Option` of a condition's value",
        );
        return None;
    };
    let Fields::Named(named) = data.fields else {
        cx.error_at(
            &input.ident,
            "Filter needs named fields: each is named after the model's column it filters",
        );
        return None;
    };
    let fields = named
        .named
        .into_iter()
        .map(|field| read_field(cx, field))
        .collect();
    Some(Input {
        ident: input.ident,
        generics: input.generics,
        model: model.map(|given| given.value),
        fields,
    })
}

fn read_field(cx: &Ctxt, field: syn::Field) -> Field {
    let mut op: Option<Given<LitStr>> = None;
    let mut column: Option<Given<LitStr>> = None;
    for attr in field
        .attrs
        .iter()
        .filter(|attr| attr.path().is_ident(FILTER))
    {
        let result = attr.parse_nested_meta(|meta| {
            let slot = if meta.path.is_ident("op") {
                &mut op
            } else if meta.path.is_ident("column") {
                &mut column
            } else {
                return options::unknown(cx, &meta, &["op", "column"], FIELD_OPTIONS);
            };
            let name = options::option_name(&meta);
            let value: LitStr = meta.value()?.parse().map_err(|error| {
                syn::Error::new(
                    error.span(),
                    format!("`{name}` takes a string: `{name} = \"...\"`"),
                )
            })?;
            let span = value.span();
            options::set(cx, slot, &name, Given { value, span });
            Ok(())
        });
        if let Err(error) = result {
            cx.push(error);
        }
    }
    Field {
        ident: field.ident.expect("named fields have names"),
        ty: field.ty,
        op: op.map(|given| given.value),
        column: column.map(|given| given.value),
    }
}
