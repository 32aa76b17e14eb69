//! An in-memory NodePass master, sans-IO (feature `mock`).
//!
//! [`MockMaster`] answers every route under its API base from in-memory state, with the
//! master's routing, statuses, messages and Go's JSON encoding ([`crate::server`],
//! [`crate::envelope`]); stored URLs come from [`crate::url::normalize`], and an instance
//! whose URL a process would refuse ([`crate::url::Process`]) goes to `error` after starting,
//! with the process's error as a `log` event, as on a real master. PATCH applies its fields in
//! the master's order, non-atomically; start and stop take effect after the answer is built,
//! so answers show the status before the change, as a real master's do. API-key
//! regeneration sends `shutdown` to every event stream and closes it.
//!
//! Differences from a real master, by design:
//!
//! - No processes run: [`MockMaster::tick`] stands for a `CHECK_POINT` of every running
//!   instance (synthetic traffic: +100000 bytes received and +50000 sent per call), and the
//!   HTTP layer decides how often to call it.
//! - `/tcping` is answered by the HTTP layer: [`Outcome::Tcping`] asks it to dial and
//!   [`MockMaster::tcping_response`] builds the answer.
//! - Bodies over [`MockConfig::body_limit`] get `413` (a real master has no limit); `/info`
//!   reports `cpu: -1` and zero system counters (the host is not sampled); `/docs` is a short
//!   page of the mock's own; nothing is persisted; `GET /instances` keeps creation order.
//! - A `405` carries `Allow` (the master's handlers send none); an error message quotes at
//!   most 128 characters of the request (an invalid `action`, an MCP method, a dial target).
//!
//! The v2 MCP endpoint (`{prefix}/v2`, absent with [`Compat::V1_14_0`]) answers `initialize`,
//! `tools/list` and all 19 tools over the same instances. `export_instances` and
//! `import_instances` use an in-memory `nodepass.json` ([`MockConfig::export_path`] is only
//! the path in the answers); `tcping_target` dials with [`MockConfig::mcp_dial`], by default
//! [`dial_loopback`], which never leaves the host. A `set_instance_*` change stores a
//! `config` from [`crate::url::normalize`] of the new URL.
//!
//! Wrap it in any HTTP server, in the master's order: [`MockMaster::admit`] on the request
//! head (the mux, `OPTIONS`, `X-API-Key`, the method, the instance), and send its refusal
//! without reading the body, as the master (whose handlers read the body only to decode it)
//! does; then, where [`Admitted::reads_body`](crate::server::Admitted::reads_body), read the
//! body up to [`MockConfig::body_limit`] (a declared `Content-Length` over it is
//! [`Body::TooLarge`] without reading); then call [`MockMaster::handle`], and for
//! [`Outcome::Stream`] keep the connection open, writing what [`MockMaster::take_events`]
//! returns after each later call.

mod docs;
mod events;
mod info;
mod instances;
mod mcp;

use std::collections::{BTreeMap, VecDeque};
use std::time::{Duration, Instant};

use bytes::Bytes;
use nodewire_common::Secret;
use nodewire_common::server::request_from_parts;
use serde::Serialize;

use crate::envelope::{error_response, json_response, messages};
use crate::instances::{API_KEY_ID, Instance, InstanceId, InstanceStatus, InstanceType};
use crate::server::{Admitted, ApiFailure, Request, instance_method_not_allowed, preflight, route};
use crate::url::{Compat, MasterSettings, MasterUrl};
use http::{Method, StatusCode};

pub use mcp::dial_loopback;
pub use nodewire_common::server::Body;

/// The mock's settings.
#[derive(Debug, Clone)]
pub struct MockConfig {
    /// The API base (`/api/v1`).
    pub api_base: String,
    /// The settings passed on to instances (`log`, TLS code, `crt`, `key`).
    pub settings: MasterSettings,
    /// Which release's `config` to reproduce.
    pub compat: Compat,
    /// The API key; a random one when empty.
    pub api_key: Secret,
    /// The master alias.
    pub alias: String,
    /// `/info.ver`.
    pub version: String,
    /// `/info.name`.
    pub name: String,
    /// Events buffered per subscriber before new ones are dropped (the master's is 10).
    pub subscriber_buffer: usize,
    /// The request body limit in bytes.
    pub body_limit: usize,
    /// How the MCP `tcping_target` tool dials `host:port`: the latency, or Go's error text
    /// (`dial tcp 127.0.0.1:1: connect: connection refused`).
    pub mcp_dial: fn(&str) -> Result<Duration, String>,
    /// The path of `nodepass.json` that the MCP export and import tools name (the file
    /// itself is kept in memory).
    pub export_path: String,
}

impl Default for MockConfig {
    fn default() -> Self {
        Self {
            api_base: "/api/v1".to_owned(),
            settings: MasterSettings::default(),
            compat: Compat::default(),
            api_key: Secret::new(""),
            alias: String::new(),
            version: format!("{}-mock", crate::UPSTREAM_VERSION),
            name: "127.0.0.1".to_owned(),
            subscriber_buffer: 10,
            body_limit: crate::server::DEFAULT_BODY_LIMIT,
            mcp_dial: dial_loopback,
            export_path: format!("/usr/local/bin/gob/{}", crate::mcp::EXPORT_FILE_NAME),
        }
    }
}

impl MockConfig {
    /// The settings of a master started with `url` (certificates assumed to load).
    pub fn from_master_url(url: &MasterUrl) -> Self {
        Self {
            api_base: url.api_base(),
            settings: MasterSettings::from_master(url, crate::url::CertificateFiles::Load),
            name: url.info_name().to_owned(),
            ..Self::default()
        }
    }
}

/// The most characters of the peer's input an error message quotes (an action, an MCP
/// method, a dial target); past it the quote is cut with `…`.
const ECHO_CHARS: usize = 128;

/// An event-stream subscription.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SubscriberId(u64);

/// What the HTTP layer should do.
///
/// `Debug` writes the length of a body, not its text: bodies carry instance URLs, their
/// tunnel keys and the API key.
#[derive(derive_more::Debug)]
pub enum Outcome {
    /// Send this response.
    Respond(
        #[debug(
            "Response {{ status: {:?}, version: {:?}, headers: {:?}, body: <{} bytes> }}",
            _0.status(),
            _0.version(),
            _0.headers(),
            _0.body().len()
        )]
        http::Response<Bytes>,
    ),
    /// Send these headers and the first bytes (`retry:` and the `initial` events), keep the
    /// connection open and write [`MockMaster::take_events`] as it returns more; end the
    /// response when it returns `None`.
    Stream {
        /// The subscription.
        subscriber: SubscriberId,
        /// Status and headers (the body is empty).
        head: http::Response<()>,
        /// The first bytes.
        #[debug("<{} bytes>", prelude.len())]
        prelude: Bytes,
    },
    /// Dial `target` over TCP (5 s timeout) and answer with
    /// [`MockMaster::tcping_response`].
    Tcping {
        /// `host:port` as given.
        target: String,
    },
}

#[derive(derive_more::Debug)]
struct Subscriber {
    // `Debug` writes the length of each queued event.
    #[debug(
        "{:?}",
        queue.iter().map(|event| format!("<{} bytes>", event.len())).collect::<Vec<_>>()
    )]
    queue: VecDeque<Bytes>,
    closed: bool,
}

/// An in-memory NodePass master.
///
/// `Debug` hides the API key and the tunnel keys, and writes the length of queued events and
/// of the exported file.
#[derive(derive_more::Debug)]
pub struct MockMaster {
    config: MockConfig,
    key: Secret,
    master_id: String,
    instances: Vec<Instance>,
    subscribers: BTreeMap<SubscriberId, Subscriber>,
    next_subscriber: u64,
    started: Instant,
    /// `nodepass.json` as the MCP export tool last wrote it.
    #[debug("{:?}", exported.as_ref().map(|file| format!("<{} bytes>", file.len())))]
    exported: Option<Vec<u8>>,
}

fn random_hex(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    if getrandom::fill(&mut buf).is_err() {
        // No OS randomness: derive from the clock (the mock is not a security boundary).
        let t = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0)
            .to_le_bytes();
        for (b, t) in buf.iter_mut().zip(t.iter().cycle()) {
            *b = *t;
        }
    }
    buf.iter().map(|b| format!("{b:02x}")).collect()
}

fn utc_now() -> chrono::DateTime<chrono::Utc> {
    let since = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    chrono::DateTime::from_timestamp(
        i64::try_from(since.as_secs()).unwrap_or(0),
        since.subsec_nanos(),
    )
    .unwrap_or_default()
}

/// Go's `time.Time` JSON form in UTC: RFC 3339, nanoseconds with trailing zeros trimmed.
fn go_time_now() -> String {
    nodewire_common::Timestamp::<nodewire_common::timestamp::GoTime>::now().into()
}

fn log_line(level: &str, colour: u8, message: &str) -> String {
    let now = utc_now().format("%Y-%m-%d %H:%M:%S%.3f");
    format!("{now}  \u{1b}[{colour}m{level}\u{1b}[0m  {message}")
}

/// An instance with no metadata and zero counters (the API-key record, or a new instance).
fn idle_instance(
    id: InstanceId,
    alias: String,
    kind: InstanceType,
    status: InstanceStatus,
    url: String,
    config: String,
    restart: bool,
) -> Instance {
    Instance {
        alias,
        url,
        config,
        restart,
        ..Instance::new(id, kind, status)
    }
}

fn respond<T: Serialize>(status: StatusCode, value: &T) -> Outcome {
    Outcome::Respond(
        json_response(status, value)
            .unwrap_or_else(|e| error_response(StatusCode::INTERNAL_SERVER_ERROR, &e.to_string())),
    )
}

fn fail(status: StatusCode, message: &str) -> Outcome {
    Outcome::Respond(ApiFailure::new(status, message).into_response())
}

impl MockMaster {
    /// A master with no instances but the API-key one.
    pub fn new(config: MockConfig) -> Self {
        let key = if config.api_key.expose().is_empty() {
            Secret::new(random_hex(16))
        } else {
            config.api_key.clone()
        };
        let master_id = random_hex(8);
        let key_instance = idle_instance(
            InstanceId::api_key(),
            config.alias.clone(),
            InstanceType::ApiKey,
            InstanceStatus::ApiKey,
            key.expose().to_owned(),
            master_id.clone(),
            false,
        );
        Self {
            config,
            key,
            master_id,
            instances: vec![key_instance],
            subscribers: BTreeMap::new(),
            next_subscriber: 1,
            started: Instant::now(),
            exported: None,
        }
    }

    /// The settings.
    pub fn config(&self) -> &MockConfig {
        &self.config
    }

    /// The current API key.
    pub fn api_key(&self) -> &Secret {
        &self.key
    }

    /// Every instance, the API-key instance first.
    pub fn instances(&self) -> &[Instance] {
        &self.instances
    }

    fn find(&self, id: &InstanceId) -> Option<usize> {
        self.instances.iter().position(|i| i.id == *id)
    }

    /// The master's checks on a request head, before it reads the body, in its order
    /// ([`crate::server::admit`]), then those it makes on its state before the body: an
    /// unknown instance is `404`; `PUT` and `DELETE` of the API-key instance are `403`; another
    /// method on an existing instance is `405`. `Err` is the refusal, to send without reading
    /// the body; [`Admitted::reads_body`] says whether to read it before [`handle`](Self::handle).
    ///
    /// ```
    /// use nodewire_common::Secret;
    /// use nodewire_nodepass::mock::{MockConfig, MockMaster};
    /// let mock = MockMaster::new(MockConfig { api_key: Secret::new("k"), ..MockConfig::default() });
    /// let (head, ()) = http::Request::put("/api/v1/instances/nope")
    ///     .header("x-api-key", "k")
    ///     .header("content-length", "1000000000")
    ///     .body(())
    ///     .unwrap()
    ///     .into_parts();
    /// assert_eq!(mock.admit(&head).unwrap_err().status(), http::StatusCode::NOT_FOUND);
    /// ```
    pub fn admit(&self, head: &http::request::Parts) -> Result<Admitted, ApiFailure> {
        if self.config.compat == Compat::V1_14_0
            && head.uri.path() == crate::server::mcp_path(&self.config.api_base)
        {
            return Err(ApiFailure::MuxNotFound);
        }
        let admitted = crate::server::admit(&self.config.api_base, &self.key, head)?;
        if let Some(id) = &admitted.instance {
            if self.find(id).is_none() {
                return Err(ApiFailure::instance_not_found());
            }
            match head.method {
                Method::GET | Method::PATCH => {}
                Method::PUT | Method::DELETE if id.is_api_key() => {
                    return Err(ApiFailure::new(
                        StatusCode::FORBIDDEN,
                        messages::FORBIDDEN_API_KEY,
                    ));
                }
                Method::PUT | Method::DELETE => {}
                _ => return Err(instance_method_not_allowed()),
            }
        }
        Ok(admitted)
    }

    /// Handles one request: [`admit`](Self::admit), then the body (ignored when the handler
    /// reads none; [`Body::TooLarge`] is `413` where it reads one), then the handler.
    pub fn handle(&mut self, head: &http::request::Parts, body: Body) -> Outcome {
        let admitted = match self.admit(head) {
            Ok(admitted) => admitted,
            Err(refusal) => return Outcome::Respond(refusal.into_response()),
        };
        let bytes = match body {
            _ if !admitted.reads_body => Bytes::new(),
            Body::Complete(bytes) => bytes,
            Body::TooLarge => {
                return fail(StatusCode::PAYLOAD_TOO_LARGE, "Request body too large");
            }
        };
        let request = request_from_parts(head, bytes);
        match route(&self.config.api_base, &self.key, &request) {
            Ok(request) => self.answer(request),
            Err(failure) => Outcome::Respond(failure.into_response()),
        }
    }

    /// One handler per route (the files of this module are named after the master's areas).
    fn answer(&mut self, request: Request) -> Outcome {
        match request {
            Request::Preflight => Outcome::Respond(preflight()),
            Request::ListInstances => self.list_instances(),
            Request::CreateInstance(body) => self.create_instance(body.alias, &body.url),
            Request::GetInstance(id) => self.get_instance(&id),
            Request::UpdateInstance(id, body) => self.update_instance(&id, body),
            Request::PutInstance(id, body) => self.put_instance(&id, &body),
            Request::DeleteInstance(id) => self.delete_instance(&id),
            Request::DetailNotAllowed(id) => self.detail_not_allowed(&id),
            Request::Events => self.subscribe(),
            Request::GetInfo => self.get_info(),
            Request::UpdateInfo(alias) => self.update_info(alias),
            Request::Tcping(target) => Outcome::Tcping { target },
            Request::Mcp(body) => self.mcp(&body),
            Request::OpenApi => self.openapi(),
            Request::Docs => self.docs(),
        }
    }

    /// The id of the API-key instance (for symmetry with [`InstanceId::api_key`]).
    pub fn api_key_id() -> &'static str {
        API_KEY_ID
    }

    /// The master id (the API-key instance's `config`).
    pub fn master_id(&self) -> &str {
        &self.master_id
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call(
        m: &mut MockMaster,
        method: &str,
        path: &str,
        body: &str,
        key: Option<&str>,
    ) -> (StatusCode, String) {
        let mut builder = http::Request::builder().method(method).uri(path);
        if let Some(k) = key {
            builder = builder.header(crate::AUTH_HEADER, k);
        }
        let (head, ()) = builder.body(()).unwrap().into_parts();
        match m.handle(&head, Body::Complete(Bytes::from(body.to_owned()))) {
            Outcome::Respond(r) => (r.status(), String::from_utf8_lossy(r.body()).into_owned()),
            Outcome::Stream { prelude, .. } => (
                StatusCode::OK,
                String::from_utf8_lossy(&prelude).into_owned(),
            ),
            Outcome::Tcping { target } => (StatusCode::OK, target),
        }
    }

    /// Creates an instance with key `k` and returns its id.
    fn create(m: &mut MockMaster) -> String {
        let (status, body) = call(
            m,
            "POST",
            "/api/v1/instances",
            r#"{"url":"server://127.0.0.1:19101/127.0.0.1:19102"}"#,
            Some("k"),
        );
        assert_eq!(status, StatusCode::CREATED, "{body}");
        serde_json::from_str::<Instance>(&body)
            .unwrap()
            .id
            .to_string()
    }

    fn head(method: &str, path: &str, key: Option<&str>) -> http::request::Parts {
        let mut builder = http::Request::builder().method(method).uri(path);
        if let Some(k) = key {
            builder = builder.header(crate::AUTH_HEADER, k);
        }
        builder
            .header(http::header::CONTENT_LENGTH, "1073741824")
            .body(())
            .map(|r| r.into_parts().0)
            .unwrap_or_else(|_| http::Request::new(()).into_parts().0)
    }

    #[test]
    fn debug_hides_the_keys() {
        let mut m = MockMaster::new(MockConfig {
            api_key: Secret::new("api-s3cr3t-k3y"),
            alias: "home".to_owned(),
            ..MockConfig::default()
        });
        let handle = |m: &mut MockMaster, method: &str, path: &str, body: &str| {
            let (head, ()) = http::Request::builder()
                .method(method)
                .uri(path)
                .header(crate::AUTH_HEADER, "api-s3cr3t-k3y")
                .body(())
                .unwrap()
                .into_parts();
            m.handle(&head, Body::Complete(Bytes::from(body.to_owned())))
        };
        let stream = handle(&mut m, "GET", "/api/v1/events", "");
        assert!(matches!(stream, Outcome::Stream { .. }), "{stream:?}");
        let created = handle(
            &mut m,
            "POST",
            "/api/v1/instances",
            r#"{"url":"server://tunnel-s3cr3t@127.0.0.1:19101/127.0.0.1:19102"}"#,
        );
        let listed = handle(&mut m, "GET", "/api/v1/instances", "");
        let Outcome::Respond(response) = &listed else {
            panic!("{listed:?}");
        };
        let body = String::from_utf8_lossy(response.body()).into_owned();
        assert!(body.contains("api-s3cr3t-k3y") && body.contains("tunnel-s3cr3t"));
        for debug in [
            format!("{m:?}"),
            format!("{stream:?}"),
            format!("{created:?}"),
            format!("{listed:?}"),
        ] {
            assert!(!debug.contains("s3cr3t"), "{debug}");
        }
        let debug = format!("{m:?}");
        assert!(debug.contains("home") && debug.contains("server://[redacted]@127.0.0.1:19101"));
        assert!(format!("{listed:?}").contains("status: 200"));
    }

    #[test]
    fn admit_refuses_before_the_body_in_the_masters_order() {
        let mut m = MockMaster::new(MockConfig {
            api_key: Secret::new("k"),
            ..MockConfig::default()
        });
        let id = create(&mut m);
        let refused = |m: &MockMaster, method, path: &str, key| {
            m.admit(&head(method, path, key)).err().map(|f| f.status())
        };
        let one = format!("/api/v1/instances/{id}");
        // The key before everything that looks at the instance.
        assert_eq!(
            refused(&m, "PUT", "/api/v1/instances/nope", None),
            Some(StatusCode::UNAUTHORIZED)
        );
        // Then the lookup, before the method: an unknown instance is 404 for any method.
        assert_eq!(
            refused(&m, "PUT", "/api/v1/instances/nope", Some("k")),
            Some(StatusCode::NOT_FOUND)
        );
        assert_eq!(
            refused(&m, "POST", "/api/v1/instances/nope", Some("k")),
            Some(StatusCode::NOT_FOUND)
        );
        let not_allowed = m.admit(&head("POST", &one, Some("k"))).err();
        let response = not_allowed
            .map(ApiFailure::into_response)
            .unwrap_or_default();
        assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
        assert_eq!(
            response.headers()[http::header::ALLOW],
            "GET, PATCH, PUT, DELETE, OPTIONS"
        );
        // The API-key instance: PUT and DELETE are refused before the body, PATCH reads it.
        for method in ["PUT", "DELETE"] {
            assert_eq!(
                refused(&m, method, "/api/v1/instances/********", Some("k")),
                Some(StatusCode::FORBIDDEN)
            );
        }
        let patch = m.admit(&head("PATCH", "/api/v1/instances/********", Some("k")));
        assert_eq!(patch.map(|a| a.reads_body).ok(), Some(true));
        assert_eq!(
            m.admit(&head("PUT", &one, Some("k")))
                .map(|a| a.reads_body)
                .ok(),
            Some(true)
        );
        // v1.14 has no MCP route: the mux's 404, before the key.
        let v1 = MockMaster::new(MockConfig {
            compat: Compat::V1_14_0,
            api_key: Secret::new("k"),
            ..MockConfig::default()
        });
        assert_eq!(
            v1.admit(&head("POST", "/api/v2", None)).err(),
            Some(ApiFailure::MuxNotFound)
        );
    }

    #[test]
    fn handle_reads_a_body_only_where_the_handler_does() {
        let mut m = MockMaster::new(MockConfig {
            api_key: Secret::new("k"),
            ..MockConfig::default()
        });
        let mut answer =
            |method, path, key| match m.handle(&head(method, path, key), Body::TooLarge) {
                Outcome::Respond(r) => r.status(),
                Outcome::Stream { .. } | Outcome::Tcping { .. } => StatusCode::OK,
            };
        // A body too large is 413 only once the head passed, and only where it is read.
        assert_eq!(
            answer("POST", "/api/v1/instances", None),
            StatusCode::UNAUTHORIZED
        );
        assert_eq!(
            answer("POST", "/api/v1/instances", Some("k")),
            StatusCode::PAYLOAD_TOO_LARGE
        );
        assert_eq!(answer("GET", "/api/v1/info", Some("k")), StatusCode::OK);
        assert_eq!(
            answer("DELETE", "/api/v1/instances/********", Some("k")),
            StatusCode::FORBIDDEN
        );
    }

    #[test]
    fn errors_quote_a_bounded_excerpt() {
        let mut m = MockMaster::new(MockConfig {
            api_key: Secret::new("k"),
            ..MockConfig::default()
        });
        let action = "x".repeat(100_000);
        let (status, body) = call(
            &mut m,
            "PATCH",
            "/api/v1/instances/********",
            "{}",
            Some("k"),
        );
        assert_eq!(status, StatusCode::OK, "{body}");
        let id = create(&mut m);
        let (status, body) = call(
            &mut m,
            "PATCH",
            &format!("/api/v1/instances/{id}"),
            &format!(r#"{{"action":"{action}"}}"#),
            Some("k"),
        );
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert!(
            body.starts_with("{\"error\":\"Invalid action: xxx"),
            "{body}"
        );
        assert!(body.len() < 300, "{} bytes", body.len());
        let (status, body) = call(
            &mut m,
            "POST",
            "/api/v2",
            &format!(r#"{{"jsonrpc":"2.0","id":1,"method":"{action}"}}"#),
            Some("k"),
        );
        assert_eq!(status, StatusCode::OK);
        assert!(body.contains("Method not found"), "{body}");
        assert!(body.len() < 400, "{} bytes", body.len());
        assert!(dial_loopback(&action).is_err_and(|e| e.len() < 400));
        // Go's text for a target without a port (capture `tcping-noport`).
        assert_eq!(
            dial_loopback("127.0.0.1"),
            Err("dial tcp: address 127.0.0.1: missing port in address".to_owned())
        );
    }

    #[test]
    fn lifecycle_follows_the_master() {
        let mut m = MockMaster::new(MockConfig {
            api_key: Secret::new("k"),
            settings: MasterSettings {
                log: "info".into(),
                ..MasterSettings::default()
            },
            ..MockConfig::default()
        });
        let (status, stream) = call(&mut m, "GET", "/api/v1/events", "", Some("k"));
        assert_eq!(status, StatusCode::OK);
        assert!(stream.starts_with("retry: 3000\n\nevent: instance\ndata: {\"type\":\"initial\""));
        let (status, body) = call(
            &mut m,
            "POST",
            "/api/v1/instances",
            r#"{"alias":"a","url":"server://127.0.0.1:19101/127.0.0.1:19102"}"#,
            Some("k"),
        );
        assert_eq!(status, StatusCode::CREATED);
        let created: Instance = serde_json::from_str(&body).unwrap();
        assert_eq!(created.status, InstanceStatus::Stopped);
        assert_eq!(
            created.url,
            "server://127.0.0.1:19101/127.0.0.1:19102?log=info"
        );
        assert!(body.contains("\\u0026"));
        let id = created.id.as_str().to_owned();
        let (status, body) = call(
            &mut m,
            "PATCH",
            &format!("/api/v1/instances/{id}"),
            r#"{"action":"stop"}"#,
            Some("k"),
        );
        assert_eq!(status, StatusCode::OK);
        assert!(body.contains("\"status\":\"running\""), "{body}");
        let (status, body) = call(
            &mut m,
            "PUT",
            &format!("/api/v1/instances/{id}"),
            r#"{"url":"server://127.0.0.1:19101/127.0.0.1:19102"}"#,
            Some("k"),
        );
        assert_eq!(
            (status, body.as_str()),
            (
                StatusCode::CONFLICT,
                "{\"error\":\"Instance URL conflict\"}\n"
            )
        );
        let (status, _) = call(
            &mut m,
            "DELETE",
            "/api/v1/instances/********",
            "",
            Some("k"),
        );
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, body) = call(
            &mut m,
            "PATCH",
            "/api/v1/instances/********",
            r#"{"action":"restart"}"#,
            Some("k"),
        );
        assert_eq!(status, StatusCode::OK);
        assert!(!body.contains("\"url\":\"k\""));
        assert_eq!(
            call(&mut m, "GET", "/api/v1/info", "", Some("k")).0,
            StatusCode::UNAUTHORIZED
        );
        let events = m.take_events(SubscriberId(1)).unwrap_or_default();
        let text: String = events
            .iter()
            .map(|b| String::from_utf8_lossy(b).into_owned())
            .collect();
        assert!(text.contains("\"type\":\"create\""));
        assert!(text.contains("\"type\":\"shutdown\""));
        assert_eq!(m.take_events(SubscriberId(1)), None);
    }
}
