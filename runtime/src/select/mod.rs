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
