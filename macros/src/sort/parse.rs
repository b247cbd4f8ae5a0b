//! Reads the sort enum: `#[sort(model = ...)]`, and each variant's
//! `#[sort(asc = "...")]` or `#[sort(desc = "...")]`.

use crate::common::ctxt::Ctxt;
use crate::common::options;
use proc_macro2::{Span, TokenStream};
use syn::spanned::Spanned;
use syn::{Data, DeriveInput, Fields, Generics, Ident, LitStr, Path};

pub(crate) const SORT: &str = "sort";
const TYPE_OPTIONS: &str = "#[sort] on an enum takes: model = ModelType";
const VARIANT_OPTIONS: &str = "#[sort] on a variant takes: asc = \"column\" or desc = \"column\"";

pub(crate) struct Input {
    pub(crate) ident: Ident,
    pub(crate) generics: Generics,
    pub(crate) model: Option<Path>,
    pub(crate) variants: Vec<Variant>,
}

pub(crate) struct Variant {
    pub(crate) ident: Ident,
    /// Where a variant with fields has them, to report it there.
    pub(crate) fields: Option<Span>,
    pub(crate) asc: Option<LitStr>,
    pub(crate) desc: Option<LitStr>,
}

pub(crate) fn parse(cx: &Ctxt, input: TokenStream) -> Option<Input> {
    let input: DeriveInput = match syn::parse2(input) {
        Ok(input) => input,
        Err(error) => {
            cx.push(error);
            return None;
        }
    };
    let model = options::read_model(cx, &input.attrs, SORT, TYPE_OPTIONS);
    let Data::Enum(data) = input.data else {
        cx.error_at(
            &input.ident,
            "Sort is derived for an enum: one unit variant per sort key, e.g. `#[sort(desc = \"id\")] Newest`",
        );
        return None;
    };
    let variants = data
        .variants
        .into_iter()
        .map(|variant| read_variant(cx, variant))
        .collect();
    Some(Input {
        ident: input.ident,
        generics: input.generics,
        model,
        variants,
    })
}

fn read_variant(cx: &Ctxt, variant: syn::Variant) -> Variant {
    let [asc, desc] =
        options::read_strs(cx, &variant.attrs, SORT, ["asc", "desc"], VARIANT_OPTIONS);
    Variant {
        fields: (!matches!(variant.fields, Fields::Unit)).then(|| variant.fields.span()),
        ident: variant.ident,
        asc,
        desc,
    }
}
