//! The serde attributes that change what a struct serializes: names, skipped
//! fields, and the few features a field-by-field serializer cannot honour.
//!
//! Everything else (`default`, `alias`, `deserialize_with`, `bound`, …) concerns
//! deserialization or does not change the output, and is passed over.

use super::rename::RenameRule;
use crate::common::ctxt::Ctxt;
use proc_macro2::{Span, TokenStream};
use syn::meta::ParseNestedMeta;
use syn::spanned::Spanned;
use syn::{Attribute, ExprPath, LitStr, Token};

const SERDE: &str = "serde";

/// serde container options that reshape the output; each with what to do instead.
const UNSUPPORTED_CONTAINER: &[(&str, &str)] = &[
    (
        "transparent",
        "a transparent struct serializes as its one field; select into that field's type instead",
    ),
    (
        "into",
        "the struct serializes as another type; put #[partial_response] on that type",
    ),
    (
        "remote",
        "a remote definition serializes another crate's type; put #[partial_response] on a local output type",
    ),
    (
        "tag",
        "an internally tagged struct gains a tag field the schema cannot name; add the tag as an ordinary field",
    ),
];

/// serde field options that reshape the output; each with what to do instead.
const UNSUPPORTED_FIELD: &[(&str, &str)] = &[
    (
        "flatten",
        "a flattened field's keys join the parent's, which a static schema cannot list; declare those fields in this struct",
    ),
    (
        "serialize_with",
        "a custom serializer's output has no schema; wrap the field in a newtype that implements Serialize and mark it #[partial(leaf)]",
    ),
    (
        "with",
        "a custom serializer's output has no schema; wrap the field in a newtype that implements Serialize and mark it #[partial(leaf)]",
    ),
    (
        "getter",
        "getters serve remote definitions; put #[partial_response] on a local output type",
    ),
];

#[derive(Default)]
pub(crate) struct ContainerAttrs {
    pub(crate) rename_all: Option<RenameRule>,
}

#[derive(Default)]
pub(crate) struct FieldAttrs {
    pub(crate) rename: Option<String>,
    pub(crate) skip: bool,
    pub(crate) skip_if: Option<ExprPath>,
}

pub(crate) fn container(cx: &Ctxt, attrs: &[Attribute]) -> ContainerAttrs {
    let mut out = ContainerAttrs::default();
    for attr in serde_attrs(attrs) {
        let result = attr.parse_nested_meta(|meta| {
            let name = meta_name(&meta);
            if name == "rename_all" {
                // An unknown rule is reported by serde's derive; saying it twice helps no one.
                if let Some(rule) = serialize_value(&meta)? {
                    out.rename_all = RenameRule::from_name(&rule.value());
                }
            } else if let Some((_, why)) = UNSUPPORTED_CONTAINER.iter().find(|(n, _)| *n == name) {
                cx.error_at(
                    &meta.path,
                    format!("#[partial_response] does not support #[serde({name})]: {why}"),
                );
                skip_value(&meta)?;
            } else {
                skip_value(&meta)?;
            }
            Ok(())
        });
        if let Err(error) = result {
            cx.push(error);
        }
    }
    out
}

pub(crate) fn field(cx: &Ctxt, attrs: &[Attribute]) -> FieldAttrs {
    let mut out = FieldAttrs::default();
    for attr in serde_attrs(attrs) {
        let result = attr.parse_nested_meta(|meta| {
            let name = meta_name(&meta);
            match name.as_str() {
                "rename" => {
                    if let Some(rename) = serialize_value(&meta)? {
                        out.rename = Some(rename.value());
                    }
                }
                "skip" | "skip_serializing" => out.skip = true,
                "skip_serializing_if" => {
                    let path: LitStr = meta.value()?.parse()?;
                    out.skip_if = Some(path.parse()?);
                }
                _ => {
                    if let Some((_, why)) = UNSUPPORTED_FIELD.iter().find(|(n, _)| *n == name) {
                        cx.error_at(
                            &meta.path,
                            format!("#[partial_response] does not support #[serde({name})]: {why}"),
                        );
                    }
                    skip_value(&meta)?;
                }
            }
            Ok(())
        });
        if let Err(error) = result {
            cx.push(error);
        }
    }
    out
}

fn serde_attrs(attrs: &[Attribute]) -> impl Iterator<Item = &Attribute> {
    attrs.iter().filter(|attr| attr.path().is_ident(SERDE))
}

fn meta_name(meta: &ParseNestedMeta<'_>) -> String {
    meta.path
        .get_ident()
        .map(ToString::to_string)
        .unwrap_or_default()
}

/// `key = "value"` or `key(serialize = "value", deserialize = "...")`: the
/// serialize side, if given.
fn serialize_value(meta: &ParseNestedMeta<'_>) -> syn::Result<Option<LitStr>> {
    if meta.input.peek(Token![=]) {
        return Ok(Some(meta.value()?.parse()?));
    }
    let mut serialize = None;
    meta.parse_nested_meta(|inner| {
        if inner.path.is_ident("serialize") {
            serialize = Some(inner.value()?.parse()?);
        } else {
            skip_value(&inner)?;
        }
        Ok(())
    })?;
    Ok(serialize)
}

/// Passes over an option's value, whatever its form.
fn skip_value(meta: &ParseNestedMeta<'_>) -> syn::Result<()> {
    if meta.input.peek(Token![=]) {
        meta.value()?.parse::<syn::Expr>()?;
    } else if meta.input.peek(syn::token::Paren) {
        let content;
        syn::parenthesized!(content in meta.input);
        content.parse::<TokenStream>()?;
    }
    Ok(())
}

/// Where a `#[derive(...)]` lists `Serialize` (as `Serialize` or a path ending in it).
pub(crate) fn derives_serialize(attrs: &[Attribute]) -> Option<Span> {
    attrs
        .iter()
        .filter(|attr| attr.path().is_ident("derive"))
        .find_map(|attr| {
            let mut found = None;
            let _ = attr.parse_nested_meta(|meta| {
                if meta
                    .path
                    .segments
                    .last()
                    .is_some_and(|s| s.ident == "Serialize")
                {
                    found = Some(meta.path.span());
                }
                Ok(())
            });
            found
        })
}
