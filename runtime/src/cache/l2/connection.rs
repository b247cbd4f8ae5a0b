//! The tier's connection: one Redis through a `ConnectionManager`, or a Redis
//! Cluster through the same crate's cluster client. Both run the same
//! commands; the few things a cluster does differently (a pipeline goes to one
//! slot, `SCAN` walks one node) are decided here, with the walk of every
//! master that removes a space's keys.

use super::config::TierConfig;
use super::tier::{RedisTier, Space};
use redis::aio::{ConnectionLike, ConnectionManager, ConnectionManagerConfig};
use redis::cluster::{ClusterClientBuilder, ClusterConfig};
use redis::cluster_async::ClusterConnection;
use redis::cluster_routing::{Route, RoutingInfo, SingleNodeRoutingInfo, SlotAddr};
use redis::{Cmd, Pipeline, RedisFuture, RedisResult, Value};

/// A connection to the tier's Redis, cheap to clone (each clone shares the
/// underlying multiplexed connections).
#[derive(Clone)]
pub(super) enum Connection {
    /// One server.
    Single(ConnectionManager),
    /// A Redis Cluster: commands go to the master of their key's slot.
    Cluster(ClusterConnection),
}

/// A master of a cluster, to send a node-local command (`SCAN`) to.
pub(super) type Node = (String, u16);

impl Connection {
    /// The connection `config` names, and one client per node for the
    /// subscriptions (which need a connection of their own). It connects in
    /// the background; commands wait for it (under their deadline).
    pub(super) fn open(config: &TierConfig) -> RedisResult<(Self, Vec<redis::Client>)> {
        let clients = config
            .nodes
            .iter()
            .map(|url| redis::Client::open(url.as_str()))
            .collect::<RedisResult<Vec<_>>>()?;
        let Some(first) = clients.first() else {
            return Err(redis::RedisError::from((
                redis::ErrorKind::InvalidClientConfig,
                "no Redis node given",
            )));
        };
        let connection = if config.cluster {
            let client = ClusterClientBuilder::new(config.nodes.iter().map(String::as_str))
                .connection_timeout(config.op_timeout)
                .response_timeout(config.op_timeout)
                .retries(1)
                .build()?;
            Self::Cluster(
                client.get_pending_async_connection_with_config(
                    ClusterConfig::new()
                        .set_connection_timeout(config.op_timeout)
                        .set_response_timeout(config.op_timeout),
                ),
            )
        } else {
            let manager = ConnectionManagerConfig::new()
                .set_connection_timeout(Some(config.op_timeout))
                .set_response_timeout(Some(config.op_timeout))
                .set_number_of_retries(1);
            Self::Single(ConnectionManager::new_lazy_with_config(
                first.clone(),
                manager,
            )?)
        };
        Ok((connection, clients))
    }

    /// Splits `keys` (by index) into the groups one pipeline may carry: all
    /// of them on one server, one group per slot on a cluster (the cluster
    /// client refuses a pipeline across slots).
    pub(super) fn pipeline_groups<'k>(
        &self,
        keys: impl Iterator<Item = &'k str>,
    ) -> Vec<Vec<usize>> {
        match self {
            Self::Single(_) => vec![keys.enumerate().map(|(at, _)| at).collect()],
            Self::Cluster(_) => {
                let mut groups: Vec<(Route, Vec<usize>)> = Vec::new();
                for (at, key) in keys.enumerate() {
                    let route = Route::with_key(key, SlotAddr::Master);
                    match groups.iter_mut().find(|(other, _)| *other == route) {
                        Some((_, group)) => group.push(at),
                        None => groups.push((route, vec![at])),
                    }
                }
                groups.into_iter().map(|(_, group)| group).collect()
            }
        }
    }

    /// The masters, each to be walked by its own `SCAN`: `None` for the one
    /// server.
    pub(super) async fn masters(&mut self) -> RedisResult<Vec<Option<Node>>> {
        let Self::Cluster(cluster) = self else {
            return Ok(vec![None]);
        };
        let slots = cluster
            .route_command(
                redis::cmd("CLUSTER").arg("SLOTS").clone(),
                RoutingInfo::SingleNode(SingleNodeRoutingInfo::Random),
            )
            .await?;
        let mut masters: Vec<Option<Node>> = Vec::new();
        for master in masters_of(&slots) {
            if !masters.contains(&Some(master.clone())) {
                masters.push(Some(master));
            }
        }
        Ok(masters)
    }

    /// Runs `command` on `node` (a master from [`masters`](Self::masters)),
    /// or wherever its key routes it.
    pub(super) async fn query_on<T: redis::FromRedisValue>(
        &mut self,
        command: Cmd,
        node: Option<&Node>,
    ) -> RedisResult<T> {
        match (self, node) {
            (Self::Cluster(cluster), Some((host, port))) => {
                let value = cluster
                    .route_command(
                        command,
                        RoutingInfo::SingleNode(SingleNodeRoutingInfo::ByAddress {
                            host: host.clone(),
                            port: *port,
                        }),
                    )
                    .await?;
                Ok(T::from_redis_value(value)?)
            }
            (connection, _) => command.query_async(connection).await,
        }
    }
}

impl RedisTier {
    /// Removes every key of `space` (`SCAN` + `UNLINK`, a thousand at a
    /// time, each step under the deadline); how many. Linear in the keys of
    /// the space: for a rare "drop everything", not for a request path.
    pub(crate) async fn unlink_space(&self, space: &Space) -> usize {
        let mut pattern = String::with_capacity(space.prefix.len() + 1);
        for c in space.prefix.chars() {
            if matches!(c, '*' | '?' | '[' | ']' | '\\') {
                pattern.push('\\');
            }
            pattern.push(c);
        }
        pattern.push('*');
        // A cluster's masters each walk their own keys (a space's keys share
        // a slot, but a slot being migrated has them on two nodes).
        let masters: Vec<Option<Node>> = if self.config.cluster {
            self.guarded(|mut connection| async move { connection.masters().await })
                .await
                .unwrap_or_default()
        } else {
            vec![None]
        };
        let mut removed = 0;
        for master in masters {
            removed += self.unlink_matching(&pattern, master.as_ref()).await;
        }
        removed
    }

    /// `SCAN` + `UNLINK` of the keys matching `pattern` on one master (or the
    /// one server); how many.
    async fn unlink_matching(&self, pattern: &str, master: Option<&Node>) -> usize {
        let (mut cursor, mut removed) = (0_u64, 0);
        loop {
            let scan = redis::cmd("SCAN")
                .arg(cursor)
                .arg("MATCH")
                .arg(pattern)
                .arg("COUNT")
                .arg(1000)
                .clone();
            let Some((next, keys)): Option<(u64, Vec<String>)> = self
                .guarded(|mut connection| async move { connection.query_on(scan, master).await })
                .await
            else {
                return removed;
            };
            if !keys.is_empty() {
                let unlinked: Option<usize> = self
                    .command(|| redis::cmd("UNLINK").arg(&keys).clone())
                    .await;
                removed += unlinked.unwrap_or(0);
            }
            if next == 0 {
                return removed;
            }
            cursor = next;
        }
    }
}

/// The masters' addresses in a `CLUSTER SLOTS` reply: for each slot range,
/// `[start, end, [host, port, id, …], replicas…]`.
fn masters_of(slots: &Value) -> Vec<Node> {
    let Value::Array(ranges) = slots else {
        return Vec::new();
    };
    ranges
        .iter()
        .filter_map(|range| {
            let Value::Array(range) = range else {
                return None;
            };
            let Value::Array(master) = range.get(2)? else {
                return None;
            };
            let host = match master.first()? {
                Value::BulkString(bytes) => String::from_utf8(bytes.clone()).ok()?,
                Value::SimpleString(text) => text.clone(),
                _ => return None,
            };
            let Value::Int(port) = master.get(1)? else {
                return None;
            };
            Some((host, u16::try_from(*port).ok()?))
        })
        .collect()
}

impl ConnectionLike for Connection {
    fn req_packed_command<'a>(&'a mut self, cmd: &'a Cmd) -> RedisFuture<'a, Value> {
        match self {
            Self::Single(connection) => connection.req_packed_command(cmd),
            Self::Cluster(connection) => connection.req_packed_command(cmd),
        }
    }

    fn req_packed_commands<'a>(
        &'a mut self,
        pipeline: &'a Pipeline,
        offset: usize,
        count: usize,
    ) -> RedisFuture<'a, Vec<Value>> {
        match self {
            Self::Single(connection) => connection.req_packed_commands(pipeline, offset, count),
            Self::Cluster(connection) => connection.req_packed_commands(pipeline, offset, count),
        }
    }

    fn get_db(&self) -> i64 {
        match self {
            Self::Single(connection) => connection.get_db(),
            Self::Cluster(connection) => connection.get_db(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::masters_of;
    use redis::Value;

    #[test]
    fn masters_are_read_from_cluster_slots() {
        let node = |host: &str, port| {
            Value::Array(vec![
                Value::BulkString(host.as_bytes().to_vec()),
                Value::Int(port),
                Value::BulkString(b"id".to_vec()),
            ])
        };
        let range = |start, end, master, replica| {
            Value::Array(vec![Value::Int(start), Value::Int(end), master, replica])
        };
        let slots = Value::Array(vec![
            range(0, 5460, node("127.0.0.1", 4001), node("127.0.0.1", 5001)),
            range(5461, 16383, node("10.0.0.2", 4002), node("127.0.0.1", 5002)),
            Value::Int(3),
        ]);
        assert_eq!(
            masters_of(&slots),
            vec![
                ("127.0.0.1".to_owned(), 4001),
                ("10.0.0.2".to_owned(), 4002)
            ]
        );
        assert!(masters_of(&Value::Nil).is_empty());
    }
}
