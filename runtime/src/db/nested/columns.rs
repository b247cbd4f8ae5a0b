//! The column types a nested load reads from JSON, each exactly as the
//! per-hop path reads it from a row.

use crate::db::engine::Engine;
use crate::db::sql::JsonEncoding;
use serde::Deserialize;
use serde::de::{self, Deserializer, Visitor};
use std::fmt;

/// A column type a nested load reads from the JSON document.
///
/// Integers and strings are read as the database writes them; booleans from
/// `true`/`false` or SQLite's `0`/`1`; floats travel as text
/// ([`JsonEncoding::Float`]), which Rust's parser turns back into the exact
/// value (including PostgreSQL's `NaN` and `±Infinity`). Byte strings have no
/// JSON form and are not column types of a nested load.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be read from a nested load on `{DB}`",
    note = "nested loads read integers, floats, `bool`, `String`, and `Option`s of them; load this model with `all()` instead"
)]
pub trait JsonColumn<DB: Engine>: Sized {
    /// How the column travels in the document.
    const ENCODING: JsonEncoding = JsonEncoding::Plain;

    /// Reads the value.
    ///
    /// # Errors
    ///
    /// When the JSON value is not one of this type.
    fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error>;
}

macro_rules! as_serde_reads {
    ($($ty:ty),*) => {$(
        impl<DB: Engine> JsonColumn<DB> for $ty {
            #[inline]
            fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                <$ty as Deserialize<'de>>::deserialize(deserializer)
            }
        }
    )*};
}

as_serde_reads!(i8, i16, i32, i64, u8, u16, u32, String);

impl<DB: Engine> JsonColumn<DB> for bool {
    fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(BoolVisitor)
    }
}

struct BoolVisitor;

impl Visitor<'_> for BoolVisitor {
    type Value = bool;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a boolean, or an integer (SQLite)")
    }

    fn visit_bool<E: de::Error>(self, value: bool) -> Result<bool, E> {
        Ok(value)
    }

    // SQLite has no boolean: sqlx reads any non-zero integer as `true`.
    fn visit_i64<E: de::Error>(self, value: i64) -> Result<bool, E> {
        Ok(value != 0)
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<bool, E> {
        Ok(value != 0)
    }
}

/// A float, from the text of [`JsonEncoding::Float`] (or a number).
trait Float: Copy + std::str::FromStr {
    const NAN: Self;
    const INFINITY: Self;
    const NEG_INFINITY: Self;
    fn from_f64(value: f64) -> Self;
}

impl Float for f64 {
    const NAN: Self = Self::NAN;
    const INFINITY: Self = Self::INFINITY;
    const NEG_INFINITY: Self = Self::NEG_INFINITY;
    fn from_f64(value: f64) -> Self {
        value
    }
}

impl Float for f32 {
    const NAN: Self = Self::NAN;
    const INFINITY: Self = Self::INFINITY;
    const NEG_INFINITY: Self = Self::NEG_INFINITY;
    #[allow(clippy::cast_possible_truncation)] // a float column of f32 holds f32 values
    fn from_f64(value: f64) -> Self {
        value as Self
    }
}

struct FloatVisitor<F>(std::marker::PhantomData<F>);

impl<F: Float> Visitor<'_> for FloatVisitor<F> {
    type Value = F;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a float, as text")
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<F, E> {
        // SQLite's `printf` spells infinities `Inf`; PostgreSQL `Infinity`.
        match text {
            "NaN" => Ok(F::NAN),
            "Inf" | "Infinity" | "+Inf" => Ok(F::INFINITY),
            "-Inf" | "-Infinity" => Ok(F::NEG_INFINITY),
            // The decimal is within a 20-digit rounding of the stored value,
            // so the correctly rounded parse gives that value back.
            _ => text
                .parse()
                .map_err(|_| E::invalid_value(de::Unexpected::Str(text), &self)),
        }
    }

    fn visit_f64<E: de::Error>(self, value: f64) -> Result<F, E> {
        Ok(F::from_f64(value))
    }

    #[allow(clippy::cast_precision_loss)] // as sqlx reads an INTEGER into a float
    fn visit_i64<E: de::Error>(self, value: i64) -> Result<F, E> {
        Ok(F::from_f64(value as f64))
    }

    #[allow(clippy::cast_precision_loss)]
    fn visit_u64<E: de::Error>(self, value: u64) -> Result<F, E> {
        Ok(F::from_f64(value as f64))
    }
}

macro_rules! as_float_text {
    ($($ty:ty),*) => {$(
        impl<DB: Engine> JsonColumn<DB> for $ty {
            const ENCODING: JsonEncoding = JsonEncoding::Float;

            fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                deserializer.deserialize_any(FloatVisitor::<$ty>(std::marker::PhantomData))
            }
        }
    )*};
}

as_float_text!(f32, f64);

impl<DB: Engine, T: JsonColumn<DB>> JsonColumn<DB> for Option<T> {
    const ENCODING: JsonEncoding = T::ENCODING;

    fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_option(OptionVisitor::<DB, T>(std::marker::PhantomData))
    }
}

struct OptionVisitor<DB, T>(std::marker::PhantomData<fn() -> (DB, T)>);

impl<'de, DB: Engine, T: JsonColumn<DB>> Visitor<'de> for OptionVisitor<DB, T> {
    type Value = Option<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a value or null")
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        T::deserialize(deserializer).map(Some)
    }
}
