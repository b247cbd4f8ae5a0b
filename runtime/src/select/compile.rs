//! Compiling a [`Fields`] against a type's [`Shape`]: strict and lenient,
//! each (sub-selection, type) pair compiled once.

use super::super::error::{FieldsError, FieldsErrorKind};
use super::super::fields::Fields;
use super::super::schema::{Schema, Selectable, Shape};
use super::{Node, NodeKind, Pick, Selection};
use std::collections::HashMap;
use std::sync::Arc;

#[path = "star.rs"]
mod star;

impl Fields {
    /// Compiles against `T`, strictly: a name `T` does not have is an error,
    /// and so is a sub-selection inside a value without fields (`id(x)`).
    ///
    /// Under a `*` that restricts (`items/*/title`), a field the restriction
    /// does not fit is not an error (it is left out, or keeps only what fits,
    /// see [`Fields`]), as in Google's syntax; but at least one of the fields
    /// the `*` covers must fit it whole: compiling the restriction strictly
    /// against that field's type must succeed. `*/name` where no field has a
    /// `name` is a typo, not a selection.
    ///
    /// # Errors
    ///
    /// The first unknown name, impossible sub-selection, or restricting `*`
    /// that fits none of its fields, with its offset and path.
    pub fn compile<T: Selectable + ?Sized>(&self) -> Result<Selection<T>, FieldsError> {
        Compiler::default()
            .compile(self, T::shape(), Mode::Strict)
            .map(Selection::from_pick)
    }

    /// Compiles against `T`, ignoring names it does not have and treating a
    /// sub-selection inside a named value without fields as selecting it
    /// whole. (Reached through a restricting `*`, such a value is left out, as
    /// in strict mode: see [the module](crate::select#paths-below-).)
    #[must_use]
    pub fn compile_lenient<T: Selectable + ?Sized>(&self) -> Selection<T> {
        let pick = Compiler::default().compile(self, T::shape(), Mode::Lenient);
        // Lenient compilation has no error to report: an unknown name is
        // skipped and a sub-selection of a leaf selects it whole.
        Selection::from_pick(pick.unwrap_or(Pick::All))
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Strict,
    Lenient,
}

/// Compiles a [`Fields`] tree against shapes.
///
/// Under a `*`, every field of a struct is compiled against the same
/// sub-selection; a type with two fields of its own type (a tree) would make
/// that double at every level, so that a 64-byte `*/*/…/x` built 2^30 nodes.
/// Lenient compilations against a struct depend only on the sub-selection and
/// the struct, so each pair is compiled once and shared: the work is bounded
/// by the selection's nodes times the types reachable from the root. Whether a
/// restricting `*` fits one of its fields (strict mode) is remembered per pair
/// too, for the same reason.
#[derive(Default)]
struct Compiler<'a> {
    /// The names leading to what is being compiled, for strict errors.
    path: Vec<&'a str>,
    /// Lenient picks by (sub-selection, schema) address.
    shared: HashMap<(*const Fields, *const Schema), Pick>,
    /// Whether a sub-selection compiles strictly against a struct, by address.
    fits: HashMap<(*const Fields, *const Schema), bool>,
}

impl<'a> Compiler<'a> {
    fn compile(
        &mut self,
        fields: &'a Fields,
        shape: Shape,
        mode: Mode,
    ) -> Result<Pick, FieldsError> {
        let Some(mask) = fields.mask() else {
            return Ok(Pick::All);
        };
        match shape {
            Shape::Leaf if mode == Mode::Strict => Err(self.not_an_object(mask)),
            Shape::Leaf => Ok(Pick::All),
            Shape::Object(schema) if mode == Mode::Lenient => {
                let key = (std::ptr::from_ref(fields), std::ptr::from_ref(schema));
                if let Some(pick) = self.shared.get(&key) {
                    return Ok(pick.clone());
                }
                let pick = self.object(mask, schema, mode)?;
                self.shared.insert(key, pick.clone());
                Ok(pick)
            }
            Shape::Object(schema) => {
                check_names(mask.entries(), schema, &self.path)?;
                let pick = self.object(mask, schema, mode)?;
                let covered = schema
                    .fields
                    .iter()
                    .filter(|field| mask.entries().all(|(name, _)| name != field.name))
                    .map(|field| (field.shape)());
                self.check_star(mask, covered)?;
                Ok(pick)
            }
            Shape::Map(value) => {
                let pick = self.keys(mask, value(), mode)?;
                if mode == Mode::Strict {
                    self.check_star(mask, std::iter::once(value()))?;
                }
                Ok(pick)
            }
            Shape::Dynamic => self.keys(mask, Shape::Dynamic, mode),
        }
    }

    fn object(
        &mut self,
        mask: &'a super::super::fields::Mask,
        schema: &'static Schema,
        mode: Mode,
    ) -> Result<Pick, FieldsError> {
        let mut picks = Vec::with_capacity(schema.fields.len());
        for field in schema.fields {
            let (sub, sub_mode, via_star) =
                match mask.entries().find(|(name, _)| *name == field.name) {
                    Some((_, entry)) => (entry.fields.as_ref(), mode, false),
                    None => (mask.star().map(|(star, _)| star), Mode::Lenient, true),
                };
            let pick = match sub {
                None => Pick::Skip,
                Some(sub) => {
                    let shape = (field.shape)();
                    self.path.push(field.name);
                    let pick = self.compile(sub, shape, sub_mode)?;
                    self.path.pop();
                    if via_star {
                        Self::under_star(sub, shape, pick)
                    } else {
                        pick
                    }
                }
            };
            picks.push(pick);
        }
        if picks.iter().all(|pick| matches!(pick, Pick::All)) {
            return Ok(Pick::All);
        }
        let selected = picks.iter().filter(|pick| !pick.is_skip()).count();
        let conditional = picks.iter().any(|pick| matches!(pick, Pick::IfFields(_)));
        Ok(Pick::Some(Arc::new(Node {
            kind: NodeKind::Object {
                schema,
                picks: picks.into(),
                selected,
                conditional,
            },
        })))
    }

    fn keys(
        &mut self,
        mask: &'a super::super::fields::Mask,
        value: Shape,
        mode: Mode,
    ) -> Result<Pick, FieldsError> {
        let mut named = Vec::new();
        for (name, entry) in mask.entries() {
            let pick = match &entry.fields {
                None => Pick::Skip,
                Some(sub) => {
                    self.path.push(name);
                    let pick = self.compile(sub, value, mode)?;
                    self.path.pop();
                    pick
                }
            };
            named.push((Box::from(name), pick));
        }
        let others = match mask.star() {
            None => Pick::Skip,
            Some((star, _)) => {
                let pick = self.compile(star, value, Mode::Lenient)?;
                Self::under_star(star, value, pick)
            }
        };
        Ok(Pick::Some(Arc::new(Node {
            kind: NodeKind::Keys {
                named: named.into(),
                others,
            },
        })))
    }

    /// A sub-selection of a value without fields, in strict mode.
    fn not_an_object(&self, mask: &super::super::fields::Mask) -> FieldsError {
        let first = mask
            .entries()
            .next()
            .map(|(name, entry)| (name, entry.offset));
        let offset = first.map_or_else(|| mask.star().map_or(0, |(_, at)| at), |(_, at)| at);
        let path_text = self.path.join("/");
        let message = if self.path.is_empty() {
            "this value has no fields to select".to_owned()
        } else {
            format!("`{path_text}` has no fields to select; select it whole as `{path_text}`")
        };
        FieldsError::new(FieldsErrorKind::NotAnObject, offset, path_text, message)
    }
}

fn check_names<'a>(
    entries: impl Iterator<Item = (&'a str, &'a super::super::fields::Entry)>,
    schema: &Schema,
    path: &[&str],
) -> Result<(), FieldsError> {
    for (name, entry) in entries {
        if schema.position(name).is_some() {
            continue;
        }
        let known: Vec<&str> = schema.fields.iter().map(|field| field.name).collect();
        let mut full = path.to_vec();
        full.push(name);
        let hint = match super::super::suggest::closest(name, &known) {
            Some(close) => format!("; did you mean `{close}`?"),
            None => format!("; it has: {}", known.join(", ")),
        };
        return Err(FieldsError::new(
            FieldsErrorKind::UnknownField,
            entry.offset,
            full.join("/"),
            format!("`{}` has no field `{name}`{hint}", schema.type_name),
        ));
    }
    Ok(())
}
