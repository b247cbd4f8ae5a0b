//! PostgreSQL: candidates tried as hypothetical indexes (hypopg) or, where the
//! extension is missing, built inside a transaction that is rolled back.

use std::collections::BTreeMap;

use sqlx::PgConnection;
use sqlx::postgres::PgPool;

use super::{Candidate, SuggestOptions, Trial};
use crate::db::quote_ident;
use crate::error::{Error, Result};
use crate::pg_plan::{exec, plan_in_transaction};
use crate::workload::WorkloadStatement;

pub(super) async fn trial(
    pool: &PgPool,
    workload: &[WorkloadStatement],
    candidates: &[Candidate],
    options: &SuggestOptions,
) -> Result<Trial> {
    let mut tx = pool
        .begin()
        .await
        .map_err(|e| Error::statement("BEGIN", e))?;
    let result = trial_in(&mut tx, workload, candidates, options).await;
    tx.rollback()
        .await
        .map_err(|e| Error::statement("ROLLBACK", e))?;
    result
}

async fn trial_in(
    conn: &mut PgConnection,
    workload: &[WorkloadStatement],
    candidates: &[Candidate],
    options: &SuggestOptions,
) -> Result<Trial> {
    let ms = options.step_timeout_ms;
    exec(
        conn,
        &format!("SET LOCAL statement_timeout = {ms}; SET LOCAL lock_timeout = {ms}"),
    )
    .await?;
    let hypothetical = options.hypothetical && hypopg(conn, ms).await?;
    let mut before = Vec::new();
    let mut skipped = Vec::new();
    for w in workload {
        match plan_in_transaction(conn, &w.sql, &w.binds, false).await {
            Ok(p) => before.push(p.total_cost),
            Err(e) => {
                skipped.push((w.sql.clone(), e.to_string()));
                before.push(None);
            }
        }
    }
    let mut with = vec![BTreeMap::new(); workload.len()];
    let mut failed_candidates = Vec::new();
    for (ci, c) in candidates.iter().enumerate() {
        let cols = c
            .columns
            .iter()
            .map(|c| quote_ident(c))
            .collect::<Vec<_>>()
            .join(", ");
        // A candidate the server refuses (no B-tree operator class for the
        // column's type) ends only itself: the savepoint keeps the transaction.
        exec(conn, "SAVEPOINT unokit_advisor_candidate").await?;
        let created = if hypothetical {
            let create = format!("CREATE INDEX ON {} ({cols})", quote_ident(&c.table));
            sqlx::query_scalar::<_, String>("SELECT indexname::text FROM hypopg_create_index($1)")
                .bind(&create)
                .fetch_one(&mut *conn)
                .await
                .map_err(|e| Error::statement(&create, e))
        } else {
            let name = format!("unokit_advisor_candidate_{ci}");
            exec(
                conn,
                &format!("CREATE INDEX {name} ON {} ({cols})", quote_ident(&c.table)),
            )
            .await
            .map(|()| name)
        };
        let name = match created {
            Ok(name) => name,
            Err(e) => {
                exec(conn, "ROLLBACK TO SAVEPOINT unokit_advisor_candidate").await?;
                failed_candidates.push((ci, e.to_string()));
                continue;
            }
        };
        for (si, w) in workload.iter().enumerate() {
            if before[si].is_none() || !mentions(&w.sql, &c.table) {
                continue;
            }
            let p = plan_in_transaction(conn, &w.sql, &w.binds, false).await?;
            if p.uses_index(&name)
                && let Some(cost) = p.total_cost
            {
                with[si].insert(ci, cost);
            }
        }
        if hypothetical {
            exec(conn, "SELECT hypopg_reset()").await?;
        }
        exec(conn, "ROLLBACK TO SAVEPOINT unokit_advisor_candidate").await?;
    }
    Ok(Trial {
        method: if hypothetical {
            "PostgreSQL planner with hypothetical indexes (hypopg), in a rolled-back transaction"
                .into()
        } else {
            "PostgreSQL planner with each index built inside a rolled-back transaction (hypopg not used: missing, busy or turned off)".into()
        },
        before,
        with,
        skipped,
        failed_candidates,
    })
}

/// Whether hypopg can be used in this transaction: already installed, or
/// created now (rolled back with the transaction). Another advisor creating it
/// at the same moment holds the extension's name until its transaction ends:
/// after a short wait, build indexes instead of waiting out its whole run.
async fn hypopg(conn: &mut PgConnection, step_timeout_ms: u64) -> Result<bool> {
    let q = "SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'hypopg')";
    let installed: bool = sqlx::query_scalar(q)
        .fetch_one(&mut *conn)
        .await
        .map_err(|e| Error::statement(q, e))?;
    if installed {
        return Ok(true);
    }
    exec(
        conn,
        "SAVEPOINT unokit_advisor_hypopg; SET LOCAL lock_timeout = 5000",
    )
    .await?;
    let created = exec(conn, "CREATE EXTENSION IF NOT EXISTS hypopg")
        .await
        .is_ok();
    if created {
        exec(conn, "RELEASE SAVEPOINT unokit_advisor_hypopg").await?;
    } else {
        exec(conn, "ROLLBACK TO SAVEPOINT unokit_advisor_hypopg").await?;
    }
    exec(conn, &format!("SET LOCAL lock_timeout = {step_timeout_ms}")).await?;
    Ok(created)
}

/// Whether `sql` names `table` as a word (a cheap filter before planning).
fn mentions(sql: &str, table: &str) -> bool {
    sql.split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .any(|w| w.eq_ignore_ascii_case(table))
}
