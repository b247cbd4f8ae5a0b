//! A list of keys as the JSON array SQLite's `json_each` reads, for
//! [`Dialect::push_where_in_json`](super::Dialect::push_where_in_json).

use sqlx::encode::IsNull;
use sqlx::error::BoxDynError;
use sqlx::sqlite::SqliteArgumentValue;
use sqlx::{Encode, Sqlite};
use std::fmt::Write;

/// `keys` as a JSON array, each as sqlx would bind it: integers and reals as
/// numbers (reals always with an exponent, so that SQLite reads them back as
/// reals), text as strings, `NULL` as `null`, and a blob as `{"b": "<hex>"}`.
///
/// # Errors
///
/// When a key does not encode, or is a NaN or infinite real (JSON has none).
pub(crate) fn json_list<'q, K: Encode<'q, Sqlite>>(keys: &'q [K]) -> Result<String, BoxDynError> {
    let mut values = Vec::with_capacity(1);
    let mut json = String::with_capacity(keys.len() * 8 + 2);
    json.push('[');
    for (position, key) in keys.iter().enumerate() {
        values.clear();
        if matches!(key.encode_by_ref(&mut values)?, IsNull::Yes) {
            values.clear();
            values.push(SqliteArgumentValue::Null);
        }
        if position > 0 {
            json.push(',');
        }
        for value in &values {
            push_value(&mut json, value)?;
        }
    }
    json.push(']');
    Ok(json)
}

fn push_value(json: &mut String, value: &SqliteArgumentValue<'_>) -> Result<(), BoxDynError> {
    match value {
        SqliteArgumentValue::Null => json.push_str("null"),
        SqliteArgumentValue::Int(int) => write!(json, "{int}")?,
        SqliteArgumentValue::Int64(int) => write!(json, "{int}")?,
        SqliteArgumentValue::Double(real) if real.is_finite() => write!(json, "{real:e}")?,
        SqliteArgumentValue::Double(real) => {
            return Err(format!("{real} cannot be listed: JSON has no NaN or infinity").into());
        }
        SqliteArgumentValue::Text(text) => {
            json.push_str(&serde_json::to_string(text.as_ref())?);
        }
        SqliteArgumentValue::Blob(bytes) => {
            json.push_str(r#"{"b":""#);
            for byte in bytes.iter() {
                write!(json, "{byte:02x}")?;
            }
            json.push_str(r#""}"#);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::json_list;

    #[test]
    fn lists_each_type_as_json_each_reads_it() {
        assert_eq!(json_list(&[1_i64, -2]).unwrap(), "[1,-2]");
        assert_eq!(json_list(&[1.5_f64, 1.0]).unwrap(), "[1.5e0,1e0]");
        assert_eq!(json_list(&["a\"b", "é"]).unwrap(), r#"["a\"b","é"]"#);
        assert_eq!(json_list(&[Some(1_i32), None]).unwrap(), "[1,null]");
        assert_eq!(json_list(&[vec![0_u8, 255]]).unwrap(), r#"[{"b":"00ff"}]"#);
        assert!(json_list(&[f64::NAN]).is_err());
    }

    /// Each kind of value, read back by SQLite through the dialect's condition.
    #[tokio::test]
    async fn sqlite_matches_each_kind_of_value() {
        use crate::db::sql::Dialect;
        use sqlx::Arguments;
        let pool = sqlx::SqlitePool::connect("sqlite::memory:").await.unwrap();
        sqlx::query("CREATE TABLE t (b BLOB, r REAL, s TEXT, i INTEGER)")
            .execute(&pool)
            .await
            .unwrap();
        sqlx::query(
            "INSERT INTO t VALUES (x'00ff', 0.1, 'é\"', 9007199254740993), (x'01', 2.5, 'x', 1)",
        )
        .execute(&pool)
        .await
        .unwrap();
        let count = |column: &'static str, list: String| {
            let pool = pool.clone();
            async move {
                let mut sql = String::from("SELECT count(*) FROM t WHERE ");
                Dialect::Sqlite.push_where_in_json(&mut sql, column, 1);
                let mut arguments = sqlx::sqlite::SqliteArguments::default();
                arguments.add(list).unwrap();
                sqlx::query_scalar_with::<_, i64, _>(&sql, arguments)
                    .fetch_one(&pool)
                    .await
                    .unwrap()
            }
        };
        assert_eq!(
            count("b", json_list(&[vec![0_u8, 255], vec![7]]).unwrap()).await,
            1
        );
        assert_eq!(count("r", json_list(&[0.1_f64, 3.0]).unwrap()).await, 1);
        assert_eq!(count("s", json_list(&["é\"", "y"]).unwrap()).await, 1);
        assert_eq!(
            count("i", json_list(&[9_007_199_254_740_993_i64]).unwrap()).await,
            1
        );
        assert_eq!(
            count("i", json_list(&[9_007_199_254_740_992_i64]).unwrap()).await,
            0
        );
    }
}
