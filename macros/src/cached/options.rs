//! The arguments of `#[cached(...)]`.

use crate::common::ctxt::Ctxt;
use crate::common::options::Given;
use crate::common::options::{
    read_count, read_duration, read_flag, set, unknown as unknown_option,
};
use proc_macro2::TokenStream;
use std::time::Duration;
use syn::Expr;
use syn::meta::ParseNestedMeta;
use syn::parse::Parser;

pub(crate) const CAPACITY: &str = "capacity";
pub(crate) const MAX_BYTES: &str = "max_bytes";
pub(crate) const TTL: &str = "ttl";
pub(crate) const TTI: &str = "tti";
pub(crate) const KEY: &str = "key";
pub(crate) const KEY_SELF: &str = "key_self";
pub(crate) const CACHE_NONE: &str = "cache_none";
pub(crate) const RESULT: &str = "result";
pub(crate) const OPTION: &str = "option";
pub(crate) const IN_IMPL: &str = "in_impl";

const KNOWN: &[&str] = &[
    CAPACITY, MAX_BYTES, TTL, TTI, KEY, KEY_SELF, CACHE_NONE, RESULT, OPTION, IN_IMPL,
];

#[derive(Default)]
pub(crate) struct Options {
    pub(crate) capacity: Option<Given<u64>>,
    pub(crate) max_bytes: Option<Given<u64>>,
    pub(crate) ttl: Option<Given<Duration>>,
    pub(crate) tti: Option<Given<Duration>>,
    pub(crate) key: Option<Given<Expr>>,
    pub(crate) key_self: Option<Given<()>>,
    pub(crate) cache_none: Option<Given<()>>,
    pub(crate) result: Option<Given<()>>,
    pub(crate) option: Option<Given<()>>,
    pub(crate) in_impl: Option<Given<()>>,
}

/// Reads every option, recording each mistake and going on to the next option.
pub(crate) fn parse(cx: &Ctxt, args: TokenStream) -> Options {
    let mut options = Options::default();
    let parser = syn::meta::parser(|meta| {
        read_option(cx, &mut options, &meta)?;
        Ok(())
    });
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
        CAPACITY => read_count(cx, &mut options.capacity, CAPACITY, meta)?,
        MAX_BYTES => read_count(cx, &mut options.max_bytes, MAX_BYTES, meta)?,
        TTL => read_duration(cx, &mut options.ttl, TTL, meta)?,
        TTI => read_duration(cx, &mut options.tti, TTI, meta)?,
        KEY => {
            let value: Expr = meta.value()?.parse()?;
            set(cx, &mut options.key, KEY, Given { value, span });
        }
        KEY_SELF => read_flag(cx, &mut options.key_self, KEY_SELF, meta)?,
        CACHE_NONE => read_flag(cx, &mut options.cache_none, CACHE_NONE, meta)?,
        RESULT => read_flag(cx, &mut options.result, RESULT, meta)?,
        OPTION => read_flag(cx, &mut options.option, OPTION, meta)?,
        IN_IMPL => read_flag(cx, &mut options.in_impl, IN_IMPL, meta)?,
        _ => unknown_option(
            cx,
            meta,
            KNOWN,
            &format!("#[cached] takes: {}", KNOWN.join(", ")),
        )?,
    }
    Ok(())
}
