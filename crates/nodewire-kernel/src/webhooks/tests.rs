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
