//! Paths below `*` in compiled selections: which fields a restricting `*`
//! leaves out, and strict mode's check that it fits at least one field.

use super::{Compiler, Pick};
use crate::select::error::{FieldsError, FieldsErrorKind};
use crate::select::fields::{Fields, Mask};
use crate::select::schema::{Schema, Shape};
use std::sync::Arc;

impl<'a> Compiler<'a> {
    /// What a field reached through `*` gets: under a `*` that restricts, a
    /// value without fields is left out (statically for a leaf, at run time
    /// for an option or a list).
    pub(super) fn under_star(star: &Fields, shape: Shape, pick: Pick) -> Pick {
        if star.keeps_leaves() {
            return pick;
        }
        match (shape, pick) {
            (Shape::Leaf, _) | (_, Pick::Skip) => Pick::Skip,
            (_, pick) => Pick::IfFields(Arc::new(pick)),
        }
    }

    /// Strict mode: a `*` that restricts must fit at least one of the values
    /// it covers (the shapes of the fields not named beside it).
    pub(super) fn check_star(
        &mut self,
        mask: &'a Mask,
        mut covered: impl Iterator<Item = Shape>,
    ) -> Result<(), FieldsError> {
        let Some((star, offset)) = mask.star() else {
            return Ok(());
        };
        if star.keeps_leaves() || covered.any(|shape| self.fits(star, shape)) {
            return Ok(());
        }
        let mut path = self.path.clone();
        path.push("*");
        let path = path.join("/");
        Err(FieldsError::new(
            FieldsErrorKind::UnknownField,
            offset,
            path.clone(),
            format!("no field under `{path}` has `{star}`; select it in a field that has it"),
        ))
    }

    /// Whether `fields` compiles strictly against `shape`. Remembered per
    /// (sub-selection, struct), so that `*/*/…/x` stays linear.
    fn fits(&mut self, fields: &'a Fields, shape: Shape) -> bool {
        let Some(mask) = fields.mask() else {
            return true;
        };
        match shape {
            Shape::Leaf => false,
            Shape::Dynamic => true,
            Shape::Map(value) => {
                let value = value();
                let entries_fit = mask.entries().all(|(_, entry)| {
                    let sub = entry.fields.as_ref();
                    sub.is_none_or(|sub| self.fits(sub, value))
                });
                entries_fit
                    && mask
                        .star()
                        .is_none_or(|(star, _)| star.keeps_leaves() || self.fits(star, value))
            }
            Shape::Object(schema) => {
                let key = (std::ptr::from_ref(fields), std::ptr::from_ref(schema));
                if let Some(&fits) = self.fits.get(&key) {
                    return fits;
                }
                let fits = self.fits_object(mask, schema);
                self.fits.insert(key, fits);
                fits
            }
        }
    }

    fn fits_object(&mut self, mask: &'a Mask, schema: &'static Schema) -> bool {
        for (name, entry) in mask.entries() {
            let Some(at) = schema.position(name) else {
                return false;
            };
            if let Some(sub) = &entry.fields
                && !self.fits(sub, (schema.fields[at].shape)())
            {
                return false;
            }
        }
        let Some((star, _)) = mask.star() else {
            return true;
        };
        star.keeps_leaves()
            || schema
                .fields
                .iter()
                .filter(|field| mask.entries().all(|(name, _)| name != field.name))
                .any(|field| self.fits(star, (field.shape)()))
    }
}
