//! Checking a response against its validation rules, only where the selection
//! will serialize it.
//!
//! `#[partial_response]` reads garde's field attributes (`#[garde(length(min = 1))]`,
//! `#[garde(range(max = 100))]`, `#[garde(dive)]`, …) and writes, beside the
//! selected serializer, a check that runs a field's rules only when the
//! selection picks the field, and dives into a `dive` field under that field's
//! part of the selection. A field the response leaves out costs nothing, so
//! three selected fields of twenty are checked in about the time of three.
//!
//! The rules are garde's own functions (`garde::rules::*::apply`), so they mean
//! what they mean under `#[derive(garde::Validate)]`; that derive is optional
//! and gives the whole-object `validate()` besides. Why garde and not
//! validator: each garde rule is a public function of the value and its
//! arguments, which generated code can call one field at a time, while
//! validator's rules are reached through its derive, which checks every field.
//!
//! [`validate`] checks a value by hand; [`SelectedJson`](crate::http::SelectedJson)
//! (feature `axum`) checks before it serializes when [`checks_responses`] says
//! so: in debug builds by default, in release builds only after
//! [`check_responses(true)`](check_responses).

use super::compiled::{Pick, Selection};
use super::schema::Selectable;
use std::fmt::{self, Display, Write as _};
use std::sync::atomic::{AtomicBool, Ordering};

/// Whether responders check responses: on in debug builds, off in release.
static CHECK_RESPONSES: AtomicBool = AtomicBool::new(cfg!(debug_assertions));

/// Turns the check of selected responses on or off for the whole process
/// (responders such as [`SelectedJson`](crate::http::SelectedJson) read it).
/// It is on by default in debug builds and off in release builds, where a
/// service that wants it calls `check_responses(true)` at start-up.
pub fn check_responses(on: bool) {
    CHECK_RESPONSES.store(on, Ordering::Relaxed);
}

/// Whether responders check selected responses now: see [`check_responses`].
#[must_use]
pub fn checks_responses() -> bool {
    CHECK_RESPONSES.load(Ordering::Relaxed)
}

/// Checks the part of `value` that `selection` serializes against the
/// `#[garde(..)]` rules of its `#[partial_response]` types (feature
/// `validate`; without it, a struct with such rules does not compile).
///
/// Supported field rules: `length` (any mode), `range`, `ascii`,
/// `alphanumeric`, `email`, `url`, `ip`, `ipv4`, `ipv6`, `credit_card`,
/// `phone_number`, `required`, `contains`, `prefix`, `suffix`, `pattern`,
/// `custom` (called with the context `&()`), `dive` and `skip`; rules that need
/// garde features (`email`, `url`, `pattern`, …) need them on your `garde`
/// dependency. Write `#[derive(garde::Validate)]` below `#[partial_response]`
/// to keep the whole-object `validate()` too. Maps and `serde_json::Value`
/// are not looked into.
///
/// ```
/// # #[cfg(feature = "validate")] {
/// use unokit::partial_response;
/// use unokit::select::{Selection, validate};
///
/// #[partial_response]
/// #[derive(serde::Serialize)]
/// struct UserOut {
///     #[garde(range(min = 1))]
///     id: u64,
///     #[garde(length(min = 1, max = 40))]
///     name: String,
/// }
///
/// let user = UserOut { id: 7, name: String::new() };
/// // `name` is not sent, so its emptiness does not matter.
/// assert!(validate(&user, &Selection::parse("id")?).is_ok());
/// let error = validate(&user, &Selection::parse("id,name")?).unwrap_err();
/// assert_eq!(error.violations()[0].path(), "name");
/// assert_eq!(error.to_string(), "invalid response: `name`: length is lower than 1");
/// # }
/// # Ok::<(), unokit::select::FieldsError>(())
/// ```
///
/// # Errors
///
/// Every broken rule of a selected field, each with its path.
pub fn validate<T: Selectable + ?Sized>(
    value: &T,
    selection: &Selection<T::Root>,
) -> Result<(), InvalidResponse> {
    validate_pick(value, selection.pick())
}

/// [`validate`] under a compiled pick, for responders that hold one.
pub(crate) fn validate_pick<T: Selectable + ?Sized>(
    value: &T,
    pick: &Pick,
) -> Result<(), InvalidResponse> {
    let mut report = Violations::default();
    value.validate_selected(pick, &mut report);
    if report.found.is_empty() {
        Ok(())
    } else {
        Err(InvalidResponse {
            violations: report.found,
        })
    }
}

/// A response that breaks its own validation rules where it is selected.
#[derive(Clone, Debug)]
pub struct InvalidResponse {
    violations: Vec<Violation>,
}

impl InvalidResponse {
    /// Each broken rule, in the order the fields are serialized.
    #[must_use]
    pub fn violations(&self) -> &[Violation] {
        &self.violations
    }
}

impl Display for InvalidResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("invalid response: ")?;
        for (at, violation) in self.violations.iter().enumerate() {
            if at > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{violation}")?;
        }
        Ok(())
    }
}

impl std::error::Error for InvalidResponse {}

/// One broken rule: where, and what garde said.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Violation {
    path: String,
    message: String,
}

impl Violation {
    /// The field's path as serialized: `posts[2].author.name`.
    #[must_use]
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The rule's message.
    #[must_use]
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`{}`: {}", self.path, self.message)
    }
}

enum Segment {
    Field(&'static str),
    Index(usize),
}

/// What generated checks write into: the path down to the value being
/// checked (kept as segments, printed only when a rule breaks) and the
/// broken rules. Not public API.
#[doc(hidden)]
#[derive(Default)]
pub struct Violations {
    path: Vec<Segment>,
    found: Vec<Violation>,
}

impl Violations {
    /// Records `result` of a rule of the field serialized as `field`.
    #[inline]
    pub fn check<E: Display>(&mut self, field: &'static str, result: Result<(), E>) {
        if let Err(error) = result {
            self.broken(field, &error);
        }
    }

    #[cold]
    fn broken(&mut self, field: &'static str, error: &dyn Display) {
        self.path.push(Segment::Field(field));
        let path = self.print_path();
        self.path.pop();
        self.found.push(Violation {
            path,
            message: error.to_string(),
        });
    }

    /// Checks `value` under `pick` as the field serialized as `field`.
    #[inline]
    pub fn dive<T: Selectable + ?Sized>(&mut self, field: &'static str, value: &T, pick: &Pick) {
        self.path.push(Segment::Field(field));
        value.validate_selected(pick, self);
        self.path.pop();
    }

    /// Checks each element of a sequence under `pick`.
    #[inline]
    pub(crate) fn elements<'a, T: Selectable + 'a>(
        &mut self,
        items: impl Iterator<Item = &'a T>,
        pick: &Pick,
    ) {
        for (index, item) in items.enumerate() {
            self.path.push(Segment::Index(index));
            item.validate_selected(pick, self);
            self.path.pop();
        }
    }

    fn print_path(&self) -> String {
        let mut path = String::new();
        for segment in &self.path {
            match segment {
                Segment::Field(name) if path.is_empty() => path.push_str(name),
                Segment::Field(name) => {
                    path.push('.');
                    path.push_str(name);
                }
                Segment::Index(index) => {
                    let _ = write!(path, "[{index}]");
                }
            }
        }
        path
    }
}
