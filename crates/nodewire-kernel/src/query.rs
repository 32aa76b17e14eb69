//! Query strings: built percent-encoded, parsed as `application/x-www-form-urlencoded`
//! (`+` is a space), arrays in OpenAPI 3.0's default `form` / `explode=true` style
//! (`?node=a&node=b`).

use nodewire_common::FromRequestError;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};

/// Everything but unreserved characters and `,` (kept readable in `events=node,service`).
const VALUE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b',');

/// Builds a query string.
#[derive(Debug, Default)]
pub(crate) struct Writer(Vec<String>);

impl Writer {
    pub(crate) fn str(&mut self, name: &str, value: Option<&str>) -> &mut Self {
        if let Some(value) = value {
            self.0
                .push(format!("{name}={}", utf8_percent_encode(value, VALUE)));
        }
        self
    }

    pub(crate) fn display<T: std::fmt::Display>(
        &mut self,
        name: &str,
        value: Option<T>,
    ) -> &mut Self {
        self.str(name, value.map(|v| v.to_string()).as_deref())
    }

    pub(crate) fn all(&mut self, name: &str, values: &[String]) -> &mut Self {
        for value in values {
            self.str(name, Some(value));
        }
        self
    }

    pub(crate) fn finish(&mut self) -> Option<String> {
        if self.0.is_empty() {
            None
        } else {
            Some(self.0.join("&"))
        }
    }
}

/// A parsed query string.
#[derive(Debug, Default)]
pub(crate) struct Reader(Vec<(String, String)>);

fn decode(text: &str) -> Result<String, FromRequestError> {
    percent_decode_str(&text.replace('+', " "))
        .decode_utf8()
        .map(|s| s.into_owned())
        .map_err(|_| FromRequestError::Query(format!("`{text}` is not UTF-8 once decoded")))
}

impl Reader {
    pub(crate) fn parse(query: Option<&str>) -> Result<Self, FromRequestError> {
        let mut pairs = Vec::new();
        for pair in query
            .unwrap_or_default()
            .split('&')
            .filter(|p| !p.is_empty())
        {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            pairs.push((decode(name)?, decode(value)?));
        }
        Ok(Self(pairs))
    }

    /// The first value of `name`.
    pub(crate) fn str(&self, name: &str) -> Option<String> {
        self.0
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
    }

    /// Every value of `name`, in order.
    pub(crate) fn all(&self, name: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
            .collect()
    }

    /// The first value of `name`, parsed.
    pub(crate) fn parse_as<T: std::str::FromStr>(
        &self,
        name: &str,
        what: &str,
    ) -> Result<Option<T>, FromRequestError> {
        match self.str(name) {
            None => Ok(None),
            Some(v) => v
                .parse()
                .map(Some)
                .map_err(|_| FromRequestError::Query(format!("`{name}`: `{v}` is not {what}"))),
        }
    }

    /// A boolean: `true` or `false`.
    pub(crate) fn bool(&self, name: &str) -> Result<Option<bool>, FromRequestError> {
        self.parse_as(name, "a boolean (true or false)")
    }

    /// A required value.
    pub(crate) fn require(&self, name: &str) -> Result<String, FromRequestError> {
        self.str(name)
            .ok_or_else(|| FromRequestError::Query(format!("`{name}` is required")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() -> Result<(), FromRequestError> {
        let q = Writer::default()
            .str("key", Some("/v1/users a&b=c"))
            .all("node", &["a".into(), "b c".into()])
            .display("interval", Some(5))
            .str("events", Some("node,service"))
            .finish();
        assert_eq!(
            q.as_deref(),
            Some("key=%2Fv1%2Fusers%20a%26b%3Dc&node=a&node=b%20c&interval=5&events=node,service")
        );
        let r = Reader::parse(q.as_deref())?;
        assert_eq!(r.str("key").as_deref(), Some("/v1/users a&b=c"));
        assert_eq!(r.all("node"), vec!["a", "b c"]);
        assert_eq!(r.parse_as::<u32>("interval", "an integer")?, Some(5));
        assert!(Reader::parse(Some("x=1"))?.bool("x").is_err());
        assert_eq!(
            Reader::parse(Some("a+b=c+d"))?.str("a b").as_deref(),
            Some("c d")
        );
        Ok(())
    }
}
