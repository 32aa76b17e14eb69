//! Every protocol crate's `client` constructor has one shape: a base URL and the protocol's
//! credential. Here, for all five at once: the credential travels as the protocol's own
//! header, marked sensitive, never printed by `Debug`; no credential sends no header; a base
//! URL that is not one, or a credential no server could match, is refused before anything
//! is sent, without the credential in the message.
#![cfg(all(feature = "full", feature = "client"))]

use nodewire::common::client::Client;
use nodewire::common::{IntoRequestError, Secret};
use nodewire::kernel::auth::Credentials;
use nodewire::{dash::Dash, kernel::Kernel, nexuma::Core, nodepass::NodePass, telemt::Telemt};

/// One constructor call: the client or its error, and the header it must carry.
struct Case {
    protocol: &'static str,
    client: Result<Client, IntoRequestError>,
    header: &'static str,
    value: Option<&'static str>,
    base: &'static str,
}

fn with_credentials() -> Vec<Case> {
    vec![
        Case {
            protocol: "core",
            client: Core::client("http://127.0.0.1:3000", Secret::new("k-7f3a9c")),
            header: nodewire::nexuma::AUTH_HEADER,
            value: Some("k-7f3a9c"),
            base: "http://127.0.0.1:3000",
        },
        Case {
            protocol: "nodepass",
            client: NodePass::client("http://127.0.0.1:9090/api/v1", Secret::new("k-1")),
            header: nodewire::nodepass::AUTH_HEADER,
            value: Some("k-1"),
            base: "http://127.0.0.1:9090/api/v1",
        },
        Case {
            protocol: "kernel (Basic)",
            client: Kernel::client(
                "http://127.0.0.1:23860",
                Credentials::basic("panel", "s3cret"),
            ),
            header: nodewire::kernel::AUTH_HEADER,
            value: Some("Basic cGFuZWw6czNjcmV0"),
            base: "http://127.0.0.1:23860",
        },
        Case {
            protocol: "kernel (Bearer)",
            client: Kernel::client("http://k:23860", Credentials::control_token("abc")),
            header: nodewire::kernel::AUTH_HEADER,
            value: Some("Bearer abc"),
            base: "http://k:23860",
        },
        Case {
            protocol: "dash",
            client: Dash::client("https://dash.example:8443/x", Secret::new("k-2")),
            header: nodewire::dash::AUTH_HEADER,
            value: Some("k-2"),
            base: "https://dash.example:8443/x",
        },
        Case {
            protocol: "telemt",
            client: Telemt::client("http://127.0.0.1:9091", Secret::new("Bearer X")),
            header: nodewire::telemt::AUTH_HEADER,
            value: Some("Bearer X"),
            base: "http://127.0.0.1:9091",
        },
        // The routes some upstreams serve without a credential.
        Case {
            protocol: "core (register only)",
            client: Core::client("http://127.0.0.1:3000", None),
            header: nodewire::nexuma::AUTH_HEADER,
            value: None,
            base: "http://127.0.0.1:3000",
        },
        Case {
            protocol: "kernel (allow_insecure)",
            client: Kernel::client("http://k:23860", &Credentials::None),
            header: nodewire::kernel::AUTH_HEADER,
            value: None,
            base: "http://k:23860",
        },
        Case {
            protocol: "telemt (no auth_header)",
            client: Telemt::client("https://telemt.example:9091", None),
            header: nodewire::telemt::AUTH_HEADER,
            value: None,
            base: "https://telemt.example:9091",
        },
    ]
}

#[test]
fn the_credential_travels_as_its_header_and_stays_secret() {
    for case in with_credentials() {
        let protocol = case.protocol;
        let client = case.client.unwrap_or_else(|e| panic!("{protocol}: {e}"));
        assert_eq!(client.base_url(), case.base, "{protocol}");
        let sent = client.header(case.header);
        match case.value {
            Some(value) => {
                let sent = sent.unwrap_or_else(|| panic!("{protocol}: no {}", case.header));
                assert_eq!(sent.as_bytes(), value.as_bytes(), "{protocol}");
                assert!(sent.is_sensitive(), "{protocol}");
                let shown = format!("{client:?}");
                assert!(!shown.contains(value), "{protocol}: {shown}");
            }
            None => assert!(sent.is_none(), "{protocol}: {sent:?}"),
        }
    }
}

#[test]
fn a_bad_base_url_is_refused_before_anything_is_sent() {
    let refused = [
        ("core", Core::client("127.0.0.1:3000", None)),
        (
            "nodepass",
            NodePass::client("127.0.0.1:9090", Secret::new("k")),
        ),
        (
            "kernel",
            Kernel::client("127.0.0.1:23860", &Credentials::None),
        ),
        ("dash", Dash::client("dash.example", Secret::new("k"))),
        ("telemt", Telemt::client("ftp://h", None)),
        ("telemt", Telemt::client("http://h:1?x", None)),
    ];
    for (protocol, result) in refused {
        let err = result.expect_err(protocol);
        assert!(
            matches!(err, IntoRequestError::BaseUrl { .. }),
            "{protocol}: {err:?}"
        );
    }
}

#[test]
fn a_credential_no_server_could_match_is_refused_without_showing_it() {
    for bad in ["", "a\nb", "ключ"] {
        let mut refused = vec![
            ("core", Core::client("http://h:3000", Secret::new(bad))),
            (
                "nodepass",
                NodePass::client("http://h:1/api/v1", Secret::new(bad)),
            ),
            (
                "dash",
                Dash::client("http://dash.example", Secret::new(bad)),
            ),
            ("telemt", Telemt::client("http://h:1", Secret::new(bad))),
        ];
        // The kernel's credential is a header value built from the token (`Bearer <token>`),
        // so only a token that breaks the header is refused.
        if !bad.is_empty() {
            let token = Credentials::control_token(bad);
            refused.push(("kernel", Kernel::client("http://k:23860", token)));
        }
        for (protocol, result) in refused {
            let err = result.expect_err(protocol);
            assert!(
                matches!(err, IntoRequestError::Invalid(_)),
                "{protocol} {bad:?}: {err:?}"
            );
            if !bad.is_empty() {
                assert!(
                    err.to_string().contains("visible ASCII"),
                    "{protocol}: {err}"
                );
                assert!(!err.to_string().contains(bad), "{protocol}: {err}");
            }
        }
    }
}
