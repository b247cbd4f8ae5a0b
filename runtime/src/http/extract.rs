//! The `?fields=` extractor: parses and compiles the selection once per request;
//! a bad one is a `400 Bad Request` whose JSON body names the path and offset,
//! one longer than [`MAX_FIELDS_LEN`] a `414 URI Too Long` with the same body.

use super::cache::SelectionProbe;
use crate::select::{Fields, FieldsError, FieldsErrorKind, Selectable, Selection};
use axum::extract::FromRequestParts;
use axum::response::{IntoResponse, Response};
use http::request::Parts;
use http::{StatusCode, header};
use std::borrow::Cow;

/// The query parameter that carries the selection.
pub const FIELDS_PARAM: &str = "fields";

/// The longest `fields` value the extractors read, in bytes after decoding.
/// Parsing is linear in the text, but a selection longer than any client
/// needs is refused before it is parsed, compiled or stored in a key.
pub const MAX_FIELDS_LEN: usize = 16 * 1024;

/// The selection of `?fields=`, compiled strictly against `T` (a name `T` does
/// not have is a 400). Without the parameter, everything is selected.
///
/// ```
/// use axum::{Router, routing::get};
/// use unokit::http::SelectionQuery;
/// use unokit::partial_response;
/// use unokit::select::Selectable;
///
/// #[partial_response]
/// #[derive(serde::Serialize)]
/// struct UserOut { id: u64, name: String }
///
/// async fn user(SelectionQuery(selection): SelectionQuery<UserOut>) -> Vec<u8> {
///     let user = UserOut { id: 1, name: "Ada".into() };
///     serde_json::to_vec(&user.select(&selection)).unwrap()
/// }
///
/// let app: Router = Router::new().route("/user", get(user));
/// ```
#[derive(Debug, Clone)]
pub struct SelectionQuery<T: ?Sized>(pub Selection<T>);

/// Like [`SelectionQuery`], but names `T` does not have are ignored.
#[derive(Debug, Clone)]
pub struct LenientSelectionQuery<T: ?Sized>(pub Selection<T>);

impl<S, T> FromRequestParts<S> for SelectionQuery<T>
where
    S: Send + Sync,
    T: Selectable + ?Sized,
{
    type Rejection = FieldsRejection;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        selection(parts, Fields::compile).map(Self)
    }
}

impl<S, T> FromRequestParts<S> for LenientSelectionQuery<T>
where
    S: Send + Sync,
    T: Selectable + ?Sized,
{
    type Rejection = FieldsRejection;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        selection(parts, |fields| Ok(fields.compile_lenient())).map(Self)
    }
}

/// The request's `fields` parameter, parsed and compiled by `compile`;
/// everything when there is none.
fn selection<T: Selectable + ?Sized>(
    parts: &Parts,
    compile: impl FnOnce(&Fields) -> Result<Selection<T>, FieldsError>,
) -> Result<Selection<T>, FieldsRejection> {
    // Tells the response cache that this route's `fields` is a selection.
    if let Some(probe) = parts.extensions.get::<SelectionProbe>() {
        probe.mark();
    }
    match fields_param(parts.uri.query()) {
        None => Ok(Selection::all()),
        Some(text) if text.len() > MAX_FIELDS_LEN => Err(too_long(text.len()).into()),
        Some(text) => Ok(compile(&Fields::parse(&text)?)?),
    }
}

/// The error for a `fields` value of `len` bytes, past [`MAX_FIELDS_LEN`]: at
/// the first byte past the limit.
pub(crate) fn too_long(len: usize) -> FieldsError {
    FieldsError::new(
        FieldsErrorKind::TooLong,
        MAX_FIELDS_LEN,
        "",
        format!("the selection is {len} bytes long; at most {MAX_FIELDS_LEN} are accepted"),
    )
}

/// The decoded value of the first `fields` parameter.
pub(crate) fn fields_param(query: Option<&str>) -> Option<Cow<'_, str>> {
    form_urlencoded::parse(query?.as_bytes())
        .find(|(name, _)| name == FIELDS_PARAM)
        .map(|(_, value)| value)
}

/// A selection that does not parse or does not fit the type: `400 Bad Request`
/// with a JSON body:
///
/// ```json
/// {"error":"invalid_fields","message":"`UserOut` has no field `nmae`; did you mean `name`?","path":"nmae","offset":3}
/// ```
///
/// One longer than [`MAX_FIELDS_LEN`] is a `414 URI Too Long` with the same
/// body, its offset the first byte past the limit.
#[derive(Debug, Clone)]
pub struct FieldsRejection(pub FieldsError);

impl From<FieldsError> for FieldsRejection {
    fn from(error: FieldsError) -> Self {
        Self(error)
    }
}

impl IntoResponse for FieldsRejection {
    fn into_response(self) -> Response {
        let body = serde_json::json!({
            "error": "invalid_fields",
            "message": self.0.message(),
            "path": self.0.path(),
            "offset": self.0.offset(),
        });
        let status = match self.0.kind() {
            FieldsErrorKind::TooLong => StatusCode::URI_TOO_LONG,
            _ => StatusCode::BAD_REQUEST,
        };
        (
            status,
            [(header::CONTENT_TYPE, "application/json")],
            body.to_string(),
        )
            .into_response()
    }
}
