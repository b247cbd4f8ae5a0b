//! The arguments of `#[batch_load(...)]`.

use crate::common::ctxt::Ctxt;
use crate::common::{duration, suggest};
use proc_macro2::{Span, TokenStream};
use std::time::Duration;
use syn::meta::ParseNestedMeta;
use syn::parse::Parser;
use syn::{Expr, Ident, LitInt, LitStr};

pub(crate) const MAX_BATCH: &str = "max_batch";
pub(crate) const WINDOW: &str = "window";
pub(crate) const CAPACITY: &str = "capacity";
pub(crate) const TTL: &str = "ttl";
pub(crate) const NO_CACHE: &str = "no_cache";
pub(crate) const LOADER: &str = "loader";

const KNOWN: &[&str] = &[MAX_BATCH, WINDOW, CAPACITY, TTL, NO_CACHE, LOADER];

/// A value given in the attribute, with where it was given.
pub(crate) struct Given<T> {
    pub(crate) value: T,
    pub(crate) span: Span,
}

#[derive(Default)]
pub(crate) struct Options {
    pub(crate) max_batch: Option<Given<u64>>,
    pub(crate) window: Option<Given<Duration>>,
    pub(crate) capacity: Option<Given<u64>>,
    pub(crate) ttl: Option<Given<Duration>>,
    pub(crate) no_cache: Option<Given<()>>,
    pub(crate) loader: Option<Given<Ident>>,
}

/// Reads every option, recording each mistake and going on to the next one.
pub(crate) fn parse(cx: &Ctxt, args: TokenStream) -> Options {
    let mut options = Options::default();
    let parser = syn::meta::parser(|meta| read_option(cx, &mut options, &meta));
    if let Err(error) = parser.parse2(args) {
        cx.push(error);
    }
    options
}

fn read_option(cx: &Ctxt, options: &mut Options, meta: &ParseNestedMeta<'_>) -> syn::Result<()> {
    let name = meta
        .path
        .get_ident()
        .map(ToString::to_string)
        .unwrap_or_default();
    let span = syn::spanned::Spanned::span(&meta.path);
    match name.as_str() {
        MAX_BATCH => read_count(cx, &mut options.max_batch, MAX_BATCH, meta)?,
        CAPACITY => read_count(cx, &mut options.capacity, CAPACITY, meta)?,
        WINDOW => read_duration(cx, &mut options.window, WINDOW, meta)?,
        TTL => read_duration(cx, &mut options.ttl, TTL, meta)?,
        NO_CACHE => {
            if meta.input.peek(syn::Token![=]) {
                let value: Expr = meta.value()?.parse()?;
                cx.error_at(
                    value,
                    format!("`{NO_CACHE}` takes no value; write just `{NO_CACHE}`"),
                );
            }
            set(
                cx,
                &mut options.no_cache,
                NO_CACHE,
                Given { value: (), span },
            );
        }
        LOADER => {
            let value: Ident = meta.value()?.parse().map_err(|error| {
                syn::Error::new(
                    error.span(),
                    format!("`{LOADER}` takes the loader type's name: `{LOADER} = AuthorLoader`"),
                )
            })?;
            let span = value.span();
            set(cx, &mut options.loader, LOADER, Given { value, span });
        }
        _ => {
            let hint = suggest::closest(&name, KNOWN)
                .map(|known| format!("did you mean `{known}`? "))
                .unwrap_or_default();
            cx.error_at(
                &meta.path,
                format!(
                    "unknown option `{name}`; {hint}#[batch_load] takes: {}",
                    KNOWN.join(", ")
                ),
            );
            if meta.input.peek(syn::Token![=]) {
                meta.value()?.parse::<Expr>()?;
            }
        }
    }
    Ok(())
}

fn set<T>(cx: &Ctxt, slot: &mut Option<Given<T>>, name: &str, given: Given<T>) {
    if slot.is_some() {
        cx.error_span(given.span, format!("`{name}` is given twice; keep one"));
    } else {
        *slot = Some(given);
    }
}

fn read_count(
    cx: &Ctxt,
    slot: &mut Option<Given<u64>>,
    name: &str,
    meta: &ParseNestedMeta<'_>,
) -> syn::Result<()> {
    let literal: LitInt = meta.value()?.parse().map_err(|error| {
        syn::Error::new(
            error.span(),
            format!("`{name}` takes a whole number: `{name} = 500`"),
        )
    })?;
    let value = literal.base10_parse::<u64>()?;
    set(
        cx,
        slot,
        name,
        Given {
            value,
            span: literal.span(),
        },
    );
    Ok(())
}

fn read_duration(
    cx: &Ctxt,
    slot: &mut Option<Given<Duration>>,
    name: &str,
    meta: &ParseNestedMeta<'_>,
) -> syn::Result<()> {
    let literal: LitStr = meta.value()?.parse().map_err(|error| {
        syn::Error::new(
            error.span(),
            format!("`{name}` takes a string: {}", duration::EXPECTED),
        )
    })?;
    match duration::parse(&literal.value()) {
        Ok(value) => set(
            cx,
            slot,
            name,
            Given {
                value,
                span: literal.span(),
            },
        ),
        Err(message) => cx.error_at(&literal, message),
    }
    Ok(())
}
