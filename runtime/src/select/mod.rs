//! Field-selected serialization: clients ask for `?fields=id,name,posts(title)`
//! and get only those fields, without the rest ever being serialized.
//!
//! 1. [`Fields::parse`] reads the text (a superset of Google's partial-response
//!    syntax) into a normal form; equal selections print the same canonical text.
//! 2. [`Fields::compile`] checks it against a type's static schema once and
//!    gives a [`Selection`]: per struct, one decision per field.
//! 3. [`Selectable::select`] wraps a value and its selection into a [`Selected`]
//!    that any serde serializer writes: skipped fields are never touched,
//!    selected ones are written with their own `Serialize`, and each child gets
//!    its own part of the selection. No `serde_json::Value` is built.
//!
//! `#[partial_response]` implements [`Selectable`] for a struct, with the static
//! schema of its serialized fields.
//!
//! # Paths below `*`
//!
//! As in Google's partial responses, a `*` followed by a path restricts: `a/*/b`
//! (= `a(*(b))`) is every field of `a`, each restricted to `b`. A field named
//! beside the `*` (`a(id,*/b)`) takes its own selection instead. Restricting a
//! value:
//!
//! - an object (a struct, a map, a JSON object) keeps the fields the
//!   restriction names, and is `{}` if it has none of them;
//! - a list is transparent: each element is restricted, and the list kept if
//!   one of its elements is an object (at any depth);
//! - a value without fields (a number, a string, `null` from a `None`, `[]`,
//!   a list of strings) cannot be restricted: under `*` it is left out.
//!
//! A `*` that selects everything restricts nothing: `*`, `*/*` (which is `*`),
//! and `*` with exclusions (`-*/secret`, `*(*,-secret)`) keep every field,
//! scalars included, and only remove what they exclude. A name written out,
//! not reached through `*`, keeps its value as before (`id/x` keeps `id` whole
//! in lenient mode; strict mode refuses it).
//!
//! An object restricted to nothing stays as `{}` rather than being left out so
//! that the typed path and [`Fields::prune_json`] agree without building the
//! value: whether a field is an object is known from its type (`None` and empty
//! lists are checked on the value), but which keys an object will have depends
//! on the value for maps, `serde_json::Value` and `skip_serializing_if` fields.
//!
//! [`Fields::compile`] (strict) does not require every field under `*` to have
//! the names (`items/*/title` is fine if one field of an item has `title`), but
//! refuses a restricting `*` that fits none of the fields it covers: `*/name`
//! where no field has a `name` is a typo. [`Fields::compile_lenient`] refuses
//! nothing.
//!
//! ```
//! use unokit::partial_response;
//! use unokit::select::{Fields, Selectable, Selection};
//!
//! #[partial_response]
//! #[derive(serde::Serialize)]
//! struct Item { id: u64, title: String, heading: Heading, owner: Owner, reviewer: Option<Owner> }
//!
//! #[partial_response]
//! #[derive(serde::Serialize)]
//! struct Heading { title: String, level: u8 }
//!
//! #[partial_response]
//! #[derive(serde::Serialize)]
//! struct Owner { name: String }
//!
//! let item = Item {
//!     id: 1,
//!     title: "t".into(),
//!     heading: Heading { title: "h".into(), level: 1 },
//!     owner: Owner { name: "o".into() },
//!     reviewer: None,
//! };
//! let selection = Selection::<Item>::parse("*/title")?;
//! let json = serde_json::to_string(&item.select(&selection)).unwrap();
//! // `id` and `title` are scalars and `reviewer` is `None`: left out.
//! assert_eq!(json, r#"{"heading":{"title":"h"},"owner":{}}"#);
//! // The reference meaning, on the full value, agrees.
//! let full = serde_json::to_value(&item).unwrap();
//! assert_eq!(Fields::parse("*/title")?.prune_json(full).to_string(), json);
//!
//! let typo = Selection::<Item>::parse("*/titel").unwrap_err();
//! assert_eq!(typo.to_string(), "no field under `*` has `titel`; select it in a field that has it (at byte 0, path `*`)");
//! # Ok::<(), unokit::select::FieldsError>(())
//! ```
//!
//! ```
//! use unokit::partial_response;
//! use unokit::select::{Fields, Selectable};
//!
//! #[partial_response]
//! #[derive(serde::Serialize)]
//! struct UserOut {
//!     id: u64,
//!     name: String,
//!     #[serde(rename = "emailAddress")]
//!     email: String,
//!     posts: Vec<PostOut>,
//! }
//!
//! #[partial_response]
//! #[derive(serde::Serialize)]
//! struct PostOut { title: String, body: String, author: Author }
//!
//! #[partial_response]
//! #[derive(serde::Serialize)]
//! struct Author { name: String, id: u64 }
//!
//! let selection = Fields::parse("id,name,posts(title,author/name)")?.compile::<UserOut>()?;
//! let user = UserOut {
//!     id: 1,
//!     name: "Ada".into(),
//!     email: "ada@example.com".into(),
//!     posts: vec![PostOut { title: "Notes".into(), body: "…".into(), author: Author { name: "Ada".into(), id: 1 } }],
//! };
//! let json = serde_json::to_string(&user.select(&selection)).unwrap();
//! assert_eq!(json, r#"{"id":1,"name":"Ada","posts":[{"title":"Notes","author":{"name":"Ada"}}]}"#);
//!
//! let typo = Fields::parse("id,emailAdress")?.compile::<UserOut>().unwrap_err();
//! assert_eq!(typo.to_string(), "`UserOut` has no field `emailAdress`; did you mean `emailAddress`? (at byte 3, path `emailAdress`)");
//! # Ok::<(), unokit::select::FieldsError>(())
//! ```

mod compiled;
mod error;
mod fields;
mod impls;
mod parse;
#[doc(hidden)]
pub mod rt;
mod schema;
mod serialize;
mod suggest;
mod validate;

pub use compiled::Selection;
#[cfg(any(feature = "sqlite", feature = "postgres"))]
pub(crate) use compiled::pick_columns;
pub use error::{FieldsError, FieldsErrorKind};
pub use fields::{Fields, MAX_NODES};
pub use impls::SelectKey;
pub use parse::MAX_DEPTH;
pub use schema::Selectable;
pub use serialize::Selected;
pub use validate::{InvalidResponse, Violation, check_responses, checks_responses, validate};

#[cfg(test)]
mod fields_limits_tests;
#[cfg(test)]
mod fields_tests;
#[cfg(feature = "stream")]
mod owned;
#[cfg(feature = "stream")]
pub mod stream;
