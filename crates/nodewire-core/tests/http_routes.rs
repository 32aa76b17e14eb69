//! Every HTTP route, both directions, through the in-memory Core: the client-side request is
//! answered by `server::handle_http`, the answer decodes with the endpoint and round-trips
//! losslessly through the registry (the `nodewire check` path); and the error paths (401 for a
//! missing or wrong key, 403, 400 naming the field, 404, 409) answer NestJS bodies.
#![cfg(feature = "mock")]

use bytes::Bytes;
use http::{HeaderValue, Method, StatusCode};
use nodewire_common::check::{Target, check};
use nodewire_common::{Endpoint, Patch, Secret};
use nodewire_core::auth;
use nodewire_core::config::{NodeConfig, NodeServices, XrayServiceConfig};
use nodewire_core::endpoints::*;
use nodewire_core::heartbeat::NodeHeartbeatDto;
use nodewire_core::mock::{MockConfig, MockCore, NodeStatus, SyncStatus};
use nodewire_core::node_error::NodeErrorDto;
use nodewire_core::register::RegisterNodeDto;
use nodewire_core::server::handle_http;
use nodewire_core::session::{
    SessionEventEntryDto, SessionEventType, SessionEventsDto, VpnProtocol,
};
use nodewire_core::usage::{NodeOutboundUsageDto, NodeUsageDto, OutboundUsageItem, UsageEntryDto};
use nodewire_core::{ErrorResponse, config::NodeConfigAppliedDto};

type TestResult = Result<(), Box<dyn std::error::Error>>;

const BASE: &str = "http://127.0.0.1:3000";

fn request<E: Endpoint>(
    e: &E,
    key: Option<&Secret>,
) -> Result<http::Request<Bytes>, Box<dyn std::error::Error>> {
    let mut r = e.try_into_http_request(BASE)?;
    if let Some(key) = key {
        r.headers_mut()
            .insert(nodewire_core::AUTH_HEADER, auth::header_value(key)?);
    }
    Ok(r)
}

/// Sends `e` to `core`, checks the answer round-trips through the registry, and decodes it.
async fn call<E: Endpoint<Protocol = nodewire_core::Core>>(
    core: &MockCore,
    e: &E,
    key: Option<&Secret>,
) -> Result<(StatusCode, Result<E::Response, nodewire_core::Error>), Box<dyn std::error::Error>> {
    let req = request(e, key)?;
    let line = format!("{} {}", req.method(), req.uri().path());
    if !req.body().is_empty() {
        let outcome = check(
            nodewire_core::registry(),
            &Target::Request { line: &line },
            req.body(),
        )?;
        assert!(outcome.ok, "request of {line}: {outcome:?}");
    }
    let response = handle_http(core, &req).await;
    let status = response.status();
    let outcome = check(
        nodewire_core::registry(),
        &Target::Response {
            line: &line,
            status: status.as_u16(),
        },
        response.body(),
    )?;
    assert!(outcome.ok, "response of {line} ({status}): {outcome:?}");
    Ok((status, E::try_from_http_response(&response)))
}

fn config() -> NodeConfig {
    let services: NodeServices = serde_json::from_value(serde_json::json!({
        "xray": {
            "inbounds": [{"tag": "vless-3", "port": 443, "protocol": "vless",
                          "settings": {"clients": [{"id": "6f1c7a52-1111-4c43-9a4e-9d0c7f3b2a10", "email": "6f1c7a52-1111-4c43-9a4e-9d0c7f3b2a10"}]}}],
            "outbounds": [{"tag": "direct", "protocol": "freedom"}],
            "routing": {"rules": [{"type": "field", "outboundTag": "direct", "network": "tcp,udp"}]}
        },
        "mtproto": {"inbounds": [{"port": 8443, "tlsDomain": "www.example.com"}]}
    }))
    .unwrap_or_default();
    let client_map = serde_json::from_value(serde_json::json!({
        "6f1c7a52-1111-4c43-9a4e-9d0c7f3b2a10": {"userId": 42, "subscriptionId": 7}
    }))
    .unwrap_or_default();
    let mut config = NodeConfig::new(1);
    config.client_map = client_map;
    config.services = services;
    config
}

fn registration(code: &str) -> Result<RegisterNodeDto, Box<dyn std::error::Error>> {
    Ok(RegisterNodeDto::new(code.parse()?, "Frankfurt 1", "203.0.113.7".parse()?, "eu").port(8080))
}

fn api_error<T: std::fmt::Debug>(r: Result<T, nodewire_core::Error>) -> Option<ErrorResponse> {
    match r {
        Err(nodewire_core::Error::Api { body, .. }) => Some(body),
        _ => None,
    }
}

#[tokio::test]
async fn a_node_s_whole_life_over_http() -> TestResult {
    let core = MockCore::new(MockConfig {
        registration_codes: vec![Secret::new("fra-1")],
        config: config(),
    });

    // Unknown code: 404.
    let (status, answer) = call(&core, &RegisterNode::new(registration("nope")?), None).await?;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(api_error(answer).is_some());

    // Register: 201, a fresh key.
    let (status, answer) = call(&core, &RegisterNode::new(registration("fra-1")?), None).await?;
    assert_eq!(status, StatusCode::CREATED);
    let registered = answer?;
    let key = registered.auth_key;
    assert_eq!(key.expose().len(), 64);
    assert_eq!(registered.node_id.to_string(), "1");

    // Heartbeat without a revision: needSync.
    let beat = Heartbeat::new(NodeHeartbeatDto::default().ip("203.0.113.7".parse()?));
    let (status, answer) = call(&core, &beat, Some(&key)).await?;
    assert_eq!(status, StatusCode::CREATED);
    assert!(answer?.need_sync);

    // Config, apply, confirm.
    let (status, answer) = call(&core, &GetLatestConfig, Some(&key)).await?;
    assert_eq!(status, StatusCode::OK);
    let latest = answer?;
    assert_eq!(latest, config());
    let (_, answer) = call(
        &core,
        &ConfirmConfigApplied::new(NodeConfigAppliedDto::new(latest.revision)),
        Some(&key),
    )
    .await?;
    answer?;
    let beat = Heartbeat::new(NodeHeartbeatDto::default().revision(latest.revision));
    assert!(!call(&core, &beat, Some(&key)).await?.1?.need_sync);
    let node = core.node(1)?.ok_or("no node")?;
    assert_eq!(node.sync, SyncStatus::Synced);
    assert_eq!(node.heartbeats, 2);
    assert_eq!(
        node.last_ip.as_ref().map(|ip| ip.as_str()),
        Some("203.0.113.7")
    );

    // A newer config: the node is behind again.
    let revision = core.publish(config())?;
    assert_eq!(revision, 2);
    assert!(call(&core, &beat, Some(&key)).await?.1?.need_sync);
    // Confirming a revision never published: 409.
    let (status, answer) = call(
        &core,
        &ConfirmConfigApplied::new(NodeConfigAppliedDto::new(9)),
        Some(&key),
    )
    .await?;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(api_error(answer).is_some());

    // Usage, outbound usage, session events.
    let entry = |user, sub, up| -> Result<UsageEntryDto, Box<dyn std::error::Error>> {
        let mut entry =
            UsageEntryDto::new(user, 3, up, 2 * up, "2026-06-01T12:00:00.000Z".parse()?);
        entry.subscription_id = sub;
        Ok(entry)
    };
    let usage = NodeUsageDto::new([
        entry(42, Patch::Value(7), 100)?,
        entry(42, Patch::Value(7), 50)?,
        entry(43, Patch::Null, 1)?,
        entry(44, Patch::Absent, 1)?,
    ]);
    call(&core, &ReportUsage::new(usage), Some(&key)).await?.1?;
    let totals = core.usage()?;
    assert_eq!(totals[&(42, Some(7))].bytes_up, 150);
    assert_eq!(totals[&(42, Some(7))].bytes_down, 300);
    assert_eq!(totals[&(43, None)].bytes_up, 1);
    assert_eq!(core.usage_by_protocol()?[&3].bytes_up, 152);
    let outbound = NodeOutboundUsageDto::new([OutboundUsageItem::new("direct", 5, 6)]);
    call(&core, &ReportOutboundUsage::new(outbound), Some(&key))
        .await?
        .1?;
    assert_eq!(core.outbound_usage()?["direct"].bytes_down, 6);
    let events = SessionEventsDto::new([SessionEventEntryDto::new(
        42,
        VpnProtocol::Vless,
        SessionEventType::Online,
        "2026-06-01T12:00:00+03:00".parse()?,
    )
    .ip_address("198.51.100.4".parse()?)]);
    call(&core, &ReportSessionEvents::new(events), Some(&key))
        .await?
        .1?;
    assert_eq!(core.session_events()?.len(), 1);

    // An error report.
    call(
        &core,
        &ReportError::new(NodeErrorDto::new("xray exited").code("XRAY")),
        Some(&key),
    )
    .await?
    .1?;
    let node = core.node(1)?.ok_or("no node")?;
    assert_eq!(node.status, NodeStatus::Error);
    assert_eq!(node.sync, SyncStatus::Failed);

    // Registering again rotates the key: the old one is refused with 401.
    let again = call(&core, &RegisterNode::new(registration("fra-1")?), None)
        .await?
        .1?;
    assert_eq!(again.node_id.to_string(), "1");
    let (status, answer) = call(&core, &GetLatestConfig, Some(&key)).await?;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(api_error(answer).map(|b| b.status_code), Some(401));
    assert_eq!(
        call(&core, &GetLatestConfig, Some(&again.auth_key))
            .await?
            .0,
        StatusCode::OK
    );

    // A disabled node: 403.
    core.set_enabled(1, false)?;
    assert_eq!(
        call(&core, &GetLatestConfig, Some(&again.auth_key))
            .await?
            .0,
        StatusCode::FORBIDDEN
    );
    Ok(())
}

fn raw(method: Method, path: &str, body: &str, key: Option<&str>) -> http::Request<Bytes> {
    let mut r = http::Request::new(Bytes::from(body.to_owned()));
    *r.method_mut() = method;
    *r.uri_mut() = format!("{BASE}{path}").parse().unwrap_or_default();
    if let Some(key) = key {
        r.headers_mut().insert(
            nodewire_core::AUTH_HEADER,
            HeaderValue::from_str(key).unwrap_or(HeaderValue::from_static("x")),
        );
    }
    r
}

async fn error_of(
    core: &MockCore,
    r: http::Request<Bytes>,
) -> Result<(StatusCode, ErrorResponse), Box<dyn std::error::Error>> {
    let response = handle_http(core, &r).await;
    let body: ErrorResponse = serde_json::from_slice(response.body())?;
    assert_eq!(body.status_code, response.status().as_u16());
    Ok((response.status(), body))
}

#[tokio::test]
async fn bad_requests_get_nest_error_bodies() -> TestResult {
    let core = MockCore::new(MockConfig::default());
    let key = core_key(&core).await?;

    // No key, an empty key, a wrong key: 401 on every protected route.
    for (method, path) in [
        (Method::POST, "/node/heartbeat"),
        (Method::POST, "/node/usage"),
        (Method::POST, "/node/outbound-usage"),
        (Method::POST, "/node/session-events"),
        (Method::GET, "/node/config/latest"),
        (Method::POST, "/node/config/applied"),
        (Method::POST, "/node/error"),
    ] {
        for k in [None, Some(""), Some("wrong")] {
            let (status, body) = error_of(&core, raw(method.clone(), path, "{}", k)).await?;
            assert_eq!(status, StatusCode::UNAUTHORIZED, "{method} {path} {k:?}");
            assert_eq!(body.error.as_deref(), Some("Unauthorized"));
        }
    }

    // A bad body: 400, naming the field.
    let bad = r#"{"entries":[{"userId":1,"nodeProtocolId":2,"bytesUp":3,"bytesDown":4,"recordedAt":"yesterday"}]}"#;
    let (status, body) = error_of(&core, raw(Method::POST, "/node/usage", bad, Some(&key))).await?;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        body.message.joined().contains("entries[0].recordedAt"),
        "{body:?}"
    );
    let (status, body) = error_of(
        &core,
        raw(
            Method::POST,
            "/node/heartbeat",
            r#"{"ip":"host"}"#,
            Some(&key),
        ),
    )
    .await?;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body.message.joined().contains("ip"), "{body:?}");
    let (status, _) = error_of(
        &core,
        raw(Method::POST, "/node/config/applied", "{", Some(&key)),
    )
    .await?;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, _) = error_of(&core, raw(Method::POST, "/node/usage", "", Some(&key))).await?;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    // The heartbeat body is optional; paths match as Express matches them.
    let ok = handle_http(
        &core,
        &raw(Method::POST, "/Node/Heartbeat/", "", Some(&key)),
    )
    .await;
    assert_eq!(ok.status(), StatusCode::CREATED);

    // Unknown route, wrong method: Express's 404.
    let (status, body) =
        error_of(&core, raw(Method::GET, "/node/heartbeat", "", Some(&key))).await?;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body.message.joined(), "Cannot GET /node/heartbeat");
    let (status, _) = error_of(&core, raw(Method::POST, "/node/nothing", "{}", None)).await?;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // Registration needs no key but a valid body.
    let (status, body) = error_of(
        &core,
        raw(
            Method::POST,
            "/node/register",
            r#"{"code":"c","name":"n","ip":"1.2.3","region":"eu"}"#,
            None,
        ),
    )
    .await?;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body.message.joined().contains("ip"), "{body:?}");
    Ok(())
}

async fn core_key(core: &MockCore) -> Result<String, Box<dyn std::error::Error>> {
    let r = request(&RegisterNode::new(registration("any")?), None)?;
    let response = handle_http(core, &r).await;
    let registered = RegisterNode::try_from_http_response(&response)?;
    Ok(registered.auth_key.expose().to_owned())
}

#[test]
fn the_services_accessors_see_the_config() -> TestResult {
    let c = config();
    let xray: &XrayServiceConfig = c.services.xray.as_ref().ok_or("no xray")?;
    assert_eq!(xray.inbound_tags().collect::<Vec<_>>(), ["vless-3"]);
    assert_eq!(xray.outbounds().len(), 1);
    Ok(())
}
