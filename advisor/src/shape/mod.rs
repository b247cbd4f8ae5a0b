//! The columns a statement filters, joins, sorts and groups on, per table: what the
//! index candidates are made from and what the findings name.
//!
//! This is a small reader of the SQL that ORMs and hand-written data layers emit
//! (`SELECT` with `FROM`/`JOIN`/`WHERE`/`GROUP BY`/`ORDER BY`, `UPDATE … WHERE`,
//! `DELETE … WHERE`), not a full SQL parser: what it does not understand (an `OR`,
//! a subquery, a function around a column) is left out of the shape rather than
//! guessed, because a column the reader is unsure of would make a wrong candidate.

mod lex;
mod predicate;

use std::collections::BTreeMap;

use lex::{Tok, is_kw, tokenize};
use predicate::{ColRef, Pred, predicate, sort_item, split_and, split_commas};

/// One table a statement reads, with the columns it uses in index-friendly ways.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct TableUse {
    /// The table's name as written (unquoted).
    pub table: String,
    /// The alias the statement gives it, if any.
    pub alias: Option<String>,
    /// Columns compared with `=`, `IN` or `IS` against a value.
    pub equality: Vec<String>,
    /// Columns compared with `=` against a column of another table (join keys).
    pub joined: Vec<String>,
    /// Columns compared with `<`, `>`, `<=`, `>=`, `BETWEEN` or a prefix `LIKE`.
    pub range: Vec<String>,
    /// `ORDER BY` columns, in order, when all of them belong to this table.
    pub order_by: Vec<String>,
    /// `GROUP BY` columns, in order, when all of them belong to this table.
    pub group_by: Vec<String>,
}

impl TableUse {
    /// Whether the statement filters this table (equality or range), so that a
    /// full scan of it reads rows the statement throws away.
    pub fn is_filtered(&self) -> bool {
        !self.equality.is_empty() || !self.range.is_empty()
    }

    /// Every column named, filters first, without repeats.
    pub fn columns(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for c in self
            .equality
            .iter()
            .chain(&self.joined)
            .chain(&self.range)
            .chain(&self.order_by)
            .chain(&self.group_by)
        {
            if !out.contains(c) {
                out.push(c.clone());
            }
        }
        out
    }
}

/// The shape of one statement: the tables it reads in `FROM`/`JOIN` order.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Shape {
    /// The tables, outermost first.
    pub tables: Vec<TableUse>,
}

impl Shape {
    /// The table a plan names by table name or alias.
    pub fn by_name(&self, name: &str) -> Option<&TableUse> {
        self.tables
            .iter()
            .find(|t| t.alias.as_deref() == Some(name))
            .or_else(|| self.tables.iter().find(|t| t.table == name))
    }
}

/// Table name → its column names, to place a column written without a table.
pub type Columns = BTreeMap<String, Vec<String>>;

const CLAUSE_END: &[&str] = &[
    "WHERE",
    "GROUP",
    "ORDER",
    "LIMIT",
    "HAVING",
    "OFFSET",
    "UNION",
    "RETURNING",
    "SET",
    "WINDOW",
    "FOR",
    "ON",
    "USING",
    "JOIN",
    "INNER",
    "LEFT",
    "RIGHT",
    "FULL",
    "CROSS",
    "NATURAL",
    "OUTER",
];

/// Reads the shape of `sql`. `columns` places unqualified columns when the
/// statement reads more than one table; with one table they are its own.
///
/// ```
/// use unokit_advisor::shape::{shape, Columns};
/// let s = shape("SELECT * FROM t WHERE a = ? AND b > 3 ORDER BY c", &Columns::new());
/// let t = s.by_name("t").unwrap();
/// assert_eq!((t.equality.as_slice(), t.range.as_slice(), t.order_by.as_slice()), (&["a".to_owned()][..], &["b".to_owned()][..], &["c".to_owned()][..]));
/// ```
pub fn shape(sql: &str, columns: &Columns) -> Shape {
    // Only depth 0 counts: a parenthesised subquery is not read.
    let toks = tokenize(sql);
    let mut depth0 = Vec::new();
    let mut depth = 0usize;
    for t in toks {
        match &t {
            Tok::Sym(s) if s == "(" => {
                depth += 1;
                if depth == 1 {
                    depth0.push(Tok::Sym("(".into()));
                }
                continue;
            }
            Tok::Sym(s) if s == ")" => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    depth0.push(Tok::Sym(")".into()));
                }
                continue;
            }
            _ => {}
        }
        if depth == 0 {
            depth0.push(t);
        }
    }
    let toks = depth0;
    let mut reader = Reader {
        toks: &toks,
        pos: 0,
    };
    let mut shape = Shape::default();
    let mut conditions: Vec<Vec<Tok>> = Vec::new();
    let mut order: Vec<Vec<Tok>> = Vec::new();
    let mut group: Vec<Vec<Tok>> = Vec::new();
    while let Some(t) = reader.next() {
        if is_kw(t, "FROM") || is_kw(t, "JOIN") || is_kw(t, "UPDATE") || is_kw(t, "INTO") {
            loop {
                if let Some(tu) = reader.table_ref() {
                    shape.tables.push(tu);
                }
                if reader.peek_sym(",") {
                    reader.pos += 1;
                    continue;
                }
                break;
            }
        } else if is_kw(t, "ON") || is_kw(t, "WHERE") || is_kw(t, "HAVING") {
            let is_having = is_kw(t, "HAVING");
            let cond = reader.until_clause();
            if !is_having {
                conditions.extend(split_and(&cond));
            }
        } else if is_kw(t, "ORDER") && reader.peek_kw("BY") {
            reader.pos += 1;
            order = split_commas(&reader.until_clause());
        } else if is_kw(t, "GROUP") && reader.peek_kw("BY") {
            reader.pos += 1;
            group = split_commas(&reader.until_clause());
        }
    }
    let resolve = |r: &ColRef, shape: &Shape| -> Option<usize> {
        match &r.qualifier {
            Some(q) => shape
                .tables
                .iter()
                .position(|t| t.alias.as_deref() == Some(q.as_str()) || &t.table == q),
            None if shape.tables.len() == 1 => Some(0),
            None => shape.tables.iter().position(|t| {
                columns
                    .get(&t.table)
                    .is_some_and(|cs| cs.iter().any(|c| c.eq_ignore_ascii_case(&r.column)))
            }),
        }
    };
    for cond in conditions {
        match predicate(&cond) {
            Some(Pred::Equality(a)) => {
                if let Some(i) = resolve(&a, &shape) {
                    push_unique(&mut shape.tables[i].equality, a.column);
                }
            }
            Some(Pred::Range(a)) => {
                if let Some(i) = resolve(&a, &shape) {
                    push_unique(&mut shape.tables[i].range, a.column);
                }
            }
            Some(Pred::Join(a, b)) => {
                let (ia, ib) = (resolve(&a, &shape), resolve(&b, &shape));
                // A comparison of two columns of one table is no join key.
                if ia != ib {
                    for (r, i) in [(a, ia), (b, ib)] {
                        if let Some(i) = i {
                            push_unique(&mut shape.tables[i].joined, r.column);
                        }
                    }
                }
            }
            None => {}
        }
    }
    for (list, is_order) in [(order, true), (group, false)] {
        let refs: Vec<Option<ColRef>> = list.iter().map(|item| sort_item(item)).collect();
        let places: Vec<Option<usize>> = refs
            .iter()
            .map(|r| r.as_ref().and_then(|r| resolve(r, &shape)))
            .collect();
        // An index serves a sort only when every sort column is in it.
        if let (Some(Some(first)), true) = (places.first(), places.iter().all(|p| p.is_some()))
            && places.iter().all(|p| *p == Some(*first))
        {
            let cols: Vec<String> = refs.into_iter().flatten().map(|r| r.column).collect();
            let t = &mut shape.tables[*first];
            if is_order {
                t.order_by = cols;
            } else {
                t.group_by = cols;
            }
        }
    }
    shape
}

fn push_unique(v: &mut Vec<String>, c: String) {
    if !v.contains(&c) {
        v.push(c);
    }
}

struct Reader<'a> {
    toks: &'a [Tok],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn next(&mut self) -> Option<&'a Tok> {
        let t = self.toks.get(self.pos);
        self.pos += 1;
        t
    }
    fn peek_kw(&self, kw: &str) -> bool {
        self.toks.get(self.pos).is_some_and(|t| is_kw(t, kw))
    }
    fn peek_sym(&self, s: &str) -> bool {
        matches!(self.toks.get(self.pos), Some(Tok::Sym(x)) if x == s)
    }
    fn name(&mut self) -> Option<String> {
        match self.toks.get(self.pos) {
            Some(Tok::Word(w)) if !CLAUSE_END.iter().any(|k| w.eq_ignore_ascii_case(k)) => {
                self.pos += 1;
                Some(w.clone())
            }
            Some(Tok::Quoted(w)) => {
                self.pos += 1;
                Some(w.clone())
            }
            _ => None,
        }
    }
    fn table_ref(&mut self) -> Option<TableUse> {
        if self.peek_sym("(") {
            // A derived table: skip it and its alias.
            self.pos += 2;
            if self.peek_kw("AS") {
                self.pos += 1;
            }
            self.name();
            return None;
        }
        let mut table = self.name()?;
        // `schema.table`: the plan names the table alone.
        if self.peek_sym(".") {
            self.pos += 1;
            table = self.name()?;
        }
        if self.peek_kw("AS") {
            self.pos += 1;
        }
        let alias = self.name();
        Some(TableUse {
            table,
            alias,
            ..TableUse::default()
        })
    }
    fn until_clause(&mut self) -> Vec<Tok> {
        let mut out = Vec::new();
        while let Some(t) = self.toks.get(self.pos) {
            // A clause ends at the next clause keyword (`ON` included) or `;`.
            let ends = match t {
                Tok::Word(w) => CLAUSE_END.iter().any(|k| w.eq_ignore_ascii_case(k)),
                Tok::Sym(s) => s == ";",
                _ => false,
            };
            if ends {
                break;
            }
            out.push(t.clone());
            self.pos += 1;
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_filters_joins_and_sorts_per_table() {
        let mut cols = Columns::new();
        cols.insert("orders".into(), vec!["id".into(), "status".into()]);
        cols.insert("customers".into(), vec!["id".into(), "country".into()]);
        let s = shape(
            "SELECT o.id FROM orders AS o JOIN customers c ON c.id = o.customer_id \
             WHERE status = $1 AND o.created_at > ? AND c.country IN ('x','y') ORDER BY o.created_at DESC",
            &cols,
        );
        assert_eq!(s.tables.len(), 2);
        let o = s.by_name("o").unwrap();
        assert_eq!(o.equality, ["status"]);
        assert_eq!(o.joined, ["customer_id"]);
        assert_eq!(o.range, ["created_at"]);
        assert_eq!(o.order_by, ["created_at"]);
        let c = s.by_name("customers").unwrap();
        assert_eq!(
            (c.equality.as_slice(), c.joined.as_slice()),
            (&["country".to_owned()][..], &["id".to_owned()][..])
        );
    }

    #[test]
    fn leaves_out_what_it_cannot_place() {
        let s = shape(
            "SELECT * FROM t WHERE a = 1 OR b = 2 ORDER BY lower(name)",
            &Columns::new(),
        );
        assert_eq!(s.tables[0].columns(), Vec::<String>::new());
        let s = shape(
            "SELECT * FROM t WHERE d > DATE '2024-01-01' AND e = $1::int AND f = other",
            &Columns::new(),
        );
        assert_eq!(
            (
                s.tables[0].equality.as_slice(),
                s.tables[0].range.as_slice()
            ),
            (&["e".to_owned()][..], &["d".to_owned()][..])
        );
        let s = shape(
            "UPDATE t SET x = 1 WHERE b BETWEEN 1 AND 5 AND a = 'q''s'",
            &Columns::new(),
        );
        assert_eq!(s.tables[0].equality, ["a"]);
        assert_eq!(s.tables[0].range, ["b"]);
        let s = shape(
            "SELECT k, count(*) FROM t WHERE x IN (SELECT y FROM u WHERE z = 1) GROUP BY k",
            &Columns::new(),
        );
        assert_eq!(s.tables.len(), 1);
        assert_eq!(s.tables[0].equality, ["x"]);
        assert_eq!(s.tables[0].group_by, ["k"]);
    }
}
