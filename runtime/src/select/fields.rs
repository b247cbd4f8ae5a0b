//! [`Fields`]: a parsed selection in normal form, so that equivalent texts
//! (`a,b` and `b,a`; `a/b` and `a(b)`; `*,a`) are equal values with one
//! canonical text.

use super::error::{FieldsError, FieldsErrorKind};
use super::parse::{self, Item, Name, Segment};
use std::collections::{BTreeMap, btree_map};
use std::fmt;

/// How many nodes a selection may have: in its normal form, each `*`, name and
/// exclusion at every level (one per item of its canonical text). A short text
/// with exclusions under `*` can describe a large tree (`*,a,b,-*/x/y` puts
/// `x/y` under every name); past this, parsing fails instead of allocating
/// without bound. A list of names costs one node per distinct name, and the
/// canonical text of any selection that parses parses back.
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
/// | `items/*/title` | every field of `items`, each restricted to `title`: objects keep their `title` (or are `{}`), scalars, `null` and lists without objects are left out (see [the module](super)) |
/// | `*/*` | the same as `*`: a `*` restricted to everything restricts nothing |
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
    /// Parses a selection. Errors name the byte offset and the path. Texts
    /// nesting deeper than [`MAX_DEPTH`](super::MAX_DEPTH) or expanding past
    /// [`MAX_NODES`] are refused; parsing takes time linear in the text.
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
        let fields = build(&items, &mut Budget(MAX_WORK))?;
        if fields.nodes(MAX_NODES) > MAX_NODES {
            return Err(FieldsError::new(
                FieldsErrorKind::TooLarge,
                0,
                "",
                format!("the selection expands to more than {MAX_NODES} nodes"),
            ));
        }
        Ok(fields)
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
    /// Arrays are transparent. A key named in the selection keeps its value
    /// even if that is a number, a string or `null` under a sub-selection; a key
    /// reached only through a `*` that restricts (`*/title`, `*(a,b)`) is kept
    /// only if its value has fields to restrict (see [`Fields`]).
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
            Value::Object(object) => {
                let Sel::Only(mask) = &self.inner else {
                    unreachable!("`*` returned above")
                };
                Value::Object(
                    object
                        .into_iter()
                        .filter_map(|(key, value)| {
                            let sub = match mask.entries.get(&*key) {
                                Some(entry) => entry.fields.as_ref()?,
                                None => {
                                    let star = mask.star.as_deref()?;
                                    if !star.keeps_leaves() && !json_has_fields(&value) {
                                        return None;
                                    }
                                    star
                                }
                            };
                            Some((key, sub.prune_json(value)))
                        })
                        .collect(),
                )
            }
            scalar => scalar,
        }
    }

    /// Whether a field reached through a `*` of this selection is kept
    /// whatever its value: the `*` selects everything (`*`, `*,-x`, `-x`),
    /// rather than restricting each field to names (`*/title`, `*/*/x`).
    pub(crate) fn keeps_leaves(&self) -> bool {
        match &self.inner {
            Sel::All => true,
            Sel::Only(mask) => mask.star.as_deref().is_some_and(Fields::is_all),
        }
    }

    pub(crate) fn mask(&self) -> Option<&Mask> {
        match &self.inner {
            Sel::All => None,
            Sel::Only(mask) => Some(mask),
        }
    }

    /// The nodes of the normal form, as its canonical text prints them: each
    /// `*`, name and exclusion at every level, and each empty level (`-*`).
    /// Counting stops past `limit`.
    fn nodes(&self, limit: usize) -> usize {
        let Sel::Only(mask) = &self.inner else {
            return 0;
        };
        let mut count = usize::from(mask.star.is_none() && mask.entries.is_empty());
        let children = mask.star.as_deref().into_iter().chain(
            mask.entries
                .values()
                .map(|entry| entry.fields.as_ref().unwrap_or(&ALL)),
        );
        for child in children {
            count += 1 + child.nodes(limit.saturating_sub(count + 1));
            if count > limit {
                break;
            }
        }
        count
    }

    fn only(mask: Mask) -> Self {
        Self {
            inner: Sel::Only(mask),
        }
    }
}

/// Whether a restriction can apply to a JSON value: an object, or an array
/// holding one (at any depth). What [`Selectable`](super::Selectable) values
/// answer for their serialized form.
fn json_has_fields(value: &serde_json::Value) -> bool {
    match value {
        serde_json::Value::Object(_) => true,
        serde_json::Value::Array(items) => items.iter().any(json_has_fields),
        _ => false,
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

    /// `*` alone, as a mask: what `*` means beside names written out.
    fn star_all() -> Self {
        Self {
            star: Some(Box::new(Fields::all())),
            ..Self::default()
        }
    }

    /// Restores the normal form after an edit of this level (children are
    /// already normal): a mask of `*` alone is [`Sel::All`]. A name written out
    /// stays even where it selects what `*` would: later unions give it its own
    /// selection over `*`, so dropping it would make the result depend on the
    /// order of the items. (An exclusion with no `*` to exclude from is never
    /// made: `subtract` removes the name instead.) Constant time, since it runs
    /// after every union.
    fn tidy(self) -> Fields {
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
