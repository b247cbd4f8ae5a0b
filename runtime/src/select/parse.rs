//! The `fields` grammar, read into a syntax tree that keeps every byte offset:
//!
//! ```text
//! mask    = item *( "," item )          ; a bare "*" is an item whose path is "*"
//! item    = ["-"] path [ "(" mask ")" ]
//! path    = segment *( ("/" | ".") segment )
//! segment = "*" | name | "`" quoted "`"
//! ```
//!
//! A `name` is letters, digits, `_`, `$`, `@` and `-` (not first); a quoted name
//! takes any character, with `` \` `` and `\\` for a backtick and a backslash.
//! Spaces around tokens are ignored. Recursion is bounded by [`MAX_DEPTH`]: each
//! segment and each parenthesis counts one level, so hostile input cannot
//! overflow the stack.

use super::error::{FieldsError, FieldsErrorKind};

/// How deep paths and parentheses may nest, counted in segments along any path.
pub const MAX_DEPTH: usize = 32;

#[derive(Debug)]
pub(crate) struct Item {
    pub(crate) negated: bool,
    pub(crate) path: Vec<Segment>,
    pub(crate) sub: Option<Vec<Item>>,
}

#[derive(Debug)]
pub(crate) struct Segment {
    pub(crate) name: Name,
    pub(crate) offset: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Name {
    Star,
    Field(Box<str>),
}

pub(crate) fn parse(text: &str) -> Result<Vec<Item>, FieldsError> {
    let mut parser = Parser {
        text,
        pos: 0,
        path: Vec::new(),
        last: String::new(),
    };
    parser.skip_spaces();
    if parser.pos == text.len() {
        return Err(parser.error(
            FieldsErrorKind::Syntax,
            0,
            "the selection is empty; write `*` to select every field",
        ));
    }
    let items = parser.mask(0)?;
    parser.skip_spaces();
    match parser.peek() {
        None => Ok(items),
        Some(')') => Err(parser.error(FieldsErrorKind::Syntax, parser.pos, "`)` closes no `(`")),
        Some(other) => Err(parser.unexpected(other, "`,`, `(` or the end")),
    }
}

struct Parser<'a> {
    text: &'a str,
    pos: usize,
    /// The names of the enclosing segments, for error messages.
    path: Vec<String>,
    /// The path of the top-level item read last, for errors right after it.
    last: String,
}

impl Parser<'_> {
    fn mask(&mut self, depth: usize) -> Result<Vec<Item>, FieldsError> {
        let mut items = vec![self.item(depth)?];
        loop {
            self.skip_spaces();
            if self.peek() != Some(',') {
                return Ok(items);
            }
            self.pos += 1;
            items.push(self.item(depth)?);
        }
    }

    fn item(&mut self, depth: usize) -> Result<Item, FieldsError> {
        self.skip_spaces();
        let negated = self.peek() == Some('-');
        if negated {
            self.pos += 1;
            self.skip_spaces();
        }
        let enclosing = self.path.len();
        let mut path = vec![self.segment(depth)?];
        loop {
            self.skip_spaces();
            match self.peek() {
                Some('/' | '.') => {
                    self.pos += 1;
                    self.skip_spaces();
                    path.push(self.segment(depth + path.len())?);
                }
                _ => break,
            }
        }
        let sub = if self.peek() == Some('(') {
            let open = self.pos;
            self.pos += 1;
            let sub = self.mask(depth + path.len())?;
            self.skip_spaces();
            if self.peek() != Some(')') {
                return Err(match self.peek() {
                    None => self.error(
                        FieldsErrorKind::Syntax,
                        open,
                        "this `(` is never closed; add `)`",
                    ),
                    Some(other) => self.unexpected(other, "`,` or `)`"),
                });
            }
            self.pos += 1;
            // Checked here, not when the exclusion is applied, so that
            // whether a text parses does not depend on its items' order.
            if negated && let Some(inner) = first_negated(&sub) {
                return Err(self.error(
                    FieldsErrorKind::Syntax,
                    inner.path[0].offset,
                    "inside an exclusion `-a(...)`, list the fields to exclude without `-`",
                ));
            }
            Some(sub)
        } else {
            None
        };
        // Only read once the path is back to empty, that is for a top-level
        // item: joining the path of every nested item would cost the length
        // of the enclosing names once per item, quadratic in the text.
        if enclosing == 0 {
            self.last = self.path.join("/");
        }
        self.path.truncate(enclosing);
        Ok(Item { negated, path, sub })
    }

    fn segment(&mut self, depth: usize) -> Result<Segment, FieldsError> {
        let offset = self.pos;
        if depth >= MAX_DEPTH {
            return Err(self.error(
                FieldsErrorKind::TooDeep,
                offset,
                format!("the selection nests deeper than {MAX_DEPTH} levels"),
            ));
        }
        let name = match self.peek() {
            Some('*') => {
                self.pos += 1;
                Name::Star
            }
            Some('`') => Name::Field(self.quoted()?.into()),
            Some(c) if is_name_char(c) && c != '-' => {
                let end = self.text[self.pos..]
                    .find(|c| !is_name_char(c))
                    .map_or(self.text.len(), |len| self.pos + len);
                let name = &self.text[self.pos..end];
                self.pos = end;
                Name::Field(name.into())
            }
            Some(other) => {
                return Err(self.unexpected(other, "a field name, `*` or a `quoted` name"));
            }
            None => {
                return Err(self.error(
                    FieldsErrorKind::Syntax,
                    offset,
                    "the selection ends where a field name was expected",
                ));
            }
        };
        self.path.push(match &name {
            Name::Star => "*".to_owned(),
            Name::Field(name) => name.to_string(),
        });
        Ok(Segment { name, offset })
    }

    fn quoted(&mut self) -> Result<String, FieldsError> {
        let open = self.pos;
        self.pos += 1;
        let mut name = String::new();
        let mut chars = self.text[self.pos..].char_indices();
        while let Some((at, c)) = chars.next() {
            match c {
                '`' => {
                    self.pos += at + 1;
                    return Ok(name);
                }
                '\\' => match chars.next() {
                    Some((_, escaped @ ('`' | '\\'))) => name.push(escaped),
                    _ => {
                        return Err(self.error(
                            FieldsErrorKind::Syntax,
                            self.pos + at,
                            "inside backticks, `\\` escapes only a backtick or a backslash",
                        ));
                    }
                },
                c => name.push(c),
            }
        }
        Err(self.error(
            FieldsErrorKind::Syntax,
            open,
            "this backtick is never closed",
        ))
    }

    fn peek(&self) -> Option<char> {
        self.text[self.pos..].chars().next()
    }

    fn skip_spaces(&mut self) {
        let rest = &self.text[self.pos..];
        self.pos += rest.len() - rest.trim_start_matches([' ', '\t']).len();
    }

    fn unexpected(&self, found: char, expected: &str) -> FieldsError {
        self.error(
            FieldsErrorKind::Syntax,
            self.pos,
            format!("unexpected `{found}`; expected {expected}"),
        )
    }

    fn error(
        &self,
        kind: FieldsErrorKind,
        offset: usize,
        message: impl Into<String>,
    ) -> FieldsError {
        let path = if self.path.is_empty() {
            self.last.clone()
        } else {
            self.path.join("/")
        };
        FieldsError::new(kind, offset, path, message)
    }
}

/// The characters of an unquoted name (`-` may not start one: it negates).
pub(crate) fn is_name_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '_' | '$' | '@' | '-')
}

/// The first item marked `-` in `items`, at any depth.
fn first_negated(items: &[Item]) -> Option<&Item> {
    items.iter().find_map(|item| {
        if item.negated {
            Some(item)
        } else {
            item.sub.as_deref().and_then(first_negated)
        }
    })
}
