//! Property tests of the URL model: `parse(build(x)) == x` for every URL the builder emits,
//! the builder's output is what a master stores, normalizing a stored `url` again gives the
//! same `url`; each rule of the contract (`nodepass-url.md`) checked both ways (what it
//! accepts is accepted, what it refuses is refused, naming the part); and no input makes a
//! parser panic.

use std::net::{IpAddr, Ipv6Addr};

use nodewire_nodepass::url::{
    Address, Block, Blocked, CertificateFiles, Compat, Environment, GoDuration, Host, InstanceUrl,
    LoadBalancing, LogLevel, MasterSettings, MasterUrl, NormalizeError, PoolType, Process,
    RequestUrl, Role, RunMode, TlsCode, TunnelKey, UrlPart, normalize_text,
};
use nodewire_nodepass::url::{Flag, Param, Params};
use proptest::prelude::*;

fn host() -> impl Strategy<Value = Host> {
    prop_oneof![
        Just(Host::Unspecified),
        any::<IpAddr>().prop_map(Host::Ip),
        (any::<Ipv6Addr>(), "[a-z0-9]{1,6}")
            .prop_map(|(addr, zone)| Host::ScopedIpv6 { addr, zone }),
        "[a-z][a-z0-9-]{0,10}(\\.[a-z][a-z0-9_]{0,6}){0,2}\\.?".prop_map(Host::Name),
    ]
}

fn address() -> impl Strategy<Value = Address> {
    (host(), any::<u16>()).prop_map(|(host, port)| Address::new(host, port))
}

fn duration() -> impl Strategy<Value = GoDuration> {
    (1i64..=i64::MAX).prop_map(GoDuration::from_nanos)
}

fn text() -> impl Strategy<Value = String> {
    "\\PC{1,12}"
}

fn param<T>(value: Option<T>) -> Param<T> {
    value.map_or(Param::Absent, Param::Set)
}

fn flag(on: bool) -> Flag {
    if on { Flag::On } else { Flag::Off }
}

fn labels() -> impl Strategy<Value = Params> {
    (
        proptest::option::of(prop_oneof![
            Just(LogLevel::None),
            Just(LogLevel::Debug),
            Just(LogLevel::Info),
            Just(LogLevel::Warn),
            Just(LogLevel::Error),
            Just(LogLevel::Event)
        ]),
        proptest::option::of(prop_oneof![
            Just(TlsCode::Off),
            Just(TlsCode::SelfSigned),
            Just(TlsCode::Certificate)
        ]),
        proptest::option::of(prop_oneof![
            Just(LoadBalancing::RoundRobin),
            Just(LoadBalancing::OptimalLatency),
            Just(LoadBalancing::PrimaryBackup)
        ]),
        proptest::option::of(prop_oneof![
            Just(RunMode::Auto),
            Just(RunMode::Mode1),
            Just(RunMode::Mode2)
        ]),
        proptest::option::of(prop_oneof![
            Just(PoolType::Tcp),
            Just(PoolType::Quic),
            Just(PoolType::WebSocket),
            Just(PoolType::Http2)
        ]),
        proptest::option::of((any::<bool>(), any::<bool>(), any::<bool>())),
        proptest::option::of((any::<bool>(), any::<bool>(), any::<bool>())),
    )
        .prop_map(|(log, tls, lbs, mode, pool_type, flags, block)| Params {
            log,
            tls,
            lbs,
            mode,
            pool_type,
            proxy: flags.map(|f| flag(f.0)),
            notcp: flags.map(|f| flag(f.1)),
            noudp: flags.map(|f| flag(f.2)),
            block: block.map(|(s, h, t)| {
                Block::of(
                    [(s, Blocked::Socks), (h, Blocked::Http), (t, Blocked::Tls)]
                        .into_iter()
                        .filter_map(|(on, p)| on.then_some(p)),
                )
            }),
            ..Params::default()
        })
}

fn values() -> impl Strategy<Value = Params> {
    (
        labels(),
        proptest::option::of(text()),
        proptest::option::of(text()),
        proptest::option::of(text()),
        proptest::option::of(duration()),
        proptest::option::of(duration()),
        proptest::option::of(any::<IpAddr>()),
    )
        .prop_map(|(p, crt, key, sni, dns, read, dial)| Params {
            crt,
            key,
            sni,
            dns: param(dns),
            read: param(read),
            dial: param(dial),
            ..p
        })
}

fn params() -> impl Strategy<Value = Params> {
    (
        values(),
        proptest::option::of(1i64..=i64::MAX),
        proptest::option::of(1i64..=i64::MAX),
        proptest::option::of(1i64..=i64::MAX / 125_000),
        proptest::option::of(1i64..=i64::from(i32::MAX)),
        proptest::collection::btree_map("[a-z_]{1,6}", "\\PC{0,8}", 0..3),
    )
        .prop_map(|(p, min, max, rate, slot, extra)| Params {
            min: param(min),
            max: param(max),
            rate: param(rate),
            slot: param(slot),
            extra: extra
                .into_iter()
                .filter(|(k, _)| !nodewire_nodepass::url::KNOWN_PARAMETERS.contains(&k.as_str()))
                .collect(),
            ..p
        })
}

fn built() -> impl Strategy<Value = Option<InstanceUrl>> {
    (
        any::<bool>(),
        proptest::option::of(text()),
        address(),
        proptest::collection::vec(address(), 1..4),
        params(),
    )
        .prop_map(|(server, key, tunnel, targets, params)| {
            let role = if server { Role::Server } else { Role::Client };
            let mut builder = InstanceUrl::builder(role, tunnel)
                .targets(targets)
                .params(params);
            if let Some(k) = key {
                builder = builder.key(TunnelKey::new(k).ok()?);
            }
            builder.build().ok()
        })
}

/// URL-like text with the characters that matter to Go's parser.
fn url_like() -> impl Strategy<Value = String> {
    "(server|client|SeRvEr|master|x)?(:|://)([a-z0-9%@:!$&'()*+,;=_~.\\[\\]-]{0,16})(/[a-z0-9%:,. +=@!\\[\\]\u{e9}-]{0,24})?(\\?[a-z0-9%=&;+. /:@\u{e9}-]{0,32})?(#[a-z0-9% /?]{0,6})?"
}

fn masters() -> Vec<MasterSettings> {
    [
        "master://127.0.0.1:9090",
        "master://127.0.0.1:9090?log=info&tls=1",
        "master://127.0.0.1:9090?log=debug&tls=2&crt=/m/crt.pem&key=/m/key.pem",
    ]
    .iter()
    .filter_map(|m| MasterUrl::parse(m).ok())
    .map(|m| MasterSettings::from_master(&m, CertificateFiles::Load))
    .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn parse_of_build_is_identity(url in built()) {
        prop_assume!(url.is_some());
        let Some(url) = url else { return Ok(()) };
        let text = url.to_string();
        prop_assert_eq!(InstanceUrl::parse(&text).map_err(|e| e.to_string()), Ok(url.clone()), "{}", text);
        // What the builder writes is what a plain master stores, and a valid request.
        let stored = normalize_text(&MasterSettings::default(), &text, Compat::default())
            .map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(&stored.url, &text);
        prop_assert!(RequestUrl::new(text.clone()).is_ok());
        prop_assert!(url.process(&Environment::default()).is_ok(), "{}", text);
    }

    #[test]
    fn normalizing_a_stored_url_again_keeps_it(raw in url_like()) {
        for settings in masters() {
            for compat in [Compat::V2_0_0B10, Compat::V1_14_0] {
                if let Ok(first) = normalize_text(&settings, &raw, compat) {
                    let again = normalize_text(&settings, &first.url, compat).map_err(|e| TestCaseError::fail(e.to_string()))?;
                    prop_assert_eq!(&again.url, &first.url, "{}", raw);
                    prop_assert_eq!(&again.config, &first.config, "{}", raw);
                    let config = normalize_text(&settings, &first.config, compat).map_err(|e| TestCaseError::fail(e.to_string()))?;
                    prop_assert_eq!(&config.config, &first.config, "{}", raw);
                }
            }
        }
    }

    #[test]
    fn parsers_never_panic(raw in url_like(), noise in "\\PC{0,40}") {
        for text in [raw.as_str(), noise.as_str()] {
            let _ = InstanceUrl::parse(text);
            let _ = Process::parse(text, &Environment::default());
            let _ = RequestUrl::new(text);
            let _ = MasterUrl::parse(text);
            let _ = GoDuration::parse(text);
            let _ = normalize_text(&MasterSettings::default(), text, Compat::default());
        }
    }
}

// ------------------------------------------------------------------ verdicts by rule

/// A DNS name (labels start with a letter and do not end with `-`).
fn dns_name() -> impl Strategy<Value = String> {
    "[a-z]([a-z0-9-]{0,6}[a-z0-9])?(\\.[a-z]([a-z0-9-]{0,4}[a-z0-9])?){0,2}"
}

/// A host as written in a URL: a name, an IPv4 address, a bracketed IPv6 address, or empty
/// (all interfaces).
fn host_text() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        dns_name(),
        any::<std::net::Ipv4Addr>().prop_map(|ip| ip.to_string()),
        any::<Ipv6Addr>().prop_map(|ip| format!("[{ip}]")),
    ]
}

/// The scheme in any case (`url.Parse` lower-cases it).
fn role_scheme() -> impl Strategy<Value = &'static str> {
    proptest::sample::select(vec!["server", "client", "SERVER", "Client", "sErVeR"])
}

/// `<host>:<port>` targets on ports above the tunnel's (so the loop guard never applies),
/// joined by commas with blanks and empty items around them, as a process reads them; and
/// how many there are.
fn target_list() -> impl Strategy<Value = (String, usize)> {
    proptest::collection::vec(
        (host_text(), 32_768u16..=65_535, "[ ]{0,1}", "(,[ ]?){0,1}"),
        1..4,
    )
    .prop_map(|items| {
        let count = items.len();
        let text = items
            .iter()
            .map(|(host, port, blank, empty)| format!("{blank}{host}:{port}{blank}{empty}"))
            .collect::<Vec<_>>()
            .join(",");
        (text, count)
    })
}

/// A URL a process accepts: scheme, an optional key, a tunnel `host:port` on a port below
/// 32768, at least one target, a query and a fragment.
fn process_url() -> impl Strategy<Value = (String, u16, usize)> {
    (
        role_scheme(),
        proptest::option::of("[a-z0-9]{1,8}"),
        host_text(),
        1u16..32_768,
        target_list(),
        "(\\?[a-z]{1,5}=[a-z0-9]{0,5}(&[a-z]{1,5}=[a-z0-9]{0,5}){0,2})?",
        "(#[a-z0-9]{0,6})?",
    )
        .prop_map(
            |(scheme, key, host, port, (targets, count), query, fragment)| {
                let key = key.map(|k| format!("{k}@")).unwrap_or_default();
                (
                    format!("{scheme}://{key}{host}:{port}/{targets}{query}{fragment}"),
                    port,
                    count,
                )
            },
        )
}

/// A URL Go's `url.Parse` takes apart, with the scheme left to the caller: the port may be
/// any digits (or none) and the path anything without control bytes, `%`, `?` or `#`.
fn go_parsable(scheme: &'static str) -> impl Strategy<Value = String> {
    (
        "([a-z0-9]{1,6}(:[a-z0-9]{0,4})?@)?",
        host_text(),
        "[0-9]{0,6}",
        "(/[a-zA-Z0-9.:, _~!$&'()*+;=@-]{0,30})?",
        "(\\?[a-z0-9=&;%+ ]{0,16})?",
    )
        .prop_map(move |(userinfo, host, port, path, query)| {
            format!("{scheme}://{userinfo}{host}:{port}{path}{query}")
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn urls_a_process_accepts_parse_with_every_target(
        (text, port, count) in process_url(),
    ) {
        let url = InstanceUrl::parse(&text);
        prop_assert!(url.is_ok(), "{}: {:?}", text, url.map(|_| ()));
        let Ok(url) = url else { return Ok(()) };
        prop_assert_eq!(url.tunnel().port, port, "{}", text);
        prop_assert_eq!(url.targets().len(), count, "{}", text);
        prop_assert!(RequestUrl::new(text.clone()).is_ok(), "{}", text);
        // What parses is stored by a master and what is stored parses to the same URL.
        let stored = normalize_text(&MasterSettings::default(), &text, Compat::default())
            .map_err(|e| TestCaseError::fail(format!("{text}: {e}")))?;
        prop_assert_eq!(InstanceUrl::parse(&stored.url).map_err(|e| e.to_string()), Ok(url), "{}", stored.url);
    }

    #[test]
    fn the_master_stores_every_client_or_server_url_go_parses(
        text in role_scheme().prop_flat_map(go_parsable),
    ) {
        // The master checks the scheme and nothing else (§1): no target, a port out of range,
        // an IPv6 address without brackets are all stored.
        for compat in [Compat::V2_0_0B10, Compat::V1_14_0] {
            let stored = normalize_text(&MasterSettings::default(), &text, compat);
            prop_assert!(stored.is_ok(), "{}: {:?}", text, stored);
            let Ok(stored) = stored else { return Ok(()) };
            let lower = text.split_once("://").map(|(s, _)| s.to_ascii_lowercase()).unwrap_or_default();
            prop_assert!(stored.url.starts_with(&format!("{lower}://")), "{} -> {}", text, stored.url);
            prop_assert_eq!(stored.role.as_str(), lower.as_str());
        }
    }

    #[test]
    fn other_schemes_are_refused_everywhere(
        text in proptest::sample::select(vec!["master", "MASTER", "http", "https", "tcp", "serverx", "clients", "nodepass"])
            .prop_flat_map(go_parsable),
    ) {
        prop_assert_eq!(
            normalize_text(&MasterSettings::default(), &text, Compat::default()).map(|_| ()),
            Err(NormalizeError::InvalidUrlScheme),
            "{}", text
        );
        let part = |r: Result<(), nodewire_nodepass::url::UrlError>| r.map_err(|e| e.part().clone());
        prop_assert_eq!(part(RequestUrl::new(text.clone()).map(|_| ())), Err(UrlPart::Scheme), "{}", text);
        prop_assert_eq!(part(InstanceUrl::parse(&text).map(|_| ())), Err(UrlPart::Scheme), "{}", text);
        if !text.to_ascii_lowercase().starts_with("master:") {
            prop_assert_eq!(part(MasterUrl::parse(&text).map(|_| ())), Err(UrlPart::Scheme), "{}", text);
        }
    }

    #[test]
    fn what_go_cannot_parse_is_an_invalid_url_format(
        base in role_scheme().prop_flat_map(go_parsable),
        defect in 0u8..6,
        at in any::<proptest::sample::Index>(),
        letters in "[a-z]{1,4}",
        control in prop_oneof![0u8..0x20, Just(0x7f)],
    ) {
        let (text, part) = match defect {
            0 => (format!("server://h.example:{letters}/a:1"), UrlPart::Port),
            1 => {
                // A control byte anywhere.
                let cut = at.index(base.len() + 1);
                let (head, tail) = base.split_at_checked(cut).unwrap_or((&base, ""));
                (format!("{head}{}{tail}", char::from(control)), UrlPart::Url)
            }
            // In the path (Go does not check the query's escapes).
            2 => {
                let before_query = base.split('?').next().unwrap_or_default();
                (format!("{before_query}/a%{letters}"), UrlPart::Path)
            }
            3 => (format!("client://h%{letters}x:1/a:1"), UrlPart::Host),
            4 => ("server://[::1:10101/a:1".to_owned(), UrlPart::Host),
            _ => (format!("client://{letters} {letters}@h:1/a:1"), UrlPart::Userinfo),
        };
        // `%` followed by letters that happen to be hex is a valid escape: not this rule.
        prop_assume!(!(matches!(defect, 2 | 3) && letters.len() >= 2
            && letters.bytes().take(2).all(|b| b.is_ascii_hexdigit())));
        prop_assert_eq!(
            normalize_text(&MasterSettings::default(), &text, Compat::default()).map(|_| ()),
            Err(NormalizeError::InvalidUrlFormat),
            "{:?}", text
        );
        let err = InstanceUrl::parse(&text).map(|_| ()).map_err(|e| e.part().clone());
        prop_assert_eq!(err, Err(part), "{:?}", text);
        prop_assert!(RequestUrl::new(text.clone()).is_err(), "{:?}", text);
    }

    #[test]
    fn urls_a_process_refuses_name_the_part(
        scheme in role_scheme(),
        host in dns_name(),
        port in 1u16..32_768,
        (targets, count) in target_list(),
        defect in 0u8..7,
    ) {
        let (text, part) = match defect {
            // No target at all (§4).
            0 => (format!("{scheme}://{host}:{port}"), UrlPart::Targets),
            1 => (format!("{scheme}://{host}:{port}/ , ,"), UrlPart::Targets),
            // IPv6 without brackets, no port, a port out of range (§3).
            2 => (format!("{scheme}://::1:{port}/{targets}"), UrlPart::TunnelAddress),
            3 => (format!("{scheme}://{host}/{targets}"), UrlPart::TunnelAddress),
            4 => (format!("{scheme}://{host}:{}/{targets}", 65_536 + u32::from(port)), UrlPart::TunnelAddress),
            // A trailing slash joins the last port; a target without a port (§4).
            5 => (format!("{scheme}://{host}:{port}/{}/", targets.trim_end_matches([',', ' '])), UrlPart::Target(count)),
            _ => (format!("{scheme}://{host}:{port}/{targets},{host}"), UrlPart::Target(count + 1)),
        };
        let err = InstanceUrl::parse(&text).map(|_| ()).map_err(|e| e.part().clone());
        prop_assert_eq!(err, Err(part), "{}", text);
        // The master still stores it: it checks only the scheme (§1).
        prop_assert!(normalize_text(&MasterSettings::default(), &text, Compat::default()).is_ok(), "{}", text);
    }

    #[test]
    fn the_loop_guard_refuses_a_target_on_the_tunnel_port(
        scheme in role_scheme(),
        port in 1u16..=65_535,
        loopback in any::<bool>(),
    ) {
        // A loopback target, or any IP target behind an unspecified tunnel (§4).
        let text = if loopback {
            format!("{scheme}://10.0.0.1:{port}/127.0.0.1:{port}")
        } else {
            format!("{scheme}://0.0.0.0:{port}/192.0.2.7:{port}")
        };
        let err = InstanceUrl::parse(&text).map_err(|e| (e.part().clone(), e.to_string()));
        let Err((part, message)) = err else {
            prop_assert!(false, "accepted {}", text);
            return Ok(());
        };
        prop_assert_eq!(part, UrlPart::Target(1));
        prop_assert!(message.contains(&format!("tunnel port {port} conflicts")), "{}", message);
        // Another port is fine.
        let other = if port == 1 { 2 } else { port - 1 };
        let fine = format!("{scheme}://0.0.0.0:{port}/127.0.0.1:{other}");
        prop_assert!(InstanceUrl::parse(&fine).is_ok(), "{}", fine);
    }

    #[test]
    fn go_durations_are_read_as_go_reads_them(
        sign in proptest::sample::select(vec!["", "+", "-"]),
        parts in proptest::collection::vec(
            (0u32..100_000, proptest::sample::select(vec![
                ("ns", 1i64), ("us", 1_000), ("\u{b5}s", 1_000), ("\u{3bc}s", 1_000),
                ("ms", 1_000_000), ("s", 1_000_000_000), ("m", 60_000_000_000), ("h", 3_600_000_000_000),
            ])),
            1..4,
        ),
    ) {
        let text = format!(
            "{sign}{}",
            parts.iter().map(|(n, (unit, _))| format!("{n}{unit}")).collect::<String>()
        );
        let nanos: i64 = parts.iter().map(|(n, (_, scale))| i64::from(*n) * scale).sum();
        let expected = if sign == "-" { -nanos } else { nanos };
        prop_assert_eq!(GoDuration::parse(&text).map(GoDuration::as_nanos), Ok(expected), "{}", text);
    }

    #[test]
    fn text_outside_the_duration_grammar_is_refused(
        n in 1u32..100_000,
        defect in 0u8..9,
        unit in proptest::sample::select(vec!["d", "w", "x", "S", "H", "Ms", "sec", " s"]),
    ) {
        let text = match defect {
            0 => String::new(),
            1 => "-".to_owned(),
            2 => format!("{n}"),             // a number without a unit (only `0` may)
            3 => format!("{n}{unit}"),       // a unit Go does not know (units are case-sensitive)
            4 => ".s".to_owned(),            // no digits around the dot
            5 => format!("{n}h{n}"),         // the last number has no unit
            6 => format!("s{n}"),            // a unit first
            7 => format!("{n}0000000000h"),  // beyond int64 nanoseconds
            _ => format!("{n}.{n}.{n}s"),
        };
        let err = GoDuration::parse(&text);
        prop_assert!(err.is_err(), "{:?} accepted as {:?}", text, err);
        prop_assert!(err.err().is_some_and(|e| e.to_string().starts_with("time: ")));
    }
}

#[test]
fn bad_urls_name_the_part() {
    let part = |s: &str| {
        InstanceUrl::parse(s)
            .map(|_| ())
            .unwrap_err()
            .part()
            .to_string()
    };
    assert_eq!(part("http://h:1/a:1"), "scheme");
    assert_eq!(part("server://h:http/a:1"), "port");
    assert_eq!(part("server://::1:10101/a:1"), "tunnel address");
    assert_eq!(part("server://h:1/::1:80"), "target 1");
    assert_eq!(part("server://h:1/a:1,b"), "target 2");
    assert_eq!(part("server://h:70000/a:1"), "tunnel address");
    assert_eq!(part("server://h:1"), "targets");
    assert_eq!(part("server://h%zz:1/a:1"), "host");
    assert_eq!(part("server://h:1/bad_host!:1"), "target 1");
    let slot = InstanceUrl::server(Address::any(1))
        .target(Address::any(2))
        .slot(i64::from(i32::MAX) + 1)
        .build()
        .unwrap_err();
    assert_eq!(slot.part().to_string(), "parameter `slot`");
    assert!(slot.to_string().contains("exceeds"));
    let alias = nodewire_nodepass::instances::InstanceAlias::new("x".repeat(257)).unwrap_err();
    assert_eq!(
        alias.to_string(),
        "Instance alias exceeds maximum length 256 (257 bytes)"
    );
}
