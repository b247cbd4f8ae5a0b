//! The validated model: what `expand` reads. Every part is known to be present
//! and valid, so generating code from it checks and unwraps nothing.

use syn::{Ident, Path, Type, Visibility};

pub(crate) struct ModelDef<'a> {
    pub(crate) ident: &'a Ident,
    pub(crate) vis: &'a Visibility,
    /// `posts` or `schema.posts`: letters, digits and `_` only.
    pub(crate) table: String,
    pub(crate) partial_of: Option<&'a Path>,
    pub(crate) key: ColumnDef<'a>,
    /// In field order: the order of the columns in every statement.
    pub(crate) fields: Vec<FieldDef<'a>>,
}

pub(crate) enum FieldDef<'a> {
    Column(ColumnDef<'a>),
    Relation(RelationField<'a>),
}

#[derive(Clone)]
pub(crate) struct ColumnDef<'a> {
    pub(crate) ident: &'a Ident,
    pub(crate) ty: &'a Type,
    /// The field's name without `r#`.
    pub(crate) name: String,
    pub(crate) is_key: bool,
}

/// A relation field, `#[model(belongs_to(...))] author: Related<Author>`.
pub(crate) struct RelationField<'a> {
    pub(crate) ident: &'a Ident,
    /// The field's name without `r#`.
    pub(crate) name: String,
    /// The related model.
    pub(crate) model: &'a Path,
    pub(crate) relation: Relation<'a>,
}

/// How the related rows are found.
pub(crate) enum Relation<'a> {
    /// `key` is a column of this model holding the related row's key.
    BelongsTo { key: &'a Ident },
    /// `foreign_key` is a field of the related model holding this model's key.
    HasMany { foreign_key: &'a Ident },
    /// Rows of the join table `through` pair this model's key (`local`) with
    /// the related model's (`remote`).
    ManyToMany {
        through: String,
        local: &'a Ident,
        remote: &'a Ident,
    },
}

impl<'a> ModelDef<'a> {
    pub(crate) fn columns(&self) -> impl Iterator<Item = &ColumnDef<'a>> {
        self.fields.iter().filter_map(|field| match field {
            FieldDef::Column(column) => Some(column),
            FieldDef::Relation(_) => None,
        })
    }

    pub(crate) fn relations(&self) -> impl Iterator<Item = &RelationField<'a>> {
        self.fields.iter().filter_map(|field| match field {
            FieldDef::Relation(relation) => Some(relation),
            FieldDef::Column(_) => None,
        })
    }
}
