//! Conditions and sort items: which column a predicate compares with what.

use super::lex::{Tok, is_kw};

pub(super) fn split_and(toks: &[Tok]) -> Vec<Vec<Tok>> {
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

pub(super) fn split_commas(toks: &[Tok]) -> Vec<Vec<Tok>> {
    toks.split(|t| matches!(t, Tok::Sym(s) if s == ","))
        .map(<[Tok]>::to_vec)
        .collect()
}

#[derive(Debug, Clone)]
pub(super) struct ColRef {
    pub(super) qualifier: Option<String>,
    pub(super) column: String,
}

pub(super) enum Pred {
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
pub(super) fn col_ref(toks: &[Tok]) -> Option<ColRef> {
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
/// A word in a value is a type name after `::` or before a literal (`box '…'`,
/// `DATE '…'`), a constant, or the clock; any other word may be a column.
fn is_value(toks: &[Tok]) -> bool {
    const WORDS: &[&str] = &[
        "NULL",
        "TRUE",
        "FALSE",
        "CURRENT_DATE",
        "CURRENT_TIME",
        "CURRENT_TIMESTAMP",
        "INTERVAL",
    ];
    let word_ok = |i: usize, w: &str| {
        WORDS.iter().any(|k| w.eq_ignore_ascii_case(k))
            || (i > 0 && matches!(&toks[i - 1], Tok::Sym(s) if s == "::"))
            || matches!(toks.get(i + 1), Some(Tok::Value))
    };
    !toks.is_empty()
        && toks.iter().enumerate().all(|(i, t)| match t {
            Tok::Value => true,
            Tok::Sym(s) => ["(", ")", "::", "+", "-", "*", "/", "||", ","].contains(&s.as_str()),
            Tok::Word(w) => word_ok(i, w),
            Tok::Quoted(_) => false,
        })
        || matches!(toks, [Tok::Sym(a), .., Tok::Sym(b)] if a == "(" && b == ")")
}

pub(super) fn predicate(toks: &[Tok]) -> Option<Pred> {
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
    if equality && let (Some(a), Some(b)) = (col_ref(left), col_ref(right)) {
        return Some(Pred::Join(a, b));
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

pub(super) fn sort_item(toks: &[Tok]) -> Option<ColRef> {
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
