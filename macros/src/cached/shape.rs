//! What the function's signature implies for its cache: which results are cached
//! and as what type, and what the key is made of.

use super::parse::{CachedFn, Param};
use crate::common::types::{self, type_arguments, ungroup};
use syn::{Expr, GenericParam, Ident, Type};

/// Which return values are cached.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    /// Every value.
    Always,
    /// `Ok` values of a `Result`.
    OkOnly,
    /// `Some` values of an `Option`.
    SomeOnly,
}

pub(crate) struct Returns<'a> {
    pub(crate) mode: Mode,
    /// The type the cache stores.
    pub(crate) value: &'a Type,
    /// Whether the return type is an `Option` (known or declared by `option`).
    pub(crate) is_option: bool,
}

pub(crate) enum Key<'a> {
    /// `key = <expr>`: stored type-erased, since its type is unknown here.
    Custom(&'a Expr),
    /// `self` (with `key_self`) and the parameters not skipped, in order.
    Args(Vec<KeyPart<'a>>),
}

pub(crate) enum KeyPart<'a> {
    SelfRef,
    Param(&'a Param),
}

impl CachedFn {
    /// How the return type is cached; `None` if there is nothing to cache, or the
    /// type names a `Result` or `Option` without its value type.
    pub(crate) fn returns(&self) -> Option<Returns<'_>> {
        let output = self.item.output()?;
        let wrapper = types::last_segment_name(output);
        let is = |name: &str, flag: bool| flag || wrapper.as_deref() == Some(name);
        let is_option = is("Option", self.options.option.is_some());
        if is("Result", self.options.result.is_some()) {
            Some(Returns {
                mode: Mode::OkOnly,
                value: type_arguments(output).next()?,
                is_option: false,
            })
        } else if is_option && self.options.cache_none.is_none() {
            Some(Returns {
                mode: Mode::SomeOnly,
                value: type_arguments(output).next()?,
                is_option,
            })
        } else {
            Some(Returns {
                mode: Mode::Always,
                value: output,
                is_option,
            })
        }
    }

    pub(crate) fn key(&self) -> Key<'_> {
        if let Some(key) = &self.options.key {
            return Key::Custom(&key.value);
        }
        let receiver = self.options.key_self.as_ref().map(|_| KeyPart::SelfRef);
        let params = self.key_params().map(KeyPart::Param);
        Key::Args(receiver.into_iter().chain(params).collect())
    }

    pub(crate) fn key_params(&self) -> impl Iterator<Item = &Param> {
        self.params.iter().filter(|param| param.skip.is_none())
    }

    /// The names of the function's type and const parameters.
    pub(crate) fn generic_names(&self) -> Vec<Ident> {
        self.item
            .sig
            .generics
            .params
            .iter()
            .filter_map(|param| match param {
                GenericParam::Type(ty) => Some(ty.ident.clone()),
                GenericParam::Const(constant) => Some(constant.ident.clone()),
                GenericParam::Lifetime(_) => None,
            })
            .collect()
    }

    /// Whether this is an associated function, whose companions are reached through `Self`.
    pub(crate) fn in_impl(&self) -> bool {
        self.item.sig.receiver().is_some() || self.options.in_impl.is_some()
    }
}

impl Key<'_> {
    /// Whether the owned key must be stored type-erased: a `static` cannot name
    /// `Self`, nor the type of a custom key expression.
    pub(crate) fn is_erased(&self) -> bool {
        match self {
            Key::Custom(_) => true,
            Key::Args(parts) => parts.iter().any(|part| match part {
                KeyPart::SelfRef => true,
                KeyPart::Param(param) => types::unnameable(&param.ty, &[]).self_type.is_some(),
            }),
        }
    }
}

/// The type behind a reference parameter, which the key stores in its owned form.
pub(crate) fn referent(ty: &Type) -> Option<&Type> {
    match ungroup(ty) {
        Type::Reference(reference) => Some(ungroup(&reference.elem)),
        _ => None,
    }
}
