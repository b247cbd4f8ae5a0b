//! The rules a `#[container]` must follow, one check each, and the model of
//! the container they leave.

use super::model::Container;
use super::parse::ContainerInput;
use crate::common::ctxt::Ctxt;
use quote::ToTokens;
use syn::{Fields, Type};

pub(crate) fn check<'a>(cx: &Ctxt, input: &'a ContainerInput) -> Option<Container<'a>> {
    check_unit_struct(cx, input);
    check_not_empty(cx, input);
    check_services_are_named_types(cx, input);
    check_bindings_are_trait_objects(cx, input);
    check_no_duplicates(cx, input);
    Some(Container::new(input))
}

/// The macro writes the struct's fields (one slot per service) and its impls;
/// fields or generics of the user's would have nowhere to go.
fn check_unit_struct(cx: &Ctxt, input: &ContainerInput) {
    if !matches!(input.item.fields, Fields::Unit) {
        cx.error_at(
            &input.item.fields,
            "#[container] writes the container's fields itself: declare it as a unit struct, `pub struct AppContainer;`",
        );
    }
    if !input.item.generics.params.is_empty() {
        cx.error_at(
            &input.item.generics,
            "a container cannot be generic: its services are fixed types",
        );
    }
}

/// An empty container resolves nothing; most likely the list was forgotten.
fn check_not_empty(cx: &Ctxt, input: &ContainerInput) {
    if input.entries.is_empty() {
        cx.error_at(
            &input.item.ident,
            "list the container's services: #[container(Config, Db, UnitOfWork, dyn Repo = PgRepo)]",
        );
    }
}

/// A service is an `#[injectable]` type, so it is named by a path.
fn check_services_are_named_types(cx: &Ctxt, input: &ContainerInput) {
    for entry in &input.entries {
        let service = &entry.service;
        if !is_path(service) {
            cx.error_at(
                service,
                "a service is an #[injectable] type named by its path, such as `Db` or `crate::db::Db`",
            );
        }
    }
}

/// A binding resolves `Arc<dyn Trait>`, so its left side is a trait object.
fn check_bindings_are_trait_objects(cx: &Ctxt, input: &ContainerInput) {
    for entry in &input.entries {
        if let Some(bound) = &entry.bound
            && !matches!(bound, Type::TraitObject(object) if object.dyn_token.is_some())
        {
            cx.error_at(
                bound,
                "a binding maps a trait object to its implementation: `dyn Trait = Implementation`",
            );
        }
    }
}

/// Each service has one slot and each trait one binding; a second listing is a
/// mistake, not a second instance.
fn check_no_duplicates(cx: &Ctxt, input: &ContainerInput) {
    let mut services: Vec<String> = Vec::new();
    let mut bounds: Vec<String> = Vec::new();
    for entry in &input.entries {
        let listed = match &entry.bound {
            None => Some((&entry.service, &mut services)),
            Some(bound) => Some((bound, &mut bounds)),
        };
        if let Some((ty, seen)) = listed {
            let key = ty.to_token_stream().to_string();
            if seen.contains(&key) {
                cx.error_at(ty, format!("`{key}` is listed twice; list it once"));
            } else {
                seen.push(key);
            }
        }
    }
}

fn is_path(ty: &Type) -> bool {
    matches!(ty, Type::Path(path) if path.qself.is_none())
}
