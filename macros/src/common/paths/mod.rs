//! Every runtime path generated code names, written once.
//!
//! Generated code reaches the runtime through `::unokit::__private::<capability>`,
//! which the facade re-exports from each runtime capability's `rt` module. Each
//! file here lists one capability's items as constants that quote as their full
//! path (`quote!(#CACHE_CONFIG::new())`), so renaming a runtime item is a
//! one-line change on each side of the contract, and no `quote!` writes a
//! `__private` path by hand.

use proc_macro2::{Ident, Punct, Spacing, Span, TokenStream};
use quote::{ToTokens, TokenStreamExt};

pub(crate) mod batch;
pub(crate) mod cache;
pub(crate) mod db;
pub(crate) mod di;
pub(crate) mod key;
pub(crate) mod query;
pub(crate) mod select;
pub(crate) mod task;

/// `::unokit::__private::<capability>::<item>`.
#[derive(Clone, Copy)]
pub(crate) struct RtPath {
    capability: &'static str,
    item: &'static str,
    span: Option<Span>,
}

impl RtPath {
    pub(crate) const fn new(capability: &'static str, item: &'static str) -> Self {
        Self {
            capability,
            item,
            span: None,
        }
    }

    /// The same path with every token at `span`, so that an error in generated
    /// code (a missing trait impl, say) points at the user's tokens.
    pub(crate) fn at(self, span: Span) -> Self {
        Self {
            span: Some(span),
            ..self
        }
    }
}

impl ToTokens for RtPath {
    fn to_tokens(&self, tokens: &mut TokenStream) {
        let span = self.span.unwrap_or_else(Span::call_site);
        for segment in ["unokit", "__private", self.capability, self.item] {
            let mut colon = Punct::new(':', Spacing::Joint);
            colon.set_span(span);
            tokens.append(colon);
            let mut colon = Punct::new(':', Spacing::Alone);
            colon.set_span(span);
            tokens.append(colon);
            tokens.append(Ident::new(segment, span));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RtPath;
    use quote::quote;

    #[test]
    fn quotes_as_an_absolute_path() {
        const SINK: RtPath = RtPath::new("key", "KeySink");
        assert_eq!(
            quote!(#SINK::put_u64).to_string(),
            quote!(::unokit::__private::key::KeySink::put_u64).to_string()
        );
    }
}
