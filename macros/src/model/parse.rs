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

pub(crate) struct RelationAttr {
    /// `belongs_to`, `has_many` or `many_to_many`, as written.
    pub(crate) kind: Ident,
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
            if meta.path.is_ident(TABLE) {
                table = Some(meta.value()?.parse::<LitStr>()?);
            } else if meta.path.is_ident(PARTIAL_OF) {
                partial_of = Some(meta.value()?.parse::<Path>()?);
            } else {
                unknown(cx, &meta, STRUCT_OPTIONS, "#[model] on a struct")?;
            }
            Ok(())
        });
        if let Err(error) = result {
            cx.push(error);
        }
    }
    let fields = fields.iter().map(|field| read_field(cx, field)).collect();
    Some(Input {
        ident: input.ident,
        vis: input.vis,
        generics: input.generics,
        table,
        partial_of,
        fields,
    })
}

fn read_field(cx: &Ctxt, field: &syn::Field) -> Field {
    let mut read = Field {
        ident: field.ident.clone().expect("named fields"),
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
                read.primary_key = Some(meta.path.span());
            } else if meta.path.is_ident(BELONGS_TO)
                || meta.path.is_ident(HAS_MANY)
                || meta.path.is_ident(MANY_TO_MANY)
            {
                let relation = read_relation(cx, &meta)?;
                if read.relation.is_some() {
                    cx.error_at(
                        &relation.kind,
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

fn read_relation(cx: &Ctxt, meta: &ParseNestedMeta<'_>) -> syn::Result<RelationAttr> {
    let kind = meta
        .path
        .get_ident()
        .expect("checked to be one of ours")
        .clone();
    let mut relation = RelationAttr {
        kind,
        model: None,
        key: None,
        foreign_key: None,
        through: None,
        local: None,
        remote: None,
    };
    let known: &[&str] = match relation.kind.to_string().as_str() {
        BELONGS_TO => &[KEY],
        HAS_MANY => &[FOREIGN_KEY],
        _ => &[THROUGH, LOCAL, REMOTE],
    };
    meta.parse_nested_meta(|inner| {
        let name = inner.path.get_ident().map(ToString::to_string);
        let takes = |option: &str| name.as_deref() == Some(option) && known.contains(&option);
        if !inner.input.peek(syn::Token![=]) {
            if relation.model.is_some() {
                cx.error_at(&inner.path, "the related model is given once, first: `belongs_to(Author, key = author_id)`");
            }
            relation.model = Some(inner.path.clone());
        } else if takes(KEY) {
            relation.key = Some(inner.value()?.parse()?);
        } else if takes(FOREIGN_KEY) {
            relation.foreign_key = Some(inner.value()?.parse()?);
        } else if takes(THROUGH) {
            relation.through = Some(inner.value()?.parse()?);
        } else if takes(LOCAL) {
            relation.local = Some(inner.value()?.parse()?);
        } else if takes(REMOTE) {
            relation.remote = Some(inner.value()?.parse()?);
        } else {
            let kind = &relation.kind;
            unknown(cx, &inner, known, &format!("`{kind}`"))?;
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

    pub(crate) fn relations(&self) -> impl Iterator<Item = (&Field, &RelationAttr)> {
        self.fields
            .iter()
            .filter_map(|field| Some((field, field.relation.as_ref()?)))
    }

    pub(crate) fn primary_key(&self) -> Option<&Field> {
        self.columns().find(|field| field.primary_key.is_some())
    }

    pub(crate) fn field(&self, ident: &Ident) -> Option<&Field> {
        self.fields.iter().find(|field| field.ident == *ident)
    }
}
