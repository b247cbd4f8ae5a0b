//! Building a [`Fields`] in normal form from parsed items: each level the
//! union of its inclusions minus its exclusions, within a bounded budget.

use super::{Entry, Fields, MAX_NODES, Mask, Sel};
use crate::select::error::{FieldsError, FieldsErrorKind};
use crate::select::parse::{Item, Name, Segment};
use std::collections::btree_map;

/// The normal form of a whole selection's items.
pub(super) fn build_all(items: &[Item]) -> Result<Fields, FieldsError> {
    build(items, &mut Budget(MAX_WORK))
}

/// Bounds the work a parse does beyond reading its text: nodes that exclusions
/// copy out of a `*` or walk through, which a short text can multiply. Reading
/// and merging what the text writes out is linear in the text and not counted.
///
/// At least twice [`MAX_NODES`], so that a canonical text always parses back:
/// re-reading it walks one node per exclusion and per empty level it prints.
const MAX_WORK: usize = 4 * MAX_NODES;

struct Budget(usize);

impl Budget {
    fn charge(&mut self, nodes: usize, offset: usize) -> Result<(), FieldsError> {
        self.0 = self.0.checked_sub(nodes).ok_or_else(|| {
            FieldsError::new(
                FieldsErrorKind::TooLarge,
                offset,
                "",
                format!("the selection's exclusions walk or copy more than {MAX_WORK} nodes"),
            )
        })?;
        Ok(())
    }

    /// A copy of `fields`, charged one per node it holds.
    fn copy(&mut self, fields: &Fields, offset: usize) -> Result<Fields, FieldsError> {
        self.charge(fields.nodes(MAX_WORK).max(1), offset)?;
        Ok(fields.clone())
    }
}

/// One level: the union of its inclusions, minus its exclusions. A level of
/// exclusions only starts from everything.
fn build(items: &[Item], budget: &mut Budget) -> Result<Fields, FieldsError> {
    let includes: Vec<&Item> = items.iter().filter(|item| !item.negated).collect();
    let mut fields = if includes.is_empty() {
        Fields::all()
    } else {
        Fields::only(Mask::default())
    };
    for item in includes {
        let inner = match &item.sub {
            Some(sub) => build(sub, budget)?,
            None => Fields::all(),
        };
        fields = union(fields, along(&item.path, inner));
    }
    for item in items.iter().filter(|item| item.negated) {
        fields = subtract(fields, &item.path, item.sub.as_deref(), budget)?;
    }
    Ok(fields)
}

/// `a/b/c` with `inner` inside `c`: one node per segment of the text.
fn along(path: &[Segment], inner: Fields) -> Fields {
    let mut fields = inner;
    for segment in path.iter().rev() {
        let mut mask = Mask::default();
        match &segment.name {
            Name::Star => {
                mask.star = Some(Box::new(fields));
                mask.star_offset = segment.offset;
            }
            Name::Field(name) => {
                mask.entries.insert(
                    name.clone(),
                    Entry {
                        fields: Some(fields),
                        offset: segment.offset,
                    },
                );
            }
        }
        fields = mask.tidy();
    }
    fields
}

/// The union of two selections, taking both apart: `b`'s nodes move into `a`
/// (or merge with `a`'s of the same name), so that reading a list of `n` items
/// costs what the items hold, not `n` copies of what came before them.
fn union(a: Fields, b: Fields) -> Fields {
    let (ma, mb) = match (a.inner, b.inner) {
        (Sel::All, Sel::All) => return Fields::all(),
        // `*` alone is a mask whose star selects everything: names written out
        // beside it still take their own selection.
        (Sel::All, Sel::Only(mb)) => (Mask::star_all(), mb),
        (Sel::Only(ma), Sel::All) => (ma, Mask::star_all()),
        (Sel::Only(ma), Sel::Only(mb)) => (ma, mb),
    };
    let star_offset = match (&ma.star, &mb.star) {
        (Some(_), Some(_)) => ma.star_offset.min(mb.star_offset),
        (Some(_), None) => ma.star_offset,
        _ => mb.star_offset,
    };
    let star = match (ma.star, mb.star) {
        (Some(a), Some(b)) => Some(Box::new(union(*a, *b))),
        (one, None) | (None, one) => one,
    };
    let mut entries = ma.entries;
    for (name, entry) in mb.entries {
        match entries.entry(name) {
            btree_map::Entry::Vacant(vacant) => {
                vacant.insert(entry);
            }
            // A name written out takes the union of what is written for it; the
            // other side's `*` does not reach it (the specific wins over `*`).
            btree_map::Entry::Occupied(mut occupied) => {
                let existing = occupied.get_mut();
                existing.offset = existing.offset.min(entry.offset);
                existing.fields = match (existing.fields.take(), entry.fields) {
                    (Some(a), Some(b)) => Some(union(a, b)),
                    (one, None) | (None, one) => one,
                };
            }
        }
    }
    Mask {
        star,
        star_offset,
        entries,
    }
    .tidy()
}

/// Removes `path` (with `sub` inside its last segment: `-a(b,c)` removes `a/b`
/// and `a/c`) from `fields`. Each level it walks costs one unit of the budget,
/// and each node it creates one more: `*,a,…,-*/x/y` visits every name.
fn subtract(
    fields: Fields,
    path: &[Segment],
    sub: Option<&[Item]>,
    budget: &mut Budget,
) -> Result<Fields, FieldsError> {
    let Some((first, rest)) = path.split_first() else {
        // The end of the path, with a sub-selection of what to remove inside it.
        let mut fields = fields;
        for item in sub.unwrap_or_default() {
            if item.negated {
                return Err(FieldsError::new(
                    FieldsErrorKind::Syntax,
                    item.path[0].offset,
                    "",
                    "inside an exclusion `-a(...)`, list the fields to exclude without `-`",
                ));
            }
            fields = subtract(fields, &item.path, item.sub.as_deref(), budget)?;
        }
        return Ok(fields);
    };
    budget.charge(1, first.offset)?;
    let whole = rest.is_empty() && sub.is_none();
    let mut mask = match fields.inner {
        Sel::All => {
            budget.charge(1, first.offset)?;
            Mask {
                star_offset: first.offset,
                ..Mask::star_all()
            }
        }
        Sel::Only(mask) => mask,
    };
    match &first.name {
        Name::Star if whole => {
            mask.star = None;
            mask.entries.clear();
        }
        Name::Star => {
            if let Some(star) = mask.star.take() {
                mask.star = Some(Box::new(subtract(*star, rest, sub, budget)?));
            }
            for entry in mask.entries.values_mut() {
                if let Some(fields) = entry.fields.take() {
                    entry.fields = Some(subtract(fields, rest, sub, budget)?);
                }
            }
        }
        Name::Field(name) => {
            // What `name` selects now: its own entry, taken out to be edited,
            // or a copy of what `*` gives it.
            let (current, offset) = match mask.entries.get_mut(name) {
                Some(entry) => match entry.fields.take() {
                    Some(fields) => (fields, entry.offset),
                    // Already excluded.
                    None => return Ok(mask.tidy()),
                },
                None => match mask.star.as_deref() {
                    Some(_) if whole => {
                        budget.charge(1, first.offset)?;
                        (Fields::all(), first.offset)
                    }
                    Some(star) => (budget.copy(star, first.offset)?, first.offset),
                    None => return Ok(mask.tidy()),
                },
            };
            let remaining = if whole {
                None
            } else {
                Some(subtract(current, rest, sub, budget)?)
            };
            if remaining.is_none() && mask.star.is_none() {
                mask.entries.remove(name);
            } else {
                mask.entries.insert(
                    name.clone(),
                    Entry {
                        fields: remaining,
                        offset,
                    },
                );
            }
        }
    }
    Ok(mask.tidy())
}
