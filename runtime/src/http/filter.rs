//! `FilterQuery`: a typed query string (a `#[derive(Filter)]` struct, a sort
//! key, a page) read with `serde`, where a bad value is a 400 naming its field.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::de::{self, DeserializeOwned, DeserializeSeed, IntoDeserializer, MapAccess, Visitor};
use std::borrow::Cow;
use std::fmt;

/// The most parameters a query string may hold: parsing stays bounded.
pub const MAX_QUERY_PARAMS: usize = 256;

/// The query string as a `T`: each parameter a field, a repeated parameter (or
/// one with commas) a list for `Vec` fields, numbers and booleans parsed from
/// text. A value that does not fit its field is a [`FilterRejection`], a
/// `400 Bad Request` naming the field.
///
/// Read a filter and the other parameters (sort, page) with two extractors
/// of the same query string rather than one struct with `#[serde(flatten)]`:
/// `serde` buffers a flattened struct's values as text, which numbers then do
/// not parse from.
///
/// ```
/// use unokit_runtime::http::FilterQuery;
///
/// #[derive(serde::Deserialize)]
/// struct List {
///     author_id: Option<i64>,
///     id: Option<Vec<i64>>,
/// }
///
/// let list: List = FilterQuery::parse("author_id=3&id=1,2&id=5").unwrap();
/// assert_eq!(list.author_id, Some(3));
/// assert_eq!(list.id, Some(vec![1, 2, 5]));
/// let Err(bad) = FilterQuery::<List>::parse("author_id=three") else { panic!() };
/// assert_eq!(bad.field(), Some("author_id"));
/// ```
#[derive(Debug, Clone)]
pub struct FilterQuery<T>(pub T);

impl<T: DeserializeOwned> FilterQuery<T> {
    /// Reads `query` (without its `?`).
    ///
    /// # Errors
    ///
    /// When a value does not fit its field, a field is missing, or there are
    /// more than [`MAX_QUERY_PARAMS`] parameters.
    pub fn parse(query: &str) -> Result<T, FilterRejection> {
        let mut params: Vec<(Cow<'_, str>, Vec<Cow<'_, str>>)> = Vec::new();
        for (count, (name, value)) in form_urlencoded::parse(query.as_bytes()).enumerate() {
            if count == MAX_QUERY_PARAMS {
                return Err(FilterRejection {
                    field: None,
                    message: format!("more than {MAX_QUERY_PARAMS} query parameters"),
                });
            }
            match params.iter_mut().find(|(known, _)| *known == name) {
                Some((_, values)) => values.push(value),
                None => params.push((name, vec![value])),
            }
        }
        T::deserialize(Params {
            params: params.into_iter(),
            current: None,
        })
        .map_err(|error| FilterRejection {
            field: error.field,
            message: error.message,
        })
    }
}

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for FilterQuery<T> {
    type Rejection = FilterRejection;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Self::parse(parts.uri.query().unwrap_or_default()).map(Self)
    }
}

/// A query string that does not fit: `400 Bad Request` with a JSON body,
/// `{"error":"invalid_query","field":"author_id","message":"…"}`.
#[derive(Debug, Clone)]
pub struct FilterRejection {
    field: Option<String>,
    message: String,
}

impl FilterRejection {
    /// The parameter whose value did not fit, if the error is about one.
    #[must_use]
    pub fn field(&self) -> Option<&str> {
        self.field.as_deref()
    }

    /// What was wrong.
    #[must_use]
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for FilterRejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.field {
            Some(field) => write!(f, "`{field}`: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for FilterRejection {}

impl IntoResponse for FilterRejection {
    fn into_response(self) -> Response {
        let body = serde_json::json!({
            "error": "invalid_query",
            "field": self.field,
            "message": self.to_string(),
        });
        (
            StatusCode::BAD_REQUEST,
            [(header::CONTENT_TYPE, "application/json")],
            body.to_string(),
        )
            .into_response()
    }
}

#[derive(Debug)]
struct Error {
    field: Option<String>,
    message: String,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

impl de::Error for Error {
    fn custom<M: fmt::Display>(message: M) -> Self {
        Self {
            field: None,
            message: message.to_string(),
        }
    }
}

/// The parameters, as a map.
struct Params<'a, I: Iterator<Item = (Cow<'a, str>, Vec<Cow<'a, str>>)>> {
    params: I,
    current: Option<(Cow<'a, str>, Vec<Cow<'a, str>>)>,
}

impl<'de, 'a, I: Iterator<Item = (Cow<'a, str>, Vec<Cow<'a, str>>)>> de::Deserializer<'de>
    for Params<'a, I>
{
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_map(self)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf option unit unit_struct newtype_struct seq tuple
        tuple_struct map struct enum identifier ignored_any
    }
}

impl<'de, 'a, I: Iterator<Item = (Cow<'a, str>, Vec<Cow<'a, str>>)>> MapAccess<'de>
    for Params<'a, I>
{
    type Error = Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Error> {
        let Some((name, values)) = self.params.next() else {
            return Ok(None);
        };
        let key = seed.deserialize(name.as_ref().into_deserializer());
        self.current = Some((name, values));
        key.map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Error> {
        let (name, values) = self.current.take().expect("a value follows its key");
        seed.deserialize(Value(values)).map_err(|error| Error {
            field: Some(error.field.unwrap_or_else(|| name.into_owned())),
            message: error.message,
        })
    }
}

/// A parameter's values: one for a scalar, all (commas split) for a list.
struct Value<'a>(Vec<Cow<'a, str>>);

impl Value<'_> {
    fn one(&self) -> Result<&str, Error> {
        match self.0.as_slice() {
            [one] => Ok(one),
            _ => Err(de::Error::custom("given more than once; give it once")),
        }
    }
}

macro_rules! parse_number {
    ($($method:ident $visit:ident $ty:ty,)*) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
            let text = self.one()?;
            let value: $ty = text.trim().parse().map_err(|_| {
                de::Error::custom(format!("`{text}` is not a valid {}", stringify!($ty)))
            })?;
            visitor.$visit(value)
        }
    )*};
}

impl<'de> de::Deserializer<'de> for Value<'_> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_str(self.one()?)
    }

    parse_number! {
        deserialize_i8 visit_i8 i8,
        deserialize_i16 visit_i16 i16,
        deserialize_i32 visit_i32 i32,
        deserialize_i64 visit_i64 i64,
        deserialize_u8 visit_u8 u8,
        deserialize_u16 visit_u16 u16,
        deserialize_u32 visit_u32 u32,
        deserialize_u64 visit_u64 u64,
        deserialize_f32 visit_f32 f32,
        deserialize_f64 visit_f64 f64,
        deserialize_bool visit_bool bool,
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_some(self)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        let items = self
            .0
            .iter()
            .flat_map(|value| value.split(','))
            .filter(|item| !item.is_empty())
            .map(|item| Value(vec![Cow::Borrowed(item)]));
        visitor.visit_seq(de::value::SeqDeserializer::new(items))
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _: &'static str,
        _: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        let text = self.one()?;
        visitor.visit_enum(text.into_deserializer())
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        // A parameter of another extractor: whatever it holds.
        visitor.visit_unit()
    }

    serde::forward_to_deserialize_any! {
        i128 u128 char str string bytes byte_buf unit unit_struct tuple
        tuple_struct map struct identifier
    }
}

impl<'de> IntoDeserializer<'de, Error> for Value<'_> {
    type Deserializer = Self;

    fn into_deserializer(self) -> Self {
        self
    }
}
