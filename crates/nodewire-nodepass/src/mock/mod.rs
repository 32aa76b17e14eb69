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
//!
//! The v2 MCP endpoint (`{prefix}/v2`, absent with [`Compat::V1_14_0`]) answers `initialize`,
//! `tools/list` and all 19 tools over the same instances. `export_instances` and
//! `import_instances` use an in-memory `nodepass.json` ([`MockConfig::export_path`] is only
//! the path in the answers); `tcping_target` dials with [`MockConfig::mcp_dial`], by default
//! [`dial_loopback`], which never leaves the host. A `set_instance_*` change stores a
//! `config` from [`crate::url::normalize`] of the new URL.
//!
//! Wrap it in any HTTP server: read the body (up to the limit), call [`MockMaster::handle`],
//! and for [`Outcome::Stream`] keep the connection open, writing what
//! [`MockMaster::take_events`] returns after each later call.

use std::collections::{BTreeMap, VecDeque};
use std::time::{Duration, Instant};

mod mcp;

pub use mcp::dial_loopback;

use bytes::Bytes;
use http::{HeaderValue, StatusCode, header};
use nodewire_common::Secret;
use serde::Serialize;

use crate::envelope::{error_response, json_response, messages, set_cors_headers, to_go_json};
use crate::events::{EventType, InstanceEvent};
use crate::info::MasterInfo;
use crate::instances::{
    API_KEY_ID, Instance, InstanceId, InstanceStatus, InstanceType, MAX_VALUE_LEN, Meta,
};
use crate::server::{Incoming, PatchBody, decode_put_body, not_allowed, preflight, route};
use crate::url::{
    Compat, Environment, MasterSettings, MasterUrl, NormalizeError, Process, Role, normalize,
};

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
            body_limit: 1024 * 1024,
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
            settings: MasterSettings::from_master(url, true),
            name: url.info_name().to_owned(),
            ..Self::default()
        }
    }
}

/// A request body as the HTTP layer read it.
#[derive(Debug, Clone)]
pub enum Body {
    /// The whole body, within the limit.
    Complete(Bytes),
    /// The body exceeded [`MockConfig::body_limit`].
    TooLarge,
}

/// An event-stream subscription.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SubscriberId(u64);

/// What the HTTP layer should do.
#[derive(Debug)]
pub enum Outcome {
    /// Send this response.
    Respond(http::Response<Bytes>),
    /// Send these headers and the first bytes (`retry:` and the `initial` events), keep the
    /// connection open and write [`MockMaster::take_events`] as it returns more; end the
    /// response when it returns `None`.
    Stream {
        /// The subscription.
        subscriber: SubscriberId,
        /// Status and headers (the body is empty).
        head: http::Response<()>,
        /// The first bytes.
        prelude: Bytes,
    },
    /// Dial `target` over TCP (5 s timeout) and answer with
    /// [`MockMaster::tcping_response`].
    Tcping {
        /// `host:port` as given.
        target: String,
    },
}

#[derive(Debug)]
struct Subscriber {
    queue: VecDeque<Bytes>,
    closed: bool,
}

/// An in-memory NodePass master.
#[derive(Debug)]
pub struct MockMaster {
    config: MockConfig,
    key: Secret,
    master_id: String,
    instances: Vec<Instance>,
    subscribers: BTreeMap<SubscriberId, Subscriber>,
    next_subscriber: u64,
    started: Instant,
    /// `nodepass.json` as the MCP export tool last wrote it.
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

/// Go's `time.Time` JSON form in UTC: RFC 3339, nanoseconds with trailing zeros trimmed.
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

fn go_time_now() -> String {
    let now = utc_now();
    let mut text = now.format("%Y-%m-%dT%H:%M:%S").to_string();
    let nanos = now.timestamp_subsec_nanos();
    if nanos > 0 {
        let fraction = format!("{nanos:09}");
        text.push('.');
        text.push_str(fraction.trim_end_matches('0'));
    }
    text.push('Z');
    text
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
        id,
        alias,
        kind,
        status,
        url,
        config,
        restart,
        meta: Meta::default(),
        mode: 0,
        ping: 0,
        pool: 0,
        tcps: 0,
        udps: 0,
        tcprx: 0,
        tcptx: 0,
        udprx: 0,
        udptx: 0,
    }
}

fn respond<T: Serialize>(status: StatusCode, value: &T) -> Outcome {
    Outcome::Respond(
        json_response(status, value)
            .unwrap_or_else(|e| error_response(StatusCode::INTERNAL_SERVER_ERROR, &e.to_string())),
    )
}

fn fail(status: StatusCode, message: &str) -> Outcome {
    Outcome::Respond(error_response(status, message))
}

fn go_arch() -> &'static str {
    match std::env::consts::ARCH {
        "x86_64" => "amd64",
        "x86" => "386",
        "aarch64" => "arm64",
        "powerpc64" => "ppc64",
        "loongarch64" => "loong64",
        other => other,
    }
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

    fn emit(&mut self, kind: EventType, instance: Option<Instance>, logs: String) {
        let event = InstanceEvent {
            kind,
            time: go_time_now(),
            instance,
            logs,
        };
        let Some(frame) = frame(&event) else {
            return;
        };
        let limit = self.config.subscriber_buffer;
        for sub in self.subscribers.values_mut().filter(|s| !s.closed) {
            if sub.queue.len() < limit {
                sub.queue.push_back(frame.clone());
            }
        }
    }

    fn emit_instance(&mut self, kind: EventType, index: usize, logs: String) {
        let snapshot = self.instances.get(index).cloned();
        self.emit(kind, snapshot, logs);
    }

    /// The bytes queued for `subscriber`; `None` once its stream is closed (after
    /// `shutdown`) and drained, or for an unknown subscriber: end the response then.
    pub fn take_events(&mut self, subscriber: SubscriberId) -> Option<Vec<Bytes>> {
        let sub = self.subscribers.get_mut(&subscriber)?;
        let frames: Vec<Bytes> = sub.queue.drain(..).collect();
        if frames.is_empty() && sub.closed {
            self.subscribers.remove(&subscriber);
            return None;
        }
        Some(frames)
    }

    /// Forgets a subscriber whose connection closed.
    pub fn unsubscribe(&mut self, subscriber: SubscriberId) {
        self.subscribers.remove(&subscriber);
    }

    /// Master shutdown: `shutdown` to every stream, which then close.
    pub fn shutdown(&mut self) {
        self.emit(EventType::Shutdown, None, String::new());
        for sub in self.subscribers.values_mut() {
            sub.closed = true;
        }
    }

    /// A `CHECK_POINT` from every running instance: statistics update and an `update` event.
    pub fn tick(&mut self) {
        for index in 0..self.instances.len() {
            let Some(instance) = self.instances.get_mut(index) else {
                continue;
            };
            if instance.is_api_key() || instance.status != InstanceStatus::Running {
                continue;
            }
            let mode = crate::url::go::parse(&instance.url)
                .map(|u| {
                    crate::url::go::Values::parse(u.raw_query)
                        .get("mode")
                        .to_vec()
                })
                .unwrap_or_default();
            let server = instance.kind == InstanceType::Server;
            instance.mode = match (mode.as_slice(), server) {
                (b"1", _) => 1,
                (b"2", _) => 2,
                (_, true) => 1,
                (_, false) => 2,
            };
            instance.ping = 1;
            instance.pool = if instance.mode == 2 { 4 } else { 0 };
            instance.tcprx = instance.tcprx.saturating_add(100_000);
            instance.tcptx = instance.tcptx.saturating_add(50_000);
            self.emit_instance(EventType::Update, index, String::new());
        }
    }

    /// Builds the `/tcping` answer from the HTTP layer's dial: the latency, or the dial error
    /// text (Go's reads `dial tcp 127.0.0.1:1: connect: connection refused`).
    pub fn tcping_response(
        target: &str,
        result: Result<std::time::Duration, String>,
    ) -> http::Response<Bytes> {
        let value = match result {
            Ok(latency) => crate::tcping::TCPingResult {
                target: target.to_owned(),
                connected: true,
                latency: i64::try_from(latency.as_millis()).unwrap_or(i64::MAX),
                error: None,
            },
            Err(error) => crate::tcping::TCPingResult {
                target: target.to_owned(),
                connected: false,
                latency: 0,
                error: Some(error),
            },
        };
        json_response(StatusCode::OK, &value)
            .unwrap_or_else(|e| error_response(StatusCode::INTERNAL_SERVER_ERROR, &e.to_string()))
    }

    fn info(&self) -> MasterInfo {
        MasterInfo {
            alias: self.config.alias.clone(),
            arch: go_arch().to_owned(),
            cpu: -1,
            crt: self.config.settings.crt.clone(),
            diskr: 0,
            diskw: 0,
            key: self.config.settings.key.clone(),
            log: self.config.settings.log.clone(),
            mem_total: 0,
            mem_used: 0,
            // As on a master's very first start (see `MasterInfo::mid`).
            mid: String::new(),
            name: self.config.name.clone(),
            netrx: 0,
            nettx: 0,
            noc: match self.config.compat {
                Compat::V1_14_0 => None,
                _ => std::thread::available_parallelism()
                    .ok()
                    .map(|n| n.get() as u64),
            },
            os: std::env::consts::OS.to_owned(),
            swap_total: 0,
            swap_used: 0,
            sysup: 0,
            tls: self.config.settings.tls.clone(),
            uptime: self.started.elapsed().as_secs(),
            ver: self.config.version.clone(),
        }
    }

    /// Handles one request.
    pub fn handle(&mut self, head: &http::request::Parts, body: Body) -> Outcome {
        let bytes = match body {
            Body::Complete(bytes) => bytes,
            Body::TooLarge => {
                return fail(StatusCode::PAYLOAD_TOO_LARGE, "Request body too large");
            }
        };
        let mut request = http::Request::new(bytes);
        *request.method_mut() = head.method.clone();
        *request.uri_mut() = head.uri.clone();
        *request.headers_mut() = head.headers.clone();
        if self.config.compat == Compat::V1_14_0
            && request.uri().path() == crate::server::mcp_path(&self.config.api_base)
        {
            return Outcome::Respond(crate::envelope::mux_not_found());
        }
        let incoming = match route(&self.config.api_base, &self.key, &request) {
            Ok(incoming) => incoming,
            Err(response) => return Outcome::Respond(*response),
        };
        match incoming {
            Incoming::Preflight => Outcome::Respond(preflight()),
            Incoming::ListInstances => respond(StatusCode::OK, &self.instances),
            Incoming::CreateInstance(body) => self.create(body.alias, &body.url),
            Incoming::GetInstance(id) => match self.find(&id) {
                Some(i) => respond(StatusCode::OK, &self.instances.get(i)),
                None => fail(StatusCode::NOT_FOUND, messages::INSTANCE_NOT_FOUND),
            },
            Incoming::UpdateInstance(id, body) => self.patch(&id, body),
            Incoming::PutInstance(id, body) => self.put(&id, &body),
            Incoming::DeleteInstance(id) => self.delete(&id),
            Incoming::DetailNotAllowed(id) => match self.find(&id) {
                Some(_) => Outcome::Respond(not_allowed()),
                None => fail(StatusCode::NOT_FOUND, messages::INSTANCE_NOT_FOUND),
            },
            Incoming::Events => self.subscribe(),
            Incoming::GetInfo => respond(StatusCode::OK, &self.info()),
            Incoming::UpdateInfo(alias) => {
                self.config.alias = alias.clone();
                if let Some(key) = self.instances.iter_mut().find(|i| i.is_api_key()) {
                    key.alias = alias;
                }
                respond(StatusCode::OK, &self.info())
            }
            Incoming::Tcping(target) => Outcome::Tcping { target },
            Incoming::Mcp(body) => self.mcp(&body),
            Incoming::OpenApi => {
                let spec = include_str!("openapi.json").replacen(
                    "{\"url\": \"/api/v1\"}",
                    &format!(
                        "{{\"url\": {}}}",
                        serde_json::to_string(&self.config.api_base).unwrap_or_default()
                    ),
                    1,
                );
                let mut r = http::Response::new(Bytes::from(spec));
                set_cors_headers(r.headers_mut());
                r.headers_mut().insert(
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("application/json"),
                );
                Outcome::Respond(r)
            }
            Incoming::Docs => {
                let page = format!(
                    "<!DOCTYPE html>\n<html><head><title>NodePass API (mock)</title></head><body>\
                     <p>The API document is at <a href=\"{0}/openapi.json\">{0}/openapi.json</a>.</p>\
                     </body></html>\n",
                    self.config.api_base
                );
                let mut r = http::Response::new(Bytes::from(page));
                set_cors_headers(r.headers_mut());
                r.headers_mut()
                    .insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html"));
                Outcome::Respond(r)
            }
        }
    }

    fn subscribe(&mut self) -> Outcome {
        let id = SubscriberId(self.next_subscriber);
        self.next_subscriber += 1;
        let mut prelude = b"retry: 3000\n\n".to_vec();
        for instance in &self.instances {
            let event = InstanceEvent {
                kind: EventType::Initial,
                time: go_time_now(),
                instance: Some(instance.clone()),
                logs: String::new(),
            };
            if let Some(frame) = frame(&event) {
                prelude.extend_from_slice(&frame);
            }
        }
        self.subscribers.insert(
            id,
            Subscriber {
                queue: VecDeque::new(),
                closed: false,
            },
        );
        let mut head = http::Response::new(());
        let headers = head.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/event-stream"),
        );
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
        headers.insert(header::CONNECTION, HeaderValue::from_static("keep-alive"));
        set_cors_headers(headers);
        Outcome::Stream {
            subscriber: id,
            head,
            prelude: Bytes::from(prelude),
        }
    }

    fn normalize_for_request(&self, url: &str) -> Result<crate::url::Normalized, &'static str> {
        normalize(&self.config.settings, url, self.config.compat).map_err(|e| match e {
            NormalizeError::InvalidRequestBody => messages::INVALID_REQUEST_BODY,
            NormalizeError::InvalidUrlFormat => messages::INVALID_URL_FORMAT,
            NormalizeError::InvalidUrlScheme => messages::INVALID_URL_SCHEME,
        })
    }

    fn create(&mut self, alias: String, url: &str) -> Outcome {
        let stored = match self.normalize_for_request(url) {
            Ok(s) => s,
            Err(message) => return fail(StatusCode::BAD_REQUEST, message),
        };
        let id = InstanceId::from_wire(random_hex(4));
        if self.find(&id).is_some() {
            return fail(StatusCode::CONFLICT, messages::INSTANCE_ID_EXISTS);
        }
        let instance = mcp::new_instance(id, alias, stored.role, stored.url, stored.config);
        let outcome = respond(StatusCode::CREATED, &instance);
        self.instances.push(instance);
        let index = self.instances.len() - 1;
        self.emit_instance(EventType::Create, index, String::new());
        self.start(index);
        outcome
    }

    /// `StartInstance`: `running` + `update`; a URL the process refuses then exits: a `log`
    /// event with the error and `error` + `update`.
    fn start(&mut self, index: usize) {
        let Some(instance) = self.instances.get_mut(index) else {
            return;
        };
        if instance.status != InstanceStatus::Stopped {
            return;
        }
        instance.status = InstanceStatus::Running;
        let url = instance.url.clone();
        let role = instance.kind.as_str().to_owned();
        self.emit_instance(EventType::Update, index, String::new());
        match Process::parse(&url, &Environment::default()) {
            Ok(_) => {
                let started = if role == "server" {
                    "Server started"
                } else {
                    "Client started"
                };
                self.emit_instance(EventType::Log, index, log_line("INFO", 32, started));
            }
            Err(e) => {
                let text = e
                    .upstream_text()
                    .map(str::to_owned)
                    .unwrap_or_else(|| e.to_string());
                self.emit_instance(
                    EventType::Log,
                    index,
                    log_line("ERROR", 31, &format!("start: create core failed: {text}")),
                );
                if let Some(instance) = self.instances.get_mut(index) {
                    instance.status = InstanceStatus::Error;
                }
                self.emit_instance(EventType::Update, index, String::new());
            }
        }
    }

    /// `StopInstance`.
    fn stop(&mut self, index: usize) {
        let Some(instance) = self.instances.get_mut(index) else {
            return;
        };
        if instance.status == InstanceStatus::Stopped {
            return;
        }
        instance.status = InstanceStatus::Stopped;
        instance.ping = 0;
        instance.pool = 0;
        instance.tcps = 0;
        instance.udps = 0;
        self.emit_instance(EventType::Update, index, String::new());
    }

    fn patch(&mut self, id: &InstanceId, body: Option<PatchBody>) -> Outcome {
        let Some(index) = self.find(id) else {
            return fail(StatusCode::NOT_FOUND, messages::INSTANCE_NOT_FOUND);
        };
        let Some(body) = body else {
            return respond(StatusCode::OK, &self.instances.get(index));
        };
        if id.is_api_key() {
            if body.action == "restart" {
                self.key = Secret::new(random_hex(16));
                let key = self.key.expose().to_owned();
                if let Some(instance) = self.instances.get_mut(index) {
                    instance.url = key;
                }
                let outcome = respond(StatusCode::OK, &self.instances.get(index));
                self.emit_instance(EventType::Update, index, String::new());
                self.shutdown();
                return outcome;
            }
            return respond(StatusCode::OK, &self.instances.get(index));
        }
        let mut deferred = None;
        if !body.alias.is_empty()
            && self
                .instances
                .get(index)
                .is_some_and(|i| i.alias != body.alias)
        {
            if body.alias.len() > MAX_VALUE_LEN {
                return fail(
                    StatusCode::BAD_REQUEST,
                    &messages::too_long("Instance alias"),
                );
            }
            if let Some(i) = self.instances.get_mut(index) {
                i.alias = body.alias.clone();
            }
            self.emit_instance(EventType::Update, index, String::new());
        }
        if !body.action.is_empty() {
            match body.action.as_str() {
                "reset" => {
                    if let Some(i) = self.instances.get_mut(index) {
                        i.tcprx = 0;
                        i.tcptx = 0;
                        i.udprx = 0;
                        i.udptx = 0;
                    }
                    self.emit_instance(EventType::Update, index, String::new());
                }
                "start" | "stop" | "restart" => deferred = Some(body.action.clone()),
                other => {
                    return fail(
                        StatusCode::BAD_REQUEST,
                        &format!("{}{other}", messages::INVALID_ACTION_PREFIX),
                    );
                }
            }
        }
        if let Some(restart) = body.restart
            && self
                .instances
                .get(index)
                .is_some_and(|i| i.restart != restart)
        {
            if let Some(i) = self.instances.get_mut(index) {
                i.restart = restart;
            }
            self.emit_instance(EventType::Update, index, String::new());
        }
        if let Some(meta) = body.meta {
            if let Some(peer) = meta.peer {
                for (field, value) in [
                    ("Meta peer.sid", &peer.sid),
                    ("Meta peer.type", &peer.kind),
                    ("Meta peer.alias", &peer.alias),
                ] {
                    if value.len() > MAX_VALUE_LEN {
                        return self.after_deferred(
                            index,
                            deferred,
                            fail(StatusCode::BAD_REQUEST, &messages::too_long(field)),
                        );
                    }
                }
                if let Some(i) = self.instances.get_mut(index) {
                    i.meta.peer = peer;
                }
            }
            if let Some(tags) = meta.tags {
                for (k, v) in &tags {
                    let field = if k.len() > MAX_VALUE_LEN {
                        Some("Meta tag key")
                    } else if v.len() > MAX_VALUE_LEN {
                        Some("Meta tag value")
                    } else {
                        None
                    };
                    if let Some(field) = field {
                        return self.after_deferred(
                            index,
                            deferred,
                            fail(StatusCode::BAD_REQUEST, &messages::too_long(field)),
                        );
                    }
                }
                if let Some(i) = self.instances.get_mut(index) {
                    i.meta.tags = Some(tags);
                }
            }
            self.emit_instance(EventType::Update, index, String::new());
        }
        let outcome = respond(StatusCode::OK, &self.instances.get(index));
        self.after_deferred(index, deferred, outcome)
    }

    /// Applies a start/stop/restart after the answer was built, as the master's goroutines do.
    fn after_deferred(
        &mut self,
        index: usize,
        action: Option<String>,
        outcome: Outcome,
    ) -> Outcome {
        let status = self.instances.get(index).map(|i| i.status.clone());
        match (action.as_deref(), status) {
            (Some("start"), Some(InstanceStatus::Stopped)) => self.start(index),
            (Some("stop"), Some(s)) if s != InstanceStatus::Stopped => self.stop(index),
            (Some("restart"), _) => {
                self.stop(index);
                self.start(index);
            }
            _ => {}
        }
        outcome
    }

    fn put(&mut self, id: &InstanceId, body: &[u8]) -> Outcome {
        let Some(index) = self.find(id) else {
            return fail(StatusCode::NOT_FOUND, messages::INSTANCE_NOT_FOUND);
        };
        if id.is_api_key() {
            return fail(StatusCode::FORBIDDEN, messages::FORBIDDEN_API_KEY);
        }
        let body = match decode_put_body(body) {
            Ok(b) => b,
            Err(response) => return Outcome::Respond(*response),
        };
        let stored = match self.normalize_for_request(&body.url) {
            Ok(s) => s,
            Err(message) => return fail(StatusCode::BAD_REQUEST, message),
        };
        if self
            .instances
            .get(index)
            .is_some_and(|i| i.url == stored.url)
        {
            return fail(StatusCode::CONFLICT, messages::INSTANCE_URL_CONFLICT);
        }
        self.stop(index);
        if let Some(i) = self.instances.get_mut(index) {
            i.url = stored.url;
            i.config = stored.config;
            i.kind = match stored.role {
                Role::Server => InstanceType::Server,
                Role::Client => InstanceType::Client,
            };
            i.status = InstanceStatus::Stopped;
        }
        let outcome = respond(StatusCode::OK, &self.instances.get(index));
        self.start(index);
        outcome
    }

    fn delete(&mut self, id: &InstanceId) -> Outcome {
        let Some(index) = self.find(id) else {
            return fail(StatusCode::NOT_FOUND, messages::INSTANCE_NOT_FOUND);
        };
        if id.is_api_key() {
            return fail(StatusCode::FORBIDDEN, messages::FORBIDDEN_API_KEY);
        }
        self.stop(index);
        let removed = self.instances.remove(index);
        self.emit(EventType::Delete, Some(removed), String::new());
        let mut r = http::Response::new(Bytes::new());
        *r.status_mut() = StatusCode::NO_CONTENT;
        set_cors_headers(r.headers_mut());
        Outcome::Respond(r)
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

/// One SSE frame: `event: instance\ndata: <json>\n\n` (`json.Marshal`: Go's escapes, no
/// trailing newline in the data).
fn frame(event: &InstanceEvent) -> Option<Bytes> {
    let mut json = to_go_json(event).ok()?;
    json.pop();
    let mut out = Vec::with_capacity(json.len() + 24);
    out.extend_from_slice(b"event: instance\ndata: ");
    out.extend_from_slice(&json);
    out.extend_from_slice(b"\n\n");
    Some(Bytes::from(out))
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
            builder = builder.header("x-api-key", k);
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
