//! [`Fields`]: a parsed selection in normal form, so that equivalent texts
//! (`a,b` and `b,a`; `a/b` and `a(b)`; `*,a`) are equal values with one
//! canonical text.

use super::error::{FieldsError, FieldsErrorKind};
use super::parse::{self, Item, Name, Segment};
use std::collections::BTreeMap;
use std::fmt;

/// How many nodes a selection may expand to. `*` merges into every named
/// sibling, so a short text can describe a large tree; past this, parsing fails
/// instead of allocating without bound.
pub const MAX_NODES: usize = 10_000;

/// A parsed `fields` selection, independent of any type.
///
/// The grammar is a superset of Google's partial-response syntax:
///
/// | text | selects |
/// |---|---|
/// | `a,b` | fields `a` and `b`, each whole |
/// | `a/b`, `a.b`, `a(b)` | `a`, keeping only `b` inside it |
/// | `a(b,c/d)` | `a`, keeping `b` whole and `c` with only `d` |
/// | `*` | every field at that level, whole |
/// | `items/*/title` | every child of `items`, keeping only `title` |
/// | `*,a(b)` | every field whole, but `a` with only `b`: a name written out takes its own selection, `*` covers the others |
/// | `-b` | everything but `b` (a level of only exclusions starts from `*`) |
/// | `*,-a/b` | everything, but `a` without `b` |
/// | `` `odd name` `` | a name with any characters (`` \` `` and `\\` escape) |
///
/// Arrays are transparent: a selection on a list applies to every element.
/// Names are the serialized ones, after serde's `rename` and `rename_all`.
///
/// [`compile`](Self::compile) checks a selection against a type once and gives
/// the [`Selection`](super::Selection) that serializers consult; [`Display`](fmt::Display)
/// prints the canonical text, equal for equal selections (the same items, in
/// any order and spelling):
///
/// ```
/// use unokit::select::Fields;
///
/// let a = Fields::parse("name, id, posts/title, posts(author)")?;
/// let b = Fields::parse("id,posts(author,title),name")?;
/// assert_eq!(a, b);
/// assert_eq!(a.to_string(), "id,name,posts(author,title)");
/// assert_eq!(Fields::parse("posts/title,posts(*)")?.to_string(), "posts(*,title)");
/// assert_eq!(Fields::parse("a(*)")?.to_string(), "a");
/// # Ok::<(), unokit::select::FieldsError>(())
/// ```
#[derive(Clone, Debug)]
pub struct Fields {
    inner: Sel,
}

#[derive(Clone, Debug)]
enum Sel {
    All,
    Only(Mask),
}

/// A selection inside one object: what `*` gives every field, and the fields
/// named explicitly. Invariants (normal form): an entry is a name written out,
/// kept even where it selects what `*` would, since it takes its own selection
/// over `*` in any later union; an exclusion (`None`) stands only beside a `*`;
/// and a mask of `*` alone is [`Sel::All`].
#[derive(Clone, Debug, Default)]
pub(crate) struct Mask {
    star: Option<Box<Fields>>,
    star_offset: usize,
    entries: BTreeMap<Box<str>, Entry>,
}

#[derive(Clone, Debug)]
pub(crate) struct Entry {
    /// `None`: excluded from what `*` selects.
    pub(crate) fields: Option<Fields>,
    /// Where the name first appears, for errors.
    pub(crate) offset: usize,
}

static ALL: Fields = Fields { inner: Sel::All };

impl Fields {
    /// Parses a selection. Errors name the byte offset and the path.
    ///
    /// ```
    /// use unokit::select::Fields;
    ///
    /// let fields = Fields::parse("kind,items(title,characteristics/length)")?;
    /// assert!(fields.get("kind").is_some_and(Fields::is_all));
    /// assert!(fields.get("etag").is_none());
    /// let items = fields.get("items").unwrap();
    /// assert!(!items.is_all());
    /// assert!(items.get("characteristics").unwrap().get("length").is_some());
    /// # Ok::<(), unokit::select::FieldsError>(())
    /// ```
    pub fn parse(text: &str) -> Result<Self, FieldsError> {
        let items = parse::parse(text)?;
        let mut budget = Budget(MAX_NODES);
        build(&items, &mut budget)
    }

    /// The selection of everything, `*`.
    #[must_use]
    pub fn all() -> Self {
        ALL.clone()
    }

    /// Whether this selects the whole value, every field at every depth.
    #[must_use]
    pub fn is_all(&self) -> bool {
        matches!(self.inner, Sel::All)
    }

    /// What this selects inside the field `name`: `None` if it is not selected.
    /// A whole selection gives whole children.
    #[must_use]
    pub fn get(&self, name: &str) -> Option<&Fields> {
        match &self.inner {
            Sel::All => Some(&ALL),
            Sel::Only(mask) => mask.get(name),
        }
    }

    /// Prunes a JSON value: keeps, in every object, only the selected keys.
    /// Arrays are transparent; numbers, strings and `null` stay as they are even
    /// under a sub-selection.
    ///
    /// This is the reference meaning of a selection. It needs the whole value
    /// built first, which [`Selection`](super::Selection) avoids: use it for
    /// values whose shape is known only at run time.
    ///
    /// ```
    /// use unokit::select::Fields;
    /// use serde_json::json;
    ///
    /// let fields = Fields::parse("id,posts/title")?;
    /// let pruned = fields.prune_json(json!({"id": 1, "name": "a", "posts": [{"title": "t", "body": "b"}]}));
    /// assert_eq!(pruned, json!({"id": 1, "posts": [{"title": "t"}]}));
    /// # Ok::<(), unokit::select::FieldsError>(())
    /// ```
    #[must_use]
    pub fn prune_json(&self, value: serde_json::Value) -> serde_json::Value {
        use serde_json::Value;
        if self.is_all() {
            return value;
        }
        match value {
            Value::Array(items) => Value::Array(
                items
                    .into_iter()
                    .map(|item| self.prune_json(item))
                    .collect(),
            ),
            Value::Object(object) => Value::Object(
                object
                    .into_iter()
                    .filter_map(|(key, value)| {
                        let sub = self.get(&key)?;
                        Some((key, sub.prune_json(value)))
                    })
                    .collect(),
            ),
            scalar => scalar,
        }
    }

    pub(crate) fn mask(&self) -> Option<&Mask> {
        match &self.inner {
            Sel::All => None,
            Sel::Only(mask) => Some(mask),
        }
    }

    fn only(mask: Mask) -> Self {
        Self {
            inner: Sel::Only(mask),
        }
    }
}

impl Mask {
    pub(crate) fn get(&self, name: &str) -> Option<&Fields> {
        match self.entries.get(name) {
            Some(entry) => entry.fields.as_ref(),
            None => self.star.as_deref(),
        }
    }

    pub(crate) fn star(&self) -> Option<(&Fields, usize)> {
        self.star.as_deref().map(|star| (star, self.star_offset))
    }

    pub(crate) fn entries(&self) -> impl Iterator<Item = (&str, &Entry)> {
        self.entries.iter().map(|(name, entry)| (&**name, entry))
    }

    /// Restores the normal form after an edit of this level (children are
    /// already normal).
    fn tidy(mut self) -> Fields {
        // A name written out stays even where it selects what `*` would: later
        // unions give it its own selection over `*`, so dropping it would make
        // the result depend on the order of the items. Only an exclusion with
        // no `*` to exclude from says nothing.
        let has_star = self.star.is_some();
        self.entries
            .retain(|_, entry| has_star || entry.fields.is_some());
        if self.entries.is_empty() && self.star.as_deref().is_some_and(Fields::is_all) {
            Fields::all()
        } else {
            Fields::only(self)
        }
    }
}

impl PartialEq for Fields {
    /// Equal selections have the same normal form: the same items, whatever their
    /// order, spelling, or where a name was written.
    fn eq(&self, other: &Self) -> bool {
        match (&self.inner, &other.inner) {
            (Sel::All, Sel::All) => true,
            (Sel::Only(a), Sel::Only(b)) => {
                a.star == b.star
                    && a.entries.len() == b.entries.len()
                    && a.entries
                        .iter()
                        .zip(&b.entries)
                        .all(|((na, ea), (nb, eb))| na == nb && ea.fields == eb.fields)
            }
            _ => false,
        }
    }
}

impl Eq for Fields {}

/// Charges every node a selection allocates against [`MAX_NODES`].
struct Budget(usize);

impl Budget {
    fn charge(&mut self, offset: usize) -> Result<(), FieldsError> {
        self.0 = self.0.checked_sub(1).ok_or_else(|| {
            FieldsError::new(
                FieldsErrorKind::TooLarge,
                offset,
                "",
                format!("the selection expands to more than {MAX_NODES} nodes"),
            )
        })?;
        Ok(())
    }

    fn copy(&mut self, fields: &Fields, offset: usize) -> Result<Fields, FieldsError> {
        self.charge(offset)?;
        let Sel::Only(mask) = &fields.inner else {
            return Ok(Fields::all());
        };
        let star = match &mask.star {
            Some(star) => Some(Box::new(self.copy(star, offset)?)),
            None => None,
        };
        let mut entries = BTreeMap::new();
        for (name, entry) in &mask.entries {
            let fields = match &entry.fields {
                Some(fields) => Some(self.copy(fields, offset)?),
                None => None,
            };
            entries.insert(
                name.clone(),
                Entry {
                    fields,
                    offset: entry.offset,
                },
            );
        }
        Ok(Fields::only(Mask {
            star,
            star_offset: mask.star_offset,
            entries,
        }))
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
        let single = along(&item.path, inner, budget)?;
        fields = union(&fields, &single, budget)?;
    }
    for item in items.iter().filter(|item| item.negated) {
        fields = subtract(fields, &item.path, item.sub.as_deref(), budget)?;
    }
    Ok(fields)
}

/// `a/b/c` with `inner` inside `c`.
fn along(path: &[Segment], inner: Fields, budget: &mut Budget) -> Result<Fields, FieldsError> {
    let mut fields = inner;
    for segment in path.iter().rev() {
        budget.charge(segment.offset)?;
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
    Ok(fields)
}

fn union(a: &Fields, b: &Fields, budget: &mut Budget) -> Result<Fields, FieldsError> {
    // `*` alone is a mask whose star selects everything: names written out
    // beside it still take their own selection.
    let star_all = Mask {
        star: Some(Box::new(Fields::all())),
        ..Mask::default()
    };
    let (ma, mb) = match (&a.inner, &b.inner) {
        (Sel::All, Sel::All) => return Ok(Fields::all()),
        (Sel::All, Sel::Only(mb)) => (&star_all, mb),
        (Sel::Only(ma), Sel::All) => (ma, &star_all),
        (Sel::Only(ma), Sel::Only(mb)) => (ma, mb),
    };
    let offset = ma.star_offset.min(mb.star_offset);
    let mut mask = Mask {
        star: union_of(ma.star.as_deref(), mb.star.as_deref(), offset, budget)?.map(Box::new),
        star_offset: match (&ma.star, &mb.star) {
            (Some(_), Some(_)) => offset,
            (Some(_), None) => ma.star_offset,
            _ => mb.star_offset,
        },
        entries: BTreeMap::new(),
    };
    for (name, entry) in ma.entries.iter().chain(&mb.entries) {
        if let Some(existing) = mask.entries.get_mut(name) {
            existing.offset = existing.offset.min(entry.offset);
            continue;
        }
        // A name written out takes the union of what is written for it; the
        // other side's `*` does not reach it (the specific wins over `*`).
        let fields = union_of(explicit(ma, name), explicit(mb, name), entry.offset, budget)?;
        mask.entries.insert(
            name.clone(),
            Entry {
                fields,
                offset: entry.offset,
            },
        );
    }
    Ok(mask.tidy())
}

fn explicit<'a>(mask: &'a Mask, name: &str) -> Option<&'a Fields> {
    mask.entries
        .get(name)
        .and_then(|entry| entry.fields.as_ref())
}

fn union_of(
    a: Option<&Fields>,
    b: Option<&Fields>,
    offset: usize,
    budget: &mut Budget,
) -> Result<Option<Fields>, FieldsError> {
    Ok(match (a, b) {
        (Some(a), Some(b)) => Some(union(a, b, budget)?),
        (Some(one), None) | (None, Some(one)) => Some(budget.copy(one, offset)?),
        (None, None) => None,
    })
}

/// Removes `path` (with `sub` inside its last segment: `-a(b,c)` removes `a/b`
/// and `a/c`) from `fields`.
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
    let whole = rest.is_empty() && sub.is_none();
    let mut mask = match fields.inner {
        Sel::All => Mask {
            star: Some(Box::new(Fields::all())),
            star_offset: first.offset,
            entries: BTreeMap::new(),
        },
        Sel::Only(mask) => mask,
    };
    budget.charge(first.offset)?;
    match &first.name {
        Name::Star if whole => {
            mask.star = None;
            mask.entries.clear();
        }
        Name::Star => {
            if let Some(star) = mask.star.take() {
                mask.star = Some(Box::new(subtract(*star, rest, sub, budget)?));
            }
            let names: Vec<Box<str>> = mask.entries.keys().cloned().collect();
            for name in names {
                let entry = mask.entries.get_mut(&name).expect("listed above");
                if let Some(fields) = entry.fields.take() {
                    entry.fields = Some(subtract(fields, rest, sub, budget)?);
                }
            }
        }
        Name::Field(name) => {
            let Some(current) = mask.get(name) else {
                return Ok(mask.tidy());
            };
            let remaining = if whole {
                None
            } else {
                let current = budget.copy(current, first.offset)?;
                Some(subtract(current, rest, sub, budget)?)
            };
            let offset = mask.entries.get(name).map_or(first.offset, |e| e.offset);
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

impl fmt::Display for Fields {
    /// The canonical text: names sorted, `*` first, exclusions as `-name`. An
    /// empty selection inside a field prints as `name(-*)`; at the top, as `-*`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.inner {
            Sel::All => f.write_str("*"),
            Sel::Only(mask) => write_mask(mask, f),
        }
    }
}

fn write_mask(mask: &Mask, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    let mut separator = "";
    if let Some(star) = &mask.star {
        f.write_str("*")?;
        write_inside(star, f)?;
        separator = ",";
    }
    for (name, entry) in &mask.entries {
        f.write_str(separator)?;
        separator = ",";
        match &entry.fields {
            None => {
                f.write_str("-")?;
                write_name(name, f)?;
            }
            Some(fields) => {
                write_name(name, f)?;
                write_inside(fields, f)?;
            }
        }
    }
    if separator.is_empty() {
        f.write_str("-*")?;
    }
    Ok(())
}

fn write_inside(fields: &Fields, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    match &fields.inner {
        Sel::All => Ok(()),
        Sel::Only(mask) => {
            f.write_str("(")?;
            write_mask(mask, f)?;
            f.write_str(")")
        }
    }
}

fn write_name(name: &str, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    let plain = name
        .chars()
        .next()
        .is_some_and(|first| first != '-' && parse::is_name_char(first))
        && name.chars().all(parse::is_name_char);
    if plain {
        return f.write_str(name);
    }
    f.write_str("`")?;
    for c in name.chars() {
        if matches!(c, '`' | '\\') {
            f.write_str("\\")?;
        }
        write!(f, "{c}")?;
    }
    f.write_str("`")
}
