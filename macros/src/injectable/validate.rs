//! The rules an `#[injectable]` item must follow, one check each, and the
//! model of the service they leave.

use super::model::Service;
use super::options::{DEFAULT, EAGER, FACTORY, Lifetime};
use super::parse::{FnTarget, Injectable, StructTarget, Target};
use crate::common::ctxt::Ctxt;

pub(crate) fn check<'a>(cx: &Ctxt, input: &'a Injectable) -> Option<Service<'a>> {
    check_one_lifetime(cx, input);
    check_eager_is_for_singletons(cx, input);
    check_default_or_factory(cx, input);
    check_async_or_fallible_is_eager(cx, input);
    match &input.target {
        Target::Struct(target) => {
            check_struct_not_generic(cx, target);
            check_inject_attrs_are_used(cx, input, target);
            check_few_conditional_defaults(cx, target);
        }
        Target::Fn(target) => check_fn_shape(cx, target),
    }
    Service::new(input)
}

/// The lifetime decides where the instance lives and who may depend on it;
/// there is no sensible default, so it is required, and only one.
fn check_one_lifetime(cx: &Ctxt, input: &Injectable) {
    let lifetimes = &input.options.lifetimes;
    if lifetimes.is_empty() && !input.options.has_unknown {
        cx.error_span(
            input.options.span,
            "#[injectable] needs a lifetime: `singleton` (one per container), `scoped` (one per scope) or `transient` (a new one on each resolve)",
        );
    }
    if let [(first, _), rest @ ..] = lifetimes.as_slice() {
        for (other, span) in rest {
            cx.error_span(
                *span,
                format!(
                    "a service has one lifetime, and `{}` is given already; keep one",
                    if other == first {
                        other.word()
                    } else {
                        first.word()
                    }
                ),
            );
        }
    }
}

/// Only a singleton is built by `build()`; a scoped or transient service is
/// built on resolve, inside a scope that does not exist at start-up.
fn check_eager_is_for_singletons(cx: &Ctxt, input: &Injectable) {
    if let (Some(span), Some(lifetime)) = (input.options.eager, input.options.lifetime())
        && lifetime != Lifetime::Singleton
    {
        cx.error_span(
            span,
            format!(
                "`{EAGER}` is for singletons, which build() makes; a {} service is made on resolve",
                lifetime.word()
            ),
        );
    }
}

/// `default` and `factory` both say how the value is made; on a function, the
/// function itself is the factory.
fn check_default_or_factory(cx: &Ctxt, input: &Injectable) {
    let options = &input.options;
    if let (Some(_), Some((_, span))) = (options.default, &options.factory) {
        cx.error_span(
            *span,
            format!("`{DEFAULT}` and `{FACTORY}` both say how to make the service; keep one"),
        );
    }
    if let Target::Fn(_) = input.target {
        for (name, span) in [
            (DEFAULT, options.default),
            (FACTORY, options.factory.as_ref().map(|(_, span)| *span)),
        ] {
            if let Some(span) = span {
                cx.error_span(
                    span,
                    format!("on a function, the function is the factory: `{name}` does not apply; put #[injectable] on the struct to use it"),
                );
            }
        }
    }
}

/// A factory that awaits or fails can only run in `build()`, which is async and
/// reports errors; resolving is synchronous and infallible.
fn check_async_or_fallible_is_eager(cx: &Ctxt, input: &Injectable) {
    let Some(lifetime) = input.options.lifetime() else {
        return;
    };
    if input.options.is_eager_singleton() {
        return;
    }
    let fix = match lifetime {
        Lifetime::Singleton => {
            "add `eager`, so that build() runs it and reports its error".to_owned()
        }
        other => format!(
            "a {} service is made on resolve, which cannot await or fail; make the work a method the handler calls, or move it into an eager singleton",
            other.word()
        ),
    };
    let async_factory = input
        .options
        .factory
        .as_ref()
        .and_then(|(factory, _)| factory.is_async);
    let (async_fn, fallible_fn) = match &input.target {
        Target::Fn(target) => (
            target.item.sig.asyncness.map(|token| token.span),
            target.fallible,
        ),
        Target::Struct(_) => (None, None),
    };
    if let Some(span) = async_factory.or(async_fn) {
        cx.error_span(span, format!("an async factory runs in build(): {fix}"));
    }
    if let Some(span) = fallible_fn {
        cx.error_span(
            span,
            format!("a factory that returns a `Result` runs in build(): {fix}"),
        );
    }
}

/// The container names the service by its type; a generic type has no single
/// type to name.
fn check_struct_not_generic(cx: &Ctxt, target: &StructTarget) {
    if !target.item.generics.params.is_empty() {
        cx.error_at(
            &target.item.generics,
            "an injectable type cannot be generic: the container holds one instance per type; wrap a concrete instantiation in its own struct",
        );
    }
}

/// With `default` or `factory`, the fields are not injected, so an
/// `#[inject(..)]` on one would be silently ignored.
fn check_inject_attrs_are_used(cx: &Ctxt, input: &Injectable, target: &StructTarget) {
    let how = if input.options.default.is_some() {
        DEFAULT
    } else if input.options.factory.is_some() {
        FACTORY
    } else {
        return;
    };
    for span in &target.inject_attrs {
        cx.error_span(
            *span,
            format!("with `{how}`, the fields are not injected, so #[inject] here does nothing; remove it"),
        );
    }
}

/// Each field whose `#[inject(default)]` is under `cfg_attr` doubles the
/// recipes the expansion writes (one per combination of `cfg`s, which only
/// rustc can evaluate); past a few, that is a mistake more than a design.
fn check_few_conditional_defaults(cx: &Ctxt, target: &StructTarget) {
    const MAX: usize = 3;
    let conditional: Vec<_> = target
        .fields
        .iter()
        .filter(|field| field.default_cfg.is_some())
        .collect();
    if let Some(field) = conditional.get(MAX) {
        cx.error_span(
            field.default.unwrap_or_else(proc_macro2::Span::call_site),
            format!("at most {MAX} fields may take `#[cfg_attr(.., inject(default))]`: each doubles the generated recipes; group the optional fields in one `#[inject(default)]` struct"),
        );
    }
}

/// The function is called with injected values and builds one type.
fn check_fn_shape(cx: &Ctxt, target: &FnTarget) {
    let sig = &target.item.sig;
    if let Some(span) = target.receiver {
        cx.error_span(
            span,
            "a factory takes its dependencies as parameters, not `self`; use a free function",
        );
    }
    if !sig.generics.params.is_empty() {
        cx.error_at(
            &sig.generics,
            "a factory cannot be generic: the container calls it with one set of injected types",
        );
    }
    match &target.service {
        None => cx.error_at(
            &sig.ident,
            "a factory returns the service it builds: add `-> Service` or `-> Result<Service, E>`",
        ),
        Some(ty @ syn::Type::Path(path)) if path.qself.is_none() => {
            if let Some((origin, guessed)) = super::foreign::foreign_crate(ty) {
                let name = crate::common::types::last_segment_name(ty).unwrap_or_default();
                let unless = if guessed {
                    format!(" (if `{origin}` is a module of yours, write `crate::{origin}::{name}`)")
                } else {
                    String::new()
                };
                cx.error_at(
                    ty,
                    format!(
                        "`{name}` comes from `{origin}`, and only a type of this crate can be a service (the orphan rule): wrap it in a struct of yours, `pub struct {name}Service(pub {});`, return that, and inject `Arc<{name}Service>`{unless}",
                        quote::ToTokens::to_token_stream(ty).to_string().replace(' ', "")
                    ),
                );
            }
        }
        Some(other) => cx.error_at(
            other,
            "a factory builds a named type (a struct of this crate): `-> Service` or `-> Result<Service, E>`",
        ),
    }
}
