//! Go's `encoding/json` decoding into a struct, restated for server-side decoders of Go
//! upstreams (the NodePass master, Dash): the body is read as Go reads it, then handed to serde
//! as the value Go would hold. The protocol crates describe their upstream's Go structs as
//! [`Shape`]s; the Go oracle tests (`tests/go-oracle`) check the result against Go itself.
//!
//! What Go does and serde does not:
//!
//! - a key matches a field case-insensitively with Unicode simple folding (`URL`, `aLiAs`,
//!   and `ſ` U+017F or `K` U+212A for `s` and `k`); unknown keys are skipped;
//! - repeated keys are applied in order: a later scalar wins, a later object is decoded
//!   *into* the struct, pointer or map the earlier one left (fields and map entries merge),
//!   a later array is decoded into the earlier slice's elements;
//! - `null` sets a pointer, slice or map to nil and leaves anything else as it was;
//! - invalid UTF-8 and unpaired `\u` surrogates in strings become U+FFFD;
//! - nesting up to 10 000 levels is accepted (skipped values included);
//! - an integer field takes only integer text (`strconv.ParseInt`/`ParseUint`: no `.`,
//!   no exponent, no `-` for unsigned), a float field any number within `f64`'s range.
//!
//! A value of the wrong JSON type fails the whole body, as Go's decoder does.

use std::collections::BTreeMap;

use serde_json::{Map, Number, Value};

/// Go's `maxNestingDepth` (`encoding/json/scanner.go`).
const MAX_DEPTH: usize = 10_000;

/// The Go type a JSON value is decoded into.
#[derive(Debug, Clone)]
pub enum Shape {
    /// `string`.
    String,
    /// `bool`.
    Bool,
    /// `int`, `int64`.
    Int,
    /// `uint64`.
    Uint,
    /// `float64`.
    Float,
    /// A type whose `UnmarshalJSON` takes a JSON string and ignores `null` (`time.Time`):
    /// the function checks the text and returns the text held (or why Go refuses it).
    Text(fn(&str) -> Result<String, String>),
    /// A struct: JSON names and field types.
    Struct(Vec<(&'static str, Shape)>),
    /// A pointer.
    Ptr(Box<Shape>),
    /// A slice.
    Slice(Box<Shape>),
    /// `map[string]T`.
    Map(Box<Shape>),
}

/// How much of the body is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Read {
    /// `json.Unmarshal`: exactly one JSON value, then only whitespace.
    Unmarshal,
    /// `json.NewDecoder(body).Decode`: the first JSON value; the rest is not read.
    FirstValue,
}

/// Decodes `body` into `shape` as Go does and returns the value Go holds afterwards: struct
/// fields that were never set are absent, nil pointers, slices and maps are `null`.
pub fn decode(body: &[u8], shape: &Shape, read: Read) -> Result<Value, String> {
    let node = parse(body, read)?;
    let mut held = Held::Unset;
    store(&node, shape, &mut held)?;
    Ok(held.into_value(shape))
}

/// A parsed JSON value, object members in document order.
#[derive(Debug, Clone, PartialEq)]
enum Node {
    Null,
    Bool(bool),
    Number(String),
    String(String),
    Array(Vec<Node>),
    Object(Vec<(String, Node)>),
}

enum Frame {
    Array(Vec<Node>),
    Object(Vec<(String, Node)>, String),
}

struct Parser<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    fn skip_space(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\r' | b'\n')) {
            self.at += 1;
        }
    }

    fn error(&self, what: &str) -> String {
        match self.peek() {
            Some(c) => format!(
                "invalid character {:?} {what} at offset {}",
                c as char, self.at
            ),
            None => "unexpected end of JSON input".to_owned(),
        }
    }

    fn expect(&mut self, byte: u8, what: &str) -> Result<(), String> {
        if self.peek() == Some(byte) {
            self.at += 1;
            Ok(())
        } else {
            Err(self.error(what))
        }
    }

    fn literal(&mut self, text: &[u8], node: Node) -> Result<Node, String> {
        for &want in text {
            if self.peek() != Some(want) {
                return Err(self.error("in literal"));
            }
            self.at += 1;
        }
        Ok(node)
    }

    fn digits(&mut self) -> usize {
        let start = self.at;
        while matches!(self.peek(), Some(b'0'..=b'9')) {
            self.at += 1;
        }
        self.at - start
    }

    fn number(&mut self) -> Result<Node, String> {
        let start = self.at;
        if self.peek() == Some(b'-') {
            self.at += 1;
        }
        match self.peek() {
            Some(b'0') => self.at += 1,
            Some(b'1'..=b'9') => {
                self.digits();
            }
            _ => return Err(self.error("in numeric literal")),
        }
        if self.peek() == Some(b'.') {
            self.at += 1;
            if self.digits() == 0 {
                return Err(self.error("after decimal point in numeric literal"));
            }
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.at += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.at += 1;
            }
            if self.digits() == 0 {
                return Err(self.error("in exponent of numeric literal"));
            }
        }
        let text = self.bytes.get(start..self.at).unwrap_or_default();
        Ok(Node::Number(String::from_utf8_lossy(text).into_owned()))
    }

    fn hex4(&self, at: usize) -> Option<u32> {
        let digits = self.bytes.get(at..at + 4)?;
        let text = std::str::from_utf8(digits).ok()?;
        if !text.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        u32::from_str_radix(text, 16).ok()
    }

    /// A string as Go's `unquote` reads it.
    fn string(&mut self) -> Result<String, String> {
        self.expect(b'"', "looking for beginning of object key string")?;
        let mut out = String::new();
        let mut raw_start = self.at;
        loop {
            let Some(c) = self.peek() else {
                return Err(self.error("in string literal"));
            };
            match c {
                b'"' => {
                    push_lossy(
                        &mut out,
                        self.bytes.get(raw_start..self.at).unwrap_or_default(),
                    );
                    self.at += 1;
                    return Ok(out);
                }
                b'\\' => {
                    push_lossy(
                        &mut out,
                        self.bytes.get(raw_start..self.at).unwrap_or_default(),
                    );
                    self.at += 1;
                    let escaped = self.peek();
                    self.at += 1;
                    match escaped {
                        Some(b'"') => out.push('"'),
                        Some(b'\\') => out.push('\\'),
                        Some(b'/') => out.push('/'),
                        Some(b'b') => out.push('\u{8}'),
                        Some(b'f') => out.push('\u{c}'),
                        Some(b'n') => out.push('\n'),
                        Some(b'r') => out.push('\r'),
                        Some(b't') => out.push('\t'),
                        Some(b'u') => {
                            let Some(first) = self.hex4(self.at) else {
                                return Err(self.error("in \\u hexadecimal character escape"));
                            };
                            self.at += 4;
                            out.push(self.surrogates(first));
                        }
                        _ => {
                            self.at -= 1;
                            return Err(self.error("in string escape code"));
                        }
                    }
                    raw_start = self.at;
                }
                0..=0x1f => return Err(self.error("in string literal")),
                _ => self.at += 1,
            }
        }
    }

    /// `\uXXXX` as Go reads it: a valid surrogate pair is one character (both escapes are
    /// consumed), any other surrogate is U+FFFD.
    fn surrogates(&mut self, first: u32) -> char {
        if !(0xd800..0xe000).contains(&first) {
            return char::from_u32(first).unwrap_or('\u{fffd}');
        }
        if (0xd800..0xdc00).contains(&first)
            && self.bytes.get(self.at..self.at + 2) == Some(b"\\u")
            && let Some(second) = self.hex4(self.at + 2)
            && (0xdc00..0xe000).contains(&second)
        {
            self.at += 6;
            let code = 0x10000 + ((first - 0xd800) << 10) + (second - 0xdc00);
            return char::from_u32(code).unwrap_or('\u{fffd}');
        }
        '\u{fffd}'
    }
}

/// Appends raw string bytes as Go does: valid UTF-8 as is, each byte of an invalid sequence
/// as U+FFFD.
fn push_lossy(out: &mut String, mut bytes: &[u8]) {
    while !bytes.is_empty() {
        match std::str::from_utf8(bytes) {
            Ok(text) => {
                out.push_str(text);
                return;
            }
            Err(e) => {
                let (valid, rest) = bytes.split_at(e.valid_up_to());
                out.push_str(std::str::from_utf8(valid).unwrap_or_default());
                out.push('\u{fffd}');
                bytes = rest.get(1..).unwrap_or_default();
            }
        }
    }
}

fn parse(bytes: &[u8], read: Read) -> Result<Node, String> {
    let mut p = Parser { bytes, at: 0 };
    let mut stack: Vec<Frame> = Vec::new();
    p.skip_space();
    loop {
        // One value starts here.
        let mut value = match p.peek() {
            Some(b'{') => {
                if stack.len() >= MAX_DEPTH {
                    return Err("exceeded max depth".to_owned());
                }
                p.at += 1;
                p.skip_space();
                if p.peek() == Some(b'}') {
                    p.at += 1;
                    Node::Object(Vec::new())
                } else {
                    let key = p.string()?;
                    p.skip_space();
                    p.expect(b':', "after object key")?;
                    p.skip_space();
                    stack.push(Frame::Object(Vec::new(), key));
                    continue;
                }
            }
            Some(b'[') => {
                if stack.len() >= MAX_DEPTH {
                    return Err("exceeded max depth".to_owned());
                }
                p.at += 1;
                p.skip_space();
                if p.peek() == Some(b']') {
                    p.at += 1;
                    Node::Array(Vec::new())
                } else {
                    stack.push(Frame::Array(Vec::new()));
                    continue;
                }
            }
            Some(b'"') => Node::String(p.string()?),
            Some(b't') => p.literal(b"true", Node::Bool(true))?,
            Some(b'f') => p.literal(b"false", Node::Bool(false))?,
            Some(b'n') => p.literal(b"null", Node::Null)?,
            Some(b'-' | b'0'..=b'9') => p.number()?,
            _ => return Err(p.error("looking for beginning of value")),
        };
        // Attach it, closing every container it completes.
        loop {
            p.skip_space();
            match stack.last_mut() {
                None => {
                    if read == Read::Unmarshal && p.peek().is_some() {
                        return Err(p.error("after top-level value"));
                    }
                    return Ok(value);
                }
                Some(Frame::Array(items)) => {
                    items.push(value);
                    match p.peek() {
                        Some(b',') => {
                            p.at += 1;
                            p.skip_space();
                            break;
                        }
                        Some(b']') => {
                            p.at += 1;
                            let Some(Frame::Array(items)) = stack.pop() else {
                                return Err("parser state".to_owned());
                            };
                            value = Node::Array(items);
                        }
                        _ => return Err(p.error("after array element")),
                    }
                }
                Some(Frame::Object(members, key)) => {
                    members.push((std::mem::take(key), value));
                    match p.peek() {
                        Some(b',') => {
                            p.at += 1;
                            p.skip_space();
                            *key = p.string()?;
                            p.skip_space();
                            p.expect(b':', "after object key")?;
                            p.skip_space();
                            break;
                        }
                        Some(b'}') => {
                            p.at += 1;
                            let Some(Frame::Object(members, _)) = stack.pop() else {
                                return Err("parser state".to_owned());
                            };
                            value = Node::Object(members);
                        }
                        _ => return Err(p.error("after object key:value pair")),
                    }
                }
            }
        }
    }
}

/// `bytes.EqualFold(key, name)` for an ASCII field name: ASCII case, plus the two non-ASCII
/// runes that fold onto ASCII letters (U+017F `ſ` onto `s`, U+212A `K` onto `k`).
pub fn fold_eq(key: &str, name: &str) -> bool {
    let mut key = key.chars();
    for n in name.chars() {
        let Some(k) = key.next() else {
            return false;
        };
        let same = k.eq_ignore_ascii_case(&n)
            || (k == '\u{17f}' && n.eq_ignore_ascii_case(&'s'))
            || (k == '\u{212a}' && n.eq_ignore_ascii_case(&'k'));
        if !same {
            return false;
        }
    }
    key.next().is_none()
}

/// A Go value being decoded into.
#[derive(Debug, Clone)]
enum Held {
    /// The zero value, never assigned.
    Unset,
    /// A nil pointer, slice or map.
    Nil,
    Leaf(Value),
    Struct(Vec<Held>),
    /// A slice: its backing array (capacity) and length.
    Slice(Vec<Held>, usize),
    Map(BTreeMap<String, Held>),
    Ptr(Box<Held>),
}

impl Held {
    fn into_value(self, shape: &Shape) -> Value {
        match (self, shape) {
            (Held::Unset, Shape::String | Shape::Text(_)) => Value::String(String::new()),
            (Held::Unset, Shape::Bool) => Value::Bool(false),
            (Held::Unset, Shape::Int | Shape::Uint) => Value::from(0),
            (Held::Unset, Shape::Float) => Value::from(0.0),
            (Held::Unset, Shape::Struct(_)) => Value::Object(Map::new()),
            (Held::Unset | Held::Nil, _) => Value::Null,
            (Held::Leaf(v), _) => v,
            (Held::Struct(fields), Shape::Struct(names)) => Value::Object(
                fields
                    .into_iter()
                    .zip(names)
                    .filter(|(held, _)| !matches!(held, Held::Unset))
                    .map(|(held, (name, shape))| ((*name).to_owned(), held.into_value(shape)))
                    .collect(),
            ),
            (Held::Slice(mut items, len), Shape::Slice(elem)) => {
                items.truncate(len);
                Value::Array(items.into_iter().map(|h| h.into_value(elem)).collect())
            }
            (Held::Map(entries), Shape::Map(elem)) => Value::Object(
                entries
                    .into_iter()
                    .map(|(k, h)| (k, h.into_value(elem)))
                    .collect(),
            ),
            (Held::Ptr(inner), Shape::Ptr(elem)) => inner.into_value(elem),
            (_, _) => Value::Null,
        }
    }
}

fn type_error(node: &Node, shape: &Shape) -> String {
    let got = match node {
        Node::Null => "null",
        Node::Bool(_) => "bool",
        Node::Number(n) => {
            return format!(
                "cannot unmarshal number {n} into Go value of type {}",
                go_name(shape)
            );
        }
        Node::String(_) => "string",
        Node::Array(_) => "array",
        Node::Object(_) => "object",
    };
    format!(
        "cannot unmarshal {got} into Go value of type {}",
        go_name(shape)
    )
}

fn go_name(shape: &Shape) -> &'static str {
    match shape {
        Shape::String => "string",
        Shape::Text(_) => "text",
        Shape::Bool => "bool",
        Shape::Int => "int",
        Shape::Uint => "uint64",
        Shape::Float => "float64",
        Shape::Struct(_) => "struct",
        Shape::Ptr(_) => "pointer",
        Shape::Slice(_) => "slice",
        Shape::Map(_) => "map",
    }
}

/// Decodes `node` into `held` (of type `shape`), as Go's `d.value` does.
fn store(node: &Node, shape: &Shape, held: &mut Held) -> Result<(), String> {
    if let Shape::Ptr(elem) = shape {
        if matches!(node, Node::Null) {
            *held = Held::Nil;
            return Ok(());
        }
        if !matches!(held, Held::Ptr(_)) {
            *held = Held::Ptr(Box::new(Held::Unset));
        }
        if let Held::Ptr(inner) = held {
            return store(node, elem, inner);
        }
        return Ok(());
    }
    match (node, shape) {
        (Node::Null, Shape::Slice(_) | Shape::Map(_)) => *held = Held::Nil,
        (Node::Null, _) => {}
        (Node::String(s), Shape::String) => *held = Held::Leaf(Value::String(s.clone())),
        (Node::String(s), Shape::Text(read)) => *held = Held::Leaf(Value::String(read(s)?)),
        (Node::Bool(b), Shape::Bool) => *held = Held::Leaf(Value::Bool(*b)),
        (Node::Number(text), Shape::Int) => match text.parse::<i64>() {
            Ok(n) => *held = Held::Leaf(Value::from(n)),
            Err(_) => return Err(type_error(node, shape)),
        },
        (Node::Number(text), Shape::Uint) => match text.parse::<u64>() {
            Ok(n) if !text.starts_with('+') => *held = Held::Leaf(Value::from(n)),
            _ => return Err(type_error(node, shape)),
        },
        (Node::Number(text), Shape::Float) => match text.parse::<f64>() {
            Ok(f) if f.is_finite() => {
                let n = Number::from_f64(f).ok_or_else(|| type_error(node, shape))?;
                *held = Held::Leaf(Value::Number(n));
            }
            _ => return Err(type_error(node, shape)),
        },
        (Node::Object(members), Shape::Struct(fields)) => {
            if !matches!(held, Held::Struct(_)) {
                *held = Held::Struct(vec![Held::Unset; fields.len()]);
            }
            let Held::Struct(values) = held else {
                return Ok(());
            };
            for (key, value) in members {
                let slot = fields
                    .iter()
                    .position(|(name, _)| *name == key.as_str())
                    .or_else(|| fields.iter().position(|(name, _)| fold_eq(key, name)));
                let Some(i) = slot else { continue };
                if let (Some((_, field)), Some(target)) = (fields.get(i), values.get_mut(i)) {
                    store(value, field, target)?;
                }
            }
        }
        (Node::Object(members), Shape::Map(elem)) => {
            if !matches!(held, Held::Map(_)) {
                *held = Held::Map(BTreeMap::new());
            }
            let Held::Map(entries) = held else {
                return Ok(());
            };
            for (key, value) in members {
                let mut fresh = Held::Unset;
                store(value, elem, &mut fresh)?;
                entries.insert(key.clone(), fresh);
            }
        }
        (Node::Array(items), Shape::Slice(elem)) => {
            if !matches!(held, Held::Slice(..)) {
                *held = Held::Slice(Vec::new(), 0);
            }
            let Held::Slice(backing, len) = held else {
                return Ok(());
            };
            for (i, item) in items.iter().enumerate() {
                if i >= backing.len() {
                    backing.push(Held::Unset);
                }
                if i >= *len {
                    *len = i + 1;
                }
                if let Some(target) = backing.get_mut(i) {
                    store(item, elem, target)?;
                }
            }
            if items.is_empty() {
                *held = Held::Slice(Vec::new(), 0);
            } else {
                *len = items.len();
            }
        }
        _ => return Err(type_error(node, shape)),
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn s(fields: Vec<(&'static str, Shape)>) -> Shape {
        Shape::Struct(fields)
    }

    #[test]
    fn reads_as_go_does() {
        let shape = s(vec![
            ("url", Shape::String),
            ("n", Shape::Uint),
            (
                "p",
                Shape::Ptr(Box::new(s(vec![
                    ("a", Shape::String),
                    ("b", Shape::String),
                ]))),
            ),
            ("tags", Shape::Map(Box::new(Shape::String))),
        ]);
        let go = |body: &str| decode(body.as_bytes(), &shape, Read::Unmarshal);
        assert_eq!(go(r#"{"URL":"a","url":"b"}"#), Ok(json!({"url":"b"})));
        assert_eq!(go(r#"{"url":"a","url":null}"#), Ok(json!({"url":"a"})));
        assert_eq!(go("{\"ur\u{17f}l\":\"x\"}"), Ok(json!({})));
        assert_eq!(go("{\"U\u{17f}L\":\"x\"}"), Ok(json!({})));
        assert_eq!(
            go(r#"{"p":{"a":"1"},"p":{"b":"2"},"tags":{"x":"1"},"tags":{"y":"2"}}"#),
            Ok(json!({"p":{"a":"1","b":"2"},"tags":{"x":"1","y":"2"}}))
        );
        assert_eq!(go(r#"{"p":{"a":"1"},"p":null}"#), Ok(json!({"p":null})));
        assert_eq!(
            go(r#"{"url":"\ud800\u0041"}"#),
            Ok(json!({"url":"\u{fffd}A"}))
        );
        assert_eq!(
            go(r#"{"url":"\ud83d\ude00"}"#),
            Ok(json!({"url":"\u{1f600}"}))
        );
        assert!(go(r#"{"n":-0}"#).is_err());
        assert!(go(r#"{"n":1e3}"#).is_err());
        assert!(go(r#"{"n":"1"}"#).is_err());
        assert!(go(r#"{} x"#).is_err());
        assert_eq!(decode(b"{} x", &shape, Read::FirstValue), Ok(json!({})));
        let deep = format!(
            "{{\"z\":{}{}}}",
            "[".repeat(MAX_DEPTH - 1),
            "]".repeat(MAX_DEPTH - 1)
        );
        assert_eq!(go(&deep), Ok(json!({})));
        let deeper = format!(
            "{{\"z\":{}{}}}",
            "[".repeat(MAX_DEPTH),
            "]".repeat(MAX_DEPTH)
        );
        assert!(go(&deeper).is_err());
        let mut bad = b"{\"url\":\"a".to_vec();
        bad.extend_from_slice(&[0xe2, 0x82, b'b', 0xff, b'"', b'}']);
        assert_eq!(
            decode(&bad, &shape, Read::Unmarshal),
            Ok(json!({"url":"a\u{fffd}\u{fffd}b\u{fffd}"}))
        );
    }
}
