//! The rules a `#[batch_load]` function must follow, one check each, and the
//! loader they leave to generate.

use super::model::{Argument, Cache, Config, Ctx, L2, Loader, Millis, Policy};
use super::options::{
    CAPACITY, ERROR_BACKOFF, JITTER, L2 as L2_OPTION, MAX_BATCH, NO_CACHE, REFRESH_AHEAD,
    STALE_IF_ERROR, TTL,
};
use super::parse::{BatchLoadFn, CTX};
use crate::cached::policy::permille;
use crate::common::ctxt::Ctxt;
use crate::common::options::Given;
use crate::common::types;
use crate::common::types::ungroup;
use std::time::Duration;
use syn::{GenericParam, Type};

/// What every signature error ends with: the shape that works.
const SHAPE: &str = "a batch function looks like `async fn authors(#[ctx] pool: &Pool, ids: &[i64]) -> Result<HashMap<i64, Author>, Error>`";

/// Checks every rule and reads the loader; `None` when a rule that the loader
/// needs is broken (the error is recorded).
pub(crate) fn check<'a>(cx: &Ctxt, f: &'a BatchLoadFn) -> Option<Loader<'a>> {
    check_async(cx, f);
    check_free_function(cx, f);
    check_not_generic(cx, f);
    check_keys_param(cx, f);
    check_returns(cx, f);
    check_ctx_params(cx, f);
    check_options(cx, f);
    check_policies(cx, f);
    let config = config(cx, f)?;
    let l2 = l2(cx, f);
    let ctx = f
        .ctx_params()
        .map(|param| {
            let (stored, by_ref) = match ungroup(&param.ty) {
                Type::Reference(reference) => (&*reference.elem, true),
                owned => (owned, false),
            };
            Some(Ctx {
                name: param.name.as_ref()?,
                stored,
                by_ref,
            })
        })
        .collect::<Option<Vec<_>>>()?;
    let mut ctx_seen = 0;
    let arguments = f
        .params
        .iter()
        .map(|param| match param.ctx {
            Some(_) => {
                ctx_seen += 1;
                Argument::Ctx(ctx_seen - 1)
            }
            None => Argument::Keys,
        })
        .collect();
    let loader = f.loader_name();
    Some(Loader {
        function: &f.function,
        batch_fn: quote::format_ident!("{}Fn", loader, span = loader.span()),
        loader,
        key: f.key_type()?,
        returns: f.returns()?,
        ctx,
        arguments,
        config,
        l2,
    })
}

/// `l2` keeps each loaded value in Redis for the `ttl`: without one, it would
/// not say how long. Also checks that the key and value types are readable
/// (the schema hash is of their tokens).
fn l2(cx: &Ctxt, f: &BatchLoadFn) -> Option<L2> {
    let given = f.options.l2.as_ref()?;
    let Some(ttl) = &f.options.ttl else {
        cx.error_span(given.span, format!("`{L2_OPTION}` keeps loaded values in Redis for the `{TTL}`; give one, e.g. `{TTL} = \"10m\"`"));
        return None;
    };
    let key = f.key_type()?;
    let value = f.returns()?.value;
    Some(L2 {
        span: given.span,
        ttl: millis(cx, ttl)?,
        schema: crate::cached::l2::fnv(&quote::quote!(#key => #value).to_string()),
    })
}

/// The loader awaits the function once per batch, from a task of its own.
fn check_async(cx: &Ctxt, f: &BatchLoadFn) {
    if f.function.sig.asyncness.is_none() {
        cx.error_at(
            f.function.sig.fn_token,
            format!(
                "#[batch_load] needs an `async fn`: the loader awaits it once per batch; {SHAPE}"
            ),
        );
    }
}

/// The loader type is a new item beside the function; inside an `impl` it could
/// not be declared, and `self` cannot be stored.
fn check_free_function(cx: &Ctxt, f: &BatchLoadFn) {
    if let Some(receiver) = f.function.sig.receiver() {
        cx.error_at(receiver, "#[batch_load] goes on a free function, not a method: the loader calls it with its #[ctx] arguments; pass what `self` holds as a #[ctx] argument");
    }
}

/// The loader type names the key, value and error types, so they must be concrete.
fn check_not_generic(cx: &Ctxt, f: &BatchLoadFn) {
    for param in &f.function.sig.generics.params {
        if !matches!(param, GenericParam::Lifetime(_)) {
            cx.error_at(param, "#[batch_load] cannot be generic: the generated loader type names its key and value types; use concrete types");
        }
    }
}

/// One parameter takes the keys, as a slice: the loader passes each batch's keys
/// there and everything else is context.
fn check_keys_param(cx: &Ctxt, f: &BatchLoadFn) {
    let mut keys = f.key_params();
    let Some(first) = keys.next() else {
        cx.error_at(&f.function.sig.ident, format!("a batch function takes its keys as a slice: add a parameter `keys: &[K]` after the #[{CTX}] arguments; {SHAPE}"));
        return;
    };
    let extras: Vec<_> = keys.collect();
    if !extras.is_empty() {
        for param in std::iter::once(first).chain(extras) {
            if !is_slice(&param.ty) {
                cx.error_at(&param.pat, format!("a batch function takes one keys parameter, `&[K]`; mark this one #[{CTX}], so that the loader stores it and passes it to every call"));
            }
        }
        return;
    }
    let Some(key) = f.key_type() else {
        cx.error_at(&first.ty, format!("the keys parameter must be a slice, `&[K]`: the loader passes each batch's keys there; {SHAPE}"));
        return;
    };
    let found = types::unnameable(key, &[]);
    if let Some(span) = found.borrow {
        cx.error_span(span, "a batch key is kept by the loader (for its cache and the batches in flight), so it cannot borrow; use an owned key such as `String`");
    } else if let Some(span) = found.impl_trait {
        cx.error_span(span, "a batch key must be a concrete type");
    }
}

/// The loader takes each key's value out of the returned map.
fn check_returns(cx: &Ctxt, f: &BatchLoadFn) {
    if f.returns().is_some() {
        return;
    }
    let message = format!(
        "a batch function returns a map from key to value: `Result<HashMap<K, V>, E>`, or a `HashMap<K, V>` or `BTreeMap<K, V>` alone; keys missing from the map load as `None`; {SHAPE}"
    );
    match f.function.output() {
        Some(output) => cx.error_at(output, message),
        None => cx.error_at(&f.function.sig.ident, message),
    }
}

/// A context argument is stored in the loader and lent to every call.
fn check_ctx_params(cx: &Ctxt, f: &BatchLoadFn) {
    for param in f.ctx_params() {
        if param.name.is_none() {
            cx.error_at(&param.pat, format!("a #[{CTX}] argument needs a plain name: the loader stores it in a field of that name"));
        }
        let stored = match ungroup(&param.ty) {
            Type::Reference(reference) if reference.mutability.is_some() => {
                cx.error_at(&param.ty, format!("a #[{CTX}] argument is shared by every batch, so it cannot be `&mut`; take `&T`"));
                continue;
            }
            Type::Reference(reference) => &*reference.elem,
            owned => owned,
        };
        let found = types::unnameable(stored, &[]);
        if let Some(span) = found.borrow {
            cx.error_span(span, format!("a #[{CTX}] argument is stored in the loader, which outlives any borrow; take `&T` of an owned `T` (the loader stores the `T`), or an owned type"));
        } else if let Some(span) = found.impl_trait {
            cx.error_span(
                span,
                format!(
                    "a #[{CTX}] argument is stored in the loader, whose field needs a concrete type"
                ),
            );
        }
    }
}

/// Bounds that would make a loader that never batches or never caches.
fn check_options(cx: &Ctxt, f: &BatchLoadFn) {
    let options = &f.options;
    if let Some(max_batch) = &options.max_batch {
        if max_batch.value == 0 {
            cx.error_span(
                max_batch.span,
                format!("a batch of `{MAX_BATCH} = 0` keys can never run; give at least 1"),
            );
        } else if max_batch.value > u64::from(u32::MAX) {
            cx.error_span(max_batch.span, format!("`{MAX_BATCH}` is at most 4294967295; a batch function is called with fewer keys than that"));
        }
    }
    if let Some(capacity) = options
        .capacity
        .as_ref()
        .filter(|capacity| capacity.value == 0)
    {
        cx.error_span(capacity.span, format!("a cache with `{CAPACITY} = 0` never holds anything; give at least 1, or write `{NO_CACHE}`"));
    }
    if let Some(ttl) = options.ttl.as_ref().filter(|ttl| ttl.value.is_zero()) {
        cx.error_span(ttl.span, "an expiry of zero expires every value at once; give a positive duration such as \"30s\"");
    }
    if let Some(no_cache) = &options.no_cache
        && (options.capacity.is_some() || options.ttl.is_some())
    {
        cx.error_span(no_cache.span, format!("`{NO_CACHE}` contradicts `{CAPACITY}` and `{TTL}`, which bound a cache; keep one or the other"));
    }
}

/// The freshness policies work on the moka cache's expiring entries: the
/// per-loader cache lives one request, and nothing in it expires.
fn check_policies(cx: &Ctxt, f: &BatchLoadFn) {
    let options = &f.options;
    let span_of = |given: &Option<Given<Duration>>| given.as_ref().map(|given| given.span);
    if options.ttl.is_none() {
        for (name, span) in [
            (JITTER, options.jitter.as_ref().map(|given| given.span)),
            (STALE_IF_ERROR, span_of(&options.stale_if_error)),
            (
                REFRESH_AHEAD,
                options.refresh_ahead.as_ref().map(|given| given.span),
            ),
        ] {
            if let Some(span) = span {
                cx.error_span(span, format!("`{name}` works on cached values that expire, which only a loader with `{TTL}` has (its values live on moka across requests); add `{TTL} = \"5m\"`, or remove `{name}`"));
            }
        }
    }
    if let Some(jitter) = &options.jitter
        && !(jitter.value > 0.0 && jitter.value < 100.0)
    {
        cx.error_span(jitter.span, format!("`{JITTER}` spreads the time to live by a percentage either way; give one above 0% and below 100%, such as `{JITTER} = \"10%\"`"));
    }
    if let Some(refresh) = &options.refresh_ahead
        && !(refresh.value > 0.0 && refresh.value < 1.0)
    {
        cx.error_span(refresh.span, format!("`{REFRESH_AHEAD}` is the fraction of the time to live after which a load refreshes the value in the background; give a number between 0 and 1, such as `{REFRESH_AHEAD} = 0.8`"));
    }
    if let Some(window) = options
        .stale_if_error
        .as_ref()
        .filter(|window| window.value.is_zero())
    {
        cx.error_span(window.span, "a stale window of zero never serves a stale value; give a positive duration such as \"1h\"");
    }
    if let Some(backoff) = &options.error_backoff
        && options.stale_if_error.is_none()
    {
        cx.error_span(backoff.span, format!("`{ERROR_BACKOFF}` is how long a failed key is not fetched again while `{STALE_IF_ERROR}` serves its stale value; add `{STALE_IF_ERROR}`, or remove `{ERROR_BACKOFF}`"));
    }
}

fn is_slice(ty: &Type) -> bool {
    matches!(ungroup(ty), Type::Reference(reference) if matches!(ungroup(&reference.elem), Type::Slice(_)))
}

/// The options as the `LoaderConfig` takes them.
fn config(cx: &Ctxt, f: &BatchLoadFn) -> Option<Config> {
    let options = &f.options;
    let cache = if options.no_cache.is_some() {
        Cache::Off
    } else if options.capacity.is_some() || options.ttl.is_some() {
        Cache::Bounded {
            capacity: options.capacity.as_ref().map(|capacity| capacity.value),
            ttl: match &options.ttl {
                Some(ttl) => Some(millis(cx, ttl)?),
                None => None,
            },
            policy: Policy {
                jitter: options
                    .jitter
                    .as_ref()
                    .map(|jitter| permille(jitter.value / 100.0)),
                stale_if_error: match &options.stale_if_error {
                    Some(window) => Some(millis(cx, window)?),
                    None => None,
                },
                refresh_ahead: options
                    .refresh_ahead
                    .as_ref()
                    .map(|refresh| permille(refresh.value)),
                error_backoff: match &options.error_backoff {
                    Some(backoff) => Some(millis(cx, backoff)?),
                    None => None,
                },
            },
        }
    } else {
        Cache::PerLoader
    };
    Some(Config {
        max_batch: options.max_batch.as_ref().map(|max_batch| max_batch.value),
        window: match &options.window {
            Some(window) => Some(millis(cx, window)?),
            None => None,
        },
        cache,
    })
}

/// A duration in whole milliseconds, the unit the loader's config is written in.
fn millis(cx: &Ctxt, given: &Given<Duration>) -> Option<Millis> {
    match u64::try_from(given.value.as_millis()) {
        Ok(millis) => Some(Millis {
            millis,
            span: given.span,
        }),
        Err(_) => {
            cx.error_span(
                given.span,
                "this duration is too long: give at most 584 million years",
            );
            None
        }
    }
}
