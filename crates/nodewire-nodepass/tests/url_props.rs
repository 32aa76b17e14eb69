//! Property tests of the URL model: `parse(build(x)) == x` for every URL the builder emits,
//! the builder's output is what a master stores, normalizing a stored `url` again gives the
//! same `url`, and no input makes a parser panic.

use std::net::{IpAddr, Ipv6Addr};

use nodewire_nodepass::url::{
    Address, Block, Compat, Environment, GoDuration, Host, InstanceUrl, LoadBalancing, LogLevel,
    MasterSettings, MasterUrl, PoolType, Process, RequestUrl, Role, RunMode, TlsCode, TunnelKey,
    normalize,
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
            block: block.map(|(s, h, t)| Block::new(s, h, t)),
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
    .map(|m| MasterSettings::from_master(&m, true))
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
        let stored = normalize(&MasterSettings::default(), &text, Compat::default())
            .map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(&stored.url, &text);
        prop_assert!(RequestUrl::new(text.clone()).is_ok());
        prop_assert!(url.process(&Environment::default()).is_ok(), "{}", text);
    }

    #[test]
    fn normalizing_a_stored_url_again_keeps_it(raw in url_like()) {
        for settings in masters() {
            for compat in [Compat::V2_0_0B10, Compat::V1_14_0] {
                if let Ok(first) = normalize(&settings, &raw, compat) {
                    let again = normalize(&settings, &first.url, compat).map_err(|e| TestCaseError::fail(e.to_string()))?;
                    prop_assert_eq!(&again.url, &first.url, "{}", raw);
                    prop_assert_eq!(&again.config, &first.config, "{}", raw);
                    let config = normalize(&settings, &first.config, compat).map_err(|e| TestCaseError::fail(e.to_string()))?;
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
            let _ = normalize(&MasterSettings::default(), text, Compat::default());
        }
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
