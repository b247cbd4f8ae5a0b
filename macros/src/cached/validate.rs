//! The rules a `#[cached]` function must follow, one check each.

use super::guard::{self, Guard};
use super::l2::{self, L2Tier};
use super::options::{CACHE_NONE, CAPACITY, KEY, KEY_SELF, MAX_BYTES, OPTION, RESULT};
use super::parse::CachedFn;
use super::policy::{self, Policy};
use super::prewarm;
use super::shape::{self, Key, Mode};
use crate::common::ctxt::Ctxt;
use crate::common::types;
use std::time::Duration;
use syn::Type;

/// A `#[cached]` function that follows every rule: all that `expand` reads.
pub(crate) struct ValidFn<'a> {
    /// The function as read: its signature, attributes, parameters and body.
    pub(crate) f: &'a CachedFn,
    /// Which results are cached.
    pub(crate) mode: Mode,
    /// The type the cache stores.
    pub(crate) value: &'a Type,
    pub(crate) key: Key<'a>,
    /// Whether the function is `async`: its cache is then an `AsyncFnCache`, and
    /// the companions that reach it are `async` too.
    pub(crate) is_async: bool,
    pub(crate) bounds: Bounds,
    /// The freshness policies.
    pub(crate) policy: Policy,
    /// The key guard asked before the cache (`guard = ..`).
    pub(crate) guard: Option<Guard<'a>>,
    /// How many hot keys the cache tracks and exports (`prewarm = N`).
    pub(crate) prewarm: Option<u32>,
    /// The Redis tier under the cache (`l2`).
    pub(crate) l2: Option<L2Tier>,
}

/// The cache's bounds as given; each unset one keeps the runtime's default.
pub(crate) struct Bounds {
    pub(crate) capacity: Option<u64>,
    /// A bound in bytes, replacing the entry bound: keys and values are weighed.
    pub(crate) max_bytes: Option<u64>,
    pub(crate) ttl: Option<Duration>,
    pub(crate) tti: Option<Duration>,
}

/// Checks every rule, recording each broken one; the valid function, unless its
/// return type leaves nothing to cache (an error is then recorded).
pub(crate) fn check<'a>(cx: &Ctxt, f: &'a CachedFn) -> Option<ValidFn<'a>> {
    check_plain_fn(cx, f);
    check_cached_value(cx, f);
    check_receiver(cx, f);
    check_key_params(cx, f);
    check_key_not_all_skipped(cx, f);
    check_key_arity(cx, f);
    check_option_conflicts(cx, f);
    check_bounds(cx, f);
    let policy = policy::check(cx, f);
    let guard = guard::check(cx, f);
    let prewarm = prewarm::check(cx, f);
    let l2 = l2::check(cx, f);
    let returns = f.returns()?;
    let options = &f.options;
    Some(ValidFn {
        f,
        mode: returns.mode,
        value: returns.value,
        key: f.key(),
        is_async: f.item.sig.asyncness.is_some(),
        bounds: Bounds {
            capacity: options.capacity.as_ref().map(|given| given.value),
            max_bytes: options.max_bytes.as_ref().map(|given| given.value),
            ttl: options.ttl.as_ref().map(|given| given.value),
            tti: options.tti.as_ref().map(|given| given.value),
        },
        policy,
        guard,
        prewarm,
        l2,
    })
}

/// A `const fn` runs at compile time, where there is no cache to consult; an
/// `unsafe fn` has preconditions a cache hit would skip checking.
fn check_plain_fn(cx: &Ctxt, f: &CachedFn) {
    if let Some(constness) = &f.item.sig.constness {
        cx.error_at(constness, "#[cached] cannot be used on a `const fn`: its cache exists only at run time; remove `const`");
    }
    if let syn::Safety::Unsafe(unsafety) = &f.item.sig.safety {
        cx.error_at(
            unsafety,
            "#[cached] cannot be used on an `unsafe fn`; cache a safe function that wraps it",
        );
    }
}

/// The cache is a `static` holding owned values shared by every call and thread, so
/// the cached type must be nameable there: owned, `'static`, concrete, and
/// without `Self` (a `static` inside a method cannot name it).
fn check_cached_value(cx: &Ctxt, f: &CachedFn) {
    let Some(output) = f.item.output() else {
        cx.error_at(
            &f.item.sig.ident,
            "#[cached] needs a function that returns a value to cache; add a return type",
        );
        return;
    };
    let Some(returns) = f.returns() else {
        cx.error_at(output, "cannot see the value type of this `Result`/`Option`; write it as `Result<T, E>` or `Option<T>`, or use an alias whose first generic argument is the value type");
        return;
    };
    let value = returns.value;
    if let Type::Reference(_) = value {
        cx.error_at(value, "#[cached] stores the value it returns, so it cannot return a reference; return an owned type, e.g. `String` or `Arc<T>`");
        return;
    }
    let found = types::unnameable(value, &f.generic_names());
    if let Some(span) = found.impl_trait {
        cx.error_span(span, "#[cached] stores the value it returns in a static, which cannot name `impl Trait`; return a concrete type");
    } else if let Some(span) = found.self_type {
        cx.error_span(span, "#[cached] stores the value it returns in a static, which cannot name `Self`; write the type's name instead");
    } else if let Some(generic) = found.generic {
        cx.error_at(&generic, format!("#[cached] stores the value it returns in one static for every `{generic}`, so the value type cannot depend on `{generic}`; return a concrete type"));
    } else if let Some(span) = found.borrow {
        cx.error_span(span, "#[cached] stores the value it returns for the life of the program, so it cannot borrow; return an owned, 'static type");
    }
}

/// `&mut self` means the result may depend on state the key does not see, and the
/// key can only hold `self` through a shared reference it can clone.
fn check_receiver(cx: &Ctxt, f: &CachedFn) {
    let receiver = f.item.sig.receiver();
    if let Some(receiver) = receiver
        && (receiver.mutability.is_some() || receiver_is_mut_ref(receiver))
    {
        cx.error_at(receiver, "#[cached] methods take `&self` or `self`: with `&mut self` the result can depend on state the cache key does not see");
    }
    let Some(key_self) = &f.options.key_self else {
        return;
    };
    match receiver {
        None => cx.error_span(key_self.span, format!("`{KEY_SELF}` puts `self` into the key, but this function has no `self`; remove `{KEY_SELF}`")),
        Some(receiver) if !receiver_is_shared_ref(receiver) => cx.error_at(receiver, format!("`{KEY_SELF}` needs a `&self` receiver, which the key clones")),
        Some(_) => {}
    }
}

/// Every key parameter ends up owned inside a `static`: a `&mut` argument may be
/// changed by the call, generic and `impl Trait` types cannot be named there, and a
/// type that borrows cannot live there.
fn check_key_params(cx: &Ctxt, f: &CachedFn) {
    if f.options.key.is_some() {
        return;
    }
    let generics = f.generic_names();
    for param in f.key_params() {
        let name = &param.name;
        if let Type::Reference(reference) = types::ungroup(&param.ty)
            && reference.mutability.is_some()
        {
            cx.error_at(&param.ty, format!("`{name}` is a `&mut` argument, which cannot be part of a cache key: the call may change it; mark it #[cache(skip)] if it does not affect the result"));
            continue;
        }
        let owned = shape::referent(&param.ty).unwrap_or(&param.ty);
        let found = types::unnameable(owned, &generics);
        if let Some(span) = found.impl_trait {
            cx.error_span(span, format!("`{name}` has an `impl Trait` type, which the cache's key type cannot name; give the key as `{KEY} = <expression>`, or mark `{name}` #[cache(skip)]"));
        } else if let Some(generic) = found.generic {
            cx.error_at(&param.ty, format!("a generic function needs `{KEY} = <expression>`: one static cache serves every `{generic}`, so `{name}: {}` cannot be part of its key type; give a key whose type does not depend on `{generic}`, or mark `{name}` #[cache(skip)]", quote::quote!(#owned)));
        } else if let Some(span) = found.borrow {
            cx.error_span(span, format!("`{name}` borrows inside its type, so the cache cannot keep an owned copy as its key; pass an owned type, give `{KEY} = <expression>`, or mark it #[cache(skip)]"));
        } else if let Type::TraitObject(_) = owned {
            cx.error_at(&param.ty, format!("`{name}` is a trait object, which the cache cannot own as its key; give `{KEY} = <expression>`, or mark it #[cache(skip)]"));
        }
    }
}

/// When every argument is skipped, every call shares one entry: the function
/// becomes a constant, which is rarely what was meant.
fn check_key_not_all_skipped(cx: &Ctxt, f: &CachedFn) {
    let uses_key_option = f.options.key.is_some() || f.options.key_self.is_some();
    if !f.params.is_empty() && f.key_params().next().is_none() && !uses_key_option {
        cx.error_at(&f.item.sig.ident, format!("every argument of `{}` is #[cache(skip)], so every call would share one cache entry; keep an argument in the key, or give `{KEY} = <expression>`", f.item.sig.ident));
    }
}

/// The owned key is a tuple of the key's parts, and `CacheKey` is implemented for
/// tuples of up to twelve elements, like std's traits.
fn check_key_arity(cx: &Ctxt, f: &CachedFn) {
    const MAX_PARTS: usize = 12;
    if let Key::Args(parts) = f.key()
        && parts.len() > MAX_PARTS
    {
        cx.error_at(&f.item.sig.ident, format!("the key of `{}` would have {} parts, but at most {MAX_PARTS} are supported; group arguments into a struct that derives CacheKey, skip some, or give `{KEY} = <expression>`", f.item.sig.ident, parts.len()));
    }
}

fn check_option_conflicts(cx: &Ctxt, f: &CachedFn) {
    let options = &f.options;
    if let (Some(_), Some(key_self)) = (&options.key, &options.key_self) {
        cx.error_span(key_self.span, format!("`{KEY}` and `{KEY_SELF}` both set the key; with `{KEY} = ...`, use `self` in the expression"));
    }
    if let (Some(_), Some(option)) = (&options.result, &options.option) {
        cx.error_span(option.span, format!("`{RESULT}` and `{OPTION}` contradict each other; keep the one that matches the return type"));
    }
    if let Some(cache_none) = &options.cache_none
        && !f.returns().is_some_and(|returns| returns.is_option)
    {
        cx.error_span(cache_none.span, format!("`{CACHE_NONE}` caches `None` results, but this function does not return an `Option`; remove it, or add `{OPTION}` if the return type is an alias of `Option`"));
    }
}

/// A capacity of zero or an expiry of zero would make a cache that never hits;
/// moka keeps one bound, in entries or in bytes.
fn check_bounds(cx: &Ctxt, f: &CachedFn) {
    let options = &f.options;
    if let Some(capacity) = options
        .capacity
        .as_ref()
        .filter(|capacity| capacity.value == 0)
    {
        cx.error_span(capacity.span, "a cache with `capacity = 0` never holds anything; give at least 1, or remove #[cached]");
    }
    if let Some(bytes) = options.max_bytes.as_ref().filter(|bytes| bytes.value == 0) {
        cx.error_span(bytes.span, "a cache with `max_bytes = 0` never holds anything; give a size in bytes such as `max_bytes = 67_108_864` (64 MiB), or remove #[cached]");
    }
    if let (Some(_), Some(bytes)) = (&options.capacity, &options.max_bytes) {
        cx.error_span(bytes.span, format!("`{CAPACITY}` bounds the cache in entries and `{MAX_BYTES}` in bytes; a cache has one bound: keep `{MAX_BYTES}` for keys or values of varying size, `{CAPACITY}` otherwise"));
    }
    for duration in [&options.ttl, &options.tti].into_iter().flatten() {
        if duration.value.is_zero() {
            cx.error_span(duration.span, "an expiry of zero expires every entry at once; give a positive duration such as \"30s\"");
        }
    }
}

fn receiver_is_mut_ref(receiver: &syn::Receiver) -> bool {
    matches!(&receiver.kind, syn::ReceiverKind::Reference(_, _, Some(_)))
}

fn receiver_is_shared_ref(receiver: &syn::Receiver) -> bool {
    matches!(&receiver.kind, syn::ReceiverKind::Reference(_, _, None))
}
