//! Pieces of Go's `net/url.Parse` that the protocol crates following it share: the control
//! byte check, the scheme split and the character classes of hosts and userinfo.
//!
//! ```
//! use nodewire_common::go_url;
//!
//! assert_eq!(go_url::split_scheme("server://h:1/x"), Some(("server", "//h:1/x")));
//! assert_eq!(go_url::split_scheme("example.com/api"), Some(("", "example.com/api")));
//! assert_eq!(go_url::split_scheme("://h/"), None);
//! assert!(go_url::contains_ctl_byte("http://h/\n"));
//! assert!(go_url::is_host_sub_delim(b'['));
//! assert!(go_url::is_userinfo_byte(b'@'));
//! ```

/// Go's `stringContainsCTLByte`: a byte below `0x20` or `0x7f`, which `url.Parse` refuses
/// with `net/url: invalid control character in URL`.
pub fn contains_ctl_byte(text: &str) -> bool {
    text.bytes().any(|b| b < 0x20 || b == 0x7f)
}

/// Go's `getScheme`: the scheme before the first `:` and the rest after it, or `("", text)`
/// when `text` does not start with a scheme (a letter, then letters, digits, `+`, `-`, `.`).
/// `None` for a `:` at the start (Go's `missing protocol scheme`).
pub fn split_scheme(text: &str) -> Option<(&str, &str)> {
    for (i, c) in text.bytes().enumerate() {
        match c {
            b'a'..=b'z' | b'A'..=b'Z' => {}
            b'0'..=b'9' | b'+' | b'-' | b'.' if i > 0 => {}
            b':' if i == 0 => return None,
            b':' => {
                let (scheme, rest) = text.split_at_checked(i).unwrap_or((text, ""));
                return Some((scheme, rest.get(1..).unwrap_or_default()));
            }
            _ => return Some(("", text)),
        }
    }
    Some(("", text))
}

/// The characters Go's `shouldEscape` leaves unescaped in a host or zone (`encodeHost`,
/// `encodeZone`) besides letters, digits and `-_.~`: `!$&'()*+,;=:[]<>"`.
pub const fn is_host_sub_delim(c: u8) -> bool {
    is_sub_delim(c) || matches!(c, b':' | b'[' | b']' | b'<' | b'>' | b'"')
}

/// RFC 3986 `sub-delims`: `!$&'()*+,;=`, shared by the host and userinfo classes.
const fn is_sub_delim(c: u8) -> bool {
    matches!(
        c,
        b'!' | b'$' | b'&' | b'\'' | b'(' | b')' | b'*' | b'+' | b',' | b';' | b'='
    )
}

/// A byte Go's `validUserinfo` accepts: an ASCII letter or digit, or one of
/// `-._:~!$&'()*+,;=%@` (every byte of a non-ASCII character is refused).
pub const fn is_userinfo_byte(c: u8) -> bool {
    c.is_ascii_alphanumeric()
        || is_sub_delim(c)
        || matches!(c, b'-' | b'.' | b'_' | b':' | b'~' | b'%' | b'@')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schemes_split_like_go() {
        assert_eq!(split_scheme("SERVER://h"), Some(("SERVER", "//h")));
        assert_eq!(split_scheme("a+b-c.d:x"), Some(("a+b-c.d", "x")));
        assert_eq!(split_scheme("1a:x"), Some(("", "1a:x")));
        assert_eq!(split_scheme("é:x"), Some(("", "é:x")));
        assert_eq!(split_scheme("abc"), Some(("", "abc")));
        assert_eq!(split_scheme(":x"), None);
        assert_eq!(split_scheme("a:"), Some(("a", "")));
    }

    #[test]
    fn character_classes() {
        assert!(contains_ctl_byte("a\u{7f}"));
        assert!(!contains_ctl_byte("a b~é"));
        assert!(is_host_sub_delim(b'"') && !is_host_sub_delim(b'%') && !is_host_sub_delim(b'a'));
        assert!(is_userinfo_byte(b'z') && is_userinfo_byte(b'%') && !is_userinfo_byte(b'/'));
        assert!(!is_userinfo_byte(0xc3));
    }
}
