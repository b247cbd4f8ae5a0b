//! Watching PostgreSQL: statement-level triggers, `NOTIFY`, and catching up
//! from the versions table after every (re)connect.

use super::Changes;
use super::watch::{Watch, WatchConfig, WatchFuture, catch_up, deadline, read_versions, seen};
use crate::db::error::DbError;
use crate::db::sql::push_quoted;
use sqlx::postgres::{PgListener, PgPoolOptions, Postgres};
use sqlx::{Executor, Pool};
use std::collections::HashMap;
use std::time::Duration;
use tokio::time::{Instant, timeout, timeout_at};

/// The channel the triggers notify, with `schema table version` as the payload
/// (the schema of the versions table: the channel is one per database).
const CHANNEL: &str = "unokit_changes";

/// The versions table and the trigger function. The version is bumped in the
/// writing transaction, so it commits (and notifies) with the write or not at
/// all; a reconnecting listener compares versions and misses nothing. The
/// function keeps the installer's `search_path`: a writer with another one
/// (another service, `psql`) still finds the versions table.
const SETUP: &str = r"
CREATE TABLE IF NOT EXISTS unokit_table_versions (
    table_name text PRIMARY KEY,
    version bigint NOT NULL DEFAULT 0
);
CREATE OR REPLACE FUNCTION unokit_table_changed() RETURNS trigger
LANGUAGE plpgsql SET search_path FROM CURRENT AS $unokit$
DECLARE
    bumped bigint;
BEGIN
    INSERT INTO unokit_table_versions AS v (table_name, version) VALUES (TG_ARGV[0], 1)
    ON CONFLICT (table_name) DO UPDATE SET version = v.version + 1
    RETURNING v.version INTO bumped;
    PERFORM pg_notify('unokit_changes', current_schema() || ' ' || TG_ARGV[0] || ' ' || bumped);
    RETURN NULL;
END
$unokit$;
";

/// Serializes installs from several instances starting at once (`CREATE OR
/// REPLACE FUNCTION` run concurrently fails with "tuple concurrently updated").
const INSTALL_LOCK: i64 = 0x756e_6f6b_6974; // "unokit"

/// The application name of the listener's connection, to find it in
/// `pg_stat_activity`.
pub(super) const APPLICATION_NAME: &str = "unokit-changes";

impl Watch for Postgres {
    fn install<'a>(
        pool: &'a Pool<Self>,
        tables: &'a [&'a str],
        within: Duration,
    ) -> WatchFuture<'a, Result<(), DbError>> {
        Box::pin(async move {
            let mut sql = String::from(SETUP);
            for table in tables {
                // Names were checked to be plain identifiers: no quote to escape.
                sql.push_str(&format!(
                    "INSERT INTO unokit_table_versions (table_name) VALUES ('{table}') ON CONFLICT DO NOTHING;\n\
                     CREATE OR REPLACE TRIGGER unokit_changes AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "
                ));
                push_quoted(&mut sql, table);
                sql.push_str(&format!(
                    " FOR EACH STATEMENT EXECUTE FUNCTION unokit_table_changed('{table}');\n"
                ));
            }
            let install = async {
                let mut tx = pool.begin().await?;
                sqlx::query("SELECT pg_advisory_xact_lock($1)")
                    .bind(INSTALL_LOCK)
                    .execute(&mut *tx)
                    .await?;
                tx.execute(sqlx::raw_sql(&sql)).await?;
                tx.commit().await
            };
            deadline(within, install).await
        })
    }

    fn versions(
        pool: &Pool<Self>,
        within: Duration,
    ) -> WatchFuture<'_, Result<HashMap<String, i64>, DbError>> {
        Box::pin(async move { deadline(within, read_versions(pool)).await })
    }

    fn follow(
        pool: Pool<Self>,
        changes: Changes,
        mut known: HashMap<String, i64>,
        config: WatchConfig,
    ) -> WatchFuture<'static, ()> {
        Box::pin(async move {
            let mut retry = Duration::from_millis(50);
            loop {
                if let Ok((mut listener, schema)) =
                    listen(&pool, &changes, &mut known, config).await
                {
                    retry = Duration::from_millis(50);
                    let mut watched = Watched {
                        changes: &changes,
                        known: &mut known,
                        schema: &schema,
                    };
                    receive(&mut listener, &mut watched, config).await;
                }
                // The server is down or refused: try again, backing off to 5 s.
                tokio::time::sleep(retry).await;
                retry = (retry * 2).min(Duration::from_secs(5));
            }
        })
    }
}

/// Connects a listener, and catches up on what it missed: `LISTEN` comes
/// first, so that a write is either in the versions read or notified after.
async fn listen(
    pool: &Pool<Postgres>,
    changes: &Changes,
    known: &mut HashMap<String, i64>,
    config: WatchConfig,
) -> Result<(PgListener, String), DbError> {
    let connect = async {
        let options = (*pool.connect_options())
            .clone()
            .application_name(APPLICATION_NAME);
        let own = PgPoolOptions::new()
            .max_connections(1)
            .connect_lazy_with(options);
        let mut listener = PgListener::connect_with(&own).await?;
        listener.eager_reconnect(false);
        listener.listen(CHANNEL).await?;
        let schema: String = sqlx::query_scalar("SELECT current_schema()")
            .fetch_one(&mut listener)
            .await?;
        let reading = changes.reading();
        let now = read_versions(&mut listener).await?;
        Ok::<_, sqlx::Error>((listener, schema, now, reading))
    };
    let (listener, schema, now, reading) = deadline(config.timeout(), connect).await?;
    catch_up(changes, known, now, reading);
    Ok((listener, schema))
}

/// Applies notifications until the listener's connection fails. Every poll
/// interval the versions are read on the listener's own connection: that
/// catches up after a lost notification, and a connection that no longer
/// answers (black-holed) is noticed within the timeout.
async fn receive(listener: &mut PgListener, watched: &mut Watched<'_>, config: WatchConfig) {
    let every = config.poll_or(Duration::from_secs(1));
    let mut next = Instant::now() + every;
    loop {
        // Dropping `try_recv` at the deadline is safe: sqlx keeps a partly
        // read message buffered.
        match timeout_at(next, listener.try_recv()).await {
            Ok(Ok(Some(notification))) => {
                // Another schema's tables are not ours, even of the same name.
                if let Some((schema, table, version)) = parse(notification.payload())
                    && schema == watched.schema
                {
                    seen(watched.changes, watched.known, table.to_owned(), version);
                }
            }
            // The connection was lost (`None`) or failed.
            Ok(Ok(None) | Err(_)) => return,
            Err(_) => {
                let reading = watched.changes.reading();
                match timeout(config.timeout(), read_versions(&mut *listener)).await {
                    Ok(Ok(now)) => catch_up(watched.changes, watched.known, now, reading),
                    _ => return,
                }
                next = Instant::now() + every;
            }
        }
    }
}

/// What a listener applies notifications to: its schema's tables.
struct Watched<'a> {
    changes: &'a Changes,
    known: &'a mut HashMap<String, i64>,
    schema: &'a str,
}

/// `schema table version`, as the trigger function sends it.
fn parse(payload: &str) -> Option<(&str, &str, i64)> {
    let (schema, rest) = payload.split_once(' ')?;
    let (table, version) = rest.rsplit_once(' ')?;
    Some((schema, table, version.parse().ok()?))
}

#[cfg(test)]
mod tests {
    use super::parse;

    #[test]
    fn payloads_name_the_table_and_its_version() {
        assert_eq!(parse("public posts 7"), Some(("public", "posts", 7)));
        assert_eq!(parse("app blog.posts 12"), Some(("app", "blog.posts", 12)));
        assert_eq!(parse("public posts"), None);
        assert_eq!(parse("public posts x"), None);
    }
}
