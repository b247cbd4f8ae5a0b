//! [`SelectedJson`]: a value under its selection as a JSON response, checked
//! against its validation rules first when [`checks_responses`] says so.

use crate::select::{Selectable, Selection, checks_responses};
use axum::response::{IntoResponse, Response};
use http::{StatusCode, header};

/// A JSON response of the selected fields of `value`.
///
/// When the check is on ([`checks_responses`]: by default in debug builds,
/// in release builds after [`check_responses(true)`](crate::select::check_responses))
/// and `#[partial_response]` types carry `#[garde(..)]` rules (feature
/// `validate`), the selected fields are checked before anything is written.
/// A response that breaks its own rules is never served: it becomes a
/// `500 Internal Server Error` whose JSON body names each field path, and
/// (feature `validate`) a `tracing` error.
///
/// ```
/// use axum::{Router, routing::get};
/// use unokit::http::{SelectedJson, SelectionQuery};
/// use unokit::partial_response;
///
/// #[partial_response]
/// #[derive(serde::Serialize)]
/// struct UserOut { id: u64, name: String }
///
/// async fn user(SelectionQuery(selection): SelectionQuery<UserOut>) -> SelectedJson<UserOut> {
///     SelectedJson::new(UserOut { id: 1, name: "Ada".into() }, selection)
/// }
///
/// let app: Router = Router::new().route("/user", get(user));
/// ```
#[derive(Debug)]
pub struct SelectedJson<T: Selectable> {
    value: T,
    selection: Selection<T::Root>,
    check: bool,
}

impl<T: Selectable> SelectedJson<T> {
    /// `value` under `selection`, checked if [`checks_responses`] is on now.
    #[must_use]
    pub fn new(value: T, selection: Selection<T::Root>) -> Self {
        Self {
            value,
            selection,
            check: checks_responses(),
        }
    }

    /// Checks this response or not, whatever the process-wide setting.
    #[must_use]
    pub fn checked(mut self, check: bool) -> Self {
        self.check = check;
        self
    }
}

impl<T: Selectable> IntoResponse for SelectedJson<T> {
    fn into_response(self) -> Response {
        if self.check
            && let Err(error) = crate::select::validate(&self.value, &self.selection)
        {
            return invalid(&error);
        }
        match serde_json::to_vec(&self.value.select(&self.selection)) {
            Ok(body) => ([(header::CONTENT_TYPE, "application/json")], body).into_response(),
            Err(error) => (
                StatusCode::INTERNAL_SERVER_ERROR,
                format!("the response could not be serialized: {error}"),
            )
                .into_response(),
        }
    }
}

/// The `500` of a response that breaks its rules: the paths are the server's
/// own field names, which the selection already exposes to the client.
#[cold]
fn invalid(error: &crate::select::InvalidResponse) -> Response {
    #[cfg(feature = "validate")]
    tracing::error!(%error, "a selected response breaks its validation rules");
    let violations: Vec<_> = error
        .violations()
        .iter()
        .map(|violation| {
            serde_json::json!({ "path": violation.path(), "message": violation.message() })
        })
        .collect();
    let body = serde_json::json!({
        "error": "invalid_response",
        "message": error.to_string(),
        "violations": violations,
    });
    (
        StatusCode::INTERNAL_SERVER_ERROR,
        [(header::CONTENT_TYPE, "application/json")],
        body.to_string(),
    )
        .into_response()
}
