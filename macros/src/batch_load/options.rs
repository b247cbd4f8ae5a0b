//! The arguments of `#[batch_load(...)]`.

use crate::common::ctxt::Ctxt;
use crate::common::options::Given;
use crate::common::options::{
    read_count, read_duration, read_flag, read_fraction, read_percent, set,
    unknown as unknown_option,
};
use proc_macro2::TokenStream;
use std::time::Duration;
use syn::Ident;
use syn::meta::ParseNestedMeta;
use syn::parse::Parser;

pub(crate) const MAX_BATCH: &str = "max_batch";
pub(crate) const WINDOW: &str = "window";
pub(crate) const CAPACITY: &str = "capacity";
pub(crate) const TTL: &str = "ttl";
pub(crate) const NO_CACHE: &str = "no_cache";
pub(crate) const LOADER: &str = "loader";
pub(crate) const JITTER: &str = "jitter";
pub(crate) const STALE_IF_ERROR: &str = "stale_if_error";
pub(crate) const ERROR_BACKOFF: &str = "error_backoff";
pub(crate) const REFRESH_AHEAD: &str = "refresh_ahead";
pub(crate) const L2: &str = "l2";

const KNOWN: &[&str] = &[
    MAX_BATCH,
    WINDOW,
    CAPACITY,
    TTL,
    JITTER,
    STALE_IF_ERROR,
    ERROR_BACKOFF,
    REFRESH_AHEAD,
    NO_CACHE,
    LOADER,
    L2,
];

#[derive(Default)]
pub(crate) struct Options {
    pub(crate) max_batch: Option<Given<u64>>,
    pub(crate) window: Option<Given<Duration>>,
    pub(crate) capacity: Option<Given<u64>>,
    pub(crate) ttl: Option<Given<Duration>>,
    /// A percentage.
    pub(crate) jitter: Option<Given<f64>>,
    pub(crate) stale_if_error: Option<Given<Duration>>,
    pub(crate) error_backoff: Option<Given<Duration>>,
    /// A fraction of the time to live.
    pub(crate) refresh_ahead: Option<Given<f64>>,
    pub(crate) no_cache: Option<Given<()>>,
    pub(crate) loader: Option<Given<Ident>>,
    /// The Redis tier under the loader's cache.
    pub(crate) l2: Option<Given<()>>,
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
    match name.as_str() {
        MAX_BATCH => read_count(cx, &mut options.max_batch, MAX_BATCH, meta)?,
        CAPACITY => read_count(cx, &mut options.capacity, CAPACITY, meta)?,
        WINDOW => read_duration(cx, &mut options.window, WINDOW, meta)?,
        TTL => read_duration(cx, &mut options.ttl, TTL, meta)?,
        JITTER => read_percent(cx, &mut options.jitter, JITTER, meta)?,
        STALE_IF_ERROR => read_duration(cx, &mut options.stale_if_error, STALE_IF_ERROR, meta)?,
        ERROR_BACKOFF => read_duration(cx, &mut options.error_backoff, ERROR_BACKOFF, meta)?,
        REFRESH_AHEAD => read_fraction(cx, &mut options.refresh_ahead, REFRESH_AHEAD, meta)?,
        NO_CACHE => read_flag(cx, &mut options.no_cache, NO_CACHE, meta)?,
        L2 => read_flag(cx, &mut options.l2, L2, meta)?,
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
        _ => unknown_option(
            cx,
            meta,
            KNOWN,
            &format!("#[batch_load] takes: {}", KNOWN.join(", ")),
        )?,
    }
    Ok(())
}
