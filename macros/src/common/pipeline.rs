//! The one path every macro takes: parse, validate, expand — or, when the input
//! has errors, the fallback.

use super::ctxt::Ctxt;
use proc_macro2::TokenStream;

/// One macro's three steps, and what it emits when its input has errors.
///
/// `validate` turns what was read into a typed model that holds only valid
/// input, so that `expand` has nothing left to check and nothing to unwrap.
pub(crate) trait Pipeline {
    /// The input as read, errors and all.
    type Parsed;
    /// The input once every rule holds: all that `expand` reads. It may
    /// borrow from the parsed input.
    type Valid<'a>
    where
        Self: 'a;
    /// An attribute macro re-emits the user's item on error; a derive's input
    /// stays in place by itself, so it emits only stubs.
    const IS_DERIVE: bool;

    /// Reads the input; `None` (with an error recorded) when it is not the kind
    /// of item the macro applies to.
    fn parse(cx: &Ctxt, args: TokenStream, input: TokenStream) -> Option<Self::Parsed>;

    /// Checks every rule, recording each broken one, and builds the typed model.
    /// `None` only if an error was recorded; `Some` does not mean none was (the
    /// pipeline expands only when the context holds no error).
    fn validate<'a>(cx: &Ctxt, parsed: &'a Self::Parsed) -> Option<Self::Valid<'a>>;

    /// The generated code.
    fn expand(valid: &Self::Valid<'_>) -> TokenStream;

    /// What the rest of the crate may still name when the input has errors: the
    /// user's item (for attributes) and stubs of the items the expansion would
    /// have added, so that one mistake gives one error, not a pile of
    /// "cannot find" errors after it.
    fn fallback(parsed: &Self::Parsed) -> TokenStream;
}

/// Runs `M` on one input.
pub(crate) fn run<M: Pipeline>(args: TokenStream, input: TokenStream) -> TokenStream {
    let cx = Ctxt::new();
    let parsed = M::parse(&cx, args, input.clone());
    let valid = parsed.as_ref().and_then(|parsed| M::validate(&cx, parsed));
    match (cx.check(), &parsed, valid) {
        (Ok(()), Some(_), Some(valid)) => M::expand(&valid),
        (Err(errors), Some(parsed), _) => {
            let fallback = M::fallback(parsed);
            let errors = errors.to_compile_error();
            quote::quote!(#fallback #errors)
        }
        (Err(errors), None, _) => {
            let errors = errors.to_compile_error();
            if M::IS_DERIVE {
                errors
            } else {
                quote::quote!(#input #errors)
            }
        }
        (Ok(()), _, _) => unreachable!("parse and validate record an error when they give up"),
    }
}
