//! [`Fields`]: a parsed selection in normal form, so that equivalent texts
//! (`a,b` and `b,a`; `a/b` and `a(b)`; `*,a`) are equal values with one
//! canonical text.

use super::error::{FieldsError, FieldsErrorKind};
use super::parse;
use std::collections::BTreeMap;
use std::fmt;

#[path = "fields_normal.rs"]
mod normal;

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
        let fields = normal::build_all(&items)?;
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
