//! Each refusal of the panel's webhook guard, as a fixture (`guard--*.json` in the manifest):
//! the receiver answers exactly that status and body for the request that provokes it.

use std::net::IpAddr;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use nodewire_common::Secret;
use nodewire_kernel::webhooks::{Webhook, WebhookConfig, sign_request};

const BODY: &[u8] = br#"{"event":"node_healthy","id":"edge-1","node_id":"edge-1","protocol":"vless","status":"healthy","message":"ok","observed_at":1734001010}"#;

fn fixture(name: &str) -> Result<serde_json::Value, Box<dyn std::error::Error>> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(format!("guard--POST_api_v1_kernel_events--{name}.json"));
    Ok(serde_json::from_slice(&std::fs::read(path)?)?)
}

fn request(headers: &[(&str, &str)], body: &'static [u8]) -> http::Request<Bytes> {
    let mut builder = http::Request::builder()
        .method("POST")
        .uri("/api/v1/kernel/events");
    for (name, value) in headers {
        builder = builder.header(*name, *value);
    }
    builder.body(Bytes::from_static(body)).unwrap_or_default()
}

fn json() -> (&'static str, &'static str) {
    ("content-type", "application/json")
}

/// The status and body the receiver answers.
fn answer(
    request: &http::Request<Bytes>,
    peer: &str,
    config: &WebhookConfig,
    now: SystemTime,
) -> Result<(u16, serde_json::Value), Box<dyn std::error::Error>> {
    let peer: IpAddr = peer.parse()?;
    match Webhook::receive(request, Some(peer), config, now) {
        Ok(_) => Ok((200, serde_json::Value::Null)),
        Err(failure) => {
            let response = failure.into_response();
            Ok((
                response.status().as_u16(),
                serde_json::from_slice(response.body())?,
            ))
        }
    }
}

#[test]
fn every_guard_refusal_answers_its_fixture() -> Result<(), Box<dyn std::error::Error>> {
    let now = UNIX_EPOCH + Duration::from_secs(1_800_000_000);
    let t = 1_800_000_000_i64;
    let secret = Secret::new("whsec_fixture");
    let token_only = WebhookConfig {
        shared_token: Some(Secret::new("t0ken")),
        ..WebhookConfig::default()
    };
    let signed_only = WebhookConfig {
        signing_secret: Some(secret.clone()),
        ..WebhookConfig::default()
    };
    let open = WebhookConfig::default();
    let cidrs = WebhookConfig {
        allow_cidrs: WebhookConfig::parse_cidrs(["10.0.0.0/8"]),
        ..WebhookConfig::default()
    };
    let mut signed_late = request(&[json()], BODY);
    sign_request(&mut signed_late, &secret, t - 301)?;
    let mut signed_other = request(&[json()], BODY);
    sign_request(&mut signed_other, &Secret::new("another secret"), t)?;

    let cases: Vec<(&str, u16, http::Request<Bytes>, &str, &WebhookConfig)> = vec![
        (
            "403_access_denied",
            403,
            request(&[json()], BODY),
            "192.0.2.7",
            &cidrs,
        ),
        (
            "401_missing_webhook_token",
            401,
            request(&[json()], BODY),
            "127.0.0.1",
            &token_only,
        ),
        (
            "401_invalid_webhook_token",
            401,
            request(&[json(), ("x-znp-webhook-token", "nope")], BODY),
            "127.0.0.1",
            &token_only,
        ),
        (
            "401_missing_stripe_signature",
            401,
            request(&[json()], BODY),
            "127.0.0.1",
            &signed_only,
        ),
        (
            "401_invalid_stripe_signature_header",
            401,
            request(&[json(), ("stripe-signature", "v0=abc")], BODY),
            "127.0.0.1",
            &signed_only,
        ),
        (
            "401_stripe_signature_outside_tolerance",
            401,
            signed_late,
            "127.0.0.1",
            &signed_only,
        ),
        (
            "401_stripe_signature_mismatch",
            401,
            signed_other,
            "127.0.0.1",
            &signed_only,
        ),
        (
            "400_content_type",
            400,
            request(&[("content-type", "text/plain")], BODY),
            "127.0.0.1",
            &open,
        ),
    ];
    for (name, status, request, peer, config) in &cases {
        let got = answer(request, peer, config, now)?;
        assert_eq!(got, (*status, fixture(name)?), "{name}");
    }

    // The same requests pass once the guard's condition is met.
    let mut signed = request(&[json()], BODY);
    sign_request(&mut signed, &secret, t)?;
    assert_eq!(answer(&signed, "127.0.0.1", &signed_only, now)?.0, 200);
    let forwarded = request(&[json(), ("x-forwarded-for", "10.1.2.3, 192.0.2.7")], BODY);
    assert_eq!(answer(&forwarded, "192.0.2.7", &cidrs, now)?.0, 200);
    Ok(())
}
