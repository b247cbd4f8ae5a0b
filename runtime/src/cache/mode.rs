//! Which results of a function are worth caching.

/// Splits a function's return value into what the cache stores and what it passes
/// through uncached.
pub trait Mode<R> {
    /// What the cache stores.
    type Value;
    /// The value to cache, or the return value itself when it must not be cached.
    ///
    /// # Errors
    ///
    /// Gives `returned` back when it is not to be cached.
    fn split(returned: R) -> Result<Self::Value, R>;
    /// The return value for a cached value.
    fn join(value: Self::Value) -> R;
    /// Whether `value` is a cached absence (a `None`), which lives the shorter
    /// `none_ttl`.
    #[inline]
    fn is_absent(_value: &Self::Value) -> bool {
        false
    }
    /// How a body that returned `returned` ended, as `tracing` tells a miss:
    /// `ok`, or `error` / `none` for what is not cached.
    #[inline]
    fn outcome(_returned: &R) -> &'static str {
        "ok"
    }
}

/// Caches every return value (and, through `#[cached(cache_none)]`, `None` too).
#[derive(Clone, Copy, Debug)]
pub struct Always;

/// Caches every `Option`, `None` under its own time to live
/// (`#[cached(cache_none, none_ttl = "30s")]`).
#[derive(Clone, Copy, Debug)]
pub struct AlwaysOrNone;

/// Caches `Ok` values; an `Err` goes back to its caller uncached.
#[derive(Clone, Copy, Debug)]
pub struct OkOnly;

/// Caches `Some` values; a `None` goes back to its caller uncached.
#[derive(Clone, Copy, Debug)]
pub struct SomeOnly;

impl<T> Mode<T> for Always {
    type Value = T;

    fn split(returned: T) -> Result<T, T> {
        Ok(returned)
    }

    fn join(value: T) -> T {
        value
    }
}

impl<T> Mode<Option<T>> for AlwaysOrNone {
    type Value = Option<T>;

    fn split(returned: Option<T>) -> Result<Option<T>, Option<T>> {
        Ok(returned)
    }

    fn join(value: Option<T>) -> Option<T> {
        value
    }

    fn is_absent(value: &Option<T>) -> bool {
        value.is_none()
    }
}

impl<T, E> Mode<Result<T, E>> for OkOnly {
    type Value = T;

    fn split(returned: Result<T, E>) -> Result<T, Result<T, E>> {
        returned.map_err(Err)
    }

    fn join(value: T) -> Result<T, E> {
        Ok(value)
    }

    fn outcome(returned: &Result<T, E>) -> &'static str {
        if returned.is_ok() { "ok" } else { "error" }
    }
}

impl<T> Mode<Option<T>> for SomeOnly {
    type Value = T;

    fn split(returned: Option<T>) -> Result<T, Option<T>> {
        returned.ok_or(None)
    }

    fn join(value: T) -> Option<T> {
        Some(value)
    }

    fn outcome(returned: &Option<T>) -> &'static str {
        if returned.is_some() { "ok" } else { "none" }
    }
}

#[cfg(test)]
mod tests {
    use super::{Always, Mode, OkOnly, SomeOnly};

    #[test]
    fn ok_only_caches_ok_values_and_passes_errors_through() {
        assert_eq!(<OkOnly as Mode<Result<u8, &str>>>::split(Ok(1)), Ok(1));
        assert_eq!(
            <OkOnly as Mode<Result<u8, &str>>>::split(Err("down")),
            Err(Err("down"))
        );
        assert_eq!(<OkOnly as Mode<Result<u8, &str>>>::join(1), Ok(1));
    }

    #[test]
    fn some_only_caches_some_values_and_always_caches_all() {
        assert_eq!(<SomeOnly as Mode<Option<u8>>>::split(Some(1)), Ok(1));
        assert_eq!(<SomeOnly as Mode<Option<u8>>>::split(None), Err(None));
        assert_eq!(<Always as Mode<Option<u8>>>::split(None), Ok(None));
    }
}
