//! PostgreSQL: `EXPLAIN (FORMAT JSON)` of a prepared statement as a [`Plan`].
//!
//! The statement is prepared (`PREPARE`) and explained through `EXECUTE`, so that
//! parameters (`$1`) plan too: with sample binds as a custom plan, without them as
//! the generic plan the server would cache. Binds are passed as untyped literals,
//! which take the type the statement gives each parameter.

use std::sync::atomic::{AtomicU64, Ordering};

use serde_json::Value;
use sqlx::{PgConnection, Row};

use crate::Bind;
use crate::db::Engine;
use crate::error::{Error, Result};
use crate::plan::{Plan, PlanNode};
use crate::sqlite_plan::trim_statement;

static NEXT: AtomicU64 = AtomicU64::new(0);

/// Plans `statement` on `conn`, which must be inside a transaction: a savepoint
/// keeps a failing statement from ending it, and with `analyze` the statement runs
/// (the caller rolls the transaction back).
pub(crate) async fn plan_in_transaction(
    conn: &mut PgConnection,
    statement: &str,
    binds: &[Bind],
    analyze: bool,
) -> Result<Plan> {
    let name = format!(
        "unokit_advisor_{}_{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    );
    exec(conn, "SAVEPOINT unokit_advisor_plan").await?;
    let result = plan_prepared(conn, &name, statement, binds, analyze).await;
    // Prepared statements outlive transactions: always deallocate.
    if result.is_err() {
        exec(conn, "ROLLBACK TO SAVEPOINT unokit_advisor_plan").await?;
    }
    let q = "SELECT count(*) FROM pg_prepared_statements WHERE name = $1";
    let prepared: i64 = sqlx::query_scalar(q)
        .bind(&name)
        .fetch_one(&mut *conn)
        .await
        .map_err(|e| Error::statement(q, e))?;
    if prepared > 0 {
        exec(conn, &format!("DEALLOCATE {name}")).await?;
    }
    exec(conn, "RELEASE SAVEPOINT unokit_advisor_plan").await?;
    result
}

async fn plan_prepared(
    conn: &mut PgConnection,
    name: &str,
    statement: &str,
    binds: &[Bind],
    analyze: bool,
) -> Result<Plan> {
    let mode = if binds.is_empty() {
        "force_generic_plan"
    } else {
        "force_custom_plan"
    };
    exec(conn, &format!("SET LOCAL plan_cache_mode = {mode}")).await?;
    let body = trim_statement(statement);
    sqlx::raw_sql(&format!("PREPARE {name} AS {body}"))
        .execute(&mut *conn)
        .await
        .map_err(|e| Error::statement(statement, e))?;
    let q = "SELECT coalesce(cardinality(parameter_types), 0) FROM pg_prepared_statements WHERE name = $1";
    let params: i32 = sqlx::query_scalar(q)
        .bind(name)
        .fetch_one(&mut *conn)
        .await
        .map_err(|e| Error::statement(q, e))?;
    let params = params as usize;
    if !binds.is_empty() && binds.len() != params {
        return Err(Error::statement(
            statement,
            format!(
                "it takes {params} parameters and {} binds were given",
                binds.len()
            ),
        ));
    }
    let args: Vec<String> = if binds.is_empty() {
        vec!["NULL".to_owned(); params]
    } else {
        binds.iter().map(literal).collect()
    };
    let args = if args.is_empty() {
        String::new()
    } else {
        format!("({})", args.join(", "))
    };
    let options = if analyze {
        "FORMAT JSON, VERBOSE, ANALYZE, BUFFERS"
    } else {
        "FORMAT JSON, VERBOSE"
    };
    let sql = format!("EXPLAIN ({options}) EXECUTE {name}{args}");
    let row = sqlx::raw_sql(&sql)
        .fetch_one(&mut *conn)
        .await
        .map_err(|e| Error::statement(statement, e))?;
    // The column is `json`; in the simple protocol it arrives as text.
    let text: String = row
        .try_get_unchecked(0)
        .map_err(|e| Error::statement(statement, e))?;
    let json: Value = serde_json::from_str(&text).map_err(|e| Error::statement(statement, e))?;
    let root = &json[0]["Plan"];
    let node = node(root);
    Ok(Plan {
        engine: Engine::Postgres,
        statement: statement.to_owned(),
        total_cost: node.total_cost,
        nodes: vec![node],
        analyzed: analyze,
    })
}

pub(crate) async fn exec(conn: &mut PgConnection, sql: &str) -> Result<()> {
    sqlx::raw_sql(sql)
        .execute(&mut *conn)
        .await
        .map(drop)
        .map_err(|e| Error::statement(sql, e))
}

/// A bind as an untyped SQL literal.
fn literal(b: &Bind) -> String {
    let text = match b {
        Bind::Null => return "NULL".to_owned(),
        Bind::String(s) => s.clone(),
        other => other.to_string(),
    };
    format!("'{}'", text.replace('\'', "''"))
}

fn node(v: &Value) -> PlanNode {
    let s = |k: &str| v.get(k).and_then(Value::as_str).map(str::to_owned);
    let f = |k: &str| v.get(k).and_then(Value::as_f64);
    let operation = s("Node Type").unwrap_or_default();
    let table = s("Relation Name");
    let index = s("Index Name");
    let filter = s("Filter");
    let sort_key: Vec<String> = v
        .get("Sort Key")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|k| k.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    let mut detail = operation.clone();
    if let Some(j) = s("Join Type") {
        detail = format!("{detail} ({j})");
    }
    if let Some(t) = &table {
        detail.push_str(&format!(" on {t}"));
        if let Some(a) = s("Alias").filter(|a| a != t) {
            detail.push_str(&format!(" {a}"));
        }
    }
    if let Some(i) = &index {
        detail.push_str(&format!(" using {i}"));
    }
    for k in ["Index Cond", "Hash Cond", "Join Filter", "Filter"] {
        if let Some(c) = s(k) {
            detail.push_str(&format!(" [{k}: {c}]"));
        }
    }
    if !sort_key.is_empty() {
        detail.push_str(&format!(" [Sort Key: {}]", sort_key.join(", ")));
    }
    if let Some(m) = s("Sort Method") {
        detail.push_str(&format!(" [{m}]"));
    }
    if let (Some(c), Some(r)) = (f("Total Cost"), f("Plan Rows")) {
        detail.push_str(&format!(" (cost={c:.2} rows={r})"));
    }
    if let Some(r) = f("Actual Rows") {
        detail.push_str(&format!(
            " (actual rows={r} loops={})",
            f("Actual Loops").unwrap_or(1.0)
        ));
    }
    PlanNode {
        operation,
        detail,
        table,
        index,
        estimated_rows: f("Plan Rows"),
        actual_rows: f("Actual Rows"),
        total_cost: f("Total Cost"),
        filter,
        sort_key,
        sort_space: s("Sort Space Type"),
        children: v
            .get("Plans")
            .and_then(Value::as_array)
            .map(|ps| ps.iter().map(node).collect())
            .unwrap_or_default(),
    }
}
