//! The rules a `#[derive(Model)]` struct must follow, one check each, and the
//! typed model built from what passes them.

use super::def::{ColumnDef, FieldDef, ModelDef, Relation, RelationField};
use super::parse::{
    BELONGS_TO, FOREIGN_KEY, Field, HAS_MANY, Input, KEY, LOCAL, PRIMARY_KEY, REMOTE, RelationAttr,
    RelationKind, TABLE, THROUGH,
};
use crate::common::ctxt::Ctxt;
use crate::common::{case, suggest};
use syn::{GenericArgument, Ident, PathArguments, Type};

/// Checks every rule (recording each broken one) and builds the model from
/// what is valid; `None` when a part is missing.
pub(crate) fn check<'a>(cx: &Ctxt, input: &'a Input) -> Option<ModelDef<'a>> {
    check_not_generic(cx, input);
    let table = check_table(cx, input);
    let key = check_primary_key(cx, input);
    let fields: Vec<Option<FieldDef<'a>>> = input
        .fields
        .iter()
        .map(|field| match &field.relation {
            None => Some(FieldDef::Column(column(field))),
            Some(relation) => check_relation(cx, input, field, relation).map(FieldDef::Relation),
        })
        .collect();
    check_unmarked_relations(cx, input);
    Some(ModelDef {
        ident: &input.ident,
        vis: &input.vis,
        table: table?,
        partial_of: input.partial_of.as_ref(),
        key: key?,
        fields: fields.into_iter().collect::<Option<_>>()?,
    })
}

fn column(field: &Field) -> ColumnDef<'_> {
    ColumnDef {
        ident: &field.ident,
        ty: &field.ty,
        name: field.column(),
        is_key: field.primary_key.is_some(),
    }
}

/// The model's statements and loaders are built once for the type, at compile
/// time: a type parameter would leave its columns unknown.
fn check_not_generic(cx: &Ctxt, input: &Input) {
    if let Some(param) = input.generics.params.first() {
        cx.error_at(
            param,
            "a model cannot be generic: its columns and statements are fixed at compile time",
        );
    }
}

/// The table goes into every statement, quoted; only a plain identifier (or
/// `schema.table`) is accepted, so nothing in it can change a statement.
fn check_table(cx: &Ctxt, input: &Input) -> Option<String> {
    let Some(table) = &input.table else {
        cx.error_at(
            &input.ident,
            format!(
                "a model names its table: add #[model({TABLE} = \"{}s\")]",
                case::snake(&input.ident.to_string())
            ),
        );
        return None;
    };
    let name = table.value();
    if !is_identifier_path(&name) {
        cx.error_at(table, "a table name is letters, digits and `_` (optionally `schema.table`); it is quoted into the statements, so nothing else is accepted");
        return None;
    }
    Some(name)
}

/// Every statement by key, and every relation to this model, uses its one key.
fn check_primary_key<'a>(cx: &Ctxt, input: &'a Input) -> Option<ColumnDef<'a>> {
    let keys: Vec<_> = input
        .fields
        .iter()
        .filter_map(|field| Some((field, field.primary_key?)))
        .collect();
    match keys.as_slice() {
        [] => cx.error_at(
            &input.ident,
            format!("a model needs a primary key: mark its key field #[model({PRIMARY_KEY})]"),
        ),
        [(key, marked)] if key.relation.is_some() => {
            cx.error_span(*marked, "the primary key is a column, not a relation");
        }
        [(key, _)] => return Some(column(key)),
        [_, extra @ ..] => {
            for (_, marked) in extra {
                cx.error_span(*marked, "a model has one primary key field; composite keys are not supported, unmark this one");
            }
        }
    }
    None
}

/// Each relation names its model and the columns that link the rows, and its
/// field holds `Related<Model>` or `Related<Vec<Model>>`.
fn check_relation<'a>(
    cx: &Ctxt,
    input: &'a Input,
    field: &'a Field,
    attr: &'a RelationAttr,
) -> Option<RelationField<'a>> {
    let kind = attr.kind.name();
    if attr.model.is_none() {
        cx.error_at(
            &attr.name,
            format!("name the related model first: `{kind}(Author, ...)`"),
        );
    }
    let to_many = attr.kind.to_many();
    match related_inner(&field.ty) {
        None => cx.error_at(&field.ty, format!("a `{kind}` field holds `Related<{}>`", if to_many { "Vec<Model>" } else { "Model" })),
        Some(inner) if to_many && !is_vec(inner) => cx.error_at(&field.ty, format!("a `{kind}` relation holds many rows: `Related<Vec<...>>`")),
        Some(inner) if !to_many && is_vec(inner) => cx.error_at(&field.ty, format!("a `{BELONGS_TO}` relation holds one row: `Related<Model>`; for many rows use `{HAS_MANY}`")),
        Some(_) => {}
    }
    let relation = match attr.kind {
        RelationKind::BelongsTo => {
            check_belongs_to_key(cx, input, attr).map(|key| Relation::BelongsTo { key })
        }
        RelationKind::HasMany => {
            require(
                cx,
                attr,
                attr.foreign_key.is_some(),
                FOREIGN_KEY,
                "the related model's field holding this model's key: `foreign_key = post_id`",
            );
            attr.foreign_key
                .as_ref()
                .map(|foreign_key| Relation::HasMany { foreign_key })
        }
        RelationKind::ManyToMany => check_many_to_many(cx, attr),
    };
    Some(RelationField {
        ident: &field.ident,
        name: field.column(),
        model: attr.model.as_ref()?,
        relation: relation?,
    })
}

/// The key of a `belongs_to` is a column of this model.
fn check_belongs_to_key<'a>(
    cx: &Ctxt,
    input: &Input,
    relation: &'a RelationAttr,
) -> Option<&'a Ident> {
    let Some(key) = &relation.key else {
        require(
            cx,
            relation,
            false,
            KEY,
            "this model's field holding the related row's key: `key = author_id`",
        );
        return None;
    };
    match input.field(key) {
        Some(field) if field.relation.is_some() => cx.error_at(
            key,
            format!(
                "`{key}` is a relation; `{KEY}` names the column holding the related row's key"
            ),
        ),
        Some(_) => return Some(key),
        None => {
            let columns: Vec<String> = input
                .columns()
                .map(|field| field.ident.to_string())
                .collect();
            let names: Vec<&str> = columns.iter().map(String::as_str).collect();
            let hint = suggest::closest(&key.to_string(), &names)
                .map(|name| format!("; did you mean `{name}`?"))
                .unwrap_or_default();
            cx.error_at(
                key,
                format!(
                    "`{}` has no field `{key}` to hold the related row's key{hint}",
                    input.ident
                ),
            );
        }
    }
    None
}

fn check_many_to_many<'a>(cx: &Ctxt, relation: &'a RelationAttr) -> Option<Relation<'a>> {
    let through = match &relation.through {
        None => {
            require(
                cx,
                relation,
                false,
                THROUGH,
                "the join table: `through = \"post_tags\"`",
            );
            None
        }
        Some(through) if !is_identifier_path(&through.value()) => {
            cx.error_at(
                through,
                "a join table name is letters, digits and `_` (optionally `schema.table`)",
            );
            None
        }
        Some(through) => Some(through.value()),
    };
    require(
        cx,
        relation,
        relation.local.is_some(),
        LOCAL,
        "the join table's column holding this model's key: `local = post_id`",
    );
    require(
        cx,
        relation,
        relation.remote.is_some(),
        REMOTE,
        "the join table's column holding the related model's key: `remote = tag_id`",
    );
    Some(Relation::ManyToMany {
        through: through?,
        local: relation.local.as_ref()?,
        remote: relation.remote.as_ref()?,
    })
}

fn require(cx: &Ctxt, relation: &RelationAttr, given: bool, option: &str, what: &str) {
    if !given {
        cx.error_at(
            &relation.name,
            format!("`{}` needs `{option}`: {what}", relation.name),
        );
    }
}

/// A `Related` field without a relation attribute would be read as a column.
fn check_unmarked_relations(cx: &Ctxt, input: &Input) {
    for field in input.columns() {
        if related_inner(&field.ty).is_some() {
            cx.error_at(&field.ty, format!("`{}` holds a relation: say which, e.g. #[model({BELONGS_TO}(Author, {KEY} = author_id))] or #[model({HAS_MANY}(Comment, {FOREIGN_KEY} = post_id))]", field.ident));
        }
    }
}

/// `T` of `Related<T>`.
pub(crate) fn related_inner(ty: &Type) -> Option<&Type> {
    let Type::Path(path) = ty else { return None };
    let last = path.path.segments.last()?;
    if last.ident != "Related" {
        return None;
    }
    let PathArguments::AngleBracketed(arguments) = &last.arguments else {
        return None;
    };
    arguments.args.iter().find_map(|argument| match argument {
        GenericArgument::Type(ty) => Some(ty),
        _ => None,
    })
}

fn is_vec(ty: &Type) -> bool {
    matches!(ty, Type::Path(path) if path.path.segments.last().is_some_and(|last| last.ident == "Vec"))
}

/// `posts`, `blog.posts`: names that can be quoted into a statement as they are.
fn is_identifier_path(name: &str) -> bool {
    let parts: Vec<&str> = name.split('.').collect();
    parts.len() <= 2
        && parts.iter().all(|part| {
            let mut chars = part.chars();
            chars
                .next()
                .is_some_and(|first| first.is_ascii_alphabetic() || first == '_')
                && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        })
}

#[cfg(test)]
mod tests {
    use super::is_identifier_path;

    #[test]
    fn table_names_are_identifiers() {
        assert!(is_identifier_path("posts"));
        assert!(is_identifier_path("blog.post_tags2"));
        assert!(!is_identifier_path("posts; DROP TABLE x"));
        assert!(!is_identifier_path("a.b.c"));
        assert!(!is_identifier_path("\"posts\""));
        assert!(!is_identifier_path(""));
        assert!(!is_identifier_path("1posts"));
    }
}
