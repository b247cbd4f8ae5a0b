//! The rules a `#[derive(Model)]` struct must follow, one check each.

use super::parse::{
    BELONGS_TO, FOREIGN_KEY, HAS_MANY, Input, KEY, LOCAL, PRIMARY_KEY, REMOTE, RelationAttr, TABLE,
    THROUGH,
};
use crate::common::ctxt::Ctxt;
use crate::common::suggest;
use syn::{GenericArgument, PathArguments, Type};

pub(crate) fn check(cx: &Ctxt, input: &Input) {
    check_not_generic(cx, input);
    check_table(cx, input);
    check_primary_key(cx, input);
    check_relation_fields(cx, input);
    check_unmarked_relations(cx, input);
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
fn check_table(cx: &Ctxt, input: &Input) {
    let Some(table) = &input.table else {
        cx.error_at(
            &input.ident,
            format!(
                "a model names its table: add #[model({TABLE} = \"{}s\")]",
                snake(&input.ident.to_string())
            ),
        );
        return;
    };
    if !is_identifier_path(&table.value()) {
        cx.error_at(table, "a table name is letters, digits and `_` (optionally `schema.table`); it is quoted into the statements, so nothing else is accepted");
    }
}

/// Every statement by key, and every relation to this model, uses its one key.
fn check_primary_key(cx: &Ctxt, input: &Input) {
    let keys: Vec<_> = input
        .fields
        .iter()
        .filter(|field| field.primary_key.is_some())
        .collect();
    match keys.as_slice() {
        [] => cx.error_at(
            &input.ident,
            format!("a model needs a primary key: mark its key field #[model({PRIMARY_KEY})]"),
        ),
        [key] if key.relation.is_some() => cx.error_span(
            key.primary_key.expect("marked"),
            "the primary key is a column, not a relation",
        ),
        [_] => {}
        [_, extra @ ..] => {
            for field in extra {
                cx.error_span(field.primary_key.expect("marked"), "a model has one primary key field; composite keys are not supported, unmark this one");
            }
        }
    }
}

/// Each relation names its model and the columns that link the rows, and its
/// field holds `Related<Model>` or `Related<Vec<Model>>`.
fn check_relation_fields(cx: &Ctxt, input: &Input) {
    for (field, relation) in input.relations() {
        let kind = relation.kind.to_string();
        if relation.model.is_none() {
            cx.error_at(
                &relation.kind,
                format!("name the related model first: `{kind}(Author, ...)`"),
            );
        }
        let to_many = kind != BELONGS_TO;
        match related_inner(&field.ty) {
            None => cx.error_at(&field.ty, format!("a `{kind}` field holds `Related<{}>`", if to_many { "Vec<Model>" } else { "Model" })),
            Some(inner) if to_many && !is_vec(inner) => cx.error_at(&field.ty, format!("a `{kind}` relation holds many rows: `Related<Vec<...>>`")),
            Some(inner) if !to_many && is_vec(inner) => cx.error_at(&field.ty, format!("a `{BELONGS_TO}` relation holds one row: `Related<Model>`; for many rows use `{HAS_MANY}`")),
            Some(_) => {}
        }
        match kind.as_str() {
            BELONGS_TO => check_belongs_to_key(cx, input, relation),
            HAS_MANY => require(
                cx,
                relation,
                relation.foreign_key.is_some(),
                FOREIGN_KEY,
                "the related model's field holding this model's key: `foreign_key = post_id`",
            ),
            _ => check_many_to_many(cx, relation),
        }
    }
}

/// The key of a `belongs_to` is a column of this model.
fn check_belongs_to_key(cx: &Ctxt, input: &Input, relation: &RelationAttr) {
    let Some(key) = &relation.key else {
        require(
            cx,
            relation,
            false,
            KEY,
            "this model's field holding the related row's key: `key = author_id`",
        );
        return;
    };
    match input.field(key) {
        Some(field) if field.relation.is_some() => cx.error_at(
            key,
            format!(
                "`{key}` is a relation; `{KEY}` names the column holding the related row's key"
            ),
        ),
        Some(_) => {}
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
}

fn check_many_to_many(cx: &Ctxt, relation: &RelationAttr) {
    match &relation.through {
        None => require(
            cx,
            relation,
            false,
            THROUGH,
            "the join table: `through = \"post_tags\"`",
        ),
        Some(through) if !is_identifier_path(&through.value()) => cx.error_at(
            through,
            "a join table name is letters, digits and `_` (optionally `schema.table`)",
        ),
        Some(_) => {}
    }
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
}

fn require(cx: &Ctxt, relation: &RelationAttr, given: bool, option: &str, what: &str) {
    if !given {
        cx.error_at(
            &relation.kind,
            format!("`{}` needs `{option}`: {what}", relation.kind),
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

fn snake(name: &str) -> String {
    let mut snake = String::new();
    for (position, c) in name.chars().enumerate() {
        if c.is_uppercase() && position > 0 {
            snake.push('_');
        }
        snake.extend(c.to_lowercase());
    }
    snake
}

#[cfg(test)]
mod tests {
    use super::{is_identifier_path, snake};

    #[test]
    fn table_names_are_identifiers() {
        assert!(is_identifier_path("posts"));
        assert!(is_identifier_path("blog.post_tags2"));
        assert!(!is_identifier_path("posts; DROP TABLE x"));
        assert!(!is_identifier_path("a.b.c"));
        assert!(!is_identifier_path("\"posts\""));
        assert!(!is_identifier_path(""));
        assert!(!is_identifier_path("1posts"));
        assert_eq!(snake("BlogPost"), "blog_post");
    }
}
