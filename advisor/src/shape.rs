//! The columns a statement filters, joins, sorts and groups on, per table: what the
//! index candidates are made from and what the findings name.
//!
//! This is a small reader of the SQL that ORMs and hand-written data layers emit
//! (`SELECT` with `FROM`/`JOIN`/`WHERE`/`GROUP BY`/`ORDER BY`, `UPDATE … WHERE`,
//! `DELETE … WHERE`), not a full SQL parser: what it does not understand (an `OR`,
//! a subquery, a function around a column) is left out of the shape rather than
//! guessed, because a column the reader is unsure of would make a wrong candidate.

use std::collections::BTreeMap;

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

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Word(String),
    Quoted(String),
    Value,
    Sym(String),
}

fn tokenize(sql: &str) -> Vec<Tok> {
    let chars: Vec<char> = sql.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
        } else if c == '-' && chars.get(i + 1) == Some(&'-') {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if c == '\'' {
            i += 1;
            while i < chars.len() {
                if chars[i] == '\'' && chars.get(i + 1) == Some(&'\'') {
                    i += 2;
                } else if chars[i] == '\'' {
                    break;
                } else {
                    i += 1;
                }
            }
            i += 1;
            out.push(Tok::Value);
        } else if c == '"' || c == '`' || c == '[' {
            let close = if c == '[' { ']' } else { c };
            let start = i + 1;
            i = start;
            while i < chars.len() && chars[i] != close {
                i += 1;
            }
            out.push(Tok::Quoted(
                chars[start..i.min(chars.len())].iter().collect(),
            ));
            i += 1;
        } else if c.is_ascii_digit() {
            while i < chars.len() && (chars[i].is_ascii_alphanumeric() || chars[i] == '.') {
                i += 1;
            }
            out.push(Tok::Value);
        } else if c == '?' || c == '$' || c == ':' || c == '@' {
            // `?`, `?1`, `$1`, `:name`, `@name` are parameters; `::` is a PostgreSQL cast.
            if c == ':' && chars.get(i + 1) == Some(&':') {
                out.push(Tok::Sym("::".into()));
                i += 2;
                continue;
            }
            i += 1;
            while i < chars.len() && (chars[i].is_ascii_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            out.push(Tok::Value);
        } else if c.is_alphabetic() || c == '_' {
            let start = i;
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            out.push(Tok::Word(chars[start..i].iter().collect()));
        } else {
            let two: String = chars[i..(i + 2).min(chars.len())].iter().collect();
            if ["<=", ">=", "<>", "!=", "||"].contains(&two.as_str()) {
                out.push(Tok::Sym(two));
                i += 2;
            } else {
                out.push(Tok::Sym(c.to_string()));
                i += 1;
            }
        }
    }
    out
}

fn is_kw(t: &Tok, kw: &str) -> bool {
    matches!(t, Tok::Word(w) if w.eq_ignore_ascii_case(kw))
}

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
        if let (Some(Some(first)), true) = (places.first(), places.iter().all(|p| p.is_some())) {
            if places.iter().all(|p| *p == Some(*first)) {
                let cols: Vec<String> = refs.into_iter().flatten().map(|r| r.column).collect();
                let t = &mut shape.tables[*first];
                if is_order {
                    t.order_by = cols;
                } else {
                    t.group_by = cols;
                }
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
            if let Tok::Word(w) = t {
                if CLAUSE_END.iter().any(|k| w.eq_ignore_ascii_case(k)) && !is_kw(t, "ON") {
                    break;
                }
                if is_kw(t, "ON") {
                    break;
                }
            }
            if matches!(t, Tok::Sym(s) if s == ";") {
                break;
            }
            out.push(t.clone());
            self.pos += 1;
        }
        out
    }
}

fn split_and(toks: &[Tok]) -> Vec<Vec<Tok>> {
    // An `OR` anywhere at this level makes the whole condition unindexable for a
    // single composite index: leave it out.
    if toks.iter().any(|t| is_kw(t, "OR")) {
        return Vec::new();
    }
    let mut parts = vec![Vec::new()];
    let mut in_between = false;
    for t in toks {
        if is_kw(t, "BETWEEN") {
            in_between = true;
        }
        if is_kw(t, "AND") && !in_between {
            parts.push(Vec::new());
            continue;
        }
        if is_kw(t, "AND") {
            in_between = false;
        }
        parts.last_mut().expect("starts non-empty").push(t.clone());
    }
    parts.retain(|p| !p.is_empty());
    parts
}

fn split_commas(toks: &[Tok]) -> Vec<Vec<Tok>> {
    toks.split(|t| matches!(t, Tok::Sym(s) if s == ","))
        .map(<[Tok]>::to_vec)
        .collect()
}

#[derive(Debug, Clone)]
struct ColRef {
    qualifier: Option<String>,
    column: String,
}

enum Pred {
    Equality(ColRef),
    Range(ColRef),
    Join(ColRef, ColRef),
}

fn name_of(t: &Tok) -> Option<String> {
    match t {
        Tok::Word(w) => Some(w.clone()),
        Tok::Quoted(w) => Some(w.clone()),
        _ => None,
    }
}

/// A bare column reference filling all of `toks`: `c`, `t.c`, `"t"."c"`.
fn col_ref(toks: &[Tok]) -> Option<ColRef> {
    const NOT_COLUMNS: &[&str] = &["NULL", "TRUE", "FALSE", "NOT", "CURRENT_TIMESTAMP"];
    match toks {
        [t] => {
            let c = name_of(t)?;
            if matches!(t, Tok::Word(_)) && NOT_COLUMNS.iter().any(|k| c.eq_ignore_ascii_case(k)) {
                return None;
            }
            Some(ColRef {
                qualifier: None,
                column: c,
            })
        }
        [q, Tok::Sym(dot), c] if dot == "." => Some(ColRef {
            qualifier: Some(name_of(q)?),
            column: name_of(c)?,
        }),
        _ => None,
    }
}

/// A value side: literals, parameters, casts and arithmetic on them, no columns.
fn is_value(toks: &[Tok]) -> bool {
    !toks.is_empty()
        && toks.iter().all(|t| match t {
            Tok::Value => true,
            Tok::Sym(s) => ["(", ")", "::", "+", "-", "*", "/", "||", ","].contains(&s.as_str()),
            Tok::Word(w) => ["NULL", "TRUE", "FALSE"]
                .iter()
                .any(|k| w.eq_ignore_ascii_case(k)),
            Tok::Quoted(_) => false,
        })
        || matches!(toks, [Tok::Sym(a), .., Tok::Sym(b)] if a == "(" && b == ")")
}

fn predicate(toks: &[Tok]) -> Option<Pred> {
    let op = toks.iter().position(|t| match t {
        Tok::Sym(s) => ["=", "<", ">", "<=", ">=", "=="].contains(&s.as_str()),
        Tok::Word(w) => ["IN", "BETWEEN", "LIKE", "IS"]
            .iter()
            .any(|k| w.eq_ignore_ascii_case(k)),
        _ => false,
    })?;
    let (left, right) = (&toks[..op], &toks[op + 1..]);
    let opname = match &toks[op] {
        Tok::Sym(s) => s.clone(),
        Tok::Word(w) => w.to_ascii_uppercase(),
        _ => return None,
    };
    let equality = ["=", "==", "IN", "IS"].contains(&opname.as_str());
    if equality {
        if let (Some(a), Some(b)) = (col_ref(left), col_ref(right)) {
            return Some(Pred::Join(a, b));
        }
    }
    let (col, value) = match (col_ref(left), col_ref(right)) {
        (Some(c), None) => (c, right),
        (None, Some(c)) if opname != "BETWEEN" && opname != "LIKE" => (c, left),
        _ => return None,
    };
    if opname == "IS" && value.first().is_some_and(|t| is_kw(t, "NOT")) {
        return None;
    }
    let value_ok = match opname.as_str() {
        "BETWEEN" => true,
        // Only a prefix pattern can use an index; a parameter might be one.
        "LIKE" => matches!(value, [Tok::Value]),
        _ => is_value(value),
    };
    if !value_ok {
        return None;
    }
    Some(if equality {
        Pred::Equality(col)
    } else {
        Pred::Range(col)
    })
}

fn sort_item(toks: &[Tok]) -> Option<ColRef> {
    let mut toks = toks;
    while let [rest @ .., last] = toks {
        if [
            "ASC", "DESC", "NULLS", "FIRST", "LAST", "COLLATE", "NOCASE", "BINARY",
        ]
        .iter()
        .any(|k| is_kw(last, k))
        {
            toks = rest;
        } else {
            break;
        }
    }
    col_ref(toks)
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
