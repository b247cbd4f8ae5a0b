//! The freshness policies of `#[cached]` (refresh-ahead, fail-safe, timeouts,
//! jitter, a time to live for `None`): their rules, and what they add to the
//! cache's configuration; the body they need is written in [`body`](super::body).

use super::options::{
    CACHE_NONE, ERROR_BACKOFF, HARD_TIMEOUT, JITTER, KEY, NONE_TTL, REFRESH_AHEAD, STALE_IF_ERROR,
    TIMEOUT, TTL,
};
use super::parse::CachedFn;
use super::shape::Mode;
use crate::common::ctxt::Ctxt;
use crate::common::options::Given;
use proc_macro2::{Literal, Span, TokenStream};
use quote::{format_ident, quote};
use std::time::Duration;

/// The policies as given, checked.
#[derive(Default)]
pub(crate) struct Policy {
    /// Thousandths of the time to live.
    pub(super) refresh_ahead: Option<u16>,
    stale_if_error: Option<Duration>,
    error_backoff: Option<Duration>,
    timeout: Option<Duration>,
    /// With the option's span, where a missing `From<Timeout>` is reported.
    pub(super) hard_timeout: Option<(Duration, Span)>,
    /// Thousandths of the time to live, either way.
    jitter: Option<u16>,
    pub(crate) none_ttl: Option<Duration>,
}

impl Policy {
    /// Whether misses load through the policies' path, which runs the body from
    /// an owned key, in the background when needed.
    pub(crate) fn loads_in_background(&self) -> bool {
        self.refresh_ahead.is_some()
            || self.stale_if_error.is_some()
            || self.timeout.is_some()
            || self.hard_timeout.is_some()
    }
}

/// Checks the policies' rules, recording each broken one.
pub(crate) fn check(cx: &Ctxt, f: &CachedFn) -> Policy {
    let options = &f.options;
    let is_async = f.item.sig.asyncness.is_some();
    let returns_result = f
        .returns()
        .is_some_and(|returns| returns.mode == Mode::OkOnly);
    let has_ttl = options.ttl.is_some();
    let span_of = |given: &Option<Given<Duration>>| given.as_ref().map(|given| given.span);
    let async_only = [
        (
            REFRESH_AHEAD,
            options.refresh_ahead.as_ref().map(|given| given.span),
        ),
        (STALE_IF_ERROR, span_of(&options.stale_if_error)),
        (ERROR_BACKOFF, span_of(&options.error_backoff)),
        (TIMEOUT, span_of(&options.timeout)),
        (HARD_TIMEOUT, span_of(&options.hard_timeout)),
    ];
    for (name, span) in async_only {
        if let Some(span) = span
            && !is_async
        {
            cx.error_span(span, format!("`{name}` needs an `async fn`: its cache runs the body in the background on the tokio runtime; make the function `async`, or remove `{name}`"));
        }
    }
    for (name, span) in [
        (
            REFRESH_AHEAD,
            options.refresh_ahead.as_ref().map(|given| given.span),
        ),
        (STALE_IF_ERROR, span_of(&options.stale_if_error)),
        (TIMEOUT, span_of(&options.timeout)),
        (JITTER, options.jitter.as_ref().map(|given| given.span)),
    ] {
        if let Some(span) = span
            && !has_ttl
        {
            cx.error_span(span, format!("`{name}` works on entries that expire; give a time to live, such as `{TTL} = \"5m\"`"));
        }
    }
    for (name, span) in [
        (STALE_IF_ERROR, span_of(&options.stale_if_error)),
        (HARD_TIMEOUT, span_of(&options.hard_timeout)),
    ] {
        if let Some(span) = span
            && !returns_result
        {
            cx.error_span(span, format!("`{name}` needs a function that returns a `Result`: it decides what an error returns; return `Result<T, E>`, or remove `{name}`"));
        }
    }
    for given in [
        &options.stale_if_error,
        &options.timeout,
        &options.hard_timeout,
        &options.none_ttl,
    ]
    .into_iter()
    .flatten()
    {
        if given.value.is_zero() {
            cx.error_span(given.span, "a duration of zero turns this policy into an error or a miss every time; give a positive duration such as \"1s\"");
        }
    }
    let refresh_ahead = options.refresh_ahead.as_ref().and_then(|given| {
        if given.value > 0.0 && given.value < 1.0 {
            Some(permille(given.value))
        } else {
            cx.error_span(given.span, format!("`{REFRESH_AHEAD}` is the fraction of the time to live after which a read refreshes the entry; give a number between 0 and 1, such as `{REFRESH_AHEAD} = 0.8`"));
            None
        }
    });
    let jitter = options.jitter.as_ref().and_then(|given| {
        if given.value > 0.0 && given.value < 100.0 {
            Some(permille(given.value / 100.0))
        } else {
            cx.error_span(given.span, format!("`{JITTER}` spreads the time to live by a percentage either way; give one above 0% and below 100%, such as `{JITTER} = \"10%\"`"));
            None
        }
    });
    if let Some(backoff) = &options.error_backoff
        && options.stale_if_error.is_none()
        && options.refresh_ahead.is_none()
    {
        cx.error_span(backoff.span, format!("`{ERROR_BACKOFF}` is how long a failing key is not retried while `{STALE_IF_ERROR}` serves its stale value; add `{STALE_IF_ERROR}`, or remove `{ERROR_BACKOFF}`"));
    }
    if let (Some(soft), Some(hard)) = (&options.timeout, &options.hard_timeout)
        && hard.value <= soft.value
    {
        cx.error_span(hard.span, format!("`{HARD_TIMEOUT}` must be longer than `{TIMEOUT}`: past the soft timeout a stale value is served, past the hard one an error"));
    }
    if let Some(none_ttl) = &options.none_ttl
        && options.cache_none.is_none()
    {
        cx.error_span(none_ttl.span, format!("`{NONE_TTL}` is the time to live of cached `None` results, which only `{CACHE_NONE}` caches; add `{CACHE_NONE}`, or remove `{NONE_TTL}`"));
    }
    let policy = Policy {
        refresh_ahead,
        stale_if_error: options.stale_if_error.as_ref().map(|given| given.value),
        error_backoff: options.error_backoff.as_ref().map(|given| given.value),
        timeout: options.timeout.as_ref().map(|given| given.value),
        hard_timeout: options
            .hard_timeout
            .as_ref()
            .map(|given| (given.value, given.span)),
        jitter,
        none_ttl: options.none_ttl.as_ref().map(|given| given.value),
    };
    if policy.loads_in_background() && is_async {
        check_key_rebuilds_call(cx, f);
    }
    policy
}

/// A fraction in thousandths, from 1 to 999: what `with_jitter` and
/// `with_refresh_ahead` take.
#[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
pub(crate) fn permille(fraction: f64) -> u16 {
    (fraction * 1000.0).round().clamp(1.0, 999.0) as u16
}

/// The background paths call the body again from the owned key alone, so the key
/// must hold every argument, as the body takes them.
pub(super) fn check_key_rebuilds_call(cx: &Ctxt, f: &CachedFn) {
    const WHY: &str = "the cache's refresh, fail-safe, timeouts and pre-warming run the body again from the cache key alone";
    if let Some(receiver) = f.item.sig.receiver() {
        cx.error_at(receiver, format!("{WHY}, which cannot hold `self`; cache a function without `self`, e.g. one taking the fields it needs"));
    } else if let Some(key) = &f.options.key {
        cx.error_span(
            key.span,
            format!("{WHY}, which with `{KEY} = ...` is not made of the arguments; remove `{KEY}`"),
        );
    } else if let Some(param) = f.params.iter().find(|param| param.skip.is_some()) {
        let name = &param.name;
        cx.error_at(&param.ty, format!("{WHY}, which leaves out the skipped `{name}`; keep `{name}` in the key, or cache a function without it"));
    } else if f.key().is_erased() {
        cx.error_at(
            &f.item.sig.ident,
            format!("{WHY}, whose type names `Self` here; write the type's name instead"),
        );
    }
}

/// The configuration calls the policies add to `CacheConfig::new()`.
pub(crate) fn config_calls(policy: &Policy) -> TokenStream {
    let duration = |method: &str, given: Option<Duration>| {
        given.map(|duration| {
            let method = format_ident!("{}", method);
            let millis = Literal::u128_unsuffixed(duration.as_millis());
            quote!(.#method(::core::time::Duration::from_millis(#millis)))
        })
    };
    let fraction = |method: &str, given: Option<u16>| {
        given.map(|permille| {
            let method = format_ident!("{}", method);
            let permille = Literal::u16_unsuffixed(permille);
            quote!(.#method(#permille))
        })
    };
    let calls = [
        fraction("with_refresh_ahead", policy.refresh_ahead),
        duration("with_stale_if_error", policy.stale_if_error),
        duration("with_error_backoff", policy.error_backoff),
        duration("with_timeout", policy.timeout),
        duration(
            "with_hard_timeout",
            policy.hard_timeout.map(|(hard, _)| hard),
        ),
        fraction("with_jitter", policy.jitter),
        duration("with_none_ttl", policy.none_ttl),
    ];
    quote!(#(#calls)*)
}
