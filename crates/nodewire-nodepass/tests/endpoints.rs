//! Every endpoint converts to an HTTP request and back (client side to server side) under any
//! API prefix, responses decode as the master sends them (bare JSON, `201`, `204`, an event
//! stream, HTML), and every wire type has a JSON Schema.

use bytes::Bytes;
use http::{HeaderValue, StatusCode, header};
use nodewire_common::Endpoint;
use nodewire_nodepass::endpoints::*;
use nodewire_nodepass::envelope::{Error, json_response};
use nodewire_nodepass::info::UpdateMasterAliasRequest;
use nodewire_nodepass::instances::{
    Action, CreateInstanceRequest, InstanceId, MasterAlias, PutInstanceRequest,
    UpdateInstanceRequest,
};
use nodewire_nodepass::url::RequestUrl;

type TestResult = Result<(), Box<dyn std::error::Error>>;

fn round_trip<E: Endpoint + PartialEq + std::fmt::Debug>(endpoint: &E) -> TestResult {
    for base in [
        "http://127.0.0.1:9090/api/v1",
        "https://panel.example:8443/admin/v1",
        "http://[::1]:9090/api/v1/v1",
    ] {
        let request = endpoint.try_into_http_request(base)?;
        let back = E::try_from_http_request(&request)?;
        assert_eq!(&back, endpoint, "{base}");
    }
    Ok(())
}

#[test]
fn requests_round_trip() -> TestResult {
    let id = InstanceId::new("4abf2548")?;
    let url = RequestUrl::new("client://k@[::1]:10101/[::1]:8080,b:80?mode=1")?;
    round_trip(&ListInstances)?;
    round_trip(&CreateInstance::new(
        CreateInstanceRequest::new(url.clone()).alias("a&b"),
    ))?;
    round_trip(&GetInstance::new(InstanceId::api_key()))?;
    round_trip(&UpdateInstance::new(
        id.clone(),
        UpdateInstanceRequest::action(Action::Reset),
    ))?;
    round_trip(&UpdateInstance::regenerate_api_key())?;
    round_trip(&PutInstance::new(id.clone(), PutInstanceRequest::new(url))?)?;
    round_trip(&DeleteInstance::new(id)?)?;
    round_trip(&SubscribeEvents)?;
    round_trip(&GetMasterInfo)?;
    round_trip(&UpdateMasterAlias::new(UpdateMasterAliasRequest::new(
        MasterAlias::new("m")?,
    )))?;
    round_trip(&Tcping::new("[::1]:80 x&y")?)?;
    round_trip(&GetOpenApiSpec)?;
    round_trip(&GetDocs)?;
    let r = GetInstance::new(InstanceId::api_key()).try_into_http_request("http://h:1/api/v1")?;
    assert_eq!(r.uri().path(), "/api/v1/instances/********");
    assert!(Tcping::new("").is_err());
    assert!(
        PutInstance::new(
            InstanceId::api_key(),
            PutInstanceRequest::new(RequestUrl::new("server://:1/a:2")?)
        )
        .is_err()
    );
    Ok(())
}

fn response(status: u16, content_type: &str, body: &'static [u8]) -> http::Response<Bytes> {
    let mut r = http::Response::new(Bytes::from_static(body));
    *r.status_mut() = StatusCode::from_u16(status).unwrap_or_default();
    if let Ok(v) = HeaderValue::from_str(content_type) {
        r.headers_mut().insert(header::CONTENT_TYPE, v);
    }
    r
}

#[test]
fn responses_decode() -> TestResult {
    DeleteInstance::try_from_http_response(&response(204, "", b""))?;
    let docs = GetDocs::try_from_http_response(&response(200, "text/html", b"<html></html>"))?;
    assert_eq!(docs, "<html></html>");
    let stream = b"retry: 3000\n\nevent: instance\ndata: {\"type\":\"shutdown\",\"time\":\"2026-11-22T08:01:57Z\",\"instance\":null,\"logs\":\"\"}\n\n";
    let events =
        SubscribeEvents::try_from_http_response(&response(200, "text/event-stream", stream))?;
    assert_eq!(events.len(), 1);
    let err = ListInstances::try_from_http_response(&response(
        401,
        "application/json",
        b"{\"error\":\"Unauthorized: API key required\"}\n",
    ))
    .unwrap_err();
    assert!(err.is_unauthorized());
    let err = GetMasterInfo::try_from_http_response(&response(
        404,
        "text/plain; charset=utf-8",
        b"404 page not found\n",
    ))
    .unwrap_err();
    assert!(matches!(err, Error::Unexpected { .. }));
    // A server answer built by the crate decodes on the client.
    let tcping = nodewire_nodepass::tcping::TCPingResult::failed("a:1", "dial tcp a:1: <refused>");
    let encoded = json_response(StatusCode::OK, &tcping)?;
    assert!(std::str::from_utf8(encoded.body())?.contains("\\u003crefused\\u003e"));
    assert_eq!(Tcping::try_from_http_response(&encoded)?, tcping);
    Ok(())
}

#[test]
fn every_route_and_type_is_registered() {
    let registry = nodewire_nodepass::registry();
    assert_eq!(registry.protocol, "nodepass");
    assert_eq!(registry.routes.len(), 13);
    let files = registry.schema_files();
    let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
    for name in [
        "Instance.json",
        "InstanceEvent.json",
        "MasterInfo.json",
        "TCPingResult.json",
        "UpdateInstanceRequest.json",
        "ErrorResponse.json",
        "McpRequest.json",
        "McpResponse.json",
        "McpToolCallParams.json",
        "InitializeResult.json",
        "ToolsListResult.json",
        "ToolCallResult.json",
        "ExportFile.json",
    ] {
        assert!(names.contains(&name), "{names:?}");
    }
    assert!(files.iter().all(|(_, text)| text.contains("\"$schema\"")));
}
