use proc_macro2::Span;
use syn::spanned::Spanned;
use syn::visit::{self, Visit};
use syn::{GenericArgument, Ident, Lifetime, PathArguments, Type};

/// What a type mentions that a `static`, which holds every cache, cannot name.
#[derive(Default)]
pub(crate) struct Unnameable {
    /// `Self`, or a path starting with it.
    pub(crate) self_type: Option<Span>,
    /// A type or const parameter of the function.
    pub(crate) generic: Option<Ident>,
    /// `impl Trait`.
    pub(crate) impl_trait: Option<Span>,
    /// A reference or a lifetime other than `'static`.
    pub(crate) borrow: Option<Span>,
}

/// Inspects `ty`, given the names of the function's type and const parameters.
pub(crate) fn unnameable(ty: &Type, generics: &[Ident]) -> Unnameable {
    let mut finder = Finder {
        generics,
        found: Unnameable::default(),
    };
    finder.visit_type(ty);
    finder.found
}

struct Finder<'a> {
    generics: &'a [Ident],
    found: Unnameable,
}

impl<'ast> Visit<'ast> for Finder<'_> {
    fn visit_type_path(&mut self, ty: &'ast syn::TypePath) {
        if ty.qself.is_none()
            && let Some(first) = ty.path.segments.first()
        {
            if first.ident == "Self" {
                self.found.self_type.get_or_insert(first.ident.span());
            } else if ty.path.segments.len() == 1 && self.generics.contains(&first.ident) {
                self.found.generic.get_or_insert(first.ident.clone());
            }
        }
        visit::visit_type_path(self, ty);
    }

    fn visit_expr_path(&mut self, expr: &'ast syn::ExprPath) {
        if let Some(ident) = expr.path.get_ident()
            && self.generics.contains(ident)
        {
            self.found.generic.get_or_insert(ident.clone());
        }
    }

    fn visit_type_impl_trait(&mut self, ty: &'ast syn::TypeImplTrait) {
        self.found.impl_trait.get_or_insert(ty.span());
    }

    fn visit_type_reference(&mut self, ty: &'ast syn::TypeReference) {
        self.found.borrow.get_or_insert(ty.and_token.span);
        visit::visit_type_reference(self, ty);
    }

    fn visit_lifetime(&mut self, lifetime: &'ast Lifetime) {
        if lifetime.ident != "static" {
            self.found.borrow.get_or_insert(lifetime.span());
        }
    }
}

/// `ty` without the invisible groups and parentheses macros may wrap it in.
pub(crate) fn ungroup(ty: &Type) -> &Type {
    match ty {
        Type::Group(group) => ungroup(&group.elem),
        Type::Paren(paren) => ungroup(&paren.elem),
        other => other,
    }
}

/// The name of a path type's last segment: `Result` for `std::io::Result<T>`.
pub(crate) fn last_segment_name(ty: &Type) -> Option<String> {
    match ty {
        Type::Path(path) if path.qself.is_none() => path
            .path
            .segments
            .last()
            .map(|segment| segment.ident.to_string()),
        _ => None,
    }
}

/// The type arguments of a path type's last segment: `T, E` for `Result<T, E>`.
pub(crate) fn type_arguments(ty: &Type) -> impl Iterator<Item = &Type> {
    let arguments = match ty {
        Type::Path(path) => {
            path.path
                .segments
                .last()
                .and_then(|segment| match &segment.arguments {
                    PathArguments::AngleBracketed(arguments) => Some(arguments),
                    _ => None,
                })
        }
        _ => None,
    };
    arguments
        .into_iter()
        .flat_map(|arguments| &arguments.args)
        .filter_map(|argument| match argument {
            GenericArgument::Type(ty) => Some(ungroup(ty)),
            _ => None,
        })
}
