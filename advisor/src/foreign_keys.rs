//! The static check: every foreign key is indexed on the referencing side, since
//! loading a relation (the orders of one customer) and `ON DELETE` on the parent
//! both look rows up by it.

use sqlx::Row;
use unokit::db::Lookup;

use crate::db::{Database, ExistingIndex};
use crate::error::{Error, Result};
use crate::plan::{Finding, FindingKind};
use crate::suggest::Candidate;

/// A foreign key: its table and columns and the table it references.
#[derive(Debug, Clone, PartialEq, Eq)]
struct ForeignKey {
    table: String,
    columns: Vec<String>,
    references: String,
}

/// Whether the first `columns.len()` key columns of `index` are `columns`, in
/// any order: such an index serves the lookup.
fn serves(index: &ExistingIndex, table: &str, columns: &[String]) -> bool {
    if index.table != table || index.columns.len() < columns.len() {
        return false;
    }
    let mut lead: Vec<&String> = index.columns[..columns.len()].iter().collect();
    let mut want: Vec<&String> = columns.iter().collect();
    lead.sort();
    want.sort();
    lead == want
}

/// A finding for each foreign key that no index serves.
///
/// ```no_run
/// # async fn f() -> unokit_advisor::Result<()> {
/// use std::time::Duration;
/// let db = unokit_advisor::Database::connect("sqlite://app.db", Duration::from_secs(5)).await?;
/// for f in unokit_advisor::unindexed_foreign_keys(&db).await? {
///     println!("{}: {}", f.step, f.why);
/// }
/// # Ok(()) }
/// ```
pub async fn unindexed_foreign_keys(db: &Database) -> Result<Vec<Finding>> {
    let indexes = db.indexes().await?;
    let mut keys: Vec<ForeignKey> = Vec::new();
    match db {
        Database::Sqlite(pool) => {
            let q = "SELECT m.name, f.id, f.\"from\", f.\"table\" FROM sqlite_schema m \
                     JOIN pragma_foreign_key_list(m.name) f WHERE m.type = 'table' ORDER BY m.name, f.id, f.seq";
            let mut last: Option<(String, i64)> = None;
            for r in sqlx::query(q)
                .fetch_all(pool)
                .await
                .map_err(|e| Error::statement(q, e))?
            {
                let (table, id, from, to): (String, i64, String, String) =
                    (r.get(0), r.get(1), r.get(2), r.get(3));
                if last.as_ref() == Some(&(table.clone(), id)) {
                    keys.last_mut().expect("pushed").columns.push(from);
                } else {
                    keys.push(ForeignKey {
                        table: table.clone(),
                        columns: vec![from],
                        references: to,
                    });
                    last = Some((table, id));
                }
            }
        }
        Database::Postgres(pool) => {
            let q = "SELECT t.relname::text, array(SELECT a.attname::text FROM unnest(c.conkey) WITH ORDINALITY k(n, o) \
                     JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.n ORDER BY k.o), r.relname::text \
                     FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid JOIN pg_class r ON r.oid = c.confrelid \
                     WHERE c.contype = 'f' AND pg_table_is_visible(c.conrelid) ORDER BY 1, c.conname";
            for r in sqlx::query(q)
                .fetch_all(pool)
                .await
                .map_err(|e| Error::statement(q, e))?
            {
                keys.push(ForeignKey {
                    table: r.get(0),
                    columns: r.get(1),
                    references: r.get(2),
                });
            }
        }
    }
    Ok(keys
        .into_iter()
        .filter(|k| !indexes.iter().any(|i| serves(i, &k.table, &k.columns)))
        .map(|k| {
            let create = Candidate {
                table: k.table.clone(),
                columns: k.columns.clone(),
            }
            .create_index();
            let clause = format!(
                "{} FOREIGN KEY ({}) REFERENCES {}",
                k.table,
                k.columns.join(", "),
                k.references
            );
            Finding {
                kind: FindingKind::UnindexedForeignKey,
                statement: clause.clone(),
                table: Some(k.table.clone()),
                columns: k.columns.clone(),
                step: clause,
                why: format!(
                    "loading the {} rows of one {} (a relation) and deleting or updating a {} key both scan all of {}: {create}",
                    k.table, k.references, k.references, k.table
                ),
            }
        })
        .collect())
}

/// A finding for each relation of the given models whose lookup column no index
/// serves: the check from the model derives, which sees relations the schema
/// declares no foreign key for.
///
/// Each `#[derive(Model)]` lists its `has_many` and `many_to_many` lookups in
/// [`Model::LOOKUPS`](unokit::db::Model::LOOKUPS); pass those of every model the
/// service loads relations of.
///
/// ```no_run
/// # use unokit::Model;
/// # use unokit::db::Related;
/// # #[derive(Model, Clone)]
/// # #[model(table = "posts")]
/// # struct Post { #[model(primary_key)] id: i64, #[model(has_many(Comment, foreign_key = post_id))] comments: Related<Vec<Comment>> }
/// # #[derive(Model, Clone)]
/// # #[model(table = "comments")]
/// # struct Comment { #[model(primary_key)] id: i64, post_id: i64 }
/// # async fn f() -> unokit_advisor::Result<()> {
/// use std::time::Duration;
/// use unokit::db::Model as _;
/// let db = unokit_advisor::Database::connect("sqlite://app.db", Duration::from_secs(5)).await?;
/// for f in unokit_advisor::unindexed_lookups(&db, Post::LOOKUPS).await? {
///     println!("{}: {}", f.step, f.why);
/// }
/// # Ok(()) }
/// ```
pub async fn unindexed_lookups(db: &Database, lookups: &[Lookup]) -> Result<Vec<Finding>> {
    let indexes = db.indexes().await?;
    Ok(lookups
        .iter()
        .filter(|lookup| {
            // `schema.table` in a model; the catalog names the table alone.
            let table = lookup.table.rsplit('.').next().unwrap_or(lookup.table);
            let columns = [lookup.column.to_owned()];
            !indexes.iter().any(|index| serves(index, table, &columns))
        })
        .map(|lookup| {
            let create = Candidate {
                table: lookup.table.to_owned(),
                columns: vec![lookup.column.to_owned()],
            }
            .create_index();
            let step = format!("{}: {}.{}", lookup.relation, lookup.table, lookup.column);
            Finding {
                kind: FindingKind::UnindexedRelation,
                statement: format!(
                    "SELECT … FROM {} WHERE {} IN (…)",
                    lookup.table, lookup.column
                ),
                table: Some(lookup.table.to_owned()),
                columns: vec![lookup.column.to_owned()],
                step,
                why: format!(
                    "loading {} scans all of {} for every batch of parents: {create}",
                    lookup.relation, lookup.table
                ),
            }
        })
        .collect())
}
