//! The container as the expansion reads it: the names of the generated types,
//! and each service and binding with the field that holds it. Built by
//! `validate` once every rule holds; [`expand`](super::expand) and
//! [`impls`](super::impls) both read it.

use super::parse::ContainerInput;
use crate::common::case::snake;
use crate::common::types::last_segment_name;
use proc_macro2::Ident;
use quote::{ToTokens, format_ident};
use syn::{Attribute, Type, Visibility};

/// The types `#[container] struct App;` generates, named after it: also what
/// the fallback stubs, so that code using them reports only the real error.
pub(crate) struct Names<'a> {
    /// `App`: the container.
    pub(crate) root: &'a Ident,
    /// `AppScope`.
    pub(crate) scope: Ident,
    /// `AppBuilder`.
    pub(crate) builder: Ident,
    /// `__AppScopeSlots`: one scope's slots, pooled.
    pub(crate) slots: Ident,
}

impl<'a> Names<'a> {
    pub(crate) fn of(root: &'a Ident) -> Self {
        Self {
            root,
            scope: format_ident!("{}Scope", root),
            builder: format_ident!("{}Builder", root),
            slots: format_ident!("__{}ScopeSlots", root),
        }
    }
}

pub(crate) struct Container<'a> {
    /// The struct's attributes and visibility, which the generated types share.
    pub(crate) attrs: &'a [Attribute],
    pub(crate) vis: &'a Visibility,
    pub(crate) names: Names<'a>,
    /// Every service, implementations of bindings included, once each, in list
    /// order: a service's position is its index in the container.
    pub(crate) services: Vec<Service<'a>>,
    pub(crate) bindings: Vec<Binding<'a>>,
}

pub(crate) struct Service<'a> {
    pub(crate) ty: &'a Type,
    /// Its slot, named after it: `__unokit_unit_of_work`.
    pub(crate) field: Ident,
}

/// `dyn Trait = Implementation`.
pub(crate) struct Binding<'a> {
    pub(crate) bound: &'a Type,
    pub(crate) implementation: &'a Type,
    /// The override a test may supply: `__unokit_binding_0`.
    pub(crate) field: Ident,
}

impl<'a> Container<'a> {
    pub(crate) fn new(input: &'a ContainerInput) -> Self {
        let mut services: Vec<&Type> = Vec::new();
        let mut bindings = Vec::new();
        for entry in &input.entries {
            let service = &entry.service;
            if !services.iter().any(|known| same_type(known, service)) {
                services.push(service);
            }
            if let Some(bound) = &entry.bound {
                bindings.push(Binding {
                    bound,
                    implementation: service,
                    field: format_ident!("__unokit_binding_{}", bindings.len()),
                });
            }
        }
        let fields = field_names(&services);
        Self {
            attrs: &input.item.attrs,
            vis: &input.item.vis,
            names: Names::of(&input.item.ident),
            services: services
                .into_iter()
                .zip(fields)
                .map(|(ty, field)| Service { ty, field })
                .collect(),
            bindings,
        }
    }
}

fn same_type(a: &Type, b: &Type) -> bool {
    a.to_token_stream().to_string() == b.to_token_stream().to_string()
}

/// Slot names that read well in `cargo expand`: the snake-case name of each
/// service's type, numbered only when two services share a name.
fn field_names(services: &[&Type]) -> Vec<Ident> {
    let snake: Vec<String> = services
        .iter()
        .map(|ty| last_segment_name(ty).map_or_else(String::new, |name| snake(&name)))
        .collect();
    snake
        .iter()
        .enumerate()
        .map(|(index, name)| {
            if snake.iter().filter(|other| *other == name).count() > 1 || name.is_empty() {
                format_ident!("__unokit_{}{}", name, index)
            } else {
                format_ident!("__unokit_{}", name)
            }
        })
        .collect()
}
