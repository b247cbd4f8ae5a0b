//! The HTTP layer of `#[partial_response]`, for axum and tower (feature `axum`):
//!
//! - [`SelectionQuery`]: the `?fields=` selection, compiled against the output
//!   type; a bad one is a 400 whose JSON body names the path and the offset.
//! - [`JsonStream`](crate::select::stream::JsonStream) is a response: large
//!   result sets stream in bounded memory as a JSON array or NDJSON.
//! - [`SelectedJson`]: a selected value as a JSON response, checked against
//!   its `#[garde(..)]` rules first in debug builds (feature `validate`).
//! - [`ResponseCache`]: a response-cache layer with canonical keys, single
//!   flight, tags, strong ETags and `304 Not Modified`.
//! - [`when`], [`short_circuit`], [`Memo`], [`memoized`]: middleware helpers.

mod cache;
mod cursor;
#[cfg(any(feature = "sqlite", feature = "postgres"))]
mod detect;
mod extract;
mod filter;
mod middleware;
mod respond;
mod stream;

pub use cache::{
    CacheTags, ResponseCache, ResponseCacheBuilder, ResponseCacheLayer, ResponseCacheService,
    ResponseCacheStats,
};
pub use cursor::{BadCursor, CursorKey, MAX_CURSOR_LEN};
#[cfg(any(feature = "sqlite", feature = "postgres"))]
pub use detect::{Detect, DetectLayer};
pub use extract::{
    FIELDS_PARAM, FieldsRejection, LenientSelectionQuery, MAX_FIELDS_LEN, SelectionQuery,
};
pub use filter::{FilterQuery, FilterRejection, MAX_QUERY_PARAMS};
pub use middleware::{
    Conditional, ConditionalFuture, ConditionalService, Memo, ShortCircuit, ShortCircuitFuture,
    ShortCircuitLayer, memoized, short_circuit, when,
};
pub use respond::SelectedJson;
