//! The callbacks a kernel built on this crate sends are what the real panel's go-zero handlers
//! accept, and the panel-side receiver guards them as the panel's `WebhookMiddleware` does.
//!
//! [`go_zero_parse`] is written from contracts/kernel.md §7.2 and the Go structs of §7.3, not
//! from the crate: every key of the struct is required (`omitempty` does not make a key
//! optional in go-zero), `null` is refused, types are strict (a string is a string, an
//! `int64` an integer, a `uint64` a non-negative integer), `payload` (a `json.RawMessage`) is
//! read only from base64 text, so an object is refused; unknown keys are ignored.

#![cfg(feature = "mock")]

use std::net::{IpAddr, Ipv4Addr};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use http::{HeaderValue, StatusCode, header};
use nodewire_common::{Endpoint, Secret};
use nodewire_kernel::auth::Credentials;
use nodewire_kernel::endpoints::{RegisterEvent, RegisterServiceEvent, UpsertProtocol};
use nodewire_kernel::mock::{Body, Callback, Delivery, MockConfig, MockKernel};
use nodewire_kernel::protocols::{NodeProfile, NodeRole, ProfileProtocol, ProtocolUpsertRequest};
use nodewire_kernel::registrations::{
    EventRegistrationRequest, NodeEventKind, ServiceEventKind, ServiceEventRegistrationRequest,
};
use nodewire_kernel::status::HealthStatus;
use nodewire_kernel::streams::{EventName, NodeEventName};
use nodewire_kernel::users::User;
use nodewire_kernel::webhooks::{
    KernelNodeEventRequest, KernelServiceEventRequest, KernelTrafficRecord,
    KernelTrafficReportRequest, PostKernelEvent, PostKernelServiceEvent, PostKernelTraffic,
    SIGNATURE_HEADER, TOKEN_HEADER, Webhook, WebhookConfig, WebhookShape, sign_request,
    stripe_signature,
};
use serde_json::{Map, Value, json};

type TestResult = Result<(), Box<dyn std::error::Error>>;

/// A Go field type, as go-zero's `httpx.Parse` reads it.
#[derive(Clone, Copy)]
enum Go {
    /// `string`.
    Str,
    /// `int64`.
    I64,
    /// `uint64`.
    U64,
    /// `json.RawMessage` (`[]byte`): base64 text.
    Raw,
    /// `[]KernelTrafficRecord`.
    Records,
}

/// `KernelNodeEventRequest` (internal/types/kernel.go:29-37).
const NODE_EVENT: &[(&str, Go)] = &[
    ("event", Go::Str),
    ("id", Go::Str),
    ("node_id", Go::Str),
    ("protocol", Go::Str),
    ("status", Go::Str),
    ("message", Go::Str),
    ("observed_at", Go::I64),
];

/// `KernelTrafficRecord` (internal/types/kernel.go:11-20).
const TRAFFIC_RECORD: &[(&str, Go)] = &[
    ("user_id", Go::U64),
    ("subscription_id", Go::U64),
    ("protocol", Go::Str),
    ("node_id", Go::U64),
    ("binding_id", Go::U64),
    ("bytes_up", Go::I64),
    ("bytes_down", Go::I64),
    ("observed_at", Go::I64),
];

/// `KernelTrafficReportRequest` (internal/types/kernel.go:6-8).
const TRAFFIC_REPORT: &[(&str, Go)] = &[("records", Go::Records)];

/// `KernelServiceEventRequest` (internal/types/kernel.go:45-51).
const SERVICE_EVENT: &[(&str, Go)] = &[
    ("event", Go::Str),
    ("event_id", Go::Str),
    ("occurred_at_ms", Go::I64),
    ("payload", Go::Raw),
    ("records", Go::Records),
];

fn is_base64(text: &str) -> bool {
    text.len().is_multiple_of(4)
        && text
            .trim_end_matches('=')
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'+' || b == b'/')
        && text.len() - text.trim_end_matches('=').len() <= 2
}

/// What go-zero does with `value` for a struct of `fields`: `Ok`, or its complaint.
fn go_zero_parse(fields: &[(&str, Go)], value: &Value) -> Result<(), String> {
    let Value::Object(map) = value else {
        return Err(format!("not an object: {value}"));
    };
    for (key, kind) in fields {
        let Some(v) = map.get(*key) else {
            return Err(format!("field {key:?} is not set"));
        };
        let ok = match (kind, v) {
            (_, Value::Null) => return Err(format!("field {key:?} mustn't be nil")),
            (Go::Str, v) => v.is_string(),
            (Go::I64, v) => v.is_i64(),
            (Go::U64, v) => v.is_u64(),
            (Go::Raw, Value::String(text)) => is_base64(text),
            (Go::Raw, _) => false,
            (Go::Records, Value::Array(records)) => {
                for record in records {
                    go_zero_parse(TRAFFIC_RECORD, record)?;
                }
                true
            }
            (Go::Records, _) => false,
        };
        if !ok {
            return Err(format!("type mismatch for field {key:?}: {v}"));
        }
    }
    Ok(())
}

/// The struct of the route a callback request goes to, by its path.
fn go_struct(path: &str) -> &'static [(&'static str, Go)] {
    match path.rsplit('/').next() {
        Some("events") => NODE_EVENT,
        Some("traffic") => TRAFFIC_REPORT,
        _ => SERVICE_EVENT,
    }
}

/// go-zero's whole parse of a request: the JSON body is read only with a non-empty body and
/// `Content-Type` containing `application/json`.
fn go_zero_accepts(request: &http::Request<Bytes>) -> Result<(), String> {
    let json = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("application/json"));
    let value: Value = if json && !request.body().is_empty() {
        serde_json::from_slice(request.body()).map_err(|e| e.to_string())?
    } else {
        json!({})
    };
    go_zero_parse(go_struct(request.uri().path()), &value)
}

fn send<E: Endpoint<Protocol = nodewire_kernel::Kernel>>(mock: &mut MockKernel, call: &E) {
    let mut request = call
        .try_into_http_request("http://kernel.test")
        .unwrap_or_default();
    let auth = Credentials::basic("panel", "panel-secret").authorization();
    if let Ok(value) = HeaderValue::from_str(auth.expose()) {
        request.headers_mut().insert(header::AUTHORIZATION, value);
    }
    let (head, body) = request.into_parts();
    mock.handle(&head, Body::Complete(body));
}

/// A mock with every kind of callback registered, after a node was added, degraded, and
/// carried traffic: the deliveries it produced.
fn deliveries(shape: WebhookShape) -> Vec<Delivery> {
    let panel = "http://panel.test/api/v1/kernel";
    let mut mock = MockKernel::new(MockConfig {
        webhook_shape: shape,
        traffic_callback: Some(Callback {
            url: format!("{panel}/traffic"),
            token: Some(Secret::new("tok")),
        }),
        ..MockConfig::default()
    });
    for kind in [NodeEventKind::NodeAdded, NodeEventKind::NodeDegraded] {
        let body = EventRegistrationRequest::new(kind, format!("{panel}/events"));
        send(&mut mock, &RegisterEvent::new(body));
    }
    for kind in [
        ServiceEventKind::UserTrafficReported,
        ServiceEventKind::UserQuotaChanged,
    ] {
        let body = ServiceEventRegistrationRequest::new(kind, format!("{panel}/service-events"));
        send(&mut mock, &RegisterServiceEvent::new(body));
    }
    let profile = NodeProfile::new("edge-1", NodeRole::Listener, ProfileProtocol::Vless);
    let upsert = ProtocolUpsertRequest::new(profile).users(vec![User::new("7", "alice", "pw")]);
    send(&mut mock, &UpsertProtocol::new(upsert));
    let degraded = HealthStatus::Degraded {
        consecutive_failures: 2,
    };
    assert!(mock.set_health("edge-1", degraded).is_ok());
    assert!(mock.record_traffic("edge-1", "7", 100, 200).is_ok());
    mock.take_effects().deliveries
}

/// The webhook endpoints' own requests, in `shape`.
fn endpoint_requests(shape: WebhookShape) -> Vec<http::Request<Bytes>> {
    let base = "http://panel.test";
    let record = KernelTrafficRecord::for_user(7, 1, 2).observed_at(1_734_001_010);
    let mut payload = Map::new();
    payload.insert("user_id".to_owned(), json!("7"));
    payload.insert("current".to_owned(), json!({"used": 3}));
    let node = KernelNodeEventRequest::new(NodeEventName::NodeHealthy, "edge-1");
    let traffic = KernelTrafficReportRequest::new([record]);
    let service = KernelServiceEventRequest::new(EventName::UserTrafficReported, payload);
    [
        PostKernelEvent::with_shape(node, shape).try_into_http_request(base),
        PostKernelTraffic::with_shape(traffic, shape).try_into_http_request(base),
        PostKernelServiceEvent::with_shape(service, shape).try_into_http_request(base),
    ]
    .into_iter()
    .filter_map(Result::ok)
    .collect()
}

#[test]
fn every_body_the_crate_emits_passes_go_zero() -> TestResult {
    let mut requests: Vec<http::Request<Bytes>> = deliveries(WebhookShape::default())
        .iter()
        .map(Delivery::to_http)
        .collect::<Result<_, _>>()?;
    let mut paths: Vec<String> = requests.iter().map(|r| r.uri().path().to_owned()).collect();
    paths.sort();
    paths.dedup();
    assert_eq!(
        paths,
        [
            "/api/v1/kernel/events",
            "/api/v1/kernel/service-events",
            "/api/v1/kernel/traffic"
        ]
    );
    let endpoints = endpoint_requests(WebhookShape::default());
    assert_eq!(endpoints.len(), 3);
    requests.extend(endpoints);
    for request in &requests {
        let body = String::from_utf8_lossy(request.body()).into_owned();
        assert_eq!(go_zero_accepts(request), Ok(()), "{body}");
        assert!(
            request.headers()[header::CONTENT_TYPE]
                .to_str()?
                .contains("application/json")
        );
        // The panel-side receiver reads them too.
        assert!(Webhook::from_http(request, None).is_ok(), "{body}");
    }
    // `observed_at` is Unix seconds where the panel reads seconds.
    let now = SystemTime::now().duration_since(UNIX_EPOCH)?.as_secs();
    for request in &requests {
        let value: Value = serde_json::from_slice(request.body())?;
        let mut seconds: Vec<u64> = value["records"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|r| r["observed_at"].as_u64())
            .collect();
        seconds.extend(value["observed_at"].as_u64());
        for s in seconds
            .into_iter()
            .filter(|s| *s != 0 && *s != 1_734_001_010)
        {
            assert!(s.abs_diff(now) < 600, "{s} is not Unix seconds");
        }
    }
    Ok(())
}

#[test]
fn the_documented_shape_fails_go_zero_but_the_receiver_reads_it() -> TestResult {
    let mut requests: Vec<http::Request<Bytes>> = deliveries(WebhookShape::Documented)
        .iter()
        .map(Delivery::to_http)
        .collect::<Result<_, _>>()?;
    requests.extend(endpoint_requests(WebhookShape::Documented));
    assert!(requests.len() >= 6);
    for request in &requests {
        let body = String::from_utf8_lossy(request.body()).into_owned();
        assert!(go_zero_accepts(request).is_err(), "go-zero took {body}");
        assert!(Webhook::from_http(request, None).is_ok(), "{body}");
    }
    // The panel docs' own bodies fail it too (contract §8 rows 3-5).
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    for (file, fields) in [
        (
            "panel-docs--POST_api_v1_kernel_events--node_healthy.json",
            NODE_EVENT,
        ),
        (
            "panel-docs--POST_api_v1_kernel_service-events--user.traffic.reported.json",
            SERVICE_EVENT,
        ),
    ] {
        let value: Value = serde_json::from_slice(&std::fs::read(dir.join(file))?)?;
        assert!(go_zero_parse(fields, &value).is_err(), "{file}");
    }
    Ok(())
}

#[test]
fn the_checker_follows_go_zero_rules() {
    let record = json!({"user_id": 1, "subscription_id": 2, "protocol": "vless", "node_id": 0,
        "binding_id": 0, "bytes_up": 1, "bytes_down": 2, "observed_at": 3, "extra": true});
    let ok = json!({"records": [record.clone()]});
    assert_eq!(go_zero_parse(TRAFFIC_REPORT, &ok), Ok(()));
    assert_eq!(
        go_zero_parse(TRAFFIC_REPORT, &json!({"records": []})),
        Ok(())
    );
    for (key, bad) in [
        ("user_id", json!(-1)),
        ("bytes_up", json!(1.5)),
        ("protocol", json!(1)),
        ("node_id", Value::Null),
        ("subscription_id", json!("2")),
    ] {
        let mut r = record.clone();
        r[key] = bad;
        assert!(go_zero_parse(TRAFFIC_REPORT, &json!({"records": [r]})).is_err());
    }
    assert!(go_zero_parse(TRAFFIC_REPORT, &json!({"records": null})).is_err());
    let service = json!({"event": "e", "event_id": "", "occurred_at_ms": 0, "records": []});
    let mut with = service.clone();
    with["payload"] = json!("e30=");
    assert_eq!(go_zero_parse(SERVICE_EVENT, &with), Ok(()));
    with["payload"] = json!({});
    assert!(go_zero_parse(SERVICE_EVENT, &with).is_err());
    assert!(go_zero_parse(SERVICE_EVENT, &service).is_err());
}

// The guard (contract §7.1; webhookmiddleware.go).

const BODY: &str = r#"{"records":[]}"#;

fn callback(headers: &[(&str, &str)], body: &'static str) -> http::Request<Bytes> {
    let mut request = http::Request::new(Bytes::from_static(body.as_bytes()));
    *request.method_mut() = http::Method::POST;
    *request.uri_mut() = http::Uri::from_static("/api/v1/kernel/traffic");
    for (name, value) in headers {
        if let (Ok(n), Ok(v)) = (
            http::HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_str(value),
        ) {
            request.headers_mut().insert(n, v);
        }
    }
    request
}

const JSON: (&str, &str) = ("content-type", "application/json");

fn at(seconds: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(seconds)
}

fn refusal(
    request: &http::Request<Bytes>,
    peer: Option<IpAddr>,
    config: &WebhookConfig,
    now: SystemTime,
) -> Option<(u16, String)> {
    Webhook::receive(request, peer, config, now)
        .err()
        .map(|f| (f.status.as_u16(), f.message))
}

#[test]
fn addresses_outside_allow_cidrs_get_403() {
    let config = WebhookConfig {
        allow_cidrs: WebhookConfig::parse_cidrs(["10.0.0.0/8", " 192.168.1.0/24 ", "not-a-cidr"]),
        shared_token: Some(Secret::new("tok")),
        ..WebhookConfig::default()
    };
    assert_eq!(config.allow_cidrs.len(), 2);
    let outside = Some(IpAddr::V4(Ipv4Addr::new(203, 0, 113, 9)));
    let inside = Some(IpAddr::V4(Ipv4Addr::new(10, 1, 2, 3)));
    let now = SystemTime::now();
    let denied = Some((403, "webhook access denied".to_owned()));
    // The address is checked before the token.
    let r = callback(&[JSON, (TOKEN_HEADER, "wrong")], BODY);
    assert_eq!(refusal(&r, outside, &config, now), denied);
    assert_eq!(refusal(&r, None, &config, now), denied);
    let r = callback(&[JSON, (TOKEN_HEADER, "tok")], BODY);
    assert_eq!(refusal(&r, inside, &config, now), None);
    // The first X-Forwarded-For entry wins over the peer; a bad one falls back to the peer.
    let r = callback(
        &[
            JSON,
            (TOKEN_HEADER, "tok"),
            ("x-forwarded-for", " 192.168.1.7 , 203.0.113.9"),
        ],
        BODY,
    );
    assert_eq!(refusal(&r, outside, &config, now), None);
    let r = callback(
        &[
            JSON,
            (TOKEN_HEADER, "tok"),
            ("x-forwarded-for", "203.0.113.9, 10.0.0.1"),
        ],
        BODY,
    );
    assert_eq!(refusal(&r, inside, &config, now), denied);
    let r = callback(
        &[JSON, (TOKEN_HEADER, "tok"), ("x-forwarded-for", "unknown")],
        BODY,
    );
    assert_eq!(refusal(&r, inside, &config, now), None);
    // An IPv4-mapped IPv6 peer matches IPv4 networks, as in Go.
    let mapped = "::ffff:10.0.0.1".parse().ok();
    assert_eq!(refusal(&r, mapped, &config, now), None);
}

#[test]
fn tokens_missing_or_wrong_get_401() {
    let config = WebhookConfig::with_token(Some(Secret::new(" tok ")));
    let now = SystemTime::now();
    let r = callback(&[JSON], BODY);
    assert_eq!(
        refusal(&r, None, &config, now),
        Some((401, "missing webhook token".to_owned()))
    );
    let r = callback(&[JSON, (TOKEN_HEADER, "tok2")], BODY);
    assert_eq!(
        refusal(&r, None, &config, now),
        Some((401, "invalid webhook token".to_owned()))
    );
    let r = callback(&[JSON, (TOKEN_HEADER, "  tok ")], BODY);
    assert_eq!(refusal(&r, None, &config, now), None);
}

#[test]
fn signatures_are_checked_as_the_panel_checks_them() -> TestResult {
    let secret = Secret::new("whsec");
    let signed = WebhookConfig {
        signing_secret: Some(secret.clone()),
        ..WebhookConfig::default()
    };
    let t = 1_700_000_000u64;
    let now = at(t + 10);
    let good = stripe_signature(&secret, 1_700_000_000, BODY.as_bytes())?;

    // Secret set, no header, no shared token.
    let r = callback(&[JSON], BODY);
    assert_eq!(
        refusal(&r, None, &signed, now),
        Some((401, "missing stripe signature".to_owned()))
    );
    // A good signature; several v1 entries, one good; spaces around parts.
    let r = callback(&[JSON, (SIGNATURE_HEADER, &good)], BODY);
    assert_eq!(refusal(&r, None, &signed, now), None);
    let v1 = good.split("v1=").nth(1).unwrap_or_default();
    let several = format!("t={t}, v1=00, v0=ignored ,v1={v1}");
    let r = callback(&[JSON, (SIGNATURE_HEADER, &several)], BODY);
    assert_eq!(refusal(&r, None, &signed, now), None);
    // A signature over another body, or in upper-case hex.
    let other = stripe_signature(&secret, 1_700_000_000, b"{}")?;
    let r = callback(&[JSON, (SIGNATURE_HEADER, &other)], BODY);
    let mismatch = Some((401, "stripe signature mismatch".to_owned()));
    assert_eq!(refusal(&r, None, &signed, now), mismatch);
    let upper = format!("t={t},v1={}", v1.to_ascii_uppercase());
    let r = callback(&[JSON, (SIGNATURE_HEADER, &upper)], BODY);
    assert_eq!(refusal(&r, None, &signed, now), mismatch);
    // Expired, or from the future, beyond the 300 s default tolerance.
    let r = callback(&[JSON, (SIGNATURE_HEADER, &good)], BODY);
    let outside = Some((
        401,
        "stripe signature timestamp outside tolerance".to_owned(),
    ));
    assert_eq!(refusal(&r, None, &signed, at(t + 301)), outside);
    assert_eq!(refusal(&r, None, &signed, at(t - 301)), outside);
    assert_eq!(refusal(&r, None, &signed, at(t + 300)), None);
    let strict = WebhookConfig {
        tolerance: Duration::from_secs(5),
        ..signed.clone()
    };
    assert_eq!(refusal(&r, None, &strict, now), outside);
    // Headers without a usable `t` or `v1`.
    for header in [
        format!("v1={v1}"),
        format!("t={t}"),
        format!("t=0,v1={v1}"),
        "garbage".to_owned(),
    ] {
        let r = callback(&[JSON, (SIGNATURE_HEADER, &header)], BODY);
        assert_eq!(
            refusal(&r, None, &signed, now),
            Some((401, "invalid stripe signature header".to_owned())),
            "{header}"
        );
    }
    // With a shared token too: a signature decides alone; without one, the token does.
    let both = WebhookConfig {
        shared_token: Some(Secret::new("tok")),
        ..signed.clone()
    };
    let r = callback(&[JSON, (SIGNATURE_HEADER, &good)], BODY);
    assert_eq!(refusal(&r, None, &both, now), None);
    let r = callback(&[JSON], BODY);
    assert_eq!(
        refusal(&r, None, &both, now),
        Some((401, "missing webhook token".to_owned()))
    );
    let r = callback(&[JSON, (TOKEN_HEADER, "tok")], BODY);
    assert_eq!(refusal(&r, None, &both, now), None);
    // The sending side signs a whole request.
    let mut request = callback(&[JSON], BODY);
    sign_request(&mut request, &secret, 1_700_000_000)?;
    assert_eq!(refusal(&request, None, &signed, now), None);
    Ok(())
}

#[test]
fn bodies_not_labelled_json_get_go_zeros_400() {
    let open = WebhookConfig::default();
    let now = SystemTime::now();
    for (path, field) in [
        ("/api/v1/kernel/events", "event"),
        ("/api/v1/kernel/traffic", "records"),
        ("/api/v1/kernel/service-events", "event"),
    ] {
        for headers in [vec![], vec![("content-type", "text/plain")]] {
            let mut r = callback(&headers, BODY);
            *r.uri_mut() = path.parse().unwrap_or_default();
            assert_eq!(
                refusal(&r, None, &open, now),
                Some((
                    400,
                    format!("invalid request: field \"{field}\" is not set")
                )),
                "{path} {headers:?}"
            );
        }
    }
    let r = callback(&[JSON], "");
    assert_eq!(
        refusal(&r, None, &open, now),
        Some((
            400,
            "invalid request: field \"records\" is not set".to_owned()
        ))
    );
    let r = callback(&[("content-type", "application/json; charset=utf-8")], BODY);
    assert_eq!(refusal(&r, None, &open, now), None);
    // Routing comes first.
    let mut r = callback(&[], BODY);
    *r.method_mut() = http::Method::GET;
    assert_eq!(refusal(&r, None, &open, now).map(|f| f.0), Some(405));
    assert_eq!(
        StatusCode::from_u16(405).ok(),
        Some(StatusCode::METHOD_NOT_ALLOWED)
    );
}
