//! The issue's acceptance points that are not fixture entries: degraded and unhealthy nodes
//! decode, the panel docs' webhook examples decode through the receiver, and an event stream
//! split at any byte boundary decodes to the same events.

use bytes::Bytes;
use nodewire_common::{Endpoint, Secret};
use nodewire_kernel::endpoints::{EventsStream, GetStatus, StatusStream};
use nodewire_kernel::status::HealthStatus;
use nodewire_kernel::streams::{
    EventEnvelope, EventName, EventStreamEvent, StatusFrame, StreamDecoder, decode_stream,
};
use nodewire_kernel::webhooks::{NodeEventStatus, Webhook};
use proptest::prelude::*;

#[test]
fn degraded_and_unhealthy_nodes_decode() -> Result<(), Box<dyn std::error::Error>> {
    let body = br#"{"snapshot":{"nodes":[
        {"id":"a","role":"listener","protocol":"http","health":{"status":"Healthy"}},
        {"id":"b","role":"listener","protocol":"http","health":{"status":{"Degraded":{"consecutive_failures":3}},"consecutive_failures":3,"last_failure_elapsed_ms":null}},
        {"id":"c","role":"connector","protocol":"socks","health":{"status":{"Unhealthy":{"consecutive_failures":12}},"consecutive_failures":12,"last_failure_elapsed_ms":250}}
    ]}}"#;
    let response = http::Response::builder()
        .status(200)
        .header("content-type", "application/json")
        .body(Bytes::from_static(body))?;
    let status = GetStatus::default().try_from_http_response_owned(&response)?;
    let health: Vec<HealthStatus> = status
        .snapshot
        .nodes
        .unwrap_or_default()
        .into_iter()
        .filter_map(|n| n.health.and_then(|h| h.status))
        .collect();
    assert_eq!(
        health,
        vec![
            HealthStatus::Healthy,
            HealthStatus::Degraded {
                consecutive_failures: 3
            },
            HealthStatus::Unhealthy {
                consecutive_failures: 12
            },
        ]
    );
    // And the lossless check agrees.
    let outcome = nodewire_common::check::check(
        nodewire_kernel::registry(),
        &nodewire_common::check::Target::Response {
            line: "GET /v1/status",
            status: 200,
        },
        body,
    )?;
    assert!(outcome.ok, "{outcome:?}");
    Ok(())
}

/// `try_from_http_response` returning the body, for brevity.
trait Body: Endpoint<Protocol = nodewire_kernel::Kernel> {
    fn try_from_http_response_owned(
        &self,
        response: &http::Response<Bytes>,
    ) -> Result<Self::Response, nodewire_kernel::Error> {
        Self::try_from_http_response(response).map(|r| r.body)
    }
}
impl<E: Endpoint<Protocol = nodewire_kernel::Kernel>> Body for E {}

fn post(path: &str, body: &'static str) -> http::Request<Bytes> {
    http::Request::builder()
        .method("POST")
        .uri(path)
        .header("content-type", "application/json")
        .header("X-ZNP-Webhook-Token", "shared-token")
        .body(Bytes::from_static(body.as_bytes()))
        .unwrap_or_default()
}

/// The three examples of docs/kernel-integration.md ("面板回调接入"), verbatim.
#[test]
fn the_docs_webhook_examples_decode() {
    let token = Secret::new("shared-token");
    let node = r#"{
  "event": "node_healthy",
  "id": "edge-hk-1-vless",
  "status": "healthy",
  "message": "ok",
  "observed_at": 1734001010
}"#;
    match Webhook::from_http(&post("/api/v1/kernel/events", node), Some(&token)) {
        Ok(Webhook::NodeEvent(call)) => {
            assert_eq!(call.body.node(), "edge-hk-1-vless");
            assert_eq!(call.body.status, Some(NodeEventStatus::Healthy));
            assert_eq!(call.body.observed_at, Some(1_734_001_010));
            assert_eq!(call.token, Some(token.clone()));
        }
        other => panic!("node event: {other:?}"),
    }
    let traffic = r#"{
  "records": [
    {
      "user_id": 1,
      "subscription_id": 2,
      "protocol": "vless",
      "node_id": 10,
      "binding_id": 3,
      "bytes_up": 1234,
      "bytes_down": 5678,
      "observed_at": 1734001010
    }
  ]
}"#;
    match Webhook::from_http(&post("/api/v1/kernel/traffic", traffic), Some(&token)) {
        Ok(Webhook::Traffic(call)) => {
            let record = &call.body.records[0];
            assert_eq!(
                (record.subscription_id, record.bytes_up, record.bytes_down),
                (Some(2), 1234, 5678)
            );
        }
        other => panic!("traffic: {other:?}"),
    }
    let service = r#"{
  "event": "user.traffic.reported",
  "payload": {
    "user_id": "alice",
    "previous": {"used": 1024, "remaining": 2048},
    "current": {"used": 2048, "remaining": 1024}
  }
}"#;
    match Webhook::from_http(
        &post("/api/v1/kernel/service-events", service),
        Some(&token),
    ) {
        Ok(Webhook::ServiceEvent(call)) => {
            assert_eq!(call.body.event, EventName::UserTrafficReported);
            let payload = call.body.traffic_reported().unwrap_or_default();
            assert_eq!(
                payload.user_id.map(|u| u.to_string()).as_deref(),
                Some("alice")
            );
            assert_eq!(payload.current.and_then(|c| c.used), Some(2048));
        }
        other => panic!("service event: {other:?}"),
    }
}

const STREAM: &[u8] = b": connected\r\n\r\nretry: 3000\r\nevent: node.degraded\r\ndata: {\"event\":\"node.degraded\",\"event_id\":\"019ab700-ca15-728b-b54f-17dc203acc2f\",\"occurred_at_ms\":1733965196123,\"payload\":{\"event\":\"node_degraded\",\"node_id\":\"edge-1\",\"triggered_at\":\"2024-01-01T00:00:00Z\"}}\r\n\r\nevent: user.traffic.reported\nid: 42\ndata: {\"event\":\"user.traffic.reported\",\"event_id\":\"e2\",\"occurred_at_ms\":1733965197000,\n\
data: \"payload\":{\"user_id\":\"alice\",\"current\":{\"used\":2048,\"remaining\":1024}}}\n\n: keepalive\n\nevent: node.healthy\rdata: {\"event\":\"node.healthy\",\"payload\":{\"event\":\"node_healthy\",\"node_id\":\"edge-1\"}}\r\r";

type Decoded = Result<Vec<EventStreamEvent>, nodewire_kernel::streams::StreamError>;

fn decode_chunks(chunks: &[&[u8]]) -> Decoded {
    let mut decoder = StreamDecoder::<EventEnvelope>::new();
    let mut out = Vec::new();
    for chunk in chunks {
        out.extend(decoder.push(chunk));
    }
    out.extend(decoder.finish());
    out.into_iter().collect()
}

fn whole() -> Decoded {
    decode_chunks(&[STREAM])
}

#[test]
fn the_stream_has_three_events() -> Result<(), Box<dyn std::error::Error>> {
    let events = whole()?;
    assert_eq!(events.len(), 3);
    assert_eq!(events[0].data.node_payload()?.node_id, "edge-1");
    assert_eq!(events[1].id.as_deref(), Some("42"));
    assert_eq!(
        events[1]
            .data
            .traffic_reported()?
            .current
            .and_then(|c| c.used),
        Some(2048)
    );
    assert_eq!(events[2].event, "node.healthy");
    Ok(())
}

#[test]
fn an_event_stream_split_anywhere_decodes_the_same() {
    let expected = whole();
    for i in 0..=STREAM.len() {
        let (a, b) = STREAM.split_at(i);
        assert_eq!(decode_chunks(&[a, b]), expected, "split at {i}");
    }
    for i in (0..=STREAM.len()).step_by(7) {
        for j in i..=STREAM.len() {
            let (a, rest) = STREAM.split_at(i);
            let (b, c) = rest.split_at(j - i);
            assert_eq!(decode_chunks(&[a, b, c]), expected, "split at {i} and {j}");
        }
    }
    let bytes: Vec<&[u8]> = STREAM.chunks(1).collect();
    assert_eq!(decode_chunks(&bytes), expected);
    // The whole-body path (the registry's and the client's) agrees.
    let body: Vec<EventStreamEvent> = decode_stream(STREAM).unwrap_or_default();
    assert_eq!(Ok(body), expected);
}

proptest! {
    #[test]
    fn random_chunkings_decode_the_same(cuts in proptest::collection::vec(0..STREAM.len(), 0..24)) {
        let mut cuts = cuts;
        cuts.sort_unstable();
        let mut chunks = Vec::new();
        let mut start = 0;
        for cut in cuts {
            chunks.push(&STREAM[start..cut]);
            start = cut;
        }
        chunks.push(&STREAM[start..]);
        prop_assert_eq!(decode_chunks(&chunks), whole());
    }
}

#[test]
fn stream_responses_decode_through_the_endpoints() -> Result<(), Box<dyn std::error::Error>> {
    let response = http::Response::builder()
        .status(200)
        .header("content-type", "text/event-stream; charset=utf-8")
        .body(Bytes::from_static(STREAM))?;
    let events = EventsStream::default().try_from_http_response_owned(&response)?;
    assert_eq!(events, whole()?);
    let status = http::Response::builder()
        .status(200)
        .header("content-type", "text/event-stream")
        .body(Bytes::from_static(
            b"event: status.full\ndata: {\"type\":\"full\",\"snapshot\":{\"nodes\":[]}}\n\n",
        ))?;
    let frames = StatusStream::default().try_from_http_response_owned(&status)?;
    assert!(matches!(&frames[0].data, StatusFrame::Full(f) if f.snapshot.nodes == Some(vec![])));
    // A server encodes the same events back.
    let reply = nodewire_kernel::Reply::events(events.clone());
    let encoded = EventsStream::try_into_http_response(&reply)?;
    assert_eq!(encoded.headers()["content-type"], "text/event-stream");
    assert_eq!(decode_stream::<EventEnvelope>(encoded.body())?, events);
    Ok(())
}
