//! The telemt client against the telemt mock over HTTP on 127.0.0.1: a user's whole lifecycle
//! and the error paths (401, 404, 409, 413, invalid JSON); the refusals made before the body is
//! read; the `telemt-mock` binary.

use std::num::NonZeroU64;

use bytes::Bytes;
use http::StatusCode;
use nodewire_common::client::{Client, ClientError};
use nodewire_common::{Patch, Secret};
use nodewire_telemt::endpoints::*;
use nodewire_telemt::mock::{MockConfig, MockTelemt};
use nodewire_telemt::users::{CreateUserRequest, PatchUserRequest, UserSecret, Username};
use nodewire_telemt::{Error, ErrorCode};

mod binary;

use binary::Running;

type TestResult = Result<(), Box<dyn std::error::Error>>;

const AUTH: &str = "Bearer e2e-token";

fn code<T: std::fmt::Debug>(r: Result<T, ClientError<Error>>) -> Option<(StatusCode, ErrorCode)> {
    match r {
        Err(ClientError::Api(Error::Api { status, body, .. })) => Some((status, body.error.code)),
        _ => None,
    }
}

fn raw(url: &str, method: &str, path: &str, body: Vec<u8>) -> http::Request<Bytes> {
    let mut r = http::Request::new(Bytes::from(body));
    *r.method_mut() = http::Method::from_bytes(method.as_bytes()).unwrap_or_default();
    *r.uri_mut() = format!("{url}{path}").parse().unwrap_or_default();
    r.headers_mut().insert(
        http::header::AUTHORIZATION,
        http::HeaderValue::from_static(AUTH),
    );
    r
}

#[tokio::test]
async fn user_lifecycle_and_errors() -> TestResult {
    let config = MockConfig {
        auth_header: Secret::new(AUTH),
        ..MockConfig::default()
    };
    let (url, server) =
        nodewire_examples::telemt::spawn_mock(MockTelemt::new(config, &["alice"])).await?;
    let client = Client::new(&url)?.with_header("authorization", Secret::new(AUTH))?;
    let bob = Username::new("bob")?;

    // 401 without the Authorization value, on any route.
    let anonymous = Client::new(&url)?;
    assert_eq!(
        code(anonymous.send(&ListUsers).await),
        Some((StatusCode::UNAUTHORIZED, ErrorCode::Unauthorized))
    );

    // Create.
    let create = CreateUserRequest::new(bob.clone())
        .data_quota_bytes(1 << 30)
        .max_tcp_conns(4)
        .rate_limit_down_bps(NonZeroU64::new(16_000).ok_or("zero")?);
    let created = client.send(&CreateUser::new(create)).await?;
    assert_eq!(created.status, StatusCode::CREATED);
    assert_eq!(created.data.user.username, "bob");
    assert_eq!(created.data.secret.expose().len(), 32);
    let first_link = created.data.user.links.classic.first().ok_or("no link")?;
    assert!(first_link.ends_with(created.data.secret.expose()));
    let rev1 = created.revision.clone();
    assert!(rev1.is_well_formed());

    // Creating again conflicts.
    let again = CreateUser::new(CreateUserRequest::new(bob.clone()));
    assert_eq!(
        code(client.send(&again).await),
        Some((StatusCode::CONFLICT, ErrorCode::UserExists))
    );

    // Get.
    let got = client.send(&GetUser::new(bob.clone())).await?;
    assert_eq!(got.data.data_quota_bytes, Some(1 << 30));
    assert_eq!(got.data.max_tcp_conns, Some(4));
    assert_eq!(got.data.rate_limit_down_bps, Patch::Value(16_000));
    assert_eq!(got.revision, rev1);

    // Patch: set one field, remove another with null.
    let patch = PatchUserRequest::default()
        .max_unique_ips(3)
        .clear_data_quota_bytes();
    let patched = client
        .send(&PatchUser::new(bob.clone(), patch).if_match(&rev1))
        .await?;
    assert_eq!(patched.data.max_unique_ips, Some(3));
    assert_eq!(patched.data.data_quota_bytes, None);
    assert_eq!(patched.data.max_tcp_conns, Some(4));
    assert_ne!(patched.revision, rev1);

    // 409 with the stale revision.
    let stale = PatchUser::new(bob.clone(), PatchUserRequest::default()).if_match(&rev1);
    assert_eq!(
        code(client.send(&stale).await),
        Some((StatusCode::CONFLICT, ErrorCode::RevisionConflict))
    );

    // Rotate: to a given secret, then to a generated one.
    let secret = UserSecret::new("ffffffffffffffffffffffffffffffff")?;
    let rotated = client
        .send(&RotateSecret::new(bob.clone()).to(secret))
        .await?;
    assert_eq!(
        rotated.data.secret.expose(),
        "ffffffffffffffffffffffffffffffff"
    );
    let rotated = client.send(&RotateSecret::new(bob.clone())).await?;
    assert_ne!(
        rotated.data.secret.expose(),
        "ffffffffffffffffffffffffffffffff"
    );

    // Reset quota: the revision does not change.
    let before = client.send(&GetHealth).await?.revision;
    let reset = client.send(&ResetUserQuota::new(bob.clone())).await?;
    assert_eq!(reset.data.used_bytes, 0);
    assert_eq!(reset.revision, before);

    // Disable, enable.
    let disabled = client.send(&DisableUser::new(bob.clone())).await?;
    assert_eq!(disabled.data.enabled, Some(false));
    let enabled = client.send(&EnableUser::new(bob.clone())).await?;
    assert_eq!(enabled.data.enabled, Some(true));

    // Delete; then 404.
    let deleted = client.send(&DeleteUser::new(bob.clone())).await?;
    assert_eq!(deleted.data.username, "bob");
    assert_eq!(
        code(client.send(&GetUser::new(bob.clone())).await),
        Some((StatusCode::NOT_FOUND, ErrorCode::NotFound))
    );
    // The last user cannot go.
    let alice = Username::new("alice")?;
    assert_eq!(
        code(client.send(&DeleteUser::new(alice)).await),
        Some((StatusCode::CONFLICT, ErrorCode::LastUserForbidden))
    );

    // Invalid JSON and an oversized body, sent raw.
    let bad = client
        .send_raw::<Error>(raw(&url, "POST", "/v1/users", b"{\"username\":".to_vec()))
        .await?;
    let bad = ListUsers::try_from_http_response_status(&bad);
    assert_eq!(
        bad,
        Some((
            StatusCode::BAD_REQUEST,
            ErrorCode::BadRequest,
            "Invalid JSON body".to_owned()
        ))
    );
    let huge = client
        .send_raw::<Error>(raw(&url, "POST", "/v1/users", vec![b' '; 70 * 1024]))
        .await?;
    let huge = ListUsers::try_from_http_response_status(&huge);
    assert_eq!(
        huge,
        Some((
            StatusCode::PAYLOAD_TOO_LARGE,
            ErrorCode::PayloadTooLarge,
            "Body exceeds 65536 bytes".to_owned()
        ))
    );

    // 404 route, 405 with Allow.
    let nope = client
        .send_raw::<Error>(raw(&url, "GET", "/v1/nope", Vec::new()))
        .await?;
    assert_eq!(nope.status(), StatusCode::NOT_FOUND);
    let put = client
        .send_raw::<Error>(raw(&url, "PUT", "/v1/users/alice", Vec::new()))
        .await?;
    assert_eq!(put.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(put.headers()[http::header::ALLOW], "GET, PATCH, DELETE");

    server.stop().await;
    Ok(())
}

/// Reads an error envelope's status, code and message.
trait ErrorParts {
    fn try_from_http_response_status(
        response: &http::Response<Bytes>,
    ) -> Option<(StatusCode, ErrorCode, String)>;
}

impl ErrorParts for ListUsers {
    fn try_from_http_response_status(
        response: &http::Response<Bytes>,
    ) -> Option<(StatusCode, ErrorCode, String)> {
        use nodewire_common::Endpoint;
        match ListUsers::try_from_http_response(response) {
            Err(Error::Api { status, body, .. }) => {
                Some((status, body.error.code, body.error.message))
            }
            _ => None,
        }
    }
}

#[tokio::test]
async fn read_only_and_whitelist() -> TestResult {
    let config = MockConfig {
        read_only: true,
        ..MockConfig::default()
    };
    let (url, server) =
        nodewire_examples::telemt::spawn_mock(MockTelemt::new(config, &["alice"])).await?;
    let client = Client::new(&url)?;
    assert_eq!(client.send(&ListUsers).await?.data.len(), 1);
    let create = CreateUser::new(CreateUserRequest::new(Username::new("bob")?));
    assert_eq!(
        code(client.send(&create).await),
        Some((StatusCode::FORBIDDEN, ErrorCode::ReadOnly))
    );
    server.stop().await;

    // A whitelist that excludes 127.0.0.1 with the default gray_action closes the connection.
    let config = MockConfig {
        whitelist: vec!["10.0.0.0/8".parse()?],
        ..MockConfig::default()
    };
    let (url, server) =
        nodewire_examples::telemt::spawn_mock(MockTelemt::new(config, &["alice"])).await?;
    let result = Client::new(&url)?.send(&GetHealth).await;
    assert!(
        matches!(result, Err(ClientError::Transport(_))),
        "{result:?}"
    );
    server.stop().await;
    Ok(())
}

/// Sends `request` on a fresh connection to `addr` and reads until the server closes it (at
/// most 5 s): what the peer saw, as text.
async fn raw_exchange(addr: &str, request: &[u8]) -> Result<String, Box<dyn std::error::Error>> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(addr).await?;
    stream.write_all(request).await?;
    let mut seen = Vec::new();
    let read = async {
        let mut buf = [0u8; 4096];
        loop {
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => seen.extend_from_slice(buf.get(..n).unwrap_or_default()),
            }
        }
    };
    tokio::time::timeout(std::time::Duration::from_secs(5), read)
        .await
        .map_err(|_| "the server neither answered nor closed within 5 s")?;
    Ok(String::from_utf8_lossy(&seen).into_owned())
}

#[tokio::test]
async fn refusals_come_before_the_body() -> TestResult {
    let config = MockConfig {
        auth_header: Secret::new(AUTH),
        ..MockConfig::default()
    };
    let (url, server) =
        nodewire_examples::telemt::spawn_mock(MockTelemt::new(config, &["alice"])).await?;
    let addr = url.trim_start_matches("http://");

    // Without credentials: 401 at once, the declared 2 MiB never sent, no `100 Continue`.
    let seen = raw_exchange(
        addr,
        b"POST /v1/users HTTP/1.1\r\nHost: x\r\nConnection: close\r\nExpect: 100-continue\r\n\
          Content-Length: 2097152\r\n\r\n",
    )
    .await?;
    assert!(seen.starts_with("HTTP/1.1 401"), "{seen}");

    // With them, a declared body over the limit: telemt's own 413 at once.
    let request = format!(
        "POST /v1/users HTTP/1.1\r\nHost: x\r\nConnection: close\r\nAuthorization: {AUTH}\r\n\
         Expect: 100-continue\r\nContent-Length: 2097152\r\n\r\n"
    );
    let seen = raw_exchange(addr, request.as_bytes()).await?;
    assert!(seen.starts_with("HTTP/1.1 413"), "{seen}");
    assert!(seen.contains("\"code\":\"payload_too_large\""), "{seen}");
    assert!(seen.contains("Body exceeds 65536 bytes"), "{seen}");

    // A bad chunk size is the body stream's error, telemt's 400, not a 413.
    let request = format!(
        "POST /v1/users HTTP/1.1\r\nHost: x\r\nConnection: close\r\nAuthorization: {AUTH}\r\n\
         Transfer-Encoding: chunked\r\n\r\nzz\r\n{{}}\r\n0\r\n\r\n"
    );
    let seen = raw_exchange(addr, request.as_bytes()).await?;
    assert!(seen.starts_with("HTTP/1.1 400"), "{seen}");
    assert!(seen.contains("Invalid request body"), "{seen}");

    // A route without a body never reads one, even one declared and never sent.
    let request = format!(
        "GET /v1/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\nAuthorization: {AUTH}\r\n\
         Content-Length: 100\r\n\r\n"
    );
    let seen = raw_exchange(addr, request.as_bytes()).await?;
    assert!(seen.starts_with("HTTP/1.1 200"), "{seen}");

    // 405 has telemt's shape and `Allow`.
    let request = format!(
        "DELETE /v1/config HTTP/1.1\r\nHost: x\r\nConnection: close\r\nAuthorization: {AUTH}\r\n\r\n"
    );
    let seen = raw_exchange(addr, request.as_bytes()).await?;
    assert!(seen.starts_with("HTTP/1.1 405"), "{seen}");
    assert!(
        seen.to_ascii_lowercase()
            .contains("\r\nallow: get, patch\r\n"),
        "{seen}"
    );
    assert!(seen.contains("\"code\":\"method_not_allowed\""), "{seen}");
    server.stop().await;
    Ok(())
}

#[tokio::test]
async fn gray_action_drop_sends_nothing() -> TestResult {
    let config = MockConfig {
        whitelist: vec!["10.0.0.0/8".parse()?],
        ..MockConfig::default()
    };
    let (url, server) =
        nodewire_examples::telemt::spawn_mock(MockTelemt::new(config, &["alice"])).await?;
    let seen = raw_exchange(
        url.trim_start_matches("http://"),
        b"GET /v1/health HTTP/1.1\r\nHost: x\r\n\r\n",
    )
    .await?;
    assert_eq!(seen, "", "an empty reply, as telemt gives");
    server.stop().await;
    Ok(())
}

#[tokio::test]
async fn the_binary_takes_its_secret_from_a_file_and_stays_on_loopback() -> TestResult {
    let path = std::env::temp_dir().join(format!("telemt-mock-auth-{}", std::process::id()));
    std::fs::write(&path, format!("{AUTH}\n"))?;
    let path_text = path.to_string_lossy().into_owned();
    let started = Running::start(
        std::process::Command::new(env!("CARGO_BIN_EXE_telemt-mock"))
            .args(["--listen", "127.0.0.1:0", "--auth-file", &path_text])
            .args(["--header-timeout", "2"])
            .env_remove("TELEMT_AUTH"),
    );
    std::fs::remove_file(&path)?;
    let server = started?;
    let anonymous = Client::new(&server.url)?.send(&GetHealth).await;
    let client = Client::new(&server.url)?.with_header("authorization", Secret::new(AUTH))?;
    let health = client.send(&GetHealth).await;
    drop(server);
    assert_eq!(
        code(anonymous),
        Some((StatusCode::UNAUTHORIZED, ErrorCode::Unauthorized))
    );
    assert_eq!(health?.status, StatusCode::OK);

    // A public address needs --public.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_telemt-mock"))
        .args(["--listen", "192.0.2.1:0"])
        .output()?;
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("--public"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    Ok(())
}
