//! The seeded shop: five indexes its workload needs are missing, and the oracle
//! lists them. The same schema, data and workload on both engines.

use unokit_advisor::WorkloadStatement;

/// The five indexes the workload needs (table, columns).
pub const MISSING: [(&str, &[&str]); 5] = [
    ("customers", &["email"]),
    ("customers", &["country", "created_at"]),
    ("orders", &["customer_id", "created_at"]),
    ("order_items", &["order_id"]),
    ("products", &["category", "price"]),
];

const SCHEMA: &str = "
CREATE TABLE customers (id INTEGER PRIMARY KEY, email TEXT NOT NULL, country TEXT NOT NULL, created_at INTEGER NOT NULL);
CREATE TABLE products (id INTEGER PRIMARY KEY, sku TEXT NOT NULL UNIQUE, category INTEGER NOT NULL, price INTEGER NOT NULL);
CREATE TABLE orders (id INTEGER PRIMARY KEY, customer_id INTEGER NOT NULL, status TEXT NOT NULL, created_at INTEGER NOT NULL, total INTEGER NOT NULL);
CREATE TABLE order_items (id INTEGER PRIMARY KEY, order_id INTEGER NOT NULL, product_id INTEGER NOT NULL, qty INTEGER NOT NULL);
";

/// SQLite: schema and rows (20 000 customers, 5 000 products, 60 000 orders,
/// 120 000 order items).
pub fn sqlite_setup() -> String {
    format!(
        "{SCHEMA}
CREATE TEMP TABLE n AS WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 120000) SELECT i FROM n;
INSERT INTO customers SELECT i, 'user' || i || '@example.com', 'C' || (i % 40), 1000000 + (i * 7919) % 100000 FROM n WHERE i <= 20000;
INSERT INTO products SELECT i, 'SKU' || i, i % 50, (i * 37) % 1000 FROM n WHERE i <= 5000;
INSERT INTO orders SELECT i, 1 + (i * 13) % 2000, CASE i % 4 WHEN 0 THEN 'open' ELSE 'paid' END, 1000000 + (i * 104729) % 100000, i % 500 FROM n WHERE i <= 60000;
INSERT INTO order_items SELECT i, 1 + (i * 31) % 60000, 1 + (i * 17) % 5000, 1 + i % 5 FROM n;
DROP TABLE n;
"
    )
}

/// PostgreSQL: the same schema and rows, analysed.
pub fn postgres_setup() -> String {
    format!(
        "{}
INSERT INTO customers SELECT i, 'user' || i || '@example.com', 'C' || (i % 40), 1000000 + (i * 7919) % 100000 FROM generate_series(1, 20000) i;
INSERT INTO products SELECT i, 'SKU' || i, i % 50, (i * 37) % 1000 FROM generate_series(1, 5000) i;
INSERT INTO orders SELECT i, 1 + (i::bigint * 13) % 2000, CASE i % 4 WHEN 0 THEN 'open' ELSE 'paid' END, 1000000 + (i::bigint * 104729) % 100000, i % 500 FROM generate_series(1, 60000) i;
INSERT INTO order_items SELECT i, 1 + (i::bigint * 31) % 60000, 1 + (i::bigint * 17) % 5000, 1 + i % 5 FROM generate_series(1, 120000) i;
ANALYZE;
",
        SCHEMA.replace("INTEGER PRIMARY KEY", "integer PRIMARY KEY")
    )
}

/// The workload: each statement with sample binds (`$n` markers work on both
/// engines).
pub fn workload() -> Vec<WorkloadStatement> {
    let w = |sql: &str, binds: Vec<serde_json::Value>| WorkloadStatement {
        binds,
        ..WorkloadStatement::new(sql)
    };
    vec![
        w(
            "SELECT id, country FROM customers WHERE email = $1",
            vec!["user77@example.com".into()],
        ),
        w(
            "SELECT id, email FROM customers WHERE country = $1 AND created_at > $2",
            vec!["C7".into(), 1099000.into()],
        ),
        w(
            "SELECT id, total FROM orders WHERE customer_id = $1 ORDER BY created_at DESC LIMIT 10",
            vec![42.into()],
        ),
        w(
            "SELECT product_id, qty FROM order_items WHERE order_id = $1",
            vec![4242.into()],
        ),
        w(
            "SELECT i.product_id, i.qty FROM orders o JOIN order_items i ON i.order_id = o.id WHERE o.customer_id = $1",
            vec![42.into()],
        ),
        w(
            "SELECT id, sku FROM products WHERE category = $1 AND price < $2",
            vec![7.into(), 20.into()],
        ),
        // Served by existing indexes: no suggestion may come from these.
        w("SELECT * FROM products WHERE sku = $1", vec!["SKU9".into()]),
        w("SELECT * FROM orders WHERE id = $1", vec![7.into()]),
    ]
}

/// `sql` with `$n` replaced by the literal of its bind, for tools without binds.
pub fn inline(stmt: &WorkloadStatement) -> String {
    let mut sql = stmt.sql.clone();
    for (i, b) in stmt.binds.iter().enumerate().rev() {
        let lit = match b {
            serde_json::Value::String(s) => format!("'{}'", s.replace('\'', "''")),
            other => other.to_string(),
        };
        sql = sql.replace(&format!("${}", i + 1), &lit);
    }
    sql
}
