//! Reads the filter struct: `#[filter(model = ...)]`, and each field's
//! `#[filter(op = "...", column = "...")]`.

use crate::common::ctxt::Ctxt;
use crate::common::options;
use proc_macro2::TokenStream;
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
    let model = options::read_model(cx, &input.attrs, FILTER, TYPE_OPTIONS);
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
        model,
        fields,
    })
}

fn read_field(cx: &Ctxt, field: syn::Field) -> Field {
    let [op, column] =
        options::read_strs(cx, &field.attrs, FILTER, ["op", "column"], FIELD_OPTIONS);
    Field {
        ident: field.ident.expect("named fields have names"),
        ty: field.ty,
        op,
        column,
    }
}
