//! Reading a macro's options: the checks every attribute makes, and the value
//! kinds several attributes share (counts, durations, flags).

use super::ctxt::Ctxt;
use super::{duration, suggest};
use proc_macro2::{Span, TokenStream};
use std::time::Duration;
use syn::meta::ParseNestedMeta;
use syn::parse::Parser;
use syn::spanned::Spanned;
use syn::{Expr, LitFloat, LitInt, LitStr};

/// A value given in an attribute, with where it was given.
pub(crate) struct Given<T> {
    pub(crate) value: T,
    pub(crate) span: Span,
}

/// Stores `value` in `slot`, or records that the option `name` was given twice.
pub(crate) fn set_once<T>(cx: &Ctxt, slot: &mut Option<T>, name: &str, span: Span, value: T) {
    if slot.is_some() {
        cx.error_span(span, format!("`{name}` is given twice; keep one"));
    } else {
        *slot = Some(value);
    }
}

/// [`set_once`] for a [`Given`] value.
pub(crate) fn set<T>(cx: &Ctxt, slot: &mut Option<Given<T>>, name: &str, given: Given<T>) {
    let span = given.span;
    set_once(cx, slot, name, span, given);
}

/// Records an unknown option, with the closest of the `known` names if it looks
/// like a typo and `what_it_takes` (e.g. "#[cached] takes: capacity, ttl"), then
/// skips the option's value so the next option can still be read.
pub(crate) fn unknown(
    cx: &Ctxt,
    meta: &ParseNestedMeta<'_>,
    known: &[&str],
    what_it_takes: &str,
) -> syn::Result<()> {
    let name = option_name(meta);
    let hint = suggest::closest(&name, known)
        .map(|known| format!("did you mean `{known}`? "))
        .unwrap_or_default();
    cx.error_at(
        &meta.path,
        format!("unknown option `{name}`; {hint}{what_it_takes}"),
    );
    if meta.input.peek(syn::Token![=]) {
        meta.value()?.parse::<Expr>()?;
    }
    Ok(())
}

/// Reads an attribute's options one by one with `read`, recording a syntax
/// error and keeping what was read before it.
pub(crate) fn read_each(
    cx: &Ctxt,
    args: TokenStream,
    mut read: impl FnMut(&ParseNestedMeta<'_>) -> syn::Result<()>,
) {
    let parser = syn::meta::parser(|meta| read(&meta));
    if let Err(error) = parser.parse2(args) {
        cx.push(error);
    }
}

/// The option's name: its identifier, or nothing for a longer path (which no
/// macro takes, so it is reported as unknown).
pub(crate) fn option_name(meta: &ParseNestedMeta<'_>) -> String {
    meta.path
        .get_ident()
        .map(ToString::to_string)
        .unwrap_or_default()
}

/// The option's value, a literal of kind `L`, or `message` at what was given
/// instead.
fn literal<L: syn::parse::Parse>(meta: &ParseNestedMeta<'_>, message: &str) -> syn::Result<L> {
    meta.value()?
        .parse()
        .map_err(|error| syn::Error::new(error.span(), message))
}

/// Reads `name = "..."`: a string (a column's name, an operator).
pub(crate) fn read_str(
    cx: &Ctxt,
    slot: &mut Option<Given<LitStr>>,
    name: &str,
    meta: &ParseNestedMeta<'_>,
) -> syn::Result<()> {
    let value: LitStr = literal(
        meta,
        &format!("`{name}` takes a string: `{name} = \"...\"`"),
    )?;
    let span = value.span();
    set(cx, slot, name, Given { value, span });
    Ok(())
}

/// The string options `names` of an item's `#[attr(...)]` attributes (a
/// field's, a variant's), in the order of `names`; `what_it_takes` is said of
/// any other option.
pub(crate) fn read_strs<const N: usize>(
    cx: &Ctxt,
    attrs: &[syn::Attribute],
    attr: &str,
    names: [&str; N],
    what_it_takes: &str,
) -> [Option<LitStr>; N] {
    let mut slots: [Option<Given<LitStr>>; N] = std::array::from_fn(|_| None);
    for attr in attrs
        .iter()
        .filter(|candidate| candidate.path().is_ident(attr))
    {
        let result = attr.parse_nested_meta(|meta| {
            match names.iter().position(|name| meta.path.is_ident(name)) {
                Some(at) => read_str(cx, &mut slots[at], names[at], &meta),
                None => unknown(cx, &meta, &names, what_it_takes),
            }
        });
        if let Err(error) = result {
            cx.push(error);
        }
    }
    slots.map(|slot| slot.map(|given| given.value))
}

/// The `model = Type` of a derive's `#[attr(...)]` attributes, the only option
/// they take; `what_it_takes` is said of any other.
pub(crate) fn read_model(
    cx: &Ctxt,
    attrs: &[syn::Attribute],
    attr: &str,
    what_it_takes: &str,
) -> Option<syn::Path> {
    let mut model: Option<Given<syn::Path>> = None;
    for attr in attrs
        .iter()
        .filter(|candidate| candidate.path().is_ident(attr))
    {
        let result = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("model") {
                let path: syn::Path = meta.value()?.parse()?;
                let span = path.span();
                set(cx, &mut model, "model", Given { value: path, span });
                Ok(())
            } else {
                unknown(cx, &meta, &["model"], what_it_takes)
            }
        });
        if let Err(error) = result {
            cx.push(error);
        }
    }
    model.map(|given| given.value)
}

/// Reads `name = 500`: a whole number.
pub(crate) fn read_count(
    cx: &Ctxt,
    slot: &mut Option<Given<u64>>,
    name: &str,
    meta: &ParseNestedMeta<'_>,
) -> syn::Result<()> {
    let number: LitInt = literal(
        meta,
        &format!("`{name}` takes a whole number: `{name} = 500`"),
    )?;
    let value = number.base10_parse::<u64>()?;
    set(
        cx,
        slot,
        name,
        Given {
            value,
            span: number.span(),
        },
    );
    Ok(())
}

/// Reads `name = "30s"`, checked at compile time.
pub(crate) fn read_duration(
    cx: &Ctxt,
    slot: &mut Option<Given<Duration>>,
    name: &str,
    meta: &ParseNestedMeta<'_>,
) -> syn::Result<()> {
    let text: LitStr = literal(
        meta,
        &format!("`{name}` takes a string: {}", duration::EXPECTED),
    )?;
    match duration::parse(&text.value()) {
        Ok(value) => set(
            cx,
            slot,
            name,
            Given {
                value,
                span: text.span(),
            },
        ),
        Err(message) => cx.error_at(&text, message),
    }
    Ok(())
}

/// Reads a fraction of the time to live, `name = 0.8`: the number, unchecked.
pub(crate) fn read_fraction(
    cx: &Ctxt,
    slot: &mut Option<Given<f64>>,
    name: &str,
    meta: &ParseNestedMeta<'_>,
) -> syn::Result<()> {
    let number: LitFloat = literal(
        meta,
        &format!("`{name}` takes a fraction of the time to live: `{name} = 0.8`"),
    )?;
    let value = number.base10_parse::<f64>()?;
    let span = number.span();
    set(cx, slot, name, Given { value, span });
    Ok(())
}

/// Reads a percentage, `name = "10%"`: the number, unchecked.
pub(crate) fn read_percent(
    cx: &Ctxt,
    slot: &mut Option<Given<f64>>,
    name: &str,
    meta: &ParseNestedMeta<'_>,
) -> syn::Result<()> {
    let message = format!("`{name}` takes a percentage of the time to live: `{name} = \"10%\"`");
    let text: LitStr = literal(meta, &message)?;
    match text
        .value()
        .trim()
        .strip_suffix('%')
        .and_then(|number| number.trim().parse::<f64>().ok())
    {
        Some(value) => set(
            cx,
            slot,
            name,
            Given {
                value,
                span: text.span(),
            },
        ),
        None => cx.error_at(&text, message),
    }
    Ok(())
}

/// Reads a flag: the option's name alone, `name = value` being an error.
pub(crate) fn read_flag(
    cx: &Ctxt,
    slot: &mut Option<Given<()>>,
    name: &str,
    meta: &ParseNestedMeta<'_>,
) -> syn::Result<()> {
    if meta.input.peek(syn::Token![=]) {
        let value: Expr = meta.value()?.parse()?;
        cx.error_at(
            value,
            format!("`{name}` takes no value; write just `{name}`"),
        );
    }
    set(
        cx,
        slot,
        name,
        Given {
            value: (),
            span: meta.path.span(),
        },
    );
    Ok(())
}
