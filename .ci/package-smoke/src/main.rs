//! Builds against the packaged `nodewire` crates (not the workspace sources) and makes calls
//! of each protocol: a request whose body is built through the wire types' constructors and
//! setters only (the types are `#[non_exhaustive]`, so no struct literal would compile here),
//! and the decoding of a reply as the upstream sends it.

use bytes::Bytes;
use nodewire::common::{Endpoint, Secret};

fn reply(status: u16, body: &'static str) -> http::Response<Bytes> {
    let mut response = http::Response::new(Bytes::from_static(body.as_bytes()));
    *response.status_mut() = http::StatusCode::from_u16(status).unwrap_or_default();
    response
}

fn body(request: &http::Request<Bytes>) -> String {
    String::from_utf8_lossy(request.body()).into_owned()
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // telemt
    let call = nodewire::telemt::endpoints::ListUsers;
    let request = call.try_into_http_request("http://127.0.0.1:9091")?;
    assert_eq!(request.uri().path(), "/v1/users");
    let users = nodewire::telemt::endpoints::ListUsers::try_from_http_response(&reply(
        200,
        r#"{"ok":true,"data":[],"revision":"ab"}"#,
    ))?;
    println!("telemt: {} {} -> {} users", request.method(), request.uri(), users.data.len());
    {
        use nodewire::telemt::users::{CreateUserRequest, Username};
        let bob = CreateUserRequest::new(Username::new("bob")?)
            .data_quota_bytes(1 << 30)
            .max_tcp_conns(5);
        let request = nodewire::telemt::endpoints::CreateUser::new(bob)
            .try_into_http_request("http://127.0.0.1:9091")?;
        assert_eq!(
            body(&request),
            r#"{"username":"bob","max_tcp_conns":5,"data_quota_bytes":1073741824}"#
        );
        println!("telemt: {} {} {}", request.method(), request.uri(), body(&request));
    }

    // NodePass
    let call = nodewire::nodepass::endpoints::ListInstances;
    let request = call.try_into_http_request("http://127.0.0.1:9090/api/v1")?;
    let instances =
        nodewire::nodepass::endpoints::ListInstances::try_from_http_response(&reply(200, "[]"))?;
    println!("nodepass: {} {} -> {} instances", request.method(), request.uri(), instances.len());
    {
        use nodewire::nodepass::instances::CreateInstanceRequest;
        use nodewire::nodepass::url::InstanceUrl;
        let url: InstanceUrl = "server://:10101/127.0.0.1:8080?mode=2".parse()?;
        let create = CreateInstanceRequest::new(&url).alias("web");
        let request = nodewire::nodepass::endpoints::CreateInstance::new(create)
            .try_into_http_request("http://127.0.0.1:9090/api/v1")?;
        assert!(body(&request).contains(r#""alias":"web""#));
        println!("nodepass: {} {} {}", request.method(), request.uri(), body(&request));
    }

    // kernel
    let call = nodewire::kernel::endpoints::GetHealthz;
    let request = call.try_into_http_request("http://127.0.0.1:23860")?;
    println!("kernel: {} {}", request.method(), request.uri());
    {
        use nodewire::kernel::users::{TrafficPatch, UserCreateRequest};
        let user = UserCreateRequest::new("vip-001", "bob", "bob-password")
            .traffic(TrafficPatch::default().allocated(1 << 30))
            .tags(["vip"]);
        let request = nodewire::kernel::endpoints::CreateUser::new(user)
            .try_into_http_request("http://127.0.0.1:23860")?;
        assert!(body(&request).contains(r#""allocated":1073741824"#));
        println!("kernel: {} {} (a body of {} bytes)", request.method(), request.uri(), request.body().len());
    }

    // Dash
    let call = nodewire::dash::endpoints::FetchIdentity::new(Secret::new("node-key"));
    let request = call.try_into_http_request("http://127.0.0.1:8080")?;
    println!("dash: {} {}", request.method(), request.uri());
    {
        use nodewire::dash::update::{RawManifest, UpdateManifest};
        let manifest = UpdateManifest::try_from(RawManifest::new(
            "0.2.4",
            "0.2.4",
            "https://dash.example.com/deploy/linux/node_linux_amd64",
            "3f1c0d7e9b2a4c6d8e0f1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f",
            12_345_678,
        ))?;
        println!("dash: update manifest {} accepted", manifest.version());
        use nodewire::dash::report::{NodeReport, Snapshot};
        // Non-exhaustive types with defaults are filled field by field.
        let mut snapshot = Snapshot::default();
        snapshot.system.uptime = "3 days".to_owned();
        let report = NodeReport::new(
            "0.2.3",
            "node-1",
            nodewire::dash::timestamp::Timestamp::new("2026-12-06T04:00:00Z")?,
            snapshot,
        );
        let request = nodewire::dash::endpoints::PushMetrics::new(Secret::new("node-key"), report)
            .try_into_http_request("http://127.0.0.1:8080")?;
        assert!(body(&request).contains(r#""hostname":"node-1""#));
        println!("dash: {} {} (a body of {} bytes)", request.method(), request.uri(), request.body().len());
    }

    // Nexuma Core
    let call = nodewire::nexuma::endpoints::GetLatestConfig;
    let request = call.try_into_http_request("http://127.0.0.1:3000")?;
    println!("core: {} {}", request.method(), request.uri());
    {
        use nodewire::nexuma::heartbeat::NodeHeartbeatDto;
        let request = nodewire::nexuma::endpoints::Heartbeat::new(NodeHeartbeatDto::default().revision(3))
            .try_into_http_request("http://127.0.0.1:3000")?;
        assert_eq!(body(&request), r#"{"revision":3}"#);
        println!("core: {} {} {}", request.method(), request.uri(), body(&request));
    }

    let protocols: Vec<&str> = nodewire::registries().iter().map(|r| r.protocol).collect();
    assert_eq!(protocols, ["core", "nodepass", "kernel", "dash", "telemt"]);
    println!("package smoke test passed: {}", protocols.join(", "));
    Ok(())
}
