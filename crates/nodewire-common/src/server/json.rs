//! How an upstream writes JSON bodies.

use std::io;

use serde::Serialize;

/// How a server writes JSON: the `Content-Type` it sends and its encoder's habits.
///
/// Each protocol crate holds one, so every JSON answer of that upstream is written the same
/// way: serde_json's compact form (telemt, the kernel, NestJS), the same with the newline of
/// Go's `json.Encoder` (Dash), or Go's encoder in full, with its HTML-safe escapes (NodePass).
///
/// ```
/// use nodewire_common::server::JsonStyle;
/// let value = serde_json::json!({"url": "a?b=1&c=<2>"});
/// let compact = JsonStyle::compact("application/json").encode(&value)?;
/// assert_eq!(compact, br#"{"url":"a?b=1&c=<2>"}"#);
/// let dash = JsonStyle::compact("application/json").with_newline().encode(&value)?;
/// assert_eq!(dash, b"{\"url\":\"a?b=1&c=<2>\"}\n");
/// let go = JsonStyle::go_encoder("application/json").encode(&value)?;
/// assert_eq!(go, b"{\"url\":\"a?b=1\\u0026c=\\u003c2\\u003e\"}\n");
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct JsonStyle {
    content_type: &'static str,
    newline: bool,
    escape_html: bool,
}

impl JsonStyle {
    /// serde_json's compact form, sent as `content_type`.
    pub const fn compact(content_type: &'static str) -> Self {
        Self {
            content_type,
            newline: false,
            escape_html: false,
        }
    }

    /// Go's `json.NewEncoder(w).Encode(v)`: `&`, `<`, `>`, U+2028 and U+2029 inside strings
    /// escaped as `\u0026`, `\u003c`, `\u003e`, `\u2028`, `\u2029`, and a trailing newline.
    pub const fn go_encoder(content_type: &'static str) -> Self {
        Self {
            content_type,
            newline: true,
            escape_html: true,
        }
    }

    /// The same style with a trailing newline (what Go's `json.Encoder` adds).
    pub const fn with_newline(self) -> Self {
        Self {
            newline: true,
            ..self
        }
    }

    /// The `Content-Type` sent with the body.
    pub const fn content_type(&self) -> &'static str {
        self.content_type
    }

    /// Encodes `value` in this style.
    pub fn encode<T: Serialize + ?Sized>(&self, value: &T) -> Result<Vec<u8>, serde_json::Error> {
        let mut out = Vec::with_capacity(128);
        if self.escape_html {
            let mut ser = serde_json::Serializer::with_formatter(&mut out, HtmlSafe);
            value.serialize(&mut ser)?;
        } else {
            serde_json::to_writer(&mut out, value)?;
        }
        if self.newline {
            out.push(b'\n');
        }
        Ok(out)
    }
}

/// serde_json's compact formatter with Go's HTML-safe string escapes.
struct HtmlSafe;

impl serde_json::ser::Formatter for HtmlSafe {
    fn write_string_fragment<W: ?Sized + io::Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        let mut start = 0;
        for (i, c) in fragment.char_indices() {
            let escaped = match c {
                '&' => "\\u0026",
                '<' => "\\u003c",
                '>' => "\\u003e",
                '\u{2028}' => "\\u2028",
                '\u{2029}' => "\\u2029",
                _ => continue,
            };
            writer.write_all(fragment.get(start..i).unwrap_or_default().as_bytes())?;
            writer.write_all(escaped.as_bytes())?;
            start = i + c.len_utf8();
        }
        writer.write_all(fragment.get(start..).unwrap_or_default().as_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_escapes_only_html_characters_and_line_separators() -> Result<(), serde_json::Error> {
        let v = serde_json::json!({"url": "a?b=1&c=<2>\u{2028}\u{2029}", "logs": "\u{1b}[33m é"});
        let text = String::from_utf8(JsonStyle::go_encoder("application/json").encode(&v)?)
            .unwrap_or_default();
        assert_eq!(
            text,
            "{\"logs\":\"\\u001b[33m é\",\"url\":\"a?b=1\\u0026c=\\u003c2\\u003e\\u2028\\u2029\"}\n"
        );
        Ok(())
    }

    #[test]
    fn compact_is_serde_json() -> Result<(), serde_json::Error> {
        let v = serde_json::json!({"a": [1.0, "<&>"]});
        let style = JsonStyle::compact("application/json; charset=utf-8");
        assert_eq!(style.encode(&v)?, serde_json::to_vec(&v)?);
        assert_eq!(style.content_type(), "application/json; charset=utf-8");
        Ok(())
    }
}
