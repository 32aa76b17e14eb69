use std::net::IpAddr;
use std::time::SystemTime;

use super::*;

fn post(path: &str, token: Option<&str>, body: &'static str) -> http::Request<Bytes> {
    let mut r = http::Request::new(Bytes::from_static(body.as_bytes()));
    *r.method_mut() = Method::POST;
    *r.uri_mut() = path.parse().unwrap_or_default();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    if let Some(t) = token {
        r.headers_mut()
            .insert(TOKEN_HEADER, HeaderValue::from_str(t).unwrap());
    }
    r
}

#[test]
fn tokens_are_checked() {
    let secret = Secret::new("s3cret");
    let body = r#"{"records":[]}"#;
    let missing = Webhook::from_http(&post("/api/v1/kernel/traffic", None, body), Some(&secret));
    assert_eq!(
        missing.err().map(|f| f.message),
        Some("missing webhook token".into())
    );
    let wrong = Webhook::from_http(
        &post("/api/v1/kernel/traffic", Some("nope"), body),
        Some(&secret),
    );
    assert_eq!(
        wrong.err().map(|f| f.status),
        Some(StatusCode::UNAUTHORIZED)
    );
    let trimmed = Webhook::from_http(
        &post("/api/v1/kernel/traffic", Some(" s3cret "), body),
        Some(&secret),
    );
    assert!(matches!(trimmed, Ok(Webhook::Traffic(_))));
    let open = Webhook::from_http(&post("/api/v1/kernel/traffic", None, body), None);
    assert!(open.is_ok());
}

#[test]
fn both_shapes_decode() {
    let no_node = r#"{"event":"node_healthy","status":"healthy"}"#;
    let f = Webhook::from_http(&post("/api/v1/kernel/events", None, no_node), None).err();
    assert_eq!(f.as_ref().map(|f| f.status), Some(StatusCode::BAD_REQUEST));
    assert!(f.is_some_and(|f| f.message.contains("node_id")));
    let node_id_only = r#"{"event":"node_degraded","node_id":"edge-1"}"#;
    assert!(Webhook::from_http(&post("/api/v1/kernel/events", None, node_id_only), None).is_ok());
    // `{"user_id":1}` as base64: the go-zero form.
    let string_payload = r#"{"event":"user.traffic.reported","event_id":"e1","occurred_at_ms":1,"payload":"eyJ1c2VyX2lkIjoxfQ==","records":[]}"#;
    match Webhook::from_http(
        &post("/api/v1/kernel/service-events", None, string_payload),
        None,
    ) {
        Ok(Webhook::ServiceEvent(call)) => {
            let object = call.body.payload_object().unwrap_or_default();
            assert_eq!(object.get("user_id"), Some(&Value::from(1)));
        }
        other => panic!("{other:?}"),
    }
    let not_base64 = r#"{"event":"user.traffic.reported","payload":"{not base64}"}"#;
    let f = Webhook::from_http(
        &post("/api/v1/kernel/service-events", None, not_base64),
        None,
    )
    .err();
    assert!(f.is_some_and(|f| f.message.contains("payload")));
    let no_owner = r#"{"records":[{"bytes_up":1,"bytes_down":2}]}"#;
    let f = Webhook::from_http(&post("/api/v1/kernel/traffic", None, no_owner), None).err();
    assert!(f.is_some_and(|f| f.message.contains("subscription_id")));
    let f = Webhook::from_http(&post("/api/v1/kernel/nope", None, "{}"), None).err();
    assert_eq!(f.map(|f| f.status), Some(StatusCode::NOT_FOUND));
}

#[test]
fn shapes_convert_both_ways_without_loss() {
    let mut payload = Map::new();
    payload.insert("user_id".to_owned(), Value::from("7"));
    let documented = KernelServiceEventRequest::new(EventName::UserTrafficReported, payload);
    let go_zero = documented.clone().shaped(WebhookShape::GoZero);
    assert!(matches!(go_zero.payload, Some(EventPayload::Base64(_))));
    assert_eq!(go_zero.records, Some(Vec::new()));
    assert_eq!(go_zero.traffic_reported(), documented.traffic_reported());
    assert_eq!(go_zero.shaped(WebhookShape::Documented), documented);

    let record = KernelTrafficRecord {
        user_id: None,
        subscription_id: Some(3),
        protocol: None,
        node_id: None,
        binding_id: None,
        bytes_up: 1,
        bytes_down: 2,
        observed_at: Some(9),
    };
    let full = record.clone().shaped(WebhookShape::GoZero);
    assert_eq!((full.user_id, full.node_id), (Some(0), Some(0)));
    assert_eq!(full.shaped(WebhookShape::Documented), record);
}

#[test]
fn service_event_names_normalize_as_the_panel_does() -> Result<(), serde_json::Error> {
    let e: KernelServiceEventRequest =
        serde_json::from_str(r#"{"event":"User.Traffic-Reported"}"#)?;
    assert_eq!(e.normalized_event(), "user_traffic_reported");
    Ok(())
}

#[test]
fn a_body_not_labelled_json_fails_as_go_zero_fails() {
    let mut request = post("/api/v1/kernel/traffic", None, r#"{"records":[]}"#);
    request.headers_mut().remove(header::CONTENT_TYPE);
    let f = Webhook::from_http(&request, None).err();
    assert_eq!(
        f.map(|f| (f.status, f.message)),
        Some((
            StatusCode::BAD_REQUEST,
            "invalid request: field \"records\" is not set".to_owned()
        ))
    );
}

fn head(method: &str, path: &str, headers: &[(&str, &str)]) -> http::request::Parts {
    let mut builder = http::Request::builder().method(method).uri(path);
    for (name, value) in headers {
        builder = builder.header(*name, *value);
    }
    let (head, ()) = builder.body(()).unwrap_or_default().into_parts();
    head
}

fn admitted(
    head: &http::request::Parts,
    config: &WebhookConfig,
    now: SystemTime,
) -> Result<(), (u16, String)> {
    Webhook::admit(head, None, config, 1024, now).map_err(|f| (f.status.as_u16(), f.message))
}

#[test]
fn text_plain_gets_the_panels_refusal_even_when_it_names_json() {
    let config = WebhookConfig::default();
    let now = SystemTime::now();
    let refusal = Err((
        400,
        "invalid request: field \"records\" is not set".to_owned(),
    ));
    for label in [
        "text/plain",
        "text/plain;charset=UTF-8",
        "text/plain; x=application/json",
        "text/plain;application/json",
        "Application/JSON",
    ] {
        let h = head(
            "POST",
            "/api/v1/kernel/traffic",
            &[("content-type", label), ("content-length", "14")],
        );
        assert_eq!(admitted(&h, &config, now), refusal, "{label}");
        let mut whole = post("/api/v1/kernel/traffic", None, r#"{"records":[]}"#);
        whole
            .headers_mut()
            .insert(header::CONTENT_TYPE, HeaderValue::from_static(label));
        let answer = Webhook::receive(&whole, None, &config, now)
            .err()
            .map(WebhookFailure::into_response);
        assert_eq!(
            answer.map(|r| (r.status(), r.into_body())),
            Some((
                StatusCode::BAD_REQUEST,
                Bytes::from_static(
                    br#"{"message":"invalid request: field \"records\" is not set"}"#
                )
            )),
            "{label}"
        );
    }
    for label in ["application/json", "application/json; charset=utf-8"] {
        let h = head("POST", "/api/v1/kernel/traffic", &[("content-type", label)]);
        assert_eq!(admitted(&h, &config, now), Ok(()), "{label}");
    }
}

#[test]
fn admit_refuses_from_the_head_in_the_panels_order() {
    let now = SystemTime::now();
    let config = WebhookConfig {
        allow_cidrs: WebhookConfig::parse_cidrs(["10.0.0.0/8"]),
        shared_token: Some(Secret::new("tok")),
        ..WebhookConfig::default()
    };
    let json = ("content-type", "application/json");
    // Routing first: a wrong path or method is refused before anything else is looked at.
    let h = head("POST", "/api/v1/kernel/nope", &[]);
    assert_eq!(admitted(&h, &config, now).map_err(|e| e.0), Err(404));
    let h = head("PUT", "/api/v1/kernel/events", &[]);
    let refused = Webhook::admit(&h, None, &config, 1024, now).err();
    let response = refused.map(WebhookFailure::into_response);
    assert_eq!(
        response
            .as_ref()
            .map(|r| (r.status(), r.headers().get(header::ALLOW))),
        Some((
            StatusCode::METHOD_NOT_ALLOWED,
            Some(&HeaderValue::from_static("POST"))
        ))
    );
    assert!(response.is_some_and(|r| r.body().is_empty()));
    // Then a declared length over the limit, without a body (go-zero's MaxBytesHandler).
    let h = head(
        "POST",
        "/api/v1/kernel/events",
        &[("content-length", "2097152")],
    );
    let refused = Webhook::admit(&h, None, &config, 1024, now).err();
    let response = refused.map(WebhookFailure::into_response);
    assert_eq!(
        response.map(|r| (r.status(), r.body().len())),
        Some((StatusCode::PAYLOAD_TOO_LARGE, 0))
    );
    // Then the address, then the token, then the Content-Type.
    let h = head("POST", "/api/v1/kernel/events", &[]);
    assert_eq!(
        admitted(&h, &config, now),
        Err((403, "webhook access denied".to_owned()))
    );
    let inside = Some(IpAddr::from([10, 0, 0, 1]));
    let refusal = |h: &http::request::Parts| {
        Webhook::admit(h, inside, &config, 1024, now).map_err(|f| (f.status.as_u16(), f.message))
    };
    assert_eq!(refusal(&h), Err((401, "missing webhook token".to_owned())));
    let h = head("POST", "/api/v1/kernel/events", &[(TOKEN_HEADER, "tok")]);
    assert_eq!(
        refusal(&h),
        Err((
            400,
            "invalid request: field \"event\" is not set".to_owned()
        ))
    );
    let h = head(
        "POST",
        "/api/v1/kernel/events",
        &[(TOKEN_HEADER, "tok"), json],
    );
    assert_eq!(refusal(&h), Ok(()));
}

#[test]
fn a_signature_is_checked_from_the_head_as_far_as_it_can_be() -> Result<(), IntoRequestError> {
    let secret = Secret::new("whsec");
    let config = WebhookConfig {
        signing_secret: Some(secret.clone()),
        ..WebhookConfig::default()
    };
    let t = 1_700_000_000;
    let now = std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_700_000_010);
    let body = br#"{"records":[]}"#;
    let good = guard::stripe_signature(&secret, t, body)?;
    // Without a signature, or with an expired one: refused from the head.
    let h = head("POST", "/api/v1/kernel/traffic", &[]);
    assert_eq!(
        admitted(&h, &config, now),
        Err((401, "missing stripe signature".to_owned()))
    );
    let late = std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_700_001_000);
    let h = head(
        "POST",
        "/api/v1/kernel/traffic",
        &[(SIGNATURE_HEADER, &good)],
    );
    assert_eq!(
        admitted(&h, &config, late),
        Err((
            401,
            "stripe signature timestamp outside tolerance".to_owned()
        ))
    );
    // A signature in time leaves its HMAC for the body, and the Content-Type rule after it,
    // as the panel checks the signature first.
    assert_eq!(admitted(&h, &config, now), Ok(()));
    let forged = guard::stripe_signature(&Secret::new("other"), t, body)?;
    let mut request = post("/api/v1/kernel/traffic", None, r#"{"records":[]}"#);
    request
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static("text/plain"));
    request.headers_mut().insert(
        SIGNATURE_HEADER,
        HeaderValue::from_str(&forged).unwrap_or(HeaderValue::from_static("x")),
    );
    let refused = Webhook::receive(&request, None, &config, now).err();
    assert_eq!(
        refused.map(|f| f.message),
        Some("stripe signature mismatch".to_owned())
    );
    Ok(())
}

#[test]
fn error_bodies_quote_a_short_piece_of_the_input_and_name_json_types() {
    let huge = "x".repeat(900 * 1024);
    let body = format!(r#"{{"records":[{{"user_id":"{huge}","bytes_up":1,"bytes_down":2}}]}}"#);
    let mut request = post("/api/v1/kernel/traffic", None, "");
    *request.body_mut() = Bytes::from(body);
    let failure = Webhook::from_http(&request, None).err();
    let message = failure
        .as_ref()
        .map(|f| f.message.clone())
        .unwrap_or_default();
    assert!(message.chars().count() <= 320, "{} chars", message.len());
    assert!(message.contains("records[0].user_id"), "{message}");
    assert!(message.contains("a non-negative integer"), "{message}");
    assert!(!message.contains("u64"), "{message}");
    let response = failure.map(WebhookFailure::into_response);
    assert!(response.is_some_and(|r| r.body().len() < 1024));

    let not_an_object = post("/api/v1/kernel/traffic", None, r#"{"records":[1]}"#);
    let message = Webhook::from_http(&not_an_object, None)
        .err()
        .map(|f| f.message)
        .unwrap_or_default();
    assert!(message.contains("expected an object"), "{message}");
    assert!(!message.contains("Raw"), "{message}");
}

#[test]
fn the_printed_forms_escape_the_peer_and_redact_secrets() {
    let body = r#"{"event":"user.created\n2026-01-01 forged line","event_id":"e\u001b[31m",
        "payload":{"username":"alice\r\u009b2J","password":"hunter2","api_token":"tok-123",
        "nested":[{"secret":"s3"}]}}"#;
    let request = post("/api/v1/kernel/service-events", None, body);
    let webhook = Webhook::from_http(&request, None);
    let Ok(webhook) = webhook else {
        panic!("{webhook:?}");
    };
    for printed in [
        webhook.to_string(),
        webhook.to_log_json(4096),
        format!("{webhook:?}"),
    ] {
        assert!(
            !printed.chars().any(|c| c.is_control() && c != ' '),
            "{printed:?}"
        );
        for secret in ["hunter2", "tok-123", "\"s3\""] {
            assert!(!printed.contains(secret), "{printed}");
        }
        assert!(printed.contains("[redacted]"), "{printed}");
        assert!(printed.contains("user.created\\") && printed.contains("forged line"));
    }
    let node = r#"{"event":"node_healthy","id":"edge\u001b]0;x\u0007","status":"ok\u2028"}"#;
    let request = post("/api/v1/kernel/events", None, node);
    let line = Webhook::from_http(&request, None)
        .map(|w| w.to_string())
        .unwrap_or_default();
    assert!(line.contains("edge\\u{1b}]0;x\\u{7}"), "{line}");
    assert!(!line.contains('\u{2028}'), "{line}");
}

#[test]
fn the_endpoints_debug_redacts_the_payloads_credentials() -> Result<(), Box<dyn std::error::Error>>
{
    let body = r#"{"event":"user.created","event_id":"e1","occurred_at_ms":1,
        "payload":{"username":"alice","password":"hunter2"},"records":[]}"#;
    let request: KernelServiceEventRequest = serde_json::from_str(body)?;
    let object = PostKernelServiceEvent::new(request.clone());
    let Some(EventPayload::Object(map)) = request.payload.clone() else {
        panic!("{request:?}");
    };
    let base64 = EventPayload::encode(&map);
    for printed in [
        format!("{object:?}"),
        format!("{:?}", object.token("t0k3n")),
        format!("{base64:?}"),
        format!("{:?}", PostKernelServiceEvent::new(request)),
    ] {
        assert!(!printed.contains("hunter2"), "{printed}");
        assert!(!printed.contains("t0k3n"), "{printed}");
        assert!(printed.contains("alice"), "{printed}");
    }
    let opaque = format!("{:?}", EventPayload::Base64("not base64!".to_owned()));
    assert!(!opaque.contains("not base64"), "{opaque}");
    Ok(())
}

#[test]
fn observed_times_read_as_date_times_and_re_encode_unchanged()
-> Result<(), Box<dyn std::error::Error>> {
    let body =
        include_str!("../../tests/fixtures/gozero--POST_api_v1_kernel_events--node_degraded.json");
    let event: KernelNodeEventRequest = serde_json::from_str(body)?;
    assert_eq!(
        event.observed_at_utc().map(|t| t.to_rfc3339()),
        Some("2024-12-12T10:56:50+00:00".to_owned())
    );
    assert_eq!(
        serde_json::to_value(&event)?,
        serde_json::from_str::<Value>(body)?
    );
    let unset = KernelNodeEventRequest::new(NodeEventName::from("node_healthy"), "edge-1")
        .shaped(WebhookShape::GoZero);
    assert_eq!(unset.observed_at, Some(0));
    assert_eq!(unset.observed_at_utc(), None);

    let body =
        include_str!("../../tests/fixtures/gozero--POST_api_v1_kernel_traffic--records.json");
    let traffic: KernelTrafficReportRequest = serde_json::from_str(body)?;
    let record = traffic.records.first().ok_or("no record")?;
    assert_eq!(record.observed_at_utc(), event.observed_at_utc());
    assert_eq!(
        serde_json::to_value(&traffic)?,
        serde_json::from_str::<Value>(body)?
    );
    let service = KernelServiceEventRequest::new(EventName::UserTrafficReported, Map::new())
        .occurred_at_ms(1_733_965_197_000);
    assert_eq!(
        service.occurred_at_utc().map(|t| t.timestamp()),
        Some(1_733_965_197)
    );
    Ok(())
}
