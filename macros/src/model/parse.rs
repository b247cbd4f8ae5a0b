//! Reads the deriving struct: `#[model(table = ..., partial_of = ...)]` and each
//! field's `#[model(...)]`.

use crate::common::ctxt::Ctxt;
use crate::common::options;
use proc_macro2::{Span, TokenStream};
use syn::meta::ParseNestedMeta;
use syn::spanned::Spanned;
use syn::{Data, DeriveInput, Fields, Generics, Ident, LitStr, Path, Type, Visibility};

/// The attribute, on the struct and on fields.
pub(crate) const MODEL: &str = "model";
pub(crate) const TABLE: &str = "table";
pub(crate) const PARTIAL_OF: &str = "partial_of";
pub(crate) const PRIMARY_KEY: &str = "primary_key";
pub(crate) const BELONGS_TO: &str = "belongs_to";
pub(crate) const HAS_MANY: &str = "has_many";
pub(crate) const MANY_TO_MANY: &str = "many_to_many";
pub(crate) const KEY: &str = "key";
pub(crate) const FOREIGN_KEY: &str = "foreign_key";
pub(crate) const THROUGH: &str = "through";
pub(crate) const LOCAL: &str = "local";
pub(crate) const REMOTE: &str = "remote";

const STRUCT_OPTIONS: &[&str] = &[TABLE, PARTIAL_OF];
const FIELD_OPTIONS: &[&str] = &[PRIMARY_KEY, BELONGS_TO, HAS_MANY, MANY_TO_MANY];

pub(crate) struct Input {
    pub(crate) ident: Ident,
    pub(crate) vis: Visibility,
    pub(crate) generics: Generics,
    pub(crate) table: Option<LitStr>,
    pub(crate) partial_of: Option<Path>,
    pub(crate) fields: Vec<Field>,
}

pub(crate) struct Field {
    pub(crate) ident: Ident,
    pub(crate) ty: Type,
    pub(crate) primary_key: Option<Span>,
    pub(crate) relation: Option<RelationAttr>,
}

/// The three relations, as named in the attribute.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum RelationKind {
    BelongsTo,
    HasMany,
    ManyToMany,
}

impl RelationKind {
    fn from_path(path: &Path) -> Option<Self> {
        [
            (BELONGS_TO, Self::BelongsTo),
            (HAS_MANY, Self::HasMany),
            (MANY_TO_MANY, Self::ManyToMany),
        ]
        .into_iter()
        .find_map(|(name, kind)| path.is_ident(name).then_some(kind))
    }

    /// The options the relation takes after its model.
    fn options(self) -> &'static [&'static str] {
        match self {
            Self::BelongsTo => &[KEY],
            Self::HasMany => &[FOREIGN_KEY],
            Self::ManyToMany => &[THROUGH, LOCAL, REMOTE],
        }
    }

    /// The relation's name in the attribute.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Self::BelongsTo => BELONGS_TO,
            Self::HasMany => HAS_MANY,
            Self::ManyToMany => MANY_TO_MANY,
        }
    }

    /// Whether the field holds many rows (`Related<Vec<Model>>`).
    pub(crate) fn to_many(self) -> bool {
        self != Self::BelongsTo
    }
}

pub(crate) struct RelationAttr {
    pub(crate) kind: RelationKind,
    /// The relation's name as written, where errors about it point.
    pub(crate) name: Ident,
    /// The related model, the first argument.
    pub(crate) model: Option<Path>,
    pub(crate) key: Option<Ident>,
    pub(crate) foreign_key: Option<Ident>,
    pub(crate) through: Option<LitStr>,
    pub(crate) local: Option<Ident>,
    pub(crate) remote: Option<Ident>,
}

pub(crate) fn parse(cx: &Ctxt, input: TokenStream) -> Option<Input> {
    let input: DeriveInput = match syn::parse2(input) {
        Ok(input) => input,
        Err(error) => {
            cx.push(error);
            return None;
        }
    };
    let fields = match &input.data {
        Data::Struct(data) => {
            match &data.fields {
                Fields::Named(fields) => &fields.named,
                _ => {
                    cx.error_at(&input.ident, "a model is a struct with named fields: each field is a column or a relation");
                    return None;
                }
            }
        }
        Data::Enum(data) => {
            cx.error_at(
                data.enum_token,
                "a model is a struct with named fields, one per column; an enum has no columns",
            );
            return None;
        }
        Data::Union(data) => {
            cx.error_at(
                data.union_token,
                "a model is a struct with named fields, one per column",
            );
            return None;
        }
    };
    let mut table = None;
    let mut partial_of = None;
    for attr in input
        .attrs
        .iter()
        .filter(|attr| attr.path().is_ident(MODEL))
    {
        let result = attr.parse_nested_meta(|meta| {
            let span = meta.path.span();
            if meta.path.is_ident(TABLE) {
                let value = meta.value()?.parse::<LitStr>()?;
                options::set_once(cx, &mut table, TABLE, span, value);
            } else if meta.path.is_ident(PARTIAL_OF) {
                let value = meta.value()?.parse::<Path>()?;
                options::set_once(cx, &mut partial_of, PARTIAL_OF, span, value);
            } else {
                unknown(cx, &meta, STRUCT_OPTIONS, "#[model] on a struct")?;
            }
            Ok(())
        });
        if let Err(error) = result {
            cx.push(error);
        }
    }
    let fields = fields
        .iter()
        .filter_map(|field| Some(read_field(cx, field.ident.as_ref()?, field)))
        .collect();
    Some(Input {
        ident: input.ident,
        vis: input.vis,
        generics: input.generics,
        table,
        partial_of,
        fields,
    })
}

fn read_field(cx: &Ctxt, ident: &Ident, field: &syn::Field) -> Field {
    let mut read = Field {
        ident: ident.clone(),
        ty: field.ty.clone(),
        primary_key: None,
        relation: None,
    };
    for attr in field
        .attrs
        .iter()
        .filter(|attr| attr.path().is_ident(MODEL))
    {
        let result = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident(PRIMARY_KEY) {
                let span = meta.path.span();
                options::set_once(cx, &mut read.primary_key, PRIMARY_KEY, span, span);
            } else if let Some(kind) = RelationKind::from_path(&meta.path) {
                let relation = read_relation(cx, &meta, kind)?;
                if read.relation.is_some() {
                    cx.error_at(
                        &relation.name,
                        "a field holds one relation; remove the other",
                    );
                }
                read.relation = Some(relation);
            } else {
                unknown(cx, &meta, FIELD_OPTIONS, "#[model] on a field")?;
            }
            Ok(())
        });
        if let Err(error) = result {
            cx.push(error);
        }
    }
    read
}

fn read_relation(
    cx: &Ctxt,
    meta: &ParseNestedMeta<'_>,
    kind: RelationKind,
) -> syn::Result<RelationAttr> {
    let mut relation = RelationAttr {
        kind,
        name: Ident::new(kind.name(), meta.path.span()),
        model: None,
        key: None,
        foreign_key: None,
        through: None,
        local: None,
        remote: None,
    };
    let known = kind.options();
    meta.parse_nested_meta(|inner| {
        let name = inner.path.get_ident().map(ToString::to_string);
        let takes = |option: &str| name.as_deref() == Some(option) && known.contains(&option);
        let span = inner.path.span();
        if !inner.input.peek(syn::Token![=]) {
            if relation.model.is_some() {
                cx.error_at(&inner.path, "the related model is given once, first: `belongs_to(Author, key = author_id)`");
            }
            relation.model = Some(inner.path.clone());
        } else if takes(THROUGH) {
            let value = inner.value()?.parse()?;
            options::set_once(cx, &mut relation.through, THROUGH, span, value);
        } else {
            // The options naming a column.
            let columns = [
                (KEY, &mut relation.key),
                (FOREIGN_KEY, &mut relation.foreign_key),
                (LOCAL, &mut relation.local),
                (REMOTE, &mut relation.remote),
            ];
            match columns.into_iter().find(|(option, _)| takes(option)) {
                Some((option, slot)) => {
                    let value = inner.value()?.parse()?;
                    options::set_once(cx, slot, option, span, value);
                }
                None => unknown(cx, &inner, known, &format!("`{}`", kind.name()))?,
            }
        }
        Ok(())
    })
    .map_err(|error| {
        syn::Error::new(
            error.span(),
            format!("{error}; write `belongs_to(Author, key = author_id)`, `has_many(Comment, foreign_key = post_id)` or `many_to_many(Tag, through = \"post_tags\", local = post_id, remote = tag_id)`"),
        )
    })?;
    Ok(relation)
}

/// Records an unknown option with a suggestion, and skips its value.
fn unknown(cx: &Ctxt, meta: &ParseNestedMeta<'_>, known: &[&str], what: &str) -> syn::Result<()> {
    options::unknown(
        cx,
        meta,
        known,
        &format!("{what} takes: {}", known.join(", ")),
    )
}

impl Field {
    /// The column's name: the field's, without `r#`.
    pub(crate) fn column(&self) -> String {
        let name = self.ident.to_string();
        name.strip_prefix("r#").unwrap_or(&name).to_owned()
    }
}

impl Input {
    pub(crate) fn columns(&self) -> impl Iterator<Item = &Field> {
        self.fields.iter().filter(|field| field.relation.is_none())
    }

    pub(crate) fn primary_key(&self) -> Option<&Field> {
        self.columns().find(|field| field.primary_key.is_some())
    }

    pub(crate) fn field(&self, ident: &Ident) -> Option<&Field> {
        self.fields.iter().find(|field| field.ident == *ident)
    }
}
