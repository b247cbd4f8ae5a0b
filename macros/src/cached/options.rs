//! The arguments of `#[cached(...)]`.

use crate::common::ctxt::Ctxt;
use crate::common::options::Given;
use crate::common::options::{
    read_count, read_duration, read_flag, read_fraction, read_percent, set,
    unknown as unknown_option,
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
pub(crate) const REFRESH_AHEAD: &str = "refresh_ahead";
pub(crate) const STALE_IF_ERROR: &str = "stale_if_error";
pub(crate) const ERROR_BACKOFF: &str = "error_backoff";
pub(crate) const TIMEOUT: &str = "timeout";
pub(crate) const HARD_TIMEOUT: &str = "hard_timeout";
pub(crate) const JITTER: &str = "jitter";
pub(crate) const NONE_TTL: &str = "none_ttl";
pub(crate) const GUARD: &str = "guard";
pub(crate) const PREWARM: &str = "prewarm";
pub(crate) const L2: &str = "l2";
pub(crate) const L1_TTL: &str = "l1_ttl";
pub(crate) const LOCK: &str = "lock";
pub(crate) const TAGS: &str = "tags";

const KNOWN: &[&str] = &[
    CAPACITY,
    MAX_BYTES,
    TTL,
    TTI,
    KEY,
    KEY_SELF,
    CACHE_NONE,
    RESULT,
    OPTION,
    IN_IMPL,
    REFRESH_AHEAD,
    STALE_IF_ERROR,
    ERROR_BACKOFF,
    TIMEOUT,
    HARD_TIMEOUT,
    JITTER,
    NONE_TTL,
    GUARD,
    PREWARM,
    L2,
    L1_TTL,
    LOCK,
    TAGS,
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
    /// The fraction of the time to live after which a hit refreshes, as written.
    pub(crate) refresh_ahead: Option<Given<f64>>,
    pub(crate) stale_if_error: Option<Given<Duration>>,
    pub(crate) error_backoff: Option<Given<Duration>>,
    pub(crate) timeout: Option<Given<Duration>>,
    pub(crate) hard_timeout: Option<Given<Duration>>,
    /// The jitter in percent, as written.
    pub(crate) jitter: Option<Given<f64>>,
    pub(crate) none_ttl: Option<Given<Duration>>,
    /// An expression giving the `&KeyGuard` asked before the cache.
    pub(crate) guard: Option<Given<Expr>>,
    /// How many hot keys to track and export for pre-warming.
    pub(crate) prewarm: Option<Given<u64>>,
    /// The Redis tier under the in-process cache.
    pub(crate) l2: Option<Given<()>>,
    /// The in-process time to live with `l2` (the `ttl` is Redis's).
    pub(crate) l1_ttl: Option<Given<Duration>>,
    /// With `l2`: the longest a miss waits for the instance holding the key's
    /// distributed lock.
    pub(crate) lock: Option<Given<Duration>>,
    /// With `l2`: a function (a path or a closure) of the key's arguments and
    /// the value giving the entry's tags.
    pub(crate) tags: Option<Given<Expr>>,
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
        REFRESH_AHEAD => read_fraction(cx, &mut options.refresh_ahead, REFRESH_AHEAD, meta)?,
        STALE_IF_ERROR => read_duration(cx, &mut options.stale_if_error, STALE_IF_ERROR, meta)?,
        ERROR_BACKOFF => read_duration(cx, &mut options.error_backoff, ERROR_BACKOFF, meta)?,
        TIMEOUT => read_duration(cx, &mut options.timeout, TIMEOUT, meta)?,
        HARD_TIMEOUT => read_duration(cx, &mut options.hard_timeout, HARD_TIMEOUT, meta)?,
        JITTER => read_percent(cx, &mut options.jitter, JITTER, meta)?,
        NONE_TTL => read_duration(cx, &mut options.none_ttl, NONE_TTL, meta)?,
        PREWARM => read_count(cx, &mut options.prewarm, PREWARM, meta)?,
        L2 => read_flag(cx, &mut options.l2, L2, meta)?,
        L1_TTL => read_duration(cx, &mut options.l1_ttl, L1_TTL, meta)?,
        LOCK => read_duration(cx, &mut options.lock, LOCK, meta)?,
        TAGS => {
            let value: Expr = meta.value()?.parse()?;
            set(cx, &mut options.tags, TAGS, Given { value, span });
        }
        GUARD => {
            let value: Expr = meta.value()?.parse()?;
            set(cx, &mut options.guard, GUARD, Given { value, span });
        }
        _ => unknown_option(
            cx,
            meta,
            KNOWN,
            &format!("#[cached] takes: {}", KNOWN.join(", ")),
        )?,
    }
    Ok(())
}
