//! Text from a peer, made safe for a terminal or a log line, and short.

use std::borrow::Cow;
use std::fmt;

/// Text from a peer, displayed so that no control character, line break or escape sequence
/// reaches the terminal, and cut after a number of characters.
///
/// Control characters (C0, DEL, C1), the Unicode line and paragraph separators and the
/// bidirectional overrides are written as Rust escapes (`\n`, `\u{1b}`); a backslash is
/// doubled, so an escape in the input cannot pass for one written here.
///
/// ```
/// use nodewire_common::server::Escaped;
/// let line = format!("event={}", Escaped::new("user.created\n\u{1b}[31mforged"));
/// assert_eq!(line, "event=user.created\\n\\u{1b}[31mforged");
/// assert_eq!(Escaped::new("abcdef").max_chars(3).to_string(), "abc…(+3 bytes)");
/// ```
#[derive(Debug, Clone, Copy)]
pub struct Escaped<'a> {
    text: &'a str,
    max_chars: usize,
}

impl<'a> Escaped<'a> {
    /// The characters shown by default.
    pub const DEFAULT_MAX_CHARS: usize = 512;

    /// `text`, shown up to [`DEFAULT_MAX_CHARS`](Self::DEFAULT_MAX_CHARS).
    pub fn new(text: &'a str) -> Self {
        Self {
            text,
            max_chars: Self::DEFAULT_MAX_CHARS,
        }
    }

    /// Shows at most `max_chars` characters of the text.
    #[must_use]
    pub fn max_chars(mut self, max_chars: usize) -> Self {
        self.max_chars = max_chars;
        self
    }
}

/// Whether `c` must not reach a terminal as it is.
fn unsafe_char(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{2028}' | '\u{2029}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

impl fmt::Display for Escaped<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use fmt::Write;
        for (shown, (at, c)) in self.text.char_indices().enumerate() {
            if shown == self.max_chars {
                let rest = self.text.len().saturating_sub(at);
                return write!(f, "…(+{rest} bytes)");
            }
            if c == '\\' {
                f.write_str("\\\\")?;
            } else if unsafe_char(c) {
                write!(f, "{}", c.escape_default())?;
            } else {
                f.write_char(c)?;
            }
        }
        Ok(())
    }
}

/// At most `max_chars` characters of `text`, with `…` where it was cut: for error messages
/// that quote the peer's input, so an answer never echoes more than a bounded piece of it.
///
/// ```
/// use nodewire_common::server::excerpt;
/// assert_eq!(excerpt("short", 10), "short");
/// assert_eq!(excerpt("ünïcode", 3), "ünï…");
/// ```
pub fn excerpt(text: &str, max_chars: usize) -> Cow<'_, str> {
    match text.char_indices().nth(max_chars) {
        Some((at, _)) => Cow::Owned(format!("{}…", text.get(..at).unwrap_or_default())),
        None => Cow::Borrowed(text),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nothing_unsafe_passes() {
        let input = "a\r\nb\u{7}\u{1b}]0;title\u{7}\u{9b}c\u{2028}d\u{202e}e\\n";
        let shown = Escaped::new(input).to_string();
        assert!(!shown.chars().any(unsafe_char), "{shown}");
        assert_eq!(
            shown,
            "a\\r\\nb\\u{7}\\u{1b}]0;title\\u{7}\\u{9b}c\\u{2028}d\\u{202e}e\\\\n"
        );
    }

    #[test]
    fn long_text_is_cut_on_a_character() {
        let text = "é".repeat(1000);
        let shown = Escaped::new(&text).max_chars(10).to_string();
        assert_eq!(shown, format!("{}…(+1980 bytes)", "é".repeat(10)));
        assert_eq!(Escaped::new("").to_string(), "");
        assert_eq!(excerpt(&text, 2), "éé…");
        assert_eq!(excerpt("", 0), "");
        assert_eq!(excerpt("x", 0), "…");
    }
}
