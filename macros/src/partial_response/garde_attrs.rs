//! garde's `#[garde(..)]` attributes, read so that each field's rules can run
//! only when a selection serializes the field.
//!
//! The rules are garde's own functions (`garde::rules::<rule>::apply`), called
//! with the arguments garde's derive would give them, so a rule means the same
//! here as under `#[derive(garde::Validate)]`. Rules that need more than the
//! field (`matches`, a context, struct-level `custom`) or that garde's derive
//! expands in ways a per-field call cannot follow (`inner`, `adapt`) are a
//! spanned error saying what to do instead.

use crate::common::ctxt::Ctxt;
use crate::common::item::take_attrs;
use proc_macro2::Span;
use syn::meta::ParseNestedMeta;
use syn::spanned::Spanned;
use syn::{Attribute, Expr, LitStr};

/// garde's attribute, on fields and on the struct.
pub(crate) const GARDE: &str = "garde";

/// Rules that take no arguments: `garde::rules::<name>::apply(&field, ())`.
const UNIT_RULES: &[&str] = &[
    "ascii",
    "alphanumeric",
    "email",
    "url",
    "credit_card",
    "phone_number",
    "required",
];

/// What `length(..)` measures, each a module of `garde::rules::length`.
const LENGTH_MODES: &[&str] = &["simple", "bytes", "chars", "graphemes", "utf16"];

/// The rules of one field.
#[derive(Default)]
pub(crate) struct GardeField {
    pub(crate) rules: Vec<Rule>,
    /// `#[garde(dive)]`: check the field's own rules under its part of the selection.
    pub(crate) dive: Option<Span>,
}

impl GardeField {
    pub(crate) fn is_empty(&self) -> bool {
        self.rules.is_empty() && self.dive.is_none()
    }
}

/// One rule, as the call that checks it.
pub(crate) struct Rule {
    /// The module under `garde::rules` whose `apply` checks it (`length::chars`),
    /// or `None` for `custom`.
    pub(crate) module: Option<String>,
    pub(crate) args: Args,
    pub(crate) span: Span,
}

/// The second argument of `apply`, as garde's derive writes it.
pub(crate) enum Args {
    Unit,
    /// `ip`: the `IpKind` variant.
    Ip(&'static str),
    /// `length`: `(min, max)` with `0` and `usize::MAX` for a missing bound.
    Length(Option<Expr>, Option<Expr>),
    /// `range`: `(Option<min>, Option<max>)`.
    Range(Option<Expr>, Option<Expr>),
    /// `contains`, `prefix`, `suffix`, `pattern` with an expression: `(&expr,)`.
    Ref(Expr),
    /// `pattern("..")`: a regex compiled once.
    Pattern(LitStr),
    /// `custom(f)`: `f(&field, &())`.
    Custom(Expr),
}

/// Whether the struct derives garde's `Validate`: then its `#[garde]`
/// attributes stay for that derive; otherwise this macro is their only reader
/// and takes them out.
pub(crate) fn derives_validate(attrs: &[Attribute]) -> bool {
    attrs
        .iter()
        .filter(|attr| attr.path().is_ident("derive"))
        .any(|attr| {
            let mut found = false;
            let _ = attr.parse_nested_meta(|meta| {
                found |= meta
                    .path
                    .segments
                    .last()
                    .is_some_and(|s| s.ident == "Validate");
                Ok(())
            });
            found
        })
}

/// The struct's own `#[garde(..)]`: only `allow_unvalidated` can be honoured.
pub(crate) fn container(cx: &Ctxt, attrs: &mut Vec<Attribute>, keep: bool) {
    for attr in garde_attrs(attrs, keep) {
        let result = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("allow_unvalidated") {
                return Ok(());
            }
            cx.error_span(
                meta.path.span(),
                format!(
                    "#[partial_response] checks a response one selected field at a time and cannot honour the struct-level `#[garde({})]`; keep it for garde's own `validate()` on a separate input type, or check the fields with field rules such as `#[garde(custom(..))]`",
                    path_name(&meta)
                ),
            );
            skip_args(&meta)
        });
        if let Err(error) = result {
            cx.push(error);
        }
    }
}

/// A field's `#[garde(..)]` rules.
pub(crate) fn field(cx: &Ctxt, attrs: &mut Vec<Attribute>, keep: bool) -> GardeField {
    let mut field = GardeField::default();
    let mut skip = false;
    for attr in garde_attrs(attrs, keep) {
        let result = attr.parse_nested_meta(|meta| rule(cx, &meta, &mut field, &mut skip));
        if let Err(error) = result {
            cx.push(error);
        }
    }
    if skip {
        return GardeField::default();
    }
    field
}

fn garde_attrs(attrs: &mut Vec<Attribute>, keep: bool) -> Vec<Attribute> {
    if keep {
        attrs
            .iter()
            .filter(|attr| attr.path().is_ident(GARDE))
            .cloned()
            .collect()
    } else {
        take_attrs(attrs, GARDE)
    }
}

fn rule(
    cx: &Ctxt,
    meta: &ParseNestedMeta<'_>,
    field: &mut GardeField,
    skip: &mut bool,
) -> syn::Result<()> {
    let name = path_name(meta);
    let span = meta.path.span();
    let args = match name.as_str() {
        "skip" => {
            *skip = true;
            return Ok(());
        }
        "dive" if meta.input.is_empty() || meta.input.peek(syn::Token![,]) => {
            field.dive = Some(span);
            return Ok(());
        }
        "ip" => Args::Ip("Any"),
        "ipv4" => Args::Ip("V4"),
        "ipv6" => Args::Ip("V6"),
        "length" => return length(meta, field, span),
        "range" => {
            let (min, max) = bounds(meta)?;
            Args::Range(min, max)
        }
        "contains" | "prefix" | "suffix" => Args::Ref(one_arg(meta)?),
        "pattern" => {
            let content;
            syn::parenthesized!(content in meta.input);
            if content.peek(LitStr) {
                Args::Pattern(content.parse()?)
            } else {
                Args::Ref(content.parse()?)
            }
        }
        "custom" => Args::Custom(one_arg(meta)?),
        unit if UNIT_RULES.contains(&unit) => Args::Unit,
        _ => {
            cx.error_span(
                span,
                format!(
                    "#[partial_response] cannot check `#[garde({name})]` one selected field at a time; use the field rules it supports (length, range, ascii, alphanumeric, email, url, ip, ipv4, ipv6, credit_card, phone_number, required, contains, prefix, suffix, pattern, custom, dive, skip), e.g. `#[garde(custom(my_check))]` for anything else"
                ),
            );
            return skip_args(meta);
        }
    };
    let module = match args {
        Args::Custom(_) => None,
        Args::Ip(_) => Some("ip".to_owned()),
        _ => Some(name),
    };
    field.rules.push(Rule { module, args, span });
    Ok(())
}

/// `length([mode,] min = .., max = .., equal = ..)`.
fn length(meta: &ParseNestedMeta<'_>, field: &mut GardeField, span: Span) -> syn::Result<()> {
    let mut mode = "simple";
    let mut min = None;
    let mut max = None;
    meta.parse_nested_meta(|inner| {
        let name = path_name(&inner);
        if let Some(known) = LENGTH_MODES.iter().find(|known| **known == name) {
            mode = known;
            return Ok(());
        }
        bound(&inner, &name, &mut min, &mut max)
    })?;
    field.rules.push(Rule {
        module: Some(format!("length::{mode}")),
        args: Args::Length(min, max),
        span,
    });
    Ok(())
}

/// `(min = .., max = ..)` or `(equal = ..)`.
fn bounds(meta: &ParseNestedMeta<'_>) -> syn::Result<(Option<Expr>, Option<Expr>)> {
    let mut min = None;
    let mut max = None;
    meta.parse_nested_meta(|inner| {
        let name = path_name(&inner);
        bound(&inner, &name, &mut min, &mut max)
    })?;
    Ok((min, max))
}

fn bound(
    meta: &ParseNestedMeta<'_>,
    name: &str,
    min: &mut Option<Expr>,
    max: &mut Option<Expr>,
) -> syn::Result<()> {
    let value: Expr = meta.value()?.parse()?;
    match name {
        "min" => *min = Some(value),
        "max" => *max = Some(value),
        "equal" => {
            *min = Some(value.clone());
            *max = Some(value);
        }
        _ => {
            return Err(meta.error(format!(
                "unknown bound `{name}`: garde takes `min = ..`, `max = ..` or `equal = ..`"
            )));
        }
    }
    Ok(())
}

fn one_arg(meta: &ParseNestedMeta<'_>) -> syn::Result<Expr> {
    let content;
    syn::parenthesized!(content in meta.input);
    content.parse()
}

/// Consumes an option's arguments, `(..)` or `= ..`, so that the options after
/// it are still read.
fn skip_args(meta: &ParseNestedMeta<'_>) -> syn::Result<()> {
    if meta.input.peek(syn::token::Paren) {
        let content;
        syn::parenthesized!(content in meta.input);
        let _: proc_macro2::TokenStream = content.parse()?;
    } else if meta.input.peek(syn::Token![=]) {
        let _: Expr = meta.value()?.parse()?;
    }
    Ok(())
}

fn path_name(meta: &ParseNestedMeta<'_>) -> String {
    meta.path
        .segments
        .iter()
        .map(|segment| segment.ident.to_string())
        .collect::<Vec<_>>()
        .join("::")
}
