//! Property tests. Each rule of the contract is checked both ways: what the rule accepts is
//! accepted (and reads back unchanged), what it refuses is refused with that rule's error.
//! The rules: RFC 3339 timestamps as Go parses them (§0, §12), the update manifest's
//! validation in the agent's order and words (§5.1), target URLs (§6), and the route bodies
//! (a body cut short is never a body). Arbitrary input must not panic either.

use nodewire_common::check::{Target, check};
use nodewire_dash::Timestamp;
use nodewire_dash::target::{Target as PushTarget, TargetError};
use nodewire_dash::update::{ManifestError, RawManifest, UpdateManifest};
use proptest::prelude::*;
use proptest::sample::Index;

// ------------------------------------------------------------------ timestamps (§0, §12)

fn is_leap(year: u32) -> bool {
    year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400))
}

fn days_in(year: u32, month: u32) -> u32 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// The pieces of an RFC 3339 date-time.
#[derive(Debug, Clone)]
struct Stamp {
    year: u32,
    month: u32,
    day: u32,
    hour: u32,
    minute: u32,
    second: u32,
    /// The fractional digits, without the dot.
    fraction: Option<String>,
    /// `None` for `Z`, else the sign and the offset's hours and minutes.
    offset: Option<(char, u32, u32)>,
}

impl Stamp {
    fn date_time(&self) -> String {
        let mut text = format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
            self.year, self.month, self.day, self.hour, self.minute, self.second
        );
        if let Some(f) = &self.fraction {
            text.push('.');
            text.push_str(f);
        }
        text
    }

    fn zone(&self) -> String {
        match self.offset {
            None => "Z".to_owned(),
            Some((sign, h, m)) => format!("{sign}{h:02}:{m:02}"),
        }
    }

    fn text(&self) -> String {
        format!("{}{}", self.date_time(), self.zone())
    }
}

/// A date-time every rule accepts: a real calendar date, hours 0–23, minutes and seconds
/// 0–59, up to nine fractional digits, `Z` or an offset within ±23:59.
fn valid_stamp() -> impl Strategy<Value = Stamp> {
    (
        0u32..=9999,
        1u32..=12,
        any::<Index>(),
        (0u32..=23, 0u32..=59, 0u32..=59),
        proptest::option::of("[0-9]{1,9}"),
        proptest::option::of((prop_oneof![Just('+'), Just('-')], 0u32..=23, 0u32..=59)),
    )
        .prop_map(
            |(year, month, day, (hour, minute, second), fraction, offset)| Stamp {
                year,
                month,
                day: 1 + u32::try_from(day.index(days_in(year, month) as usize)).unwrap_or(0),
                hour,
                minute,
                second,
                fraction,
                offset,
            },
        )
}

/// One way to break a valid date-time, and the text it gives (`at` picks among the variants).
fn broken(stamp: &Stamp, defect: u8, pick: u32, at: Index) -> String {
    let mut s = stamp.clone();
    match defect % 12 {
        0 => {
            s.month = if pick.is_multiple_of(2) {
                0
            } else {
                13 + pick % 87
            }
        }
        1 => {
            s.day = if pick.is_multiple_of(2) {
                0
            } else {
                days_in(s.year, s.month) + 1
            }
        }
        2 => s.hour = 24 + pick % 76,
        3 => s.minute = 60 + pick % 40,
        4 => s.second = 60 + pick % 40,
        5 => {
            // A separator that is not the one the grammar requires.
            let mut bytes = s.text().into_bytes();
            let wrong = *at.get(b"/ t_.");
            if let Some(b) = bytes.get_mut(*at.get(&[4usize, 7, 10, 13, 16])) {
                *b = wrong;
            }
            return String::from_utf8_lossy(&bytes).into_owned();
        }
        6 => return s.date_time(), // no zone
        7 => {
            let sign = if pick.is_multiple_of(2) { '+' } else { '-' };
            s.offset = Some(if pick % 4 < 2 {
                (sign, 24 + pick % 76, 0)
            } else {
                (sign, 0, 60 + pick % 40)
            });
        }
        8 => return format!("{}{}", s.text(), at.get(&[" ", "x", "Z", "0"])),
        9 => return format!("{}.{}", s.date_time(), s.zone()), // a dot without digits
        10 => {
            // A letter where a digit must be.
            let mut bytes = s.text().into_bytes();
            let digits = [0usize, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18];
            if let Some(b) = bytes.get_mut(*at.get(&digits)) {
                *b = b'a';
            }
            return String::from_utf8_lossy(&bytes).into_owned();
        }
        _ => {
            return if pick.is_multiple_of(2) {
                format!("{}z", s.date_time()) // the zone letter is upper-case only
            } else {
                s.date_time().get(..10).unwrap_or_default().to_owned() // a date alone
            };
        }
    }
    s.text()
}

proptest! {
    #[test]
    fn go_timestamps_parse_back(secs in 0u64..253_402_300_799, nanos in 0u32..1_000_000_000) {
        let t = Timestamp::from_unix(secs, nanos);
        let parsed = Timestamp::new(t.as_str());
        prop_assert_eq!(parsed.as_ref().map(Timestamp::as_str), Ok(t.as_str()));
        prop_assert!(!t.as_str().contains(".0Z"));
        let dt = parsed.ok().map(|p| p.to_datetime());
        prop_assert_eq!(dt.map(|d| d.timestamp_subsec_nanos()), Some(nanos));
    }

    #[test]
    fn rfc3339_timestamps_are_accepted_as_written(stamp in valid_stamp()) {
        let text = stamp.text();
        let parsed = Timestamp::new(text.clone());
        prop_assert_eq!(parsed.as_ref().map(Timestamp::as_str), Ok(text.as_str()));
        // The text is kept, and it means the instant it spells.
        let seconds = i64::from(stamp.hour * 3600 + stamp.minute * 60 + stamp.second);
        let offset = stamp.offset.map_or(0, |(sign, h, m)| {
            let secs = i64::from(h * 3600 + m * 60);
            if sign == '-' { -secs } else { secs }
        });
        let dt = parsed.ok().map(|t| t.to_datetime());
        prop_assert_eq!(dt.map(|d| d.offset().local_minus_utc()), Some(i32::try_from(offset).unwrap_or(0)));
        prop_assert_eq!(
            dt.map(|d| d.naive_local().and_utc().timestamp().rem_euclid(86_400)),
            Some(seconds)
        );
    }

    #[test]
    fn text_outside_the_rfc3339_grammar_is_refused(
        stamp in valid_stamp(),
        defect in any::<u8>(),
        pick in any::<u32>(),
        at in any::<Index>(),
    ) {
        let text = broken(&stamp, defect, pick, at);
        match Timestamp::new(text.clone()) {
            Ok(t) => prop_assert!(false, "accepted {:?} (defect {})", t.as_str(), defect % 12),
            Err(e) => prop_assert!(e.message.contains(&format!("`{text}`")), "{}", e),
        }
    }

    #[test]
    fn timestamps_never_panic(text in ".{0,40}") {
        let _ = Timestamp::new(text);
    }
}

// ------------------------------------------------------------------ manifests (§5.1)

/// A manifest as JSON (the way it arrives), so the test does not depend on how the type is
/// built in Rust.
fn raw(id: &str, version: &str, url: &str, sha256: &str, size: i64) -> RawManifest {
    serde_json::from_value(serde_json::json!({
        "id": id, "version": version, "url": url, "sha256": sha256, "size": size
    }))
    .unwrap_or_default()
}

fn valid_version() -> impl Strategy<Value = String> {
    "[ ]{0,2}[a-zA-Z0-9.+_-]{1,12}[ ]{0,2}"
        .prop_filter("`.` and `..` are refused", |v| v != "." && v != "..")
}

fn valid_sha256() -> impl Strategy<Value = String> {
    "[ ]{0,2}[0-9a-fA-F]{64}[ ]{0,2}"
}

/// An absolute `http(s)` URL with a host, in any case of the scheme.
fn valid_url() -> impl Strategy<Value = (String, String, String, String)> {
    (
        prop_oneof![
            Just("http"),
            Just("https"),
            Just("HTTP"),
            Just("Https"),
            Just("hTTpS")
        ],
        "[a-z][a-z0-9-]{0,10}(\\.[a-z][a-z0-9-]{0,6}){0,2}(:[0-9]{1,5})?",
        "(/[a-zA-Z0-9._~-]{1,10}){0,3}",
        "(\\?[a-z0-9=&]{0,10})?",
    )
        .prop_map(|(scheme, authority, path, query)| (scheme.to_owned(), authority, path, query))
}

fn url_text((scheme, authority, path, query): &(String, String, String, String)) -> String {
    format!("{scheme}://{authority}{path}{query}")
}

/// A manifest with one rule broken, and the error the agent gives for it.
fn broken_manifest() -> impl Strategy<Value = (RawManifest, ManifestError)> {
    let good = (
        "[a-z0-9.]{0,8}",
        valid_version(),
        valid_url(),
        valid_sha256(),
        1i64..i64::MAX,
    );
    (good, any::<u8>(), any::<Index>(), "[a-z0-9]{0,8}").prop_map(
        |((id, version, url, sha, size), defect, at, filler)| {
            let url = url_text(&url);
            let with =
                |version: &str, url: &str, sha: &str, size: i64| raw(&id, version, url, sha, size);
            match defect % 11 {
                0 => {
                    let blank = *at.get(&["", " ", "   ", "\t"]);
                    (with(blank, &url, &sha, size), ManifestError::VersionEmpty)
                }
                1 => {
                    let dots = *at.get(&[".", ".."]);
                    (
                        with(dots, &url, &sha, size),
                        ManifestError::VersionInvalid(dots.to_owned()),
                    )
                }
                2 => {
                    let mut v = version.clone();
                    let cut = v
                        .char_indices()
                        .map(|(i, _)| i)
                        .nth(at.index(v.chars().count()))
                        .unwrap_or(0);
                    v.insert(cut, if defect % 2 == 0 { '/' } else { '\\' });
                    (
                        with(&v, &url, &sha, size),
                        ManifestError::VersionSeparator(v),
                    )
                }
                3 => {
                    let blank = *at.get(&["", "  ", "\n"]);
                    (
                        with(&version, &url, blank, size),
                        ManifestError::Sha256Empty,
                    )
                }
                4 => {
                    // 1..=63 or 65..=80 characters once trimmed.
                    let len = if defect % 2 == 0 {
                        1 + at.index(63)
                    } else {
                        65 + at.index(16)
                    };
                    let sha: String = "0123456789abcdef".chars().cycle().take(len).collect();
                    (
                        with(&version, &url, &sha, size),
                        ManifestError::Sha256Length,
                    )
                }
                5 => {
                    let mut sha: Vec<char> = sha.trim().chars().collect();
                    if let Some(c) = sha.get_mut(at.index(64)) {
                        // Not a hex digit, and not space either (that would change the length).
                        *c = if defect % 2 == 0 { 'g' } else { '-' };
                    }
                    let sha: String = sha.into_iter().collect();
                    (
                        with(&version, &url, &sha, size),
                        ManifestError::Sha256NotHex,
                    )
                }
                6 => {
                    let size = *at.get(&[0, -1, i64::MIN, -size]);
                    (
                        with(&version, &url, &sha, size),
                        ManifestError::SizePositive,
                    )
                }
                7 => (
                    with(&version, &url, &sha, i64::MAX),
                    ManifestError::SizeTooLarge,
                ),
                8 => {
                    let scheme = at.get(&["ftp", "ws", "file", "httpx", "h"]);
                    let url = format!("{scheme}://{filler}x.example/p");
                    (with(&version, &url, &sha, size), ManifestError::UrlScheme)
                }
                9 => {
                    let url = *at.get(&[
                        "http:///p",
                        "https://",
                        "http:/x",
                        "HTTPS://?q=1",
                        "http://#f",
                    ]);
                    (with(&version, url, &sha, size), ManifestError::UrlHost)
                }
                _ => {
                    let url = at
                        .get(&[
                            format!("https://h.example/{filler}\u{1}x"),
                            format!("http://h.example:{filler}p/"),
                            "https://h%zz.example/".to_owned(),
                            "http://[::1/".to_owned(),
                            format!("://{filler}h.example/"),
                        ])
                        .clone();
                    // Go's own words follow "parse update url: ".
                    (
                        with(&version, &url, &sha, size),
                        ManifestError::UrlParse(String::new()),
                    )
                }
            }
        },
    )
}

proptest! {
    #[test]
    fn manifests_that_keep_every_rule_are_accepted_unchanged(
        id in "[a-z0-9.]{0,8}",
        version in valid_version(),
        url in valid_url(),
        sha256 in valid_sha256(),
        size in 1i64..i64::MAX,
    ) {
        let raw = raw(&id, &version, &url_text(&url), &sha256, size);
        let manifest = UpdateManifest::try_from(raw.clone());
        prop_assert!(manifest.is_ok(), "{:?}: {:?}", raw, manifest);
        let Ok(m) = manifest else { return Ok(()) };
        prop_assert_eq!(m.size(), size.unsigned_abs());
        prop_assert_eq!(m.version().as_str(), version.as_str());
        prop_assert_eq!(RawManifest::from(m), raw);
    }

    #[test]
    fn a_manifest_breaking_one_rule_is_refused_with_that_rule((raw, expected) in broken_manifest()) {
        let got = UpdateManifest::try_from(raw.clone());
        let Err(err) = got else {
            prop_assert!(false, "accepted {:?}", raw);
            return Ok(());
        };
        prop_assert_eq!(err.field(), expected.field(), "{:?}: {}", raw, err);
        match expected {
            ManifestError::UrlParse(_) => {
                prop_assert!(matches!(err, ManifestError::UrlParse(_)), "{:?}: {:?}", raw, err);
                prop_assert!(err.to_string().starts_with("parse update url: "));
            }
            expected => prop_assert_eq!(err, expected, "{:?}", raw),
        }
    }

    #[test]
    fn manifests_never_panic(
        id in ".{0,8}",
        version in ".{0,12}",
        url in "(https?|ftp|HTTP)?(://)?[a-z0-9:@\\[\\]%/. ]{0,24}",
        sha256 in "[0-9a-fA-Fg ]{0,70}",
        size in any::<i64>(),
    ) {
        let raw = raw(&id, &version, &url, &sha256, size);
        if let Ok(m) = UpdateManifest::try_from(raw.clone()) {
            prop_assert!(m.size() >= 1);
            prop_assert_eq!(RawManifest::from(m), raw);
        }
    }
}

// ------------------------------------------------------------------ targets (§6)

/// A metrics path: some segments, then `/metrics`, `/metrics/` or neither.
fn target_path() -> impl Strategy<Value = String> {
    ("(/[a-zA-Z0-9._~-]{1,8}){0,3}", 0u8..3).prop_map(|(base, ending)| match ending {
        0 => format!("{base}/metrics"),
        1 => format!("{base}/metrics/"),
        _ => base,
    })
}

proptest! {
    #[test]
    fn target_urls_that_keep_the_rules_are_accepted(
        (scheme, authority, _, query) in valid_url(),
        path in target_path(),
        pad in "[ ]{0,2}",
        require_https in any::<bool>(),
    ) {
        let text = format!("{pad}{scheme}://{authority}{path}{query}{pad}");
        let lower = scheme.to_ascii_lowercase();
        let parsed = PushTarget::parse(&text, require_https);
        if require_https && lower != "https" {
            prop_assert_eq!(parsed, Err(TargetError::HttpsRequired), "{}", text);
            return Ok(());
        }
        prop_assert!(parsed.is_ok(), "{}: {:?}", text, parsed);
        let Ok(t) = parsed else { return Ok(()) };
        // Metrics go to the URL as configured; the siblings exist only for a path ending in
        // `/metrics`, with scheme, authority and query kept.
        prop_assert_eq!(t.metrics_url(), format!("{lower}://{authority}{path}{query}"));
        let sibling = |name: &str| {
            path.strip_suffix("/metrics")
                .map(|base| format!("{lower}://{authority}{base}/{name}{query}"))
        };
        prop_assert_eq!(t.static_url(), sibling("static"), "{}", text);
        prop_assert_eq!(t.identity_url(), sibling("identity"), "{}", text);
    }

    #[test]
    fn target_urls_that_break_a_rule_are_refused(
        host in "[a-z][a-z0-9-]{0,10}\\.example",
        defect in 0u8..4,
        at in any::<Index>(),
    ) {
        let (text, expected) = match defect {
            0 => {
                let scheme = at.get(&["ftp", "ws", "file", "httpx", "h"]);
                (format!("{scheme}://{host}/api/node/metrics"), Some(TargetError::Scheme))
            }
            1 => {
                let url = at.get(&["http:///api/node/metrics", "https://", "http:/api/node/metrics", "https://?t=1"]);
                ((*url).to_owned(), Some(TargetError::Host))
            }
            2 => {
                let url = at.get(&[
                    format!("https://{host}:port/api/node/metrics"),
                    format!("https://{host}/api/\u{7f}node/metrics"),
                    format!("https://{host}/api/%zz/metrics"),
                    "https://[::1/api/node/metrics".to_owned(),
                    format!("https://user name@{host}/api/node/metrics"),
                ]).clone();
                (url, None) // a parse error, in Go's words
            }
            _ => (format!("http://{host}/api/node/metrics"), Some(TargetError::HttpsRequired)),
        };
        let got = PushTarget::parse(&text, defect == 3);
        match expected {
            Some(expected) => prop_assert_eq!(got, Err(expected), "{}", text),
            None => prop_assert!(matches!(got, Err(TargetError::Parse(_))), "{}: {:?}", text, got),
        }
    }

    #[test]
    fn targets_never_panic(url in "[a-zA-Z]{0,6}:?/{0,3}[a-z0-9.:@\\[\\]%!/?#= ]{0,40}") {
        if let Ok(t) = nodewire_dash::target::Target::parse(&url, false) {
            let _ = (t.metrics_url(), t.static_url(), t.identity_url());
        }
    }
}

// ------------------------------------------------------------------ route bodies

/// The identity request body is optional (Dash does not read it): blank is accepted there.
const OPTIONAL_BODY: &str = "POST /api/node/identity";

fn blank(bytes: &[u8]) -> bool {
    bytes.iter().all(u8::is_ascii_whitespace)
}

/// Bodies the fixtures accept, with the route and status they were captured for.
fn accepted_bodies() -> Vec<(Target<'static>, &'static str, Vec<u8>)> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    [
        (
            Target::Request {
                line: "POST /api/node/identity",
            },
            "live-push/001-identity.request.json",
        ),
        (
            Target::Request {
                line: "POST /api/node/static",
            },
            "live-push/002-static.request.json",
        ),
        (
            Target::Request {
                line: "POST /api/node/metrics",
            },
            "live-push/003-metrics.request.json",
        ),
        (
            Target::Response {
                line: "POST /api/node/identity",
                status: 200,
            },
            "live-push/001-identity.response.json",
        ),
        (
            Target::Response {
                line: "POST /api/node/metrics",
                status: 200,
            },
            "live-push/003-metrics.response.json",
        ),
        (
            Target::Response {
                line: "POST /api/node/metrics",
                status: 401,
            },
            "contract/error-401-unauthorized.response.json",
        ),
        (
            Target::Response {
                line: "POST /api/node/metrics",
                status: 413,
            },
            "contract/error-413-body-too-large.response.json",
        ),
        (
            Target::Response {
                line: "POST /api/node/metrics",
                status: 422,
            },
            "contract/error-422-invalid-metrics.response.json",
        ),
    ]
    .into_iter()
    .map(|(target, file)| {
        (
            target,
            file,
            std::fs::read(dir.join(file)).unwrap_or_default(),
        )
    })
    .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn a_body_cut_short_is_refused(cut in any::<Index>()) {
        let reg = nodewire_dash::registry();
        for (target, file, body) in accepted_bodies() {
            let whole = check(reg, &target, &body).map_err(|e| TestCaseError::fail(e.0))?;
            prop_assert!(whole.ok, "{}: {:?}", file, whole);
            // Every prefix that stops before the closing brace is not JSON.
            let end = body.iter().rposition(|b| *b == b'}').unwrap_or(0);
            let prefix = body.get(..cut.index(end.max(1))).unwrap_or_default();
            let outcome = check(reg, &target, prefix).map_err(|e| TestCaseError::fail(e.0))?;
            if blank(prefix) && matches!(target, Target::Request { line: OPTIONAL_BODY }) {
                prop_assert!(outcome.ok, "{}: an absent body: {:?}", file, outcome);
                continue;
            }
            prop_assert!(!outcome.ok, "{} cut at {}: {:?}", file, prefix.len(), outcome);
            prop_assert!(outcome.error.is_some(), "{}: {:?}", file, outcome);
        }
    }

    #[test]
    fn every_route_decoder_survives_any_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..256)) {
        let reg = nodewire_dash::registry();
        // Every body of these routes is a JSON object: anything else is refused.
        let object = serde_json::from_slice::<serde_json::Map<String, serde_json::Value>>(&bytes).is_ok();
        for line in ["POST /api/node/metrics", "POST /api/node/static", "POST /api/node/identity"] {
            let request = check(reg, &Target::Request { line }, &bytes).map_err(|e| TestCaseError::fail(e.0))?;
            if line == OPTIONAL_BODY && blank(&bytes) {
                prop_assert!(request.ok, "{} refused an absent body: {:?}", line, request);
            } else {
                prop_assert!(object || !request.ok, "{} accepted {:?}", line, bytes);
            }
            for status in [200u16, 401, 413, 422] {
                let response = check(reg, &Target::Response { line, status }, &bytes).map_err(|e| TestCaseError::fail(e.0))?;
                prop_assert!(object || !response.ok, "{} {} accepted {:?}", line, status, bytes);
            }
        }
    }
}

#[test]
fn every_type_has_a_unique_name_and_a_schema() {
    let types = nodewire_dash::types();
    let mut names: Vec<&str> = types.iter().map(|t| t.name.as_ref()).collect();
    names.sort_unstable();
    let count = names.len();
    names.dedup();
    assert_eq!(names.len(), count, "duplicate type names");
    for required in [
        "NodeReport",
        "Static",
        "UpdateManifest",
        "IdentityResponse",
        "MetricsResponse",
        "IdentityRequest",
        "ErrorResponse",
    ] {
        assert!(names.contains(&required), "{required}");
    }
    for (file, text) in nodewire_dash::registry().schema_files() {
        assert!(text.contains("\"$id\""), "{file}");
        assert!(
            serde_json::from_str::<serde_json::Value>(&text).is_ok(),
            "{file}"
        );
    }
}
