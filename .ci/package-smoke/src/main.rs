//! Builds against the packaged `nodewire` crates (not the workspace sources) and makes one call
//! per protocol: the request each library builds, and the decoding of a reply as the upstream
//! sends it.

use bytes::Bytes;
use nodewire::common::{Endpoint, Secret};

fn reply(status: u16, body: &'static str) -> http::Response<Bytes> {
    let mut response = http::Response::new(Bytes::from_static(body.as_bytes()));
    *response.status_mut() = http::StatusCode::from_u16(status).unwrap_or_default();
    response
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

    // NodePass
    let call = nodewire::nodepass::endpoints::ListInstances;
    let request = call.try_into_http_request("http://127.0.0.1:9090/api/v1")?;
    let instances =
        nodewire::nodepass::endpoints::ListInstances::try_from_http_response(&reply(200, "[]"))?;
    println!("nodepass: {} {} -> {} instances", request.method(), request.uri(), instances.len());

    // kernel
    let call = nodewire::kernel::endpoints::GetHealthz;
    let request = call.try_into_http_request("http://127.0.0.1:23860")?;
    println!("kernel: {} {}", request.method(), request.uri());

    // Dash
    let call = nodewire::dash::endpoints::FetchIdentity::new(Secret::new("node-key"));
    let request = call.try_into_http_request("http://127.0.0.1:8080")?;
    println!("dash: {} {}", request.method(), request.uri());

    // Core
    let call = nodewire::nexuma::endpoints::GetLatestConfig;
    let request = call.try_into_http_request("http://127.0.0.1:3000")?;
    println!("core: {} {}", request.method(), request.uri());

    let protocols: Vec<&str> = nodewire::registries().iter().map(|r| r.protocol).collect();
    assert_eq!(protocols, ["core", "nodepass", "kernel", "dash", "telemt"]);
    println!("package smoke test passed: {}", protocols.join(", "));
    Ok(())
}
