use nodewire_common::Endpoint;
use nodewire_common::endpoint::Outcome as Answer;

use serde_json::{Value, json};

use super::*;
use crate::auth::Credentials;
use crate::endpoints::*;
use crate::protocols::{NodeProfile, NodeRole, ProfileProtocol};
use crate::registrations::ServiceEventKind;
use crate::registrations::{EventRegistrationRequest, ServiceEventRegistrationRequest};
use crate::streams::EventName;
use crate::streams::StatusFrame;
use crate::users::UserCreateRequest;
use crate::users::{MetadataValue, RatePatch, TrafficPatch, UserPatchRequest};

fn mock() -> MockKernel {
    MockKernel::new(MockConfig {
        traffic_callback: Some(Callback {
            url: "http://panel.test/api/v1/kernel/traffic".to_owned(),
            token: Some(Secret::new("tok")),
        }),
        ..MockConfig::default()
    })
}

fn send<E: Endpoint<Protocol = crate::Kernel>>(
    mock: &mut MockKernel,
    call: &E,
    credentials: &Credentials,
) -> (Outcome, Option<Answer<E>>) {
    let mut request = call.try_into_http_request("http://kernel.test").unwrap();
    if let Some(auth) = credentials.authorization() {
        request
            .headers_mut()
            .insert(header::AUTHORIZATION, auth.expose().parse().unwrap());
    }
    let (head, body) = request.into_parts();
    match mock.handle(&head, Body::Complete(body)) {
        Outcome::Respond(response) => {
            let answer = E::try_from_http_response(&response);
            (Outcome::Respond(response), Some(answer))
        }
        other => (other, None),
    }
}

fn creds() -> Credentials {
    Credentials::basic("panel", "panel-secret").into()
}

fn call<E: Endpoint<Protocol = crate::Kernel>>(mock: &mut MockKernel, e: &E) -> Answer<E> {
    send(mock, e, &creds()).1.expect("a response")
}

fn upsert_edge(mock: &mut MockKernel, id: &str) {
    let profile = NodeProfile::new(id, NodeRole::Listener, ProfileProtocol::Vless);
    let users = vec![User::new("7", "alice", "pw")];
    let body = ProtocolUpsertRequest::new(profile)
        .listen("0.0.0.0:443")
        .users(users);
    call(mock, &UpsertProtocol::new(body)).unwrap();
}

#[test]
fn auth_is_required_except_for_healthz() {
    let mut m = mock();
    let (_, answer) = send(&mut m, &ListUsers::default(), &Credentials::None);
    assert_eq!(
        answer.unwrap().err().and_then(|e| e.status()),
        Some(StatusCode::UNAUTHORIZED)
    );
    let (_, answer) = send(
        &mut m,
        &ListUsers::default(),
        &Credentials::basic("panel", "nope").into(),
    );
    assert_eq!(
        answer.unwrap().err().and_then(|e| e.status()),
        Some(StatusCode::UNAUTHORIZED)
    );
    let (_, answer) = send(&mut m, &GetHealthz, &Credentials::None);
    assert_eq!(answer.unwrap().unwrap().body, "ok");
}

#[test]
fn user_lifecycle() {
    let mut m = mock();
    let create = UserCreateRequest::new("vip-001", "alice", "secret")
        .traffic(TrafficPatch {
            allocated: Some(1 << 30),
            used: None,
        })
        .rate(RatePatch::up_only(1 << 20));
    assert_eq!(
        call(&mut m, &CreateUser::new(create.clone()))
            .unwrap()
            .body
            .id
            .as_deref(),
        Some("vip-001")
    );
    assert_eq!(
        call(&mut m, &CreateUser::new(create))
            .err()
            .and_then(|e| e.status()),
        Some(StatusCode::CONFLICT)
    );
    let user = call(&mut m, &GetUser::new("vip-001")).unwrap().body;
    assert_eq!(user.traffic.and_then(|t| t.allocated), Some(1 << 30));
    assert_eq!(user.rate.map(|r| r.down), Some(Patch::Null));
    let patch = UserPatchRequest {
        traffic: Some(TrafficPatch {
            allocated: Some(5),
            used: Some(3),
        }),
        ..Default::default()
    };
    call(&mut m, &PatchUser::new("vip-001", patch)).unwrap();
    let effects = m.take_effects();
    assert_eq!(effects.events.len(), 1);
    assert_eq!(effects.events[0].event, EventName::UserQuotaChanged);
    let redacted = call(&mut m, &GetUser::new("vip-001").redact(true))
        .unwrap()
        .body;
    assert_eq!((redacted.username, redacted.traffic), (None, None));
    assert_eq!(
        call(&mut m, &DeleteUser::new("vip-001")).unwrap().status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        call(&mut m, &DeleteUser::new("vip-001"))
            .err()
            .and_then(|e| e.status()),
        Some(StatusCode::NOT_FOUND)
    );
    let imported = call(
        &mut m,
        &ImportUsers::new(vec![User::new("a", "a", "p"), User::new("b", "b", "p")]),
    );
    assert_eq!(imported.unwrap().body.imported, Some(2));
    let audit = call(&mut m, &ListAudit::default().action("api.users.create"))
        .unwrap()
        .body;
    assert_eq!(audit.len(), 2);
    assert_eq!(audit.iter().filter(|r| r.success == Some(true)).count(), 1);
    assert_eq!(
        audit[0].actor.value().map(String::as_str),
        Some("api-key:panel")
    );
}

#[test]
fn node_events_reach_the_stream_and_the_callbacks() {
    let mut m = mock();
    let registration = EventRegistrationRequest::new(
        NodeEventKind::NodeDegraded,
        "http://panel.test/api/v1/kernel/events",
    )
    .secret(Secret::new("tok"));
    let record = call(&mut m, &RegisterEvent::new(registration.clone()))
        .unwrap()
        .body;
    let again = call(&mut m, &RegisterEvent::new(registration))
        .unwrap()
        .body;
    assert_eq!(record, again);
    upsert_edge(&mut m, "edge-1");
    m.set_health(
        "edge-1",
        HealthStatus::Degraded {
            consecutive_failures: 2,
        },
    )
    .unwrap();
    let effects = m.take_effects();
    let names: Vec<&str> = effects.events.iter().map(|e| e.event.as_str()).collect();
    assert_eq!(names, ["node.added", "node.degraded"]);
    assert_eq!(effects.events[1].node_payload().unwrap().node_id, "edge-1");
    assert_eq!(effects.deliveries.len(), 1);
    let request = effects.deliveries[0].to_http().unwrap();
    assert_eq!(request.uri().path(), "/api/v1/kernel/events");
    assert_eq!(request.headers()[crate::webhooks::TOKEN_HEADER], "tok");
    let token = Secret::new("tok");
    match crate::webhooks::Webhook::from_http(&request, Some(&token)) {
        Ok(crate::webhooks::Webhook::NodeEvent(e)) => {
            assert_eq!(e.body.node(), "edge-1");
            assert_eq!(e.body.status, Some(NodeEventStatus::Degraded));
        }
        other => panic!("{other:?}"),
    }
    let status = call(&mut m, &GetStatus::default().include("nodes"))
        .unwrap()
        .body;
    let nodes = status.snapshot.nodes.unwrap();
    assert_eq!(
        nodes[0].health.as_ref().and_then(|h| h.status.clone()),
        Some(HealthStatus::Degraded {
            consecutive_failures: 2
        })
    );
    assert!(status.snapshot.users.is_none());
    call(&mut m, &DeleteProtocol::new("edge-1")).unwrap();
    assert_eq!(m.take_effects().events[0].event, EventName::NodeRemoved);
}

#[test]
fn traffic_is_reported() {
    let mut m = mock();
    let registration = ServiceEventRegistrationRequest::new(
        ServiceEventKind::UserTrafficReported,
        "http://panel.test/api/v1/kernel/service-events",
    );
    call(&mut m, &RegisterServiceEvent::new(registration)).unwrap();
    upsert_edge(&mut m, "edge-1");
    m.take_effects();
    m.record_traffic("edge-1", "7", 100, 200).unwrap();
    m.record_traffic("edge-1", "7", 1, 2).unwrap();
    let effects = m.take_effects();
    let report = effects.events[1].traffic_reported().unwrap();
    assert_eq!(report.current.and_then(|c| c.used), Some(303));
    assert_eq!(report.previous.and_then(|c| c.used), Some(300));
    let kinds: Vec<_> = effects
        .deliveries
        .iter()
        .map(|d| match &d.body {
            DeliveryBody::ServiceEvent(_) => "service",
            DeliveryBody::Traffic(t) => {
                assert_eq!(t.records[0].user_id, Some(7));
                "traffic"
            }
            DeliveryBody::NodeEvent(_) => "node",
        })
        .collect();
    assert_eq!(kinds, ["service", "traffic", "service", "traffic"]);
    let summary = call(
        &mut m,
        &GetTraffic {
            node: vec!["edge-1".into()],
            protocol: vec![],
        },
    )
    .unwrap()
    .body;
    assert_eq!(
        (summary.bytes_up, summary.bytes_down),
        (Some(101), Some(202))
    );
    let none = call(
        &mut m,
        &GetTraffic {
            node: vec![],
            protocol: vec!["http".into()],
        },
    )
    .unwrap()
    .body;
    assert_eq!(none.bytes_up, Some(0));
    assert!(m.record_traffic("edge-1", "nobody", 1, 1).is_err());
}

#[test]
fn status_streams_send_full_then_diff_frames() {
    let mut m = mock();
    upsert_edge(&mut m, "edge-1");
    let query = StatusStreamQuery::default()
        .mode(crate::streams::StreamMode::Diff)
        .include("nodes,users");
    let Outcome::StatusStream(mut sub) = send(&mut m, &StatusStream::new(query), &creds()).0 else {
        panic!("expected a stream");
    };
    assert_eq!(sub.interval(), Duration::from_secs(5));
    let first = sub.next_frame(&m).unwrap();
    assert_eq!(first.event, "status.full");
    assert!(sub.next_frame(&m).is_none());
    m.set_health(
        "edge-1",
        HealthStatus::Unhealthy {
            consecutive_failures: 9,
        },
    )
    .unwrap();
    let diff = sub.next_frame(&m).unwrap();
    assert_eq!(diff.event, "status.diff");
    match diff.data {
        StatusFrame::Diff(map) => assert!(
            map["snapshot"].get("nodes").is_some() && map["snapshot"].get("users").is_none()
        ),
        other => panic!("{other:?}"),
    }
}

#[test]
fn limits_and_websockets() {
    let mut m = mock();
    let (head, _) = http::Request::builder()
        .method("POST")
        .uri("/v1/users")
        .body(())
        .unwrap()
        .into_parts();
    let Outcome::Respond(r) = m.handle(&head, Body::TooLarge) else {
        panic!()
    };
    assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let (_, answer) = send(&mut m, &EventsWs::default(), &creds());
    assert_eq!(
        answer.unwrap().err().and_then(|e| e.status()),
        Some(StatusCode::UPGRADE_REQUIRED)
    );
    let (Outcome::EventStream(sub), _) =
        send(&mut m, &EventsStream::default().events("service"), &creds())
    else {
        panic!()
    };
    upsert_edge(&mut m, "edge-1");
    let effects = m.take_effects();
    assert!(!sub.wants(&effects.events[0]));
}

#[test]
fn tls_nodes_and_export() {
    let mut m = mock();
    let profile = NodeProfile::new("edge-tls", NodeRole::Listener, ProfileProtocol::AnyTls)
        .profile(json!({"tls": {"mode": "server"}, "inner": {"protocol": "http"}}));
    call(
        &mut m,
        &UpsertProtocol::new(ProtocolUpsertRequest::new(profile)),
    )
    .unwrap();
    let nodes = call(&mut m, &ListTlsNodes).unwrap().body;
    assert_eq!(nodes[0].inner_protocol.as_deref(), Some("http"));
    let patch = crate::tls::TlsNodePatchRequest {
        tls: json!({"reality": {"short_ids": ["ab"]}})
            .as_object()
            .cloned(),
        inner: None,
    };
    let detail = call(&mut m, &PatchTlsNode::new("edge-tls", patch))
        .unwrap()
        .body;
    assert_eq!(
        detail.profile.unwrap()["tls"],
        json!({"mode": "server", "reality": {"short_ids": ["ab"]}})
    );
    assert_eq!(
        call(&mut m, &ListTlsNodes).unwrap().body[0].has_reality,
        Some(true)
    );
    let mut export = crate::export::ExportRequest::new("/tmp/x.yaml");
    export.include_users = Some(true);
    let out = call(&mut m, &Export::new(export)).unwrap().body;
    assert_eq!((out.protocols, out.users), (Some(1), Patch::Value(0)));
    let provider = call(&mut m, &RefreshProvider::new("demo-provider"))
        .unwrap()
        .body;
    assert_eq!(provider.state, Some(ProviderState::Healthy));
}

/// What the real panel sends and expects (contract §8 rows 1, 2, 6, 7, 8 and 11).
#[test]
fn the_real_panel_is_served() {
    let mut m = mock();
    let panel = Credentials::from(Credentials::control_token("panel-token"));

    // Row 8: the bare control token, sent as a bearer token.
    let (_, answer) = send(&mut m, &ListProtocols, &panel);
    assert!(answer.unwrap().is_ok());

    // Rows 2 and 11: `user_traffic_reported`, registered again on every sync, and the same
    // event in core.yaml's spelling, are one registration.
    let panel_spelling = br#"{"event":"user_traffic_reported","callback":"http://panel.test/api/v1/kernel/service-events","secret":"tok"}"#;
    let register = |m: &mut MockKernel, body: &'static [u8]| {
        let (head, _) = http::Request::builder()
            .method("POST")
            .uri("/v1/service-events/registrations")
            .header(header::AUTHORIZATION, "Bearer panel-token")
            .header(header::CONTENT_TYPE, "application/json")
            .body(())
            .unwrap()
            .into_parts();
        match m.handle(&head, Body::Complete(Bytes::from_static(body))) {
            Outcome::Respond(r) => {
                RegisterServiceEvent::try_from_http_response(&r)
                    .unwrap()
                    .body
            }
            other => panic!("{other:?}"),
        }
    };
    let first = register(&mut m, panel_spelling);
    let again = register(&mut m, panel_spelling);
    assert_eq!(first, again);
    let documented = call(
        &mut m,
        &RegisterServiceEvent::new(
            ServiceEventRegistrationRequest::new(
                ServiceEventKind::UserTrafficReported,
                "http://panel.test/api/v1/kernel/service-events",
            )
            .secret(Secret::new("tok")),
        ),
    )
    .unwrap()
    .body;
    assert_eq!(first, documented);
    assert_eq!(
        call(&mut m, &ListServiceEventRegistrations)
            .unwrap()
            .body
            .len(),
        1
    );
    for _ in 0..2 {
        call(
            &mut m,
            &RegisterEvent::new(
                EventRegistrationRequest::new(
                    NodeEventKind::NodeAdded,
                    "http://panel.test/api/v1/kernel/events",
                )
                .secret(Secret::new("tok")),
            ),
        )
        .unwrap();
    }
    assert_eq!(call(&mut m, &ListEventRegistrations).unwrap().body.len(), 1);

    // Row 6: numeric metadata, as the panel pushes its users.
    let upsert = br#"{"listen":"0.0.0.0:443","users":[{"id":"12","username":"u","password":"p","metadata":{"subscription_id":34}}],"profile":{"id":"edge-1","role":"listener","protocol":"vless","profile":{}}}"#;
    let (head, _) = http::Request::builder()
        .method("POST")
        .uri("/v1/protocols")
        .header(header::AUTHORIZATION, "Bearer panel-token")
        .body(())
        .unwrap()
        .into_parts();
    let Outcome::Respond(r) = m.handle(&head, Body::Complete(Bytes::from_static(upsert))) else {
        panic!()
    };
    assert_eq!(r.status(), StatusCode::OK);
    let users = call(&mut m, &ListProtocolUsers::new("edge-1"))
        .unwrap()
        .body;
    assert_eq!(
        users[0]
            .metadata
            .as_ref()
            .and_then(|md| md.get("subscription_id"))
            .map(String::as_str),
        Some("34")
    );
    m.take_effects();
    m.record_traffic("edge-1", "12", 1, 2).unwrap();
    let traffic = m
        .take_effects()
        .deliveries
        .into_iter()
        .find_map(|d| match d.body {
            DeliveryBody::Traffic(t) => Some(t),
            _ => None,
        });
    assert_eq!(
        traffic.map(|t| (t.records[0].user_id, t.records[0].subscription_id)),
        Some((Some(12), Some(34)))
    );

    // Row 7: the discovery call gets a 404, so the panel falls back to GET /v1/protocols.
    let (head, _) = http::Request::builder()
        .uri("/v1/nodes/edge-1/config")
        .header(header::AUTHORIZATION, "Bearer panel-token")
        .body(())
        .unwrap()
        .into_parts();
    let Outcome::Respond(r) = m.handle(&head, Body::Complete(Bytes::new())) else {
        panic!()
    };
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
}

#[test]
fn health_can_be_written_as_the_panel_reads_it() {
    let mut m = MockKernel::new(MockConfig {
        health_format: HealthFormat::PanelString,
        ..MockConfig::default()
    });
    upsert_edge(&mut m, "edge-1");
    upsert_edge(&mut m, "edge-2");
    m.set_health(
        "edge-2",
        HealthStatus::Degraded {
            consecutive_failures: 2,
        },
    )
    .unwrap();
    let status = call(&mut m, &GetStatus::default().include("nodes"))
        .unwrap()
        .body;
    let labels: Vec<Value> = status
        .snapshot
        .nodes
        .unwrap()
        .iter()
        .filter_map(|n| n.health.as_ref()?.status.as_ref())
        .map(|s| serde_json::to_value(s).unwrap())
        .collect();
    assert_eq!(labels, [json!("healthy"), json!("degraded")]);
    // The default stays core.yaml's form.
    let mut spec = mock();
    upsert_edge(&mut spec, "edge-1");
    let status = call(&mut spec, &GetStatus::default().include("nodes"))
        .unwrap()
        .body;
    let health = status.snapshot.nodes.unwrap()[0].health.clone().unwrap();
    assert_eq!(health.status, Some(HealthStatus::Healthy));
}

#[test]
fn the_client_side_stays_strict() {
    let mut user = User::new("12", "u", "p");
    user.metadata = Some(
        [(
            "subscription_id".to_owned(),
            MetadataValue::Number(34.into()),
        )]
        .into_iter()
        .collect(),
    );
    let err = ImportUsers::new(vec![user.clone()])
        .try_into_http_request("http://kernel.test")
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(
        err.contains("[0].metadata.subscription_id") && err.contains("row 6"),
        "{err}"
    );
    let profile = NodeProfile::new("edge-1", NodeRole::Listener, ProfileProtocol::Vless);
    let upsert = ProtocolUpsertRequest::new(profile).users(vec![user]);
    let err = UpsertProtocol::new(upsert)
        .try_into_http_request("http://kernel.test")
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(err.contains("users[0].metadata.subscription_id"), "{err}");
    let mut registration = ServiceEventRegistrationRequest::new(
        ServiceEventKind::UserTrafficReported,
        "http://panel.test/",
    );
    assert!(
        RegisterServiceEvent::new(registration.clone())
            .try_into_http_request("http://kernel.test")
            .is_ok()
    );
    registration.event =
        crate::registrations::ServiceEventName::panel(ServiceEventKind::UserTrafficReported);
    let err = RegisterServiceEvent::new(registration)
        .try_into_http_request("http://kernel.test")
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(err.contains("row 2"), "{err}");
}

#[test]
fn admit_refuses_from_the_head_and_lets_the_streams_through() {
    let m = mock();
    let head = |method: &str, uri: &str, auth: bool| {
        let mut builder = http::Request::builder().method(method).uri(uri);
        if auth {
            builder = builder.header(header::AUTHORIZATION, "Basic cGFuZWw6cGFuZWwtc2VjcmV0");
        }
        builder.body(()).unwrap().into_parts().0
    };
    let status = |h: &http::request::Parts| m.admit(h).err().map(|f| f.status);
    assert_eq!(
        status(&head("POST", "/v1/users/import", false)),
        Some(StatusCode::UNAUTHORIZED)
    );
    assert_eq!(status(&head("GET", "/healthz", false)), None);
    assert_eq!(
        status(&head("GET", "/v1/nodes/edge-1/config", true)),
        Some(StatusCode::NOT_FOUND)
    );
    let refused = m
        .admit(&head("DELETE", "/v1/status", true))
        .err()
        .map(ApiFailure::into_response);
    assert_eq!(
        refused.map(|r| (r.status(), r.headers().get(header::ALLOW).cloned())),
        Some((StatusCode::METHOD_NOT_ALLOWED, Some("GET".parse().unwrap())))
    );
    for stream in [
        "/v1/events/stream",
        "/v1/status/ws",
        "/v1/status/stream?interval=1",
    ] {
        assert_eq!(status(&head("GET", stream, true)), None, "{stream}");
    }
}
