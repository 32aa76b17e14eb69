//! The `url` and `config` strings a master stores for an instance URL (`EnhanceURL` and
//! `GenerateConfigURL`, contract `nodepass-url.md` §6).

use std::borrow::Cow;

use nodewire_common::secret::redact_url;

use super::go::{self, Values};
use super::{CertificateFiles, InstanceUrl, MasterUrl, Role, TlsCode};

/// The master settings that shape stored URLs: its `log` query, its effective TLS code and,
/// for code `2`, its certificate and key paths.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct MasterSettings {
    /// The master's `log` query value, injected verbatim into URLs without one (empty: none).
    pub log: String,
    /// The master's effective TLS code, injected into server URLs without `tls` (`0`: none).
    pub tls: TlsCode,
    /// The master's `crt` path, injected into server URLs without one when the code is `2`.
    pub crt: String,
    /// The master's `key` path, injected into server URLs without one when the code is `2`.
    pub key: String,
}

impl MasterSettings {
    /// The settings of a master started with `master`, given whether its `crt`/`key` files
    /// load (a `tls=2` master whose files do not load runs with code `1`).
    ///
    /// ```
    /// use nodewire_nodepass::url::{CertificateFiles, MasterSettings, MasterUrl, TlsCode};
    /// let master = MasterUrl::parse("master://:9090?tls=2&crt=/c.pem&key=/k.pem")?;
    /// let settings = MasterSettings::from_master(&master, CertificateFiles::Load);
    /// assert_eq!(settings.tls, TlsCode::Certificate);
    /// let fallback = MasterSettings::from_master(&master, CertificateFiles::DoNotLoad);
    /// assert_eq!(fallback.tls, TlsCode::SelfSigned);
    /// # Ok::<(), nodewire_nodepass::url::UrlError>(())
    /// ```
    pub fn from_master(master: &MasterUrl, certificates: CertificateFiles) -> Self {
        Self {
            log: master.log().to_owned(),
            tls: master.tls_code(certificates),
            crt: master.crt().to_owned(),
            key: master.key().to_owned(),
        }
    }
}

/// Which master release to reproduce.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum Compat {
    /// NodePass v2.0.0-b10 (`config` gains `lbs=0`).
    #[default]
    V2_0_0B10,
    /// NodePass v1.14.0 (no `lbs` default).
    V1_14_0,
}

/// What a master stores for an accepted URL. `Debug` hides the tunnel key of `url` and
/// `config`.
#[derive(Clone, PartialEq, Eq, serde::Serialize, derive_more::Debug)]
#[non_exhaustive]
pub struct Normalized {
    /// The instance's `url`: the input re-encoded, with the master's `log` / `tls` / `crt` /
    /// `key` injected where absent.
    #[debug("{:?}", redact_url(url))]
    pub url: String,
    /// The instance's `config`: `url` with every default parameter added.
    #[debug("{:?}", redact_url(config))]
    pub config: String,
    /// The instance's `type` (the scheme).
    #[serde(skip)]
    pub role: Role,
}

/// The 400 a master answers to `POST /instances` or `PUT /instances/{id}` with this URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum NormalizeError {
    /// An empty `url`.
    #[error("Invalid request body")]
    InvalidRequestBody,
    /// Go's `url.Parse` refuses it.
    #[error("Invalid URL format")]
    InvalidUrlFormat,
    /// The scheme is not `client` or `server`.
    #[error("Invalid URL scheme")]
    InvalidUrlScheme,
}

impl NormalizeError {
    /// The master's error text (`{"error": "<text>"}`).
    pub fn master_text(self) -> &'static str {
        match self {
            Self::InvalidRequestBody => "Invalid request body",
            Self::InvalidUrlFormat => "Invalid URL format",
            Self::InvalidUrlScheme => "Invalid URL scheme",
        }
    }
}

fn inject<'a>(query: &mut Values<'a>, settings: &'a MasterSettings, role: Role) {
    if !settings.log.is_empty() && query.get("log").is_empty() {
        query.set("log", Cow::Borrowed(settings.log.as_bytes()));
    }
    let code = settings.tls.as_str();
    if role == Role::Server && code != "0" {
        if query.get("tls").is_empty() {
            query.set("tls", Cow::Borrowed(code.as_bytes()));
        }
        if code == "2" {
            if !settings.crt.is_empty() && query.get("crt").is_empty() {
                query.set("crt", Cow::Borrowed(settings.crt.as_bytes()));
            }
            if !settings.key.is_empty() && query.get("key").is_empty() {
                query.set("key", Cow::Borrowed(settings.key.as_bytes()));
            }
        }
    }
}

/// Adds every default whose key has no value: `if q.Get(k) == "" { q.Set(k, default) }` for
/// each key of the list, done in one pass over the pairs.
fn add_defaults<'a>(query: &mut Values<'a>, role: Role, compat: Compat) {
    let defaults = match role {
        Role::Client => CLIENT_DEFAULTS_SORTED,
        Role::Server => SERVER_DEFAULTS_SORTED,
    };
    // Per default: 0 absent, 1 first value empty, 2 first value set.
    let mut state = [0u8; 13];
    for (k, v) in query.pairs() {
        if let Some(i) = defaults.iter().position(|(key, _)| key.as_bytes() == &**k)
            && let Some(s) = state.get_mut(i)
            && *s == 0
        {
            *s = if v.is_empty() { 1 } else { 2 };
        }
    }
    for (&(key, value), &s) in defaults.iter().zip(state.iter()) {
        if key == "lbs" && compat == Compat::V1_14_0 {
            continue;
        }
        match s {
            0 => query.push(key, value),
            1 => query.set(key, Cow::Borrowed(value.as_bytes())),
            _ => {}
        }
    }
}

/// `EnhanceURL` then `GenerateConfigURL`, the way the master runs them: the second parses
/// the stored `url` again, and when that parse fails (Go's `String()` can write a host that
/// its own parser refuses, e.g. a non-ASCII IPv6 zone) the `config` is the stored `url` as is.
fn two_parses(
    settings: &MasterSettings,
    parsed: &go::GoUrl<'_>,
    role: Role,
    compat: Compat,
) -> Normalized {
    let mut query = Values::parse(parsed.raw_query);
    inject(&mut query, settings, role);
    let mut out = Vec::new();
    parsed.write_with_values(&mut out, &mut query);
    let stored = go::into_string(out);
    let config = match go::parse(&stored) {
        Ok(again) => {
            let mut query = Values::parse(again.raw_query);
            inject(&mut query, settings, role);
            add_defaults(&mut query, role, compat);
            let mut out = Vec::new();
            again.write_with_values(&mut out, &mut query);
            go::into_string(out)
        }
        Err(_) => stored.clone(),
    };
    Normalized {
        url: stored,
        config,
        role,
    }
}

/// What a master with `settings` stores for `POST /instances {"url": url}` (and `PUT`).
///
/// A typed URL is always one a master accepts, so this cannot fail; for URL text as a
/// request carries it (a master's 400s included), see [`normalize_text`].
///
/// ```
/// use nodewire_nodepass::url::{normalize, Address, Compat, InstanceUrl, MasterSettings, TlsCode};
/// let url = InstanceUrl::server(Address::any(10101))
///     .target(Address::ip([127, 0, 0, 1], 8080))
///     .build()?;
/// let settings = MasterSettings { log: "info".into(), tls: TlsCode::SelfSigned, ..Default::default() };
/// let stored = normalize(&settings, &url, Compat::default());
/// assert_eq!(stored.url, "server://:10101/127.0.0.1:8080?log=info&tls=1");
/// # Ok::<(), nodewire_nodepass::url::UrlError>(())
/// ```
pub fn normalize(settings: &MasterSettings, url: &InstanceUrl, compat: Compat) -> Normalized {
    let text = url.to_string();
    match normalize_text(settings, &text, compat) {
        Ok(stored) => stored,
        // The builder writes only URLs Go's parser accepts with a `server` or `client`
        // scheme; were one not to parse, the master would store it as it is.
        Err(_) => Normalized {
            url: text.clone(),
            config: text,
            role: url.role(),
        },
    }
}

/// What a master with `settings` stores for `POST /instances {"url": url}` (and `PUT`) with
/// `url` as the request carries it, or the 400 it answers.
///
/// The master checks only that the URL is non-empty, that Go's `url.Parse` accepts it and that
/// the scheme is `client` or `server`; everything else (missing targets, bad ports, …) is
/// stored and fails later in the process ([`Process`](super::Process) predicts how). A URL
/// built as an [`InstanceUrl`] goes through [`normalize`].
///
/// ```
/// use nodewire_nodepass::url::{normalize_text, Compat, MasterSettings, NormalizeError};
/// let plain = MasterSettings::default();
/// let stored = normalize_text(&plain, "client://h:10101/a:1, b:2?min=8&min=9", Compat::default()).unwrap();
/// assert_eq!(stored.url, "client://h:10101/a:1,%20b:2?min=8&min=9");
/// assert_eq!(normalize_text(&plain, "master://h:1", Compat::default()), Err(NormalizeError::InvalidUrlScheme));
/// assert_eq!(normalize_text(&plain, "server://h:http/x", Compat::default()), Err(NormalizeError::InvalidUrlFormat));
/// ```
pub fn normalize_text(
    settings: &MasterSettings,
    url: &str,
    compat: Compat,
) -> Result<Normalized, NormalizeError> {
    if url.is_empty() {
        return Err(NormalizeError::InvalidRequestBody);
    }
    let parsed = go::parse(url).map_err(|_| NormalizeError::InvalidUrlFormat)?;
    let role = match &*parsed.scheme {
        "server" => Role::Server,
        "client" => Role::Client,
        _ => return Err(NormalizeError::InvalidUrlScheme),
    };
    // An IPv6 zone (`%25…`) is written back decoded, and a decoded zone may not parse again
    // (`[fe80::1%25%5b]` is stored as `[fe80::1%25[]`): such URLs take the master's two parses.
    if !url.is_ascii() || url.contains("%25") {
        return Ok(two_parses(settings, &parsed, role, compat));
    }
    // `GenerateConfigURL` parses the stored `url` again; for other ASCII input `URL.String()`
    // writes what parses back to the same parts and `Values.Encode()` what decodes to the
    // same pairs, so its result equals going on from this parse (checked against the
    // two-parse path by the tests).
    let mut query = Values::parse(parsed.raw_query);
    inject(&mut query, settings, role);
    let mut stored = Vec::with_capacity(url.len() + 64);
    parsed.write_before_query(&mut stored);
    let prefix = stored.len();
    if parsed.force_query || !query.is_empty() {
        stored.push(b'?');
        query.encode_into(&mut stored);
    }
    let query_end = stored.len();
    parsed.write_fragment(&mut stored);
    // The `config` has the same scheme, authority, path and fragment; its query is the
    // stored one (now sorted) merged with the defaults.
    let mut config = Vec::with_capacity(stored.len() + 160);
    config.extend_from_slice(stored.get(..prefix).unwrap_or_default());
    config.push(b'?');
    encode_with_defaults(&mut config, query.pairs(), role, compat);
    config.extend_from_slice(stored.get(query_end..).unwrap_or_default());
    Ok(Normalized {
        url: go::into_string(stored),
        config: go::into_string(config),
        role,
    })
}

/// The client defaults (`GenerateConfigURL` sets them in the order `dns sni lbs min mode dial
/// read rate slot proxy block notcp noudp`; as every key is set at most once, only the
/// `Values.Encode()` order, keys sorted by byte value, shows), kept in that sorted order.
const CLIENT_DEFAULTS_SORTED: &[(&str, &str)] = &[
    ("block", "0"),
    ("dial", "auto"),
    ("dns", "5m0s"),
    ("lbs", "0"),
    ("min", "64"),
    ("mode", "0"),
    ("notcp", "0"),
    ("noudp", "0"),
    ("proxy", "0"),
    ("rate", "0"),
    ("read", "0s"),
    ("slot", "65536"),
    ("sni", "none"),
];

/// The server defaults (set as `dns lbs max mode type dial read rate slot proxy block notcp
/// noudp`), in `Values.Encode()` order.
const SERVER_DEFAULTS_SORTED: &[(&str, &str)] = &[
    ("block", "0"),
    ("dial", "auto"),
    ("dns", "5m0s"),
    ("lbs", "0"),
    ("max", "1024"),
    ("mode", "0"),
    ("notcp", "0"),
    ("noudp", "0"),
    ("proxy", "0"),
    ("rate", "0"),
    ("read", "0s"),
    ("slot", "65536"),
    ("type", "0"),
];

/// `add_defaults` then `Values.Encode()`, in one merge of the sorted pairs with the sorted
/// defaults: a default is written where its key is absent, and replaces every value of its
/// key when the first one is empty (`q.Get(k) == ""` then `q.Set`). The defaults are plain
/// ASCII and need no escaping.
fn encode_with_defaults(out: &mut Vec<u8>, sorted: &[go::Pair<'_>], role: Role, compat: Compat) {
    let defaults = match role {
        Role::Client => CLIENT_DEFAULTS_SORTED,
        Role::Server => SERVER_DEFAULTS_SORTED,
    };
    let mut defaults = defaults
        .iter()
        .filter(|(key, _)| !(*key == "lbs" && compat == Compat::V1_14_0))
        .peekable();
    let mut pairs = sorted.iter().peekable();
    let mut first = true;
    let mut separate = |out: &mut Vec<u8>| {
        if !std::mem::take(&mut first) {
            out.push(b'&');
        }
    };
    loop {
        let order = match (pairs.peek(), defaults.peek()) {
            (None, None) => break,
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (Some((k, _)), Some((key, _))) => (**k).cmp(key.as_bytes()),
        };
        match order {
            std::cmp::Ordering::Less => {
                if let Some((k, v)) = pairs.next() {
                    separate(out);
                    write_pair(out, k, v);
                }
            }
            std::cmp::Ordering::Greater => {
                if let Some((key, value)) = defaults.next() {
                    separate(out);
                    write_plain(out, key, value);
                }
            }
            std::cmp::Ordering::Equal => {
                let Some((key, value)) = defaults.next() else {
                    break;
                };
                let replaced = pairs.peek().is_some_and(|(_, v)| v.is_empty());
                if replaced {
                    separate(out);
                    write_plain(out, key, value);
                }
                while let Some((k, v)) = pairs.next_if(|(k, _)| **k == *key.as_bytes()) {
                    if !replaced {
                        separate(out);
                        write_pair(out, k, v);
                    }
                }
            }
        }
    }
}

fn write_pair(out: &mut Vec<u8>, key: &[u8], value: &[u8]) {
    go::escape_into(out, key, go::Mode::QueryComponent);
    out.push(b'=');
    go::escape_into(out, value, go::Mode::QueryComponent);
}

fn write_plain(out: &mut Vec<u8>, key: &str, value: &str) {
    out.extend_from_slice(key.as_bytes());
    out.push(b'=');
    out.extend_from_slice(value.as_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn debug_hides_the_tunnel_key() {
        let url = InstanceUrl::parse("server://s3cr3t-k3y@:10101/127.0.0.1:8080").unwrap();
        let stored = normalize(&MasterSettings::default(), &url, Compat::default());
        assert!(stored.url.contains("s3cr3t-k3y") && stored.config.contains("s3cr3t-k3y"));
        let debug = format!("{stored:?}");
        assert!(!debug.contains("s3cr3t-k3y"), "{debug}");
        assert!(debug.contains("server://[redacted]@:10101/127.0.0.1:8080"));
        assert!(debug.contains("Server"));
    }

    fn settings() -> Vec<MasterSettings> {
        vec![
            MasterSettings::default(),
            MasterSettings {
                log: "info".into(),
                tls: TlsCode::SelfSigned,
                ..MasterSettings::default()
            },
            MasterSettings {
                log: "debug".into(),
                tls: TlsCode::Certificate,
                crt: "/m/crt.pem".into(),
                key: "/m/key.pem".into(),
            },
        ]
    }

    /// The master's two parses, for any input.
    fn reference(settings: &MasterSettings, url: &str, compat: Compat) -> Option<Normalized> {
        let parsed = go::parse(url).ok()?;
        let role = match &*parsed.scheme {
            "server" => Role::Server,
            "client" => Role::Client,
            _ => return None,
        };
        Some(two_parses(settings, &parsed, role, compat))
    }

    #[test]
    fn defaults_are_in_encode_order() {
        for sorted in [CLIENT_DEFAULTS_SORTED, SERVER_DEFAULTS_SORTED] {
            assert_eq!(sorted.len(), 13);
            assert!(sorted.windows(2).all(|w| w[0].0 < w[1].0));
        }
    }

    /// Found by the `nodepass_url` fuzz target: Go writes a non-ASCII zone as `%XX` escapes
    /// that its own parser then refuses, so `GenerateConfigURL` keeps the stored `url`.
    #[test]
    fn a_stored_url_that_does_not_parse_again_is_its_own_config() {
        let raw = "client://[fe80::1%25\u{42b}eth0]:1109/127.0.0.1:8080?min=1";
        let stored = normalize_text(&MasterSettings::default(), raw, Compat::default()).unwrap();
        assert_eq!(
            stored.url,
            "client://[fe80::1%25%D0%ABeth0]:1109/127.0.0.1:8080?min=1"
        );
        assert_eq!(stored.config, stored.url);
        assert!(go::parse(&stored.url).is_err());
    }

    /// Found by `one_parse_equals_the_masters_two`: an escaped `[` in an IPv6 zone is
    /// stored decoded, which Go's parser then refuses, so the `config` is the stored `url`.
    #[test]
    fn a_zone_that_does_not_parse_again_is_stored_as_config() {
        let stored = normalize_text(
            &MasterSettings::default(),
            "server://[fe80::1%25%5b]:0",
            Compat::default(),
        );
        let Ok(stored) = stored else {
            panic!("{stored:?}");
        };
        assert_eq!(stored.url, "server://[fe80::1%25[]:0");
        assert_eq!(stored.config, stored.url);
    }

    #[test]
    fn a_typed_url_normalizes_as_its_text() {
        use crate::url::{Address, LogLevel};
        let url = InstanceUrl::client(Address::ip([10, 0, 0, 1], 10101))
            .target(Address::ip([127, 0, 0, 1], 8080))
            .log(LogLevel::Debug)
            .build()
            .unwrap();
        for s in settings() {
            for compat in [Compat::V2_0_0B10, Compat::V1_14_0] {
                let typed = normalize(&s, &url, compat);
                assert_eq!(
                    Ok(&typed),
                    normalize_text(&s, &url.to_string(), compat).as_ref()
                );
                assert_eq!(typed.role, Role::Client);
                assert!(typed.url.contains("log=debug"), "{}", typed.url);
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(1024))]

        /// One parse gives what the master's two parses give.
        #[test]
        fn one_parse_equals_the_masters_two(
            raw in "(server|client|SERVER):(//)?([a-z0-9%@:!$&'()*+,;=_~.\\[\\]\u{e9}-]{0,16}|\\[fe80::1%25[a-z0-9%\u{e9}\u{42b}]{1,6}\\]:[0-9]{1,3})(/[a-z0-9%:,. +=@!\\[\\]\u{e9}-]{0,24})?(\\?[a-z0-9%=&;+. /:@\u{e9}-]{0,32})?\\??(#[a-z0-9% /?]{0,6})?"
        ) {
            for s in settings() {
                for compat in [Compat::V2_0_0B10, Compat::V1_14_0] {
                    let fast = normalize_text(&s, &raw, compat).ok();
                    prop_assert_eq!(fast, reference(&s, &raw, compat), "{}", raw);
                }
            }
        }
    }
}
