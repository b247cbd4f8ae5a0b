//! `#[partial_response]` where the prelude's names mean something else.

#![allow(dead_code, non_camel_case_types)]

use unokit::partial_response;

struct Option;
struct Some;
struct None;
struct Result;
struct Ok;
struct Err;
struct Serializer;
struct Selectable;
mod core {}
mod std {}
mod serde_shadow {}

/// A nested output type.
#[partial_response]
#[derive(::serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PostOut {
    title_text: ::std::string::String,
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    subtitle: ::std::option::Option<::std::string::String>,
}

/// An output type with every kind of field.
#[partial_response]
#[derive(::serde::Serialize)]
pub struct UserOut<'a, T> {
    id: u64,
    name: &'a str,
    #[serde(rename = "emailAddress")]
    email: ::std::string::String,
    #[serde(skip)]
    secret: u8,
    posts: ::std::vec::Vec<PostOut>,
    page: ::std::option::Option<::std::boxed::Box<T>>,
    #[partial(leaf, column = "raw")]
    raw: (u8, u8),
    #[partial(no_column)]
    counts: ::std::collections::BTreeMap<::std::string::String, u32>,
}

/// Serializes a selection, as a handler would.
///
/// # Panics
///
/// Never: the selection is valid and JSON serialization of these types cannot fail.
#[must_use]
pub fn render(user: &UserOut<'_, PostOut>) -> ::std::string::String {
    use unokit::select::Selectable as _;
    let selection = unokit::select::Selection::<UserOut<'_, PostOut>>::parse("id,posts/titleText")
        .expect("a valid selection");
    ::serde_json::to_string(&user.select(&selection)).expect("serializable")
}
