//! Reads the sort enum: `#[sort(model = ...)]`, and each variant's
//! `#[sort(asc = "...")]` or `#[sort(desc = "...")]`.

use crate::common::ctxt::Ctxt;
use crate::common::options::{self, Given};
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
    let mut model: Option<Given<Path>> = None;
    for attr in input.attrs.iter().filter(|attr| attr.path().is_ident(SORT)) {
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
        model: model.map(|given| given.value),
        variants,
    })
}

fn read_variant(cx: &Ctxt, variant: syn::Variant) -> Variant {
    let mut asc: Option<Given<LitStr>> = None;
    let mut desc: Option<Given<LitStr>> = None;
    for attr in variant
        .attrs
        .iter()
        .filter(|attr| attr.path().is_ident(SORT))
    {
        let result = attr.parse_nested_meta(|meta| {
            let slot = if meta.path.is_ident("asc") {
                &mut asc
            } else if meta.path.is_ident("desc") {
                &mut desc
            } else {
                return options::unknown(cx, &meta, &["asc", "desc"], VARIANT_OPTIONS);
            };
            let name = options::option_name(&meta);
            let value: LitStr = meta.value()?.parse().map_err(|error| {
                syn::Error::new(
                    error.span(),
                    format!("`{name}` takes the column as a string: `{name} = \"...\"`"),
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
    Variant {
        fields: (!matches!(variant.fields, Fields::Unit)).then(|| variant.fields.span()),
        ident: variant.ident,
        asc: asc.map(|given| given.value),
        desc: desc.map(|given| given.value),
    }
}
