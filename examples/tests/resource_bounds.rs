//! Resource bounds of the example servers and the decoders.
//!
//! - Each example server answers a 100 MB request body with `413` before it has received it:
//!   the body is streamed (chunked, so no length is announced) over 127.0.0.1 and the `413`
//!   arrives while most of it is still unsent, so the server never buffered it.
//! - Every type and route decoder refuses a 100,000-level body with an error reported near
//!   the top or at the recursion limit (the error names the place), never a stack overflow;
//!   only routes that read no JSON accept it.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use nodewire_common::Secret;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

type TestResult = Result<(), Box<dyn std::error::Error + Send + Sync>>;

/// The size of the hostile body.
const TOTAL: u64 = 100 * 1024 * 1024;
/// The size of one chunk.
const CHUNK: usize = 64 * 1024;

/// Streams a 100 MB chunked body to `http://{addr}{path}` with `headers` and returns the
/// response status and how many body bytes were written before the response head arrived.
async fn stream_huge_body(
    addr: &str,
    path: &str,
    headers: &[(&str, &str)],
) -> Result<(u16, u64), Box<dyn std::error::Error + Send + Sync>> {
    let stream = TcpStream::connect(addr).await?;
    let (mut read, mut write) = stream.into_split();
    let mut head = format!(
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\n\
         Transfer-Encoding: chunked\r\n"
    );
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    write.write_all(head.as_bytes()).await?;
    let sent = Arc::new(AtomicU64::new(0));
    let counter = sent.clone();
    let writer = tokio::spawn(async move {
        let mut chunk = format!("{CHUNK:x}\r\n").into_bytes();
        chunk.extend(std::iter::repeat_n(b' ', CHUNK));
        chunk.extend_from_slice(b"\r\n");
        while counter.load(Ordering::SeqCst) < TOTAL {
            if write.write_all(&chunk).await.is_err() {
                return;
            }
            counter.fetch_add(CHUNK as u64, Ordering::SeqCst);
        }
        let _ = write.write_all(b"0\r\n\r\n").await;
    });
    let mut response = Vec::new();
    let mut buf = [0u8; 4096];
    while !response.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = read.read(&mut buf).await?;
        if n == 0 {
            break;
        }
        response.extend_from_slice(buf.get(..n).unwrap_or_default());
    }
    let written = sent.load(Ordering::SeqCst);
    writer.abort();
    let text = String::from_utf8_lossy(&response);
    let status = text
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| format!("no status line in {text:?}"))?;
    Ok((status, written))
}

fn assert_refused(server: &str, (status, written): (u16, u64), limit: usize) {
    assert_eq!(status, 413, "{server}: status");
    assert!(
        written < TOTAL,
        "{server}: answered only after the whole 100 MB body was sent ({written} bytes)"
    );
    assert!(limit < TOTAL as usize, "{server}: limit {limit}");
}

fn host(url: &str) -> &str {
    url.trim_start_matches("http://")
        .split('/')
        .next()
        .unwrap_or(url)
}

#[tokio::test]
async fn telemt_refuses_a_100_mb_body() -> TestResult {
    use nodewire_telemt::mock::{MockConfig, MockTelemt};
    let config = MockConfig {
        auth_header: Secret::new("Bearer bounds"),
        ..MockConfig::default()
    };
    let limit = config.body_limit;
    let (url, server) =
        nodewire_examples::telemt::spawn_mock(MockTelemt::new(config, &["alice"])).await?;
    let outcome = stream_huge_body(
        host(&url),
        "/v1/users",
        &[("Authorization", "Bearer bounds")],
    )
    .await?;
    server.stop().await;
    assert_refused("telemt", outcome, limit);
    Ok(())
}

#[tokio::test]
async fn nodepass_refuses_a_100_mb_body() -> TestResult {
    use nodewire_nodepass::mock::{MockConfig, MockMaster};
    let key = "0123456789abcdef0123456789abcdef";
    let config = MockConfig {
        api_key: Secret::new(key),
        ..MockConfig::default()
    };
    let limit = config.body_limit;
    let path = format!("{}/instances", config.api_base);
    let server = nodewire_examples::nodepass::spawn_mock(MockMaster::new(config), None).await?;
    let addr = server.addr.to_string();
    let outcome = stream_huge_body(&addr, &path, &[("X-API-Key", key)]).await?;
    server.stop().await;
    assert_refused("nodepass", outcome, limit);
    Ok(())
}

#[tokio::test]
async fn kernel_refuses_a_100_mb_body() -> TestResult {
    use nodewire_kernel::mock::{MockConfig, MockKernel};
    let config = MockConfig::default();
    let limit = config.body_limit;
    let kernel = nodewire_examples::kernel::spawn_mock(MockKernel::new(config)).await?;
    let outcome = stream_huge_body(
        host(&kernel.url),
        "/v1/users",
        // Basic `panel:panel-secret`, the mock's default credentials.
        &[("Authorization", "Basic cGFuZWw6cGFuZWwtc2VjcmV0")],
    )
    .await?;
    kernel.stop().await;
    assert_refused("kernel", outcome, limit);
    Ok(())
}

#[tokio::test]
async fn kernel_webhook_receiver_refuses_a_100_mb_body() -> TestResult {
    let receiver = nodewire_examples::kernel::spawn_webhooks(Some(Secret::new("hook"))).await?;
    let outcome = stream_huge_body(
        host(&receiver.url),
        "/api/v1/kernel/traffic",
        &[("X-ZNP-Webhook-Token", "hook")],
    )
    .await?;
    receiver.stop().await;
    assert_refused(
        "kernel webhooks",
        outcome,
        nodewire_kernel::webhooks::DEFAULT_BODY_LIMIT,
    );
    Ok(())
}

#[tokio::test]
async fn dash_refuses_a_100_mb_body() -> TestResult {
    use nodewire_dash::server::ReceiverConfig;
    let config = ReceiverConfig::new([("n", Secret::new("k"))]);
    let limit = config.body_limit;
    let (url, server) = nodewire_examples::dash::spawn_receiver(config, None).await?;
    let outcome =
        stream_huge_body(host(&url), "/api/node/metrics", &[("X-Node-Secret", "k")]).await?;
    server.stop().await;
    assert_refused("dash", outcome, limit);
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn core_refuses_a_100_mb_body() -> TestResult {
    use nodewire_core::mock::{MockConfig, MockCore};
    use nodewire_core::server::DEFAULT_BODY_LIMIT;
    let core = MockCore::new(MockConfig {
        registration_codes: vec![Secret::new("bounds-1")],
        config: nodewire_examples::core::sample_config()?,
    });
    let server = nodewire_examples::core::spawn_core(core, DEFAULT_BODY_LIMIT).await?;
    let outcome = stream_huge_body(
        host(&server.http_url),
        "/node/usage",
        &[("Authorization", "Bearer bounds")],
    )
    .await?;
    server.stop().await;
    assert_refused("core", outcome, DEFAULT_BODY_LIMIT);
    Ok(())
}

/// Every registry of the workspace.
fn registries() -> [&'static nodewire_common::registry::Registry; 5] {
    [
        nodewire_telemt::registry(),
        nodewire_nodepass::registry(),
        nodewire_kernel::registry(),
        nodewire_dash::registry(),
        nodewire_core::registry(),
    ]
}

/// 100,000 levels of arrays and of objects: far past serde_json's recursion limit (128), and
/// deep enough to overflow the stack of a decoder without one.
fn deeply_nested() -> [Vec<u8>; 2] {
    const DEPTH: usize = 100_000;
    let arrays = [vec![b'['; DEPTH], vec![b']'; DEPTH]].concat();
    let objects = [b"{\"a\":".repeat(DEPTH), b"1".to_vec(), b"}".repeat(DEPTH)].concat();
    [arrays, objects]
}

#[test]
fn the_shared_decoder_stops_at_the_recursion_limit() {
    for body in deeply_nested() {
        let error = nodewire_common::error::from_slice::<serde_json::Value>(&body)
            .expect_err("a 100,000-deep value");
        assert!(error.to_string().contains("recursion limit"), "{error}");
    }
}

/// How deep a refusal was reported: `[0][0]` and `a.a` are two levels, `data[3].name` three,
/// the root `.` none.
fn depth(path: &str) -> usize {
    if path == "." {
        return 0;
    }
    let keys = path
        .split('.')
        .filter(|segment| !segment.is_empty() && !segment.starts_with('['))
        .count();
    path.matches('[').count() + keys
}

/// The refusal of a 100,000-level body: reported within the first few levels (where the
/// model cannot hold another nested array or object) or at serde_json's recursion limit (128), so the
/// decoder stopped long before the bottom.
fn assert_stopped_early(what: &str, failed: &nodewire_common::registry::Failed) {
    let error = &failed.error;
    let at_limit = error.message.contains("recursion limit");
    let level = depth(&error.path);
    assert!(
        (at_limit && level <= 128) || level <= 8,
        "{what}: refused at `{}` (level {level}): {}",
        error.path,
        error.message
    );
    assert!(
        !error.message.is_empty(),
        "{what}: an error without a message"
    );
}

/// The decoder read the body as something other than JSON (no body at all, a text kept as
/// one string, an event stream whose events carry the JSON) and kept none of its nesting.
fn reads_no_json(decoded: &nodewire_common::registry::Decoded) -> bool {
    decoded.reencoded.is_none()
        || decoded
            .original
            .as_ref()
            .is_some_and(|read| nesting(read) <= 1)
}

/// How deep a JSON value nests.
fn nesting(value: &serde_json::Value) -> usize {
    match value {
        serde_json::Value::Array(items) => 1 + items.iter().map(nesting).max().unwrap_or(0),
        serde_json::Value::Object(map) => 1 + map.values().map(nesting).max().unwrap_or(0),
        _ => 0,
    }
}

#[test]
fn every_type_decoder_refuses_deep_nesting_with_an_error() {
    let [arrays, objects] = deeply_nested();
    for registry in registries() {
        assert!(
            registry.types.len() > 5,
            "{}: {} types",
            registry.protocol,
            registry.types.len()
        );
        for entry in &registry.types {
            let what = format!("{} {}", registry.protocol, entry.name);
            // No wire type is 100,000 nested arrays.
            match (entry.decode)(&arrays) {
                Ok(decoded) => panic!(
                    "{what} accepted 100,000 nested arrays as {}",
                    decoded.type_name
                ),
                Err(failed) => assert_stopped_early(&what, &failed),
            }
            // Nested objects under an unknown key are skipped without recursion (serde_json's
            // `IgnoredAny` keeps an explicit stack), so a lenient type may accept them, keeping
            // none of the nesting; a type that keeps the value stops at the limit.
            match (entry.decode)(&objects) {
                Ok(decoded) => {
                    let kept = decoded.reencoded.as_ref().map_or(0, nesting);
                    assert!(kept <= 2, "{what} kept {kept} levels of the nested objects");
                }
                Err(failed) => assert_stopped_early(&what, &failed),
            }
        }
    }
}

#[test]
fn every_route_decoder_refuses_deep_nesting_with_an_error() {
    use http::StatusCode;
    let [arrays, objects] = deeply_nested();
    for registry in registries() {
        assert!(
            !registry.routes.is_empty(),
            "{}: no routes",
            registry.protocol
        );
        for route in &registry.routes {
            let line = format!(
                "{} {} {}",
                registry.protocol, route.metadata.method, route.metadata.path
            );
            let mut decoders = vec![("request".to_owned(), route.request)];
            for status in [
                StatusCode::OK,
                StatusCode::BAD_REQUEST,
                StatusCode::NOT_FOUND,
            ] {
                decoders.push((format!("{status} response"), (route.response)(status)));
            }
            for (which, decode) in decoders {
                let what = format!("{line} {which}");
                // Nested arrays: a JSON body is refused near the top or at the recursion
                // limit; only a route that reads no JSON here accepts them.
                match decode(&arrays) {
                    Err(failed) => assert_stopped_early(&what, &failed),
                    Ok(decoded) => assert!(
                        reads_no_json(&decoded),
                        "{what} accepted 100,000 nested arrays as {}",
                        decoded.type_name
                    ),
                }
                // Nested objects under an unknown key: a lenient model skips them and keeps
                // none of the nesting.
                match decode(&objects) {
                    Err(failed) => assert_stopped_early(&what, &failed),
                    Ok(decoded) => {
                        let kept = decoded.reencoded.as_ref().map_or(0, nesting);
                        assert!(
                            reads_no_json(&decoded) || kept <= 2,
                            "{what} kept {kept} levels of the nested objects as {}",
                            decoded.type_name
                        );
                    }
                }
            }
        }
    }
}
