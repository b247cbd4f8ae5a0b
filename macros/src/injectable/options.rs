//! The arguments of `#[injectable(...)]`.

use crate::common::ctxt::Ctxt;
use crate::common::options::{option_name, read_each, set_once, unknown as unknown_option};
use proc_macro2::{Span, TokenStream};
use syn::meta::ParseNestedMeta;
use syn::spanned::Spanned;

pub(crate) const SINGLETON: &str = "singleton";
pub(crate) const SCOPED: &str = "scoped";
pub(crate) const TRANSIENT: &str = "transient";
pub(crate) const EAGER: &str = "eager";
pub(crate) const DEFAULT: &str = "default";
pub(crate) const FACTORY: &str = "factory";
pub(crate) const DISPOSE: &str = "dispose";

const LIFETIMES: &[&str] = &[SINGLETON, SCOPED, TRANSIENT];
const KNOWN: &[&str] = &[
    SINGLETON, SCOPED, TRANSIENT, EAGER, DEFAULT, FACTORY, DISPOSE,
];

#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Lifetime {
    Singleton,
    Scoped,
    Transient,
}

impl Lifetime {
    pub(crate) fn word(self) -> &'static str {
        match self {
            Self::Singleton => SINGLETON,
            Self::Scoped => SCOPED,
            Self::Transient => TRANSIENT,
        }
    }
}

/// `factory = path` or `factory = async path`.
pub(crate) struct Factory {
    pub(crate) path: syn::Path,
    pub(crate) is_async: Option<Span>,
}

pub(crate) struct Options {
    /// The whole attribute's arguments, for errors about what is missing.
    pub(crate) span: Span,
    pub(crate) lifetimes: Vec<(Lifetime, Span)>,
    pub(crate) eager: Option<Span>,
    pub(crate) default: Option<Span>,
    pub(crate) factory: Option<(Factory, Span)>,
    pub(crate) dispose: Option<Span>,
    /// Whether an unknown word was given: likely a misspelt lifetime, already
    /// reported with a suggestion.
    pub(crate) has_unknown: bool,
}

impl Options {
    /// The lifetime given first, if any.
    pub(crate) fn lifetime(&self) -> Option<Lifetime> {
        self.lifetimes.first().map(|(lifetime, _)| *lifetime)
    }

    pub(crate) fn is_eager_singleton(&self) -> bool {
        self.lifetime() == Some(Lifetime::Singleton) && self.eager.is_some()
    }
}

/// Reads every option, recording each mistake and going on to the next one.
pub(crate) fn parse(cx: &Ctxt, args: TokenStream) -> Options {
    let mut options = Options {
        span: if args.is_empty() {
            Span::call_site()
        } else {
            args.span()
        },
        lifetimes: Vec::new(),
        eager: None,
        default: None,
        factory: None,
        dispose: None,
        has_unknown: false,
    };
    read_each(cx, args, |meta| read_option(cx, &mut options, meta));
    options
}

fn read_option(cx: &Ctxt, options: &mut Options, meta: &ParseNestedMeta<'_>) -> syn::Result<()> {
    let name = option_name(meta);
    let span = meta.path.span();
    match name.as_str() {
        SINGLETON => options.lifetimes.push((Lifetime::Singleton, span)),
        SCOPED => options.lifetimes.push((Lifetime::Scoped, span)),
        TRANSIENT => options.lifetimes.push((Lifetime::Transient, span)),
        EAGER => flag(cx, &mut options.eager, EAGER, span),
        DEFAULT => flag(cx, &mut options.default, DEFAULT, span),
        DISPOSE => flag(cx, &mut options.dispose, DISPOSE, span),
        FACTORY => {
            let value = meta.value().map_err(|_| factory_syntax(span))?;
            let is_async = if value.peek(syn::Token![async]) {
                Some(value.parse::<syn::Token![async]>()?.span)
            } else {
                None
            };
            let path: syn::Path = value
                .parse()
                .map_err(|error| factory_syntax(error.span()))?;
            let factory = (Factory { path, is_async }, span);
            set_once(cx, &mut options.factory, FACTORY, span, factory);
        }
        _ => {
            options.has_unknown = true;
            let takes = format!(
                "#[injectable] takes a lifetime ({}) and: {EAGER}, {DEFAULT}, {FACTORY} = path, {DISPOSE}",
                LIFETIMES.join(", ")
            );
            unknown_option(cx, meta, KNOWN, &takes)?;
        }
    }
    Ok(())
}

fn flag(cx: &Ctxt, slot: &mut Option<Span>, name: &str, span: Span) {
    set_once(cx, slot, name, span, span);
}

fn factory_syntax(span: Span) -> syn::Error {
    syn::Error::new(
        span,
        "write `factory = path::to::function`, or `factory = async path::to::function` for an `async fn`",
    )
}
