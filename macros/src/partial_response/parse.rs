//! Reads the annotated struct: its fields, the serde attributes that decide
//! their serialized names, and the `#[partial(...)]` options.

use super::garde_attrs::{self, GardeField};
use super::rename::RenameRule;
use super::serde_attrs;
use crate::common::ctxt::Ctxt;
use crate::common::item::{item_span, take_attrs};
use crate::common::options::{set_once, unknown as unknown_option};
use proc_macro2::{Span, TokenStream};
use syn::spanned::Spanned;
use syn::{Attribute, ExprPath, Fields, Ident, Item, ItemStruct, LitStr, Type};

/// The attribute on a field.
pub(crate) const PARTIAL: &str = "partial";
/// Serialize the field whole; its type need only implement `Serialize`.
pub(crate) const LEAF: &str = "leaf";
/// The database column the field is read from.
pub(crate) const COLUMN: &str = "column";
/// The field is computed, not read from a column.
pub(crate) const NO_COLUMN: &str = "no_column";
const OPTIONS: &[&str] = &[LEAF, COLUMN, NO_COLUMN];

pub(crate) struct Input {
    /// The struct as the user wrote it, minus `#[partial]` attributes.
    pub(crate) item: ItemStruct,
    pub(crate) shape: StructShape,
    pub(crate) fields: Vec<Field>,
    pub(crate) rename_all: Option<RenameRule>,
    /// Where `#[derive(Serialize)]` is, if it is.
    pub(crate) derives_serialize: Option<Span>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum StructShape {
    Named,
    Tuple,
    Unit,
}

pub(crate) struct Field {
    pub(crate) ident: Ident,
    pub(crate) ty: Type,
    /// serde's `rename` (serialize side).
    pub(crate) rename: Option<String>,
    /// `#[serde(skip)]` or `#[serde(skip_serializing)]`.
    pub(crate) skip: bool,
    pub(crate) skip_if: Option<ExprPath>,
    pub(crate) leaf: Option<Span>,
    pub(crate) column: Option<LitStr>,
    pub(crate) no_column: Option<Span>,
    /// A relation of `#[derive(Model)]` (`#[model(belongs_to(..))]` and the
    /// like): loaded by its own statement, not read from a column.
    pub(crate) relation: bool,
    /// garde's rules, checked when a selection serializes the field.
    pub(crate) garde: GardeField,
}

impl Field {
    /// The name a client selects, as serde serializes it.
    pub(crate) fn serialized_name(&self, rename_all: Option<RenameRule>) -> String {
        if let Some(rename) = &self.rename {
            return rename.clone();
        }
        let name = self.ident.to_string();
        let name = name.strip_prefix("r#").unwrap_or(&name);
        rename_all.map_or_else(|| name.to_owned(), |rule| rule.apply_to_field(name))
    }
}

pub(crate) fn parse(cx: &Ctxt, args: TokenStream, input: TokenStream) -> Option<Input> {
    if !args.is_empty() {
        cx.error_at(
            &args,
            "#[partial_response] takes no options; field options go on fields, as #[partial(leaf)], #[partial(column = \"name\")] or #[partial(no_column)]",
        );
    }
    let mut item = match syn::parse2::<Item>(input) {
        Ok(Item::Struct(item)) => item,
        Ok(other) => {
            let message = match other {
                Item::Enum(_) => {
                    "#[partial_response] supports structs with named fields; an enum's variants cannot be selected by field name. Serialize the enum whole from a struct field marked #[partial(leaf)]"
                }
                Item::Union(_) => {
                    "#[partial_response] supports structs with named fields, not unions"
                }
                _ => {
                    "#[partial_response] applies to a struct with named fields that derives Serialize"
                }
            };
            cx.error_span(item_span(&other), message);
            return None;
        }
        Err(error) => {
            cx.push(error);
            return None;
        }
    };
    let container = serde_attrs::container(cx, &item.attrs);
    let derives_serialize = serde_attrs::derives_serialize(&item.attrs);
    let derives_validate = garde_attrs::derives_validate(&item.attrs);
    garde_attrs::container(cx, &mut item.attrs, derives_validate);
    let shape = match &item.fields {
        Fields::Named(_) => StructShape::Named,
        Fields::Unnamed(_) => StructShape::Tuple,
        Fields::Unit => StructShape::Unit,
    };
    let mut fields = Vec::new();
    for field in &mut item.fields {
        let serde = serde_attrs::field(cx, &field.attrs);
        let relation = is_model_relation(&field.attrs);
        let options = take_options(cx, &mut field.attrs);
        let garde = garde_attrs::field(cx, &mut field.attrs, derives_validate);
        let Some(ident) = field.ident.clone() else {
            continue;
        };
        fields.push(Field {
            ident,
            ty: field.ty.clone(),
            rename: serde.rename,
            skip: serde.skip,
            skip_if: serde.skip_if,
            leaf: options.leaf,
            column: options.column,
            no_column: options.no_column,
            relation,
            garde,
        });
    }
    Some(Input {
        item,
        shape,
        fields,
        rename_all: container.rename_all,
        derives_serialize,
    })
}

#[derive(Default)]
struct Options {
    leaf: Option<Span>,
    column: Option<LitStr>,
    no_column: Option<Span>,
}

/// Removes the `#[partial(...)]` attributes (nothing after this macro knows
/// them) and reads their options.
fn take_options(cx: &Ctxt, attrs: &mut Vec<Attribute>) -> Options {
    let mut options = Options::default();
    for attr in take_attrs(attrs, PARTIAL) {
        let result = attr.parse_nested_meta(|meta| {
            let span = meta.path.span();
            if meta.path.is_ident(LEAF) {
                set_once(cx, &mut options.leaf, LEAF, span, span);
            } else if meta.path.is_ident(NO_COLUMN) {
                set_once(cx, &mut options.no_column, NO_COLUMN, span, span);
            } else if meta.path.is_ident(COLUMN) {
                let column = meta.value()?.parse()?;
                set_once(cx, &mut options.column, COLUMN, span, column);
            } else {
                unknown_option(
                    cx,
                    &meta,
                    OPTIONS,
                    "#[partial] takes `leaf` (serialize the field whole), `column = \"name\"` and `no_column`",
                )?;
            }
            Ok(())
        });
        if let Err(error) = result {
            cx.push(error);
        }
    }
    options
}

/// Whether `#[derive(Model)]` reads the field as a relation: it has a
/// `#[model(belongs_to(..))]`, `has_many` or `many_to_many` attribute. The
/// derive checks that attribute; here only its first word matters.
fn is_model_relation(attrs: &[Attribute]) -> bool {
    use crate::model::parse::{BELONGS_TO, HAS_MANY, MANY_TO_MANY, MODEL};
    attrs
        .iter()
        .filter(|attr| attr.path().is_ident(MODEL))
        .filter_map(|attr| attr.meta.require_list().ok())
        .filter_map(|list| list.tokens.clone().into_iter().next())
        .any(|first| {
            let first = first.to_string();
            [BELONGS_TO, HAS_MANY, MANY_TO_MANY].contains(&first.as_str())
        })
}
