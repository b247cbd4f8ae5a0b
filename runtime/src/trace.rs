//! `tracing` spans and events at the boundaries a user debugs (feature
//! `tracing`, off by default).
//!
//! Every call site in the runtime is one line calling this module; without
//! the feature the helpers are identities and no-ops, so nothing of `tracing`
//! is compiled in. With the feature and no subscriber, a helper costs the
//! check of its callsite's interest (a relaxed atomic load) on the paths
//! below; none of them runs on a hit (a `#[cached]` hit, a loader hit, a
//! singleton resolve), which stay exactly as without the feature.
//!
//! All spans and events are at `DEBUG`, but a pool timeout is a `WARN`.
//! Durations are in microseconds (`elapsed_us`). Filter with the targets,
//! e.g. `RUST_LOG=unokit::cache=debug,unokit::http=debug`.
//!
//! | Boundary | Target | Span (fields) | Event when it ends (fields) |
//! |---|---|---|---|
//! | `#[cached]` miss: the body's run | `unokit::cache` | `cached_miss` (`function`, `outcome`, `elapsed_us`) | `cached miss` (`function`, `outcome`: `ok` / `error` / `none` / `panicked` / `cancelled`, `elapsed_us`) |
//! | a batch loader's dispatch | `unokit::batch` | `batch` (`loader`, `keys`, `outcome`, `elapsed_us`) | `batch dispatched` (`loader`, `keys`, `outcome`: `ok` / `error` / `timeout` / `panicked` / `abandoned`, `elapsed_us`) |
//! | an eager-loading hop | `unokit::db` | `relation_hop` (`relation`, `parents`, `outcome`, `elapsed_us`) | `relation hop` (`relation`, `parents`, `outcome`: `ok` / `error` / `cancelled`, `elapsed_us`) |
//! | the statements of a hop's batch | `unokit::db` | — | `relation statements` (`relation`, `keys`, `statements`, `rows`) |
//! | a nested load's statement | `unokit::db` | — | `nested statement` (`model`, `statements`, `rows`) |
//! | a DI scope or container closing | `unokit::di` | — | `scope closed` (`scope`: `request` / `container`, `services`, `disposal`: `awaited` / `detached`, `elapsed_us`) |
//! | a response-cache decision | `unokit::http` | `response_cache` (`method`, `route`, `decision`, `reason`) | `response cache` (`decision`: `hit` / `miss` / `bypass`, `reason`) |
//! | a pool checkout that waited | `unokit::pool` | — | `pool wait` (`pool`, `outcome`: `ok` / `timeout` / `cancelled`, `elapsed_us`) |
//! | a pool checkout that timed out | `unokit::pool` | — | `pool timeout` (`pool`, `timeout_ms`), at `WARN` |
//!
//! The `function` of a `#[cached]` miss is the function's path,
//! `module_path!()::name` (a method's path names its module, not its type);
//! the `loader` of a batch is the batch function's type name; a response's
//! `reason` is one of `stored`, `fresh`, `method`, `range`, `credentials`,
//! `key` (too long, or an unreadable `fields`), `set-cookie`, `vary`
//! (`Vary: *` or a header the key does not vary on), `unreadable`,
//! `private`, `no-store`, `no-cache`, `status` (not storable by RFC 9111),
//! `expired`, `too-large`, `stream-failed`, `selection-refused`,
//! `not-stored-by-leader`.

#[cfg(feature = "tracing")]
mod on;
#[cfg(feature = "tracing")]
pub(crate) use on::*;

#[cfg(not(feature = "tracing"))]
mod off;
#[cfg(not(feature = "tracing"))]
pub(crate) use off::*;
