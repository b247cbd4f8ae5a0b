//! The loader to generate, once every rule holds: what [`expand`](super::expand)
//! reads, with nothing left to check or unwrap.

use super::parse::Returns;
use crate::common::item::AnnotatedFn;
use proc_macro2::{Literal, Span};
use syn::{Ident, Type};

pub(crate) struct Loader<'a> {
    /// The function, written back unchanged beside the loader.
    pub(crate) function: &'a AnnotatedFn,
    /// The loader type's name.
    pub(crate) loader: Ident,
    /// The name of the type that implements `BatchFn` by calling the function.
    pub(crate) batch_fn: Ident,
    pub(crate) key: &'a Type,
    pub(crate) returns: Returns<'a>,
    /// The `#[ctx]` parameters, which the loader stores, in order.
    pub(crate) ctx: Vec<Ctx<'a>>,
    /// What the batch function passes for each parameter, in order.
    pub(crate) arguments: Vec<Argument>,
    pub(crate) config: Config,
    /// The Redis tier under the loader's cache: `l2`.
    pub(crate) l2: Option<L2>,
}

/// The `l2` option, checked: batches look their keys up in Redis first.
pub(crate) struct L2 {
    /// The option's name, where the error without the `redis` feature points.
    pub(crate) span: Span,
    /// How long entries live in Redis: the `ttl`.
    pub(crate) ttl: Millis,
    /// Changes with the key's and the value's types: old entries then miss.
    pub(crate) schema: u64,
}

/// A `#[ctx]` parameter: stored as `stored`, passed by reference or by clone.
pub(crate) struct Ctx<'a> {
    pub(crate) name: &'a Ident,
    pub(crate) stored: &'a Type,
    pub(crate) by_ref: bool,
}

/// One argument of the call to the function.
pub(crate) enum Argument {
    /// The batch's keys.
    Keys,
    /// The `#[ctx]` parameter at this index of [`Loader::ctx`].
    Ctx(usize),
}

/// The options, checked: what the `LoaderConfig` constant is built from.
pub(crate) struct Config {
    /// At most this many keys per batch (1 to `u32::MAX`), when given.
    pub(crate) max_batch: Option<u64>,
    pub(crate) window: Option<Millis>,
    pub(crate) cache: Cache,
}

/// Where the loader keeps its values.
pub(crate) enum Cache {
    /// In the loader, for its life: no option given.
    PerLoader,
    /// Nowhere: `no_cache`.
    Off,
    /// In moka: `capacity` and/or `ttl`.
    Bounded {
        capacity: Option<u64>,
        ttl: Option<Millis>,
        policy: Policy,
    },
}

/// The freshness policies of a moka cache, all of which need `ttl`.
#[derive(Default)]
pub(crate) struct Policy {
    /// Thousandths of the time to live, either way.
    pub(crate) jitter: Option<u16>,
    pub(crate) stale_if_error: Option<Millis>,
    pub(crate) error_backoff: Option<Millis>,
    /// Thousandths of the time to live.
    pub(crate) refresh_ahead: Option<u16>,
}

/// A duration in whole milliseconds, spanned at the string it was written as.
#[derive(Clone, Copy)]
pub(crate) struct Millis {
    pub(crate) millis: u64,
    pub(crate) span: Span,
}

impl Millis {
    /// The number, spanned at the option.
    pub(crate) fn literal(self) -> Literal {
        let mut literal = Literal::u64_unsuffixed(self.millis);
        literal.set_span(self.span);
        literal
    }
}
