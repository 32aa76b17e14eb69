//! The HTTPS→HTTP fallback's failure classes from real connections on 127.0.0.1: a plain
//! HTTP server answering a TLS handshake, a closed port, and TLS servers whose certificate
//! is from an unknown authority, for another name, or expired. Each failure is classified by
//! the error types the client returns, then decided by the target's fallback rule.
//!
//! The certificates in `fixtures/dash-tls/` are test-only: a CA (`ca.der`), a leaf for
//! `localhost` valid 2020–2120 (`leaf.der`), the same leaf expired in 2020 (`expired.der`),
//! and the leaf's PKCS #8 key (`leaf.key.der`).

use std::io::{Read, Write};
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use nodewire_common::Secret;
use nodewire_common::client::{Client, ClientError};
use nodewire_dash::server::ReceiverConfig;
use nodewire_dash::target::{CertificateProblem, FallbackDecision, Target, TransportFailure};
use nodewire_examples::dash::{AgentConfig, spawn_receiver};

mod common;
use common::run_agent_logged;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

type TestResult = Result<(), Box<dyn std::error::Error + Send + Sync>>;

const CA: &[u8] = include_bytes!("fixtures/dash-tls/ca.der");
const LEAF: &[u8] = include_bytes!("fixtures/dash-tls/leaf.der");
const EXPIRED: &[u8] = include_bytes!("fixtures/dash-tls/expired.der");
const KEY: &[u8] = include_bytes!("fixtures/dash-tls/leaf.key.der");

/// A TLS server on 127.0.0.1 presenting `cert`; it answers `200 ok` to whoever completes
/// the handshake. Returns its port.
fn tls_server(cert: &'static [u8]) -> Result<u16, Box<dyn std::error::Error + Send + Sync>> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()?
        .with_no_client_auth()
        .with_single_cert(
            vec![CertificateDer::from(cert)],
            PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(KEY)),
        )?;
    let config = Arc::new(config);
    let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    let port = listener.local_addr()?.port();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { return };
            let Ok(connection) = rustls::ServerConnection::new(config.clone()) else {
                return;
            };
            let mut tls = rustls::StreamOwned::new(connection, stream);
            let mut request = [0u8; 4096];
            // Reading fails when the client refuses the certificate.
            if tls.read(&mut request).is_ok() {
                let _ = tls.write_all(
                    b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok",
                );
                let _ = tls.flush();
            }
        }
    });
    Ok(port)
}

/// A client that trusts the test CA (as well as nothing else).
fn trusting_client(url: &str) -> Result<Client, Box<dyn std::error::Error + Send + Sync>> {
    let http = reqwest::Client::builder()
        .use_rustls_tls()
        .tls_built_in_root_certs(false)
        .add_root_certificate(reqwest::Certificate::from_der(CA)?)
        .build()?;
    Ok(Client::with_http_client(http, url))
}

/// `GET url` with `client`: the failure class of the error, or `None` for an answer.
async fn failure_of(
    client: &Client,
    url: &str,
) -> Result<Option<TransportFailure>, Box<dyn std::error::Error + Send + Sync>> {
    let request = http::Request::get(url).body(Bytes::new())?;
    match client.send_raw::<std::convert::Infallible>(request).await {
        Ok(_) => Ok(None),
        Err(e @ ClientError::Transport(_)) => Ok(Some(TransportFailure::of_client_error(&e))),
        Err(e) => Err(e.into()),
    }
}

fn decision(url: &str, failure: &TransportFailure) -> Option<FallbackDecision> {
    Target::parse(url, false)
        .ok()
        .map(|t| t.fallback_decision(failure))
}

#[tokio::test]
async fn a_plain_http_server_answering_tls_falls_back() -> TestResult {
    let (url, server) =
        spawn_receiver(ReceiverConfig::new([("n", Secret::new("k"))]), None).await?;
    let https = format!(
        "{}/api/node/metrics",
        url.replacen("http://", "https://", 1)
    );
    let failure = failure_of(&Client::new(&https)?, &https).await?;
    assert_eq!(failure, Some(TransportFailure::PlaintextServer));
    assert_eq!(
        failure.and_then(|f| decision(&https, &f)),
        Some(FallbackDecision::UseHttp)
    );
    server.stop().await;
    Ok(())
}

#[tokio::test]
async fn a_closed_port_is_a_refused_connection() -> TestResult {
    let port = std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port();
    for scheme in ["http", "https"] {
        let url = format!("{scheme}://127.0.0.1:{port}/api/node/metrics");
        let failure = failure_of(&Client::new(&url)?, &url).await?;
        assert_eq!(failure, Some(TransportFailure::ConnectionRefused), "{url}");
        assert_eq!(
            failure.and_then(|f| decision(&url, &f)),
            Some(FallbackDecision::Keep)
        );
    }
    Ok(())
}

#[tokio::test]
async fn certificate_problems_by_their_rustls_error() -> TestResult {
    use CertificateProblem::*;
    let valid = tls_server(LEAF)?;
    let expired = tls_server(EXPIRED)?;
    let ip = |port: u16| format!("https://127.0.0.1:{port}/api/node/metrics");
    let dns = |port: u16| format!("https://localhost:{port}/api/node/metrics");

    // The system's roots do not know the test CA: unknown authority; an IP host falls back.
    let url = ip(valid);
    let failure = failure_of(&Client::new(&url)?, &url).await?;
    assert_eq!(
        failure,
        Some(TransportFailure::Certificate(UnknownAuthority))
    );
    assert_eq!(
        failure.and_then(|f| decision(&url, &f)),
        Some(FallbackDecision::UseHttp)
    );

    // Trusting the CA: the leaf names `localhost` only, so 127.0.0.1 is the wrong name.
    let failure = failure_of(&trusting_client(&url)?, &url).await?;
    assert_eq!(failure, Some(TransportFailure::Certificate(Hostname)));
    // ...and `localhost` is fine.
    let url = dns(valid);
    assert_eq!(failure_of(&trusting_client(&url)?, &url).await?, None);

    // An expired leaf on a DNS host: the rule asks for the expired-chain check.
    let url = dns(expired);
    let failure = failure_of(&trusting_client(&url)?, &url).await?;
    assert_eq!(failure, Some(TransportFailure::Certificate(Expired)));
    assert_eq!(
        failure.and_then(|f| decision(&url, &f)),
        Some(FallbackDecision::VerifyExpiredChain)
    );
    Ok(())
}

#[tokio::test]
async fn the_agent_reports_a_closed_port_once_the_streak_is_long() -> TestResult {
    let port = std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port();
    let (summary, log) = run_agent_logged(AgentConfig {
        targets: vec![(
            format!("http://127.0.0.1:{port}/api/node/metrics"),
            Secret::new("k"),
        )],
        require_https: false,
        interval: Duration::from_millis(50),
        push_delay: Duration::ZERO,
        rounds: Some(3),
        fetch_identity: false,
        preferred_nics: Vec::new(),
        version: "0.1.0".to_owned(),
    })
    .await?;
    assert_eq!((summary.rounds, summary.successful_rounds), (3, 0), "{log}");
    assert_eq!(
        log.matches("error: the peer port is closed").count(),
        1,
        "{log}"
    );
    assert!(!log.contains("fallback"), "{log}");
    Ok(())
}
