//! Printable forms of values that carry credentials: JSON bodies with their credential members
//! replaced, and URLs without their user information or credential query values.

use std::borrow::Cow;

/// What a redacted value is replaced with.
pub const REDACTED: &str = "[redacted]";

/// The words that mark a JSON member or a query key as a credential: a user's `password`, a
/// `secret`, any `token` or `key`. A name that contains one of them, in any case
/// (`old_password`, `api_token`, `Secret-Key`, `upgrade_token`, `authKey`, `privateKey`), is a
/// credential ([`is_secret_member`]). The rule errs towards hiding: a `publicKey` is hidden too.
pub const SECRET_MEMBERS: [&str; 5] = ["password", "passwd", "secret", "token", "key"];

/// Whether a JSON member or query key named `name` carries a credential ([`SECRET_MEMBERS`]).
///
/// ```
/// use nodewire_common::secret::is_secret_member;
/// assert!(is_secret_member("password") && is_secret_member("API_Token"));
/// assert!(is_secret_member("authKey") && is_secret_member("x-api-key"));
/// assert!(!is_secret_member("username"));
/// ```
pub fn is_secret_member(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    SECRET_MEMBERS.iter().any(|word| name.contains(word))
}

/// Replaces the value of every credential member ([`is_secret_member`]), at any depth, with
/// `"[redacted]"` (a `null` stays `null`), and the credentials of every URL in a string
/// ([`redact_url`]: `server://KEY@…`, `tg://proxy?…&secret=…`), so a body can be printed or
/// logged; the typed bodies keep these members as [`Secret`](crate::Secret)s, whose `Debug` is
/// already redacted.
///
/// ```
/// use nodewire_common::secret::redact_secrets;
/// let mut body = serde_json::json!({"profile": {"id": "edge-1"},
///     "users": [{"id": "7", "username": "alice", "password": "hunter2"}]});
/// redact_secrets(&mut body);
/// assert_eq!(body["users"][0]["password"], "[redacted]");
/// assert_eq!(body["users"][0]["username"], "alice");
///
/// let mut registration = serde_json::json!({"event": "node_added", "secret": "t0ken"});
/// redact_secrets(&mut registration);
/// assert_eq!(registration, serde_json::json!({"event": "node_added", "secret": "[redacted]"}));
///
/// let mut payload = serde_json::json!({"user_id": 7, "access_token": {"value": "abc"}});
/// redact_secrets(&mut payload);
/// assert_eq!(payload, serde_json::json!({"user_id": 7, "access_token": "[redacted]"}));
///
/// let mut instance = serde_json::json!({"url": "server://k3y@:10101/127.0.0.1:8080"});
/// redact_secrets(&mut instance);
/// assert_eq!(instance["url"], "server://[redacted]@:10101/127.0.0.1:8080");
/// ```
pub fn redact_secrets(value: &mut serde_json::Value) {
    use serde_json::Value;
    match value {
        Value::Object(map) => {
            for (key, member) in map.iter_mut() {
                if is_secret_member(key) && !member.is_null() {
                    *member = Value::String(REDACTED.to_owned());
                } else {
                    redact_secrets(member);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(redact_secrets),
        Value::String(text) => {
            if let Cow::Owned(redacted) = redact_url(text) {
                *text = redacted;
            }
        }
        _ => {}
    }
}

/// `value` as JSON with its credentials redacted ([`redact_secrets`]), for `Debug` and logs
/// (a value that does not serialize is `"[redacted]"`).
///
/// ```
/// use std::collections::BTreeMap;
/// use nodewire_common::secret::redacted;
/// let arguments = BTreeMap::from([("log", "debug"), ("password", "k3y")]);
/// assert_eq!(redacted(&arguments), serde_json::json!({"log": "debug", "password": "[redacted]"}));
/// ```
pub fn redacted<T: serde::Serialize + ?Sized>(value: &T) -> serde_json::Value {
    match serde_json::to_value(value) {
        Ok(mut value) => {
            redact_secrets(&mut value);
            value
        }
        Err(_) => serde_json::Value::String(REDACTED.to_owned()),
    }
}

/// `text` (a URL, or text that may not parse as one) with the user information of its
/// authority (`scheme://KEY@host`) and the value of every credential query key
/// ([`is_secret_member`]: `secret=`, `upgrade_token=`) replaced by `[redacted]`, for `Debug`
/// and logs. The rest stays as written; text without either comes back borrowed.
///
/// ```
/// use nodewire_common::secret::redact_url;
/// assert_eq!(
///     redact_url("server://k3y@:10101/127.0.0.1:8080?log=debug"),
///     "server://[redacted]@:10101/127.0.0.1:8080?log=debug"
/// );
/// assert_eq!(
///     redact_url("tg://proxy?server=example.com&port=443&secret=ee00ff"),
///     "tg://proxy?server=example.com&port=443&secret=[redacted]"
/// );
/// assert_eq!(redact_url("https://example.com/a@b"), "https://example.com/a@b");
/// ```
pub fn redact_url(text: &str) -> Cow<'_, str> {
    let (head, fragment) = match text.split_once('#') {
        Some((head, fragment)) => (head, Some(fragment)),
        None => (text, None),
    };
    let (base, query) = match head.split_once('?') {
        Some((base, query)) => (base, Some(query)),
        None => (head, None),
    };
    let base = redact_userinfo(base);
    let query = query.map(redact_query);
    let changed = matches!(base, Cow::Owned(_)) || matches!(query, Some(Cow::Owned(_)));
    if !changed {
        return Cow::Borrowed(text);
    }
    let mut out = base.into_owned();
    if let Some(query) = query {
        out.push('?');
        out.push_str(&query);
    }
    if let Some(fragment) = fragment {
        out.push('#');
        out.push_str(fragment);
    }
    Cow::Owned(out)
}

/// [`redact_url`] of each of `texts` (a list of links), for `Debug` and logs.
///
/// ```
/// use nodewire_common::secret::redact_urls;
/// let links = ["tg://proxy?server=a&secret=ee00".to_owned()];
/// assert_eq!(redact_urls(&links), ["tg://proxy?server=a&secret=[redacted]"]);
/// ```
pub fn redact_urls<S: AsRef<str>>(texts: &[S]) -> Vec<Cow<'_, str>> {
    texts.iter().map(|text| redact_url(text.as_ref())).collect()
}

/// `base` (a URL without its query) with the user information of its authority redacted.
fn redact_userinfo(base: &str) -> Cow<'_, str> {
    let Some((scheme, rest)) = base.split_once("://") else {
        return Cow::Borrowed(base);
    };
    let authority = rest.split('/').next().unwrap_or(rest);
    match authority.rfind('@') {
        Some(at) => {
            let host_and_path = rest.get(at..).unwrap_or_default();
            Cow::Owned(format!("{scheme}://{REDACTED}{host_and_path}"))
        }
        None => Cow::Borrowed(base),
    }
}

/// A query string (without `?`) with the value of every credential key
/// ([`is_secret_member`]) replaced by `[redacted]`; one without any comes back borrowed.
///
/// ```
/// use nodewire_common::secret::redact_query;
/// assert_eq!(redact_query("limit=5&token=abc"), "limit=5&token=[redacted]");
/// assert_eq!(redact_query("limit=5"), "limit=5");
/// ```
pub fn redact_query(query: &str) -> Cow<'_, str> {
    let secret = |pair: &str| {
        pair.split_once('=')
            .is_some_and(|(key, _)| is_secret_member(key))
    };
    if !query.split('&').any(secret) {
        return Cow::Borrowed(query);
    }
    let pairs: Vec<Cow<'_, str>> = query
        .split('&')
        .map(|pair| match pair.split_once('=') {
            Some((key, _)) if is_secret_member(key) => Cow::Owned(format!("{key}={REDACTED}")),
            _ => Cow::Borrowed(pair),
        })
        .collect();
    Cow::Owned(pairs.join("&"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_lose_their_credentials_only() {
        for (text, redacted) in [
            ("client://:pw@host:1/t:2", "client://[redacted]@host:1/t:2"),
            (
                "master://a@b@:9090/api?tls=1",
                "master://[redacted]@:9090/api?tls=1",
            ),
            (
                "https://d.example/u?upgrade_token=x&arch=amd64#top",
                "https://d.example/u?upgrade_token=[redacted]&arch=amd64#top",
            ),
            ("https://d.example/u?token", "https://d.example/u?token"),
            ("not a url @ all", "not a url @ all"),
            ("", ""),
            (
                "server://:10101/127.0.0.1:8080",
                "server://:10101/127.0.0.1:8080",
            ),
        ] {
            assert_eq!(redact_url(text), redacted, "{text}");
        }
        assert!(matches!(
            redact_url("server://:1/h:2?log=info"),
            Cow::Borrowed(_)
        ));
    }
}
