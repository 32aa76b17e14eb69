//! The mock's MCP endpoint (`HandleMCP`, upstream `internal/master/mcp.go`): every method and
//! the 19 tools over the in-memory instances, with the master's checks, texts and errors.

use std::borrow::Cow;
use std::time::Duration;

use http::StatusCode;
use nodewire_common::server::excerpt;
use serde_json::{Map, Value};

use super::{MockMaster, Outcome, random_hex, respond};
use crate::events::EventType;
use crate::instances::{
    Instance, InstanceId, InstanceStatus, InstanceType, MAX_VALUE_LEN, Meta, Peer,
};
use crate::mcp::{
    self, ErrorCode, ExportedInstance, InitializeResult, InstanceConfig, McpResponse, McpResult,
    ToolCallResult, ToolsListResult, error_response, go_format_v,
};
use crate::tcping::TCPingResult;
use crate::url::go::{self, Mode, Values};
use crate::url::{Role, normalize_text};

/// The mock's default dial for `tcping_target`: IP-literal loopback targets and `localhost`
/// are dialed (1 s timeout); any other target fails without leaving the host.
pub fn dial_loopback(target: &str) -> Result<Duration, String> {
    let quoted = excerpt(target, super::ECHO_CHARS);
    let (host, port) = crate::url::split_host_port(target)
        .map_err(|e| format!("dial tcp: {}", e.replacen(target, &quoted, 1)))?;
    let port: u16 = port
        .parse()
        .map_err(|_| format!("dial tcp: address {quoted}: invalid port"))?;
    let ip: std::net::IpAddr = if host == "localhost" {
        std::net::Ipv4Addr::LOCALHOST.into()
    } else {
        match host.parse::<std::net::IpAddr>() {
            Ok(ip) if ip.is_loopback() => ip,
            _ => {
                return Err(format!(
                    "dial tcp {quoted}: the mock dials loopback targets only"
                ));
            }
        }
    };
    let start = std::time::Instant::now();
    match std::net::TcpStream::connect_timeout(&(ip, port).into(), Duration::from_secs(1)) {
        Ok(_) => Ok(start.elapsed()),
        Err(e) if e.kind() == std::io::ErrorKind::ConnectionRefused => Err(format!(
            "dial tcp {}: connect: connection refused",
            crate::url::join_host_port(&ip.to_string(), &port.to_string())
        )),
        Err(e) if e.kind() == std::io::ErrorKind::TimedOut => {
            Err(format!("dial tcp {quoted}: i/o timeout"))
        }
        Err(e) => Err(format!("dial tcp {quoted}: {e}")),
    }
}

/// Go's `arg.(string)`: the string value, `None` for any other type or absence.
fn str_arg<'a>(args: &'a Map<String, Value>, key: &str) -> Option<&'a str> {
    args.get(key).and_then(Value::as_str)
}

fn lossy(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A URL's parts as `SetInstanceURL` edits them.
struct Parts {
    scheme: String,
    user: Option<String>,
    password: Option<String>,
    host: String,
    path: String,
    query: Vec<(String, String)>,
    fragment: String,
}

impl Parts {
    fn parse(url: &str) -> Result<Self, String> {
        let parsed = go::parse(url).map_err(|e| e.go_text())?;
        let values = Values::parse(parsed.raw_query);
        Ok(Self {
            scheme: parsed.scheme.to_string(),
            user: parsed.user.as_ref().map(|u| lossy(&u.username)),
            password: parsed
                .user
                .as_ref()
                .and_then(|u| u.password.as_ref().map(|p| lossy(p))),
            host: lossy(&parsed.host),
            path: lossy(&parsed.path),
            query: values
                .pairs()
                .iter()
                .map(|(k, v)| (lossy(k), lossy(v)))
                .collect(),
            fragment: lossy(&parsed.fragment),
        })
    }

    fn set(&mut self, key: &str, value: &str) {
        self.query.retain(|(k, _)| k != key);
        self.query.push((key.to_owned(), value.to_owned()));
    }

    /// Go's `URL.String()` with `RawQuery = query.Encode()`.
    fn write(&self) -> String {
        let mut out = Vec::new();
        out.extend_from_slice(self.scheme.as_bytes());
        out.extend_from_slice(b"://");
        if let Some(user) = &self.user {
            go::escape_into(&mut out, user.as_bytes(), Mode::UserPassword);
            if let Some(password) = &self.password {
                out.push(b':');
                go::escape_into(&mut out, password.as_bytes(), Mode::UserPassword);
            }
            out.push(b'@');
        }
        go::escape_into(&mut out, self.host.as_bytes(), Mode::Host);
        if !self.path.is_empty() && !self.path.starts_with('/') {
            out.push(b'/');
        }
        go::escape_into(&mut out, self.path.as_bytes(), Mode::Path);
        if !self.query.is_empty() {
            let mut query = self.query.clone();
            query.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
            out.push(b'?');
            for (i, (k, v)) in query.iter().enumerate() {
                if i > 0 {
                    out.push(b'&');
                }
                go::escape_into(&mut out, k.as_bytes(), Mode::QueryComponent);
                out.push(b'=');
                go::escape_into(&mut out, v.as_bytes(), Mode::QueryComponent);
            }
        }
        if !self.fragment.is_empty() {
            out.push(b'#');
            go::escape_into(&mut out, self.fragment.as_bytes(), Mode::Fragment);
        }
        go::into_string(out)
    }
}

/// The `(key, value)` updates a `set_instance_*` tool passes to `SetInstanceURL`.
type Updates = Vec<(String, String)>;

impl MockMaster {
    fn mcp_respond(response: &McpResponse) -> Outcome {
        respond(StatusCode::OK, response)
    }

    /// `POST {prefix}/v2`.
    pub(super) fn mcp(&mut self, body: &[u8]) -> Outcome {
        let request = match mcp::read_request(body) {
            Ok(r) => r,
            Err(response) => return Self::mcp_respond(&response),
        };
        let id = request.id.clone();
        let response = match request.method.as_str() {
            "initialize" => McpResponse::success(
                id,
                McpResult::Initialize(InitializeResult::master(self.config.version.clone())),
            ),
            "tools/list" => McpResponse::success(
                id,
                McpResult::ToolsList(ToolsListResult {
                    tools: mcp::tools(),
                }),
            ),
            "tools/call" => match mcp::read_tool_call(&request) {
                Ok(call) => match self.call_tool(&call.name, &call.arguments) {
                    Ok(result) => McpResponse::success(id, McpResult::ToolCall(Box::new(result))),
                    Err((code, data)) => error_response(id, code, &data),
                },
                Err(response) => *response,
            },
            other => error_response(
                id,
                ErrorCode::MethodNotFound,
                &excerpt(other, super::ECHO_CHARS),
            ),
        };
        Self::mcp_respond(&response)
    }

    /// An instance other tools may change: `id is required`, `forbidden: API Key`,
    /// `instance not found`.
    fn changeable(&self, args: &Map<String, Value>) -> Result<(String, usize), Failure> {
        let id = str_arg(args, "id").unwrap_or_default();
        if id.is_empty() {
            return Err(invalid("id is required"));
        }
        if id == crate::instances::API_KEY_ID {
            return Err(invalid("forbidden: API Key"));
        }
        let index = self
            .find(&InstanceId::from_wire(id.to_owned()))
            .ok_or_else(|| invalid("instance not found"))?;
        Ok((id.to_owned(), index))
    }

    fn instance_result(&self, index: usize, text: String) -> ToolCallResult {
        ToolCallResult {
            instance: self.instances.get(index).cloned(),
            ..ToolCallResult::text(text)
        }
    }

    fn call_tool(
        &mut self,
        name: &str,
        args: &Map<String, Value>,
    ) -> Result<ToolCallResult, Failure> {
        match name {
            "list_instances" => self.mcp_list(),
            "get_instance" => self.mcp_get(args),
            "create_instance" => self.mcp_create(args),
            "update_instance" => self.mcp_update(args),
            "control_instance" => self.mcp_control(args),
            "set_instance_basic" => self.set_url(args, "basic configuration", |a| {
                let mut u = Updates::new();
                for (arg, key) in [
                    ("role", "type"),
                    ("tunnel_address", "tunnel_address"),
                    ("tunnel_port", "tunnel_port"),
                    ("target_address", "target_address"),
                    ("target_port", "target_port"),
                    ("targets", "targets"),
                    ("log", "log"),
                ] {
                    if let Some(v) = str_arg(a, arg).filter(|v| !v.is_empty()) {
                        u.push((key.to_owned(), v.to_owned()));
                    }
                }
                Ok(u)
            }),
            "set_instance_security" => self.set_url(args, "security configuration", |a| {
                let mut u = Updates::new();
                for key in ["password", "tls", "crt", "key", "sni"] {
                    if let Some(v) = str_arg(a, key).filter(|v| key != "tls" || !v.is_empty()) {
                        u.push((key.to_owned(), v.to_owned()));
                    }
                }
                Ok(u)
            }),
            "set_instance_connection" => self.set_url(args, "connection configuration", |a| {
                Ok(non_empty(a, &["mode", "type", "min", "max"]))
            }),
            "set_instance_network" => self.set_url(args, "network tuning", |a| {
                Ok(given(a, &["dns", "dial", "read", "rate", "slot"]))
            }),
            "set_instance_protocol" => self.set_url(args, "protocol control", |a| {
                Ok(given(a, &["notcp", "noudp", "proxy"]))
            }),
            "set_instance_traffic" => {
                self.set_url(args, "traffic control", |a| Ok(given(a, &["block", "lbs"])))
            }
            "set_instance_advanced" => {
                self.set_url(args, "advanced parameters", |a| match a.get("parameters") {
                    Some(Value::Object(p)) if !p.is_empty() => {
                        Ok(p.iter().map(|(k, v)| (k.clone(), go_format_v(v))).collect())
                    }
                    _ => Err(invalid("parameters object is required")),
                })
            }
            "get_instance_config" => self.mcp_config(args),
            "delete_instance" => self.mcp_delete(args),
            "export_instances" => self.mcp_export(),
            "import_instances" => self.mcp_import(),
            "tcping_target" => self.mcp_tcping(args),
            "get_master_info" => Ok(ToolCallResult {
                info: Some(self.info()),
                ..ToolCallResult::text("Master information retrieved")
            }),
            "update_master_info" => self.mcp_update_master(args),
            _ => Err(invalid("unknown tool")),
        }
    }

    /// `list_instances`: every instance but the API-key one.
    fn mcp_list(&self) -> Result<ToolCallResult, Failure> {
        let instances: Vec<Instance> = self
            .instances
            .iter()
            .filter(|i| !i.is_api_key())
            .cloned()
            .collect();
        Ok(ToolCallResult {
            instances: if instances.is_empty() {
                nodewire_common::Patch::Null
            } else {
                nodewire_common::Patch::Value(instances.clone())
            },
            ..ToolCallResult::text(format!("Found {} instances", instances.len()))
        })
    }

    /// `get_instance`.
    fn mcp_get(&self, args: &Map<String, Value>) -> Result<ToolCallResult, Failure> {
        let id = str_arg(args, "id").unwrap_or_default();
        if id.is_empty() {
            return Err(invalid("id is required"));
        }
        let index = self
            .find(&InstanceId::from_wire(id.to_owned()))
            .ok_or_else(|| invalid("instance not found"))?;
        let text = self
            .instances
            .get(index)
            .map(|i| format!("Instance: {} ({})", i.alias, i.status.as_str()))
            .unwrap_or_default();
        Ok(self.instance_result(index, text))
    }

    /// `delete_instance`.
    fn mcp_delete(&mut self, args: &Map<String, Value>) -> Result<ToolCallResult, Failure> {
        let (id, index) = self.changeable(args)?;
        self.stop(index);
        let removed = self.instances.remove(index);
        self.emit(EventType::Delete, Some(removed), String::new());
        Ok(ToolCallResult::text(format!("Deleted instance {id}")))
    }

    /// `tcping_target`: dials with [`MockConfig::mcp_dial`](super::MockConfig::mcp_dial).
    fn mcp_tcping(&self, args: &Map<String, Value>) -> Result<ToolCallResult, Failure> {
        let target = str_arg(args, "target").unwrap_or_default().to_owned();
        if target.is_empty() {
            return Err(invalid("target is required"));
        }
        let result = match (self.config.mcp_dial)(&target) {
            Ok(latency) => TCPingResult {
                target: target.clone(),
                connected: true,
                latency: i64::try_from(latency.as_millis()).unwrap_or(i64::MAX),
                error: None,
            },
            Err(error) => TCPingResult {
                target: target.clone(),
                connected: false,
                latency: 0,
                error: Some(error),
            },
        };
        let status = match (&result.connected, &result.error) {
            (true, _) => format!("connected in {}ms", result.latency),
            (false, Some(e)) => format!("failed: {e}"),
            (false, None) => "failed".to_owned(),
        };
        Ok(ToolCallResult {
            result: Some(result),
            ..ToolCallResult::text(format!("TCPing {target}: {status}"))
        })
    }

    /// `update_master_info`: the master alias.
    fn mcp_update_master(&mut self, args: &Map<String, Value>) -> Result<ToolCallResult, Failure> {
        let alias = str_arg(args, "alias").unwrap_or_default().to_owned();
        if alias.is_empty() {
            return Err(invalid("alias is required"));
        }
        if alias.len() > MAX_VALUE_LEN {
            return Err(invalid(&format!(
                "alias exceeds max length {MAX_VALUE_LEN}"
            )));
        }
        self.config.alias = alias.clone();
        if let Some(key) = self.instances.iter_mut().find(|i| i.is_api_key()) {
            key.alias = alias.clone();
        }
        Ok(ToolCallResult {
            info: Some(self.info()),
            ..ToolCallResult::text(format!("Master alias updated to: {alias}"))
        })
    }

    fn mcp_create(&mut self, args: &Map<String, Value>) -> Result<ToolCallResult, Failure> {
        let role = str_arg(args, "role").unwrap_or_default();
        if role != "server" && role != "client" {
            return Err(invalid("role must be 'server' or 'client'"));
        }
        let tunnel_address = str_arg(args, "tunnel_address").unwrap_or_default();
        let tunnel_port = str_arg(args, "tunnel_port").unwrap_or_default();
        let target_port = str_arg(args, "target_port").unwrap_or_default();
        let target_path = match str_arg(args, "targets").filter(|t| !t.is_empty()) {
            Some(targets) => targets.to_owned(),
            None => format!(
                "{}:{target_port}",
                str_arg(args, "target_address").unwrap_or_default()
            ),
        };
        let raw = match str_arg(args, "password").filter(|p| !p.is_empty()) {
            Some(password) => {
                format!("{role}://{password}@{tunnel_address}:{tunnel_port}/{target_path}")
            }
            None => format!("{role}://{tunnel_address}:{tunnel_port}/{target_path}"),
        };
        let failed = || invalid("failed to construct URL");
        let parsed = go::parse(&raw).map_err(|_| failed())?;
        let mut query = Values::parse(parsed.raw_query);
        for (key, value) in args {
            if crate::mcp::CREATE_INSTANCE_URL_ARGUMENTS.contains(&key.as_str()) {
                continue;
            }
            if let Some(v) = value.as_str().filter(|v| !v.is_empty()) {
                query.set(key, Cow::Borrowed(v.as_bytes()));
            }
        }
        let mut url = Vec::new();
        parsed.write_with_values(&mut url, &mut query);
        let url = go::into_string(url);
        let stored = normalize_text(&self.config.settings, &url, self.config.compat)
            .map_err(|_| failed())?;
        let id = InstanceId::from_wire(random_hex(4));
        if self.find(&id).is_some() {
            return Err(invalid("instance ID already exists"));
        }
        let instance = new_instance(
            id.clone(),
            str_arg(args, "alias").unwrap_or_default().to_owned(),
            stored.role,
            stored.url,
            stored.config,
        );
        self.instances.push(instance);
        let index = self.instances.len() - 1;
        self.emit_instance(EventType::Create, index, String::new());
        let result = self.instance_result(index, format!("Created instance {id}"));
        self.start(index);
        Ok(result)
    }

    fn mcp_update(&mut self, args: &Map<String, Value>) -> Result<ToolCallResult, Failure> {
        let (id, index) = self.changeable(args)?;
        let too_long =
            |field: &str| invalid(&format!("{field} exceeds max length {MAX_VALUE_LEN}"));
        if let Some(alias) = str_arg(args, "alias").filter(|a| !a.is_empty())
            && self.instances.get(index).is_some_and(|i| i.alias != alias)
        {
            if alias.len() > MAX_VALUE_LEN {
                return Err(too_long("alias"));
            }
            if let Some(i) = self.instances.get_mut(index) {
                i.alias = alias.to_owned();
            }
            self.emit_instance(EventType::Update, index, String::new());
        }
        if let Some(restart) = args.get("restart").and_then(Value::as_bool)
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
        if let Some(Value::Object(peer)) = args.get("peer") {
            for (key, field) in [
                ("sid", "peer.sid"),
                ("type", "peer.type"),
                ("alias", "peer.alias"),
            ] {
                if let Some(value) = str_arg(peer, key) {
                    if value.len() > MAX_VALUE_LEN {
                        return Err(too_long(field));
                    }
                    if let Some(i) = self.instances.get_mut(index) {
                        let target: &mut Peer = &mut i.meta.peer;
                        match key {
                            "sid" => target.sid = value.to_owned(),
                            "type" => target.kind = value.to_owned(),
                            _ => target.alias = value.to_owned(),
                        }
                    }
                }
            }
            self.emit_instance(EventType::Update, index, String::new());
        }
        if let Some(Value::Object(tags)) = args.get("tags") {
            let mut map = std::collections::BTreeMap::new();
            for (k, v) in tags {
                if k.len() > MAX_VALUE_LEN {
                    return Err(too_long("tag key"));
                }
                let text = go_format_v(v);
                if text.len() > MAX_VALUE_LEN {
                    return Err(too_long("tag value"));
                }
                map.insert(k.clone(), text);
            }
            if let Some(i) = self.instances.get_mut(index) {
                i.meta.tags = Some(map);
            }
            self.emit_instance(EventType::Update, index, String::new());
        }
        Ok(self.instance_result(index, format!("Updated instance {id}")))
    }

    fn mcp_control(&mut self, args: &Map<String, Value>) -> Result<ToolCallResult, Failure> {
        let id = str_arg(args, "id").unwrap_or_default();
        let action = str_arg(args, "action").unwrap_or_default().to_owned();
        if id.is_empty() || action.is_empty() {
            return Err(invalid("id and action are required"));
        }
        let (id, index) = self.changeable(args)?;
        if !["start", "stop", "restart", "reset"].contains(&action.as_str()) {
            return Err(invalid("invalid action"));
        }
        if action == "reset" {
            self.reset_traffic(index);
        }
        let result = self.instance_result(index, format!("Controlled instance {id}: {action}"));
        if action != "reset" {
            self.after_deferred(
                index,
                Some(action),
                Outcome::Respond(http::Response::default()),
            );
        }
        Ok(result)
    }

    /// The `set_instance_*` tools: collect the updates, then `SetInstanceURL`.
    fn set_url(
        &mut self,
        args: &Map<String, Value>,
        what: &str,
        updates: impl FnOnce(&Map<String, Value>) -> Result<Updates, Failure>,
    ) -> Result<ToolCallResult, Failure> {
        let (id, index) = self.changeable(args)?;
        let updates = updates(args)?;
        if updates.is_empty() {
            return Err(invalid("no updates provided"));
        }
        self.set_instance_url(index, &updates)
            .map_err(|e| invalid(&e))?;
        let result = self.instance_result(index, format!("Set {what} for instance {id}"));
        self.start(index);
        Ok(result)
    }

    /// `SetInstanceURL`: edit the stored URL, stop, store, answer (the start follows).
    fn set_instance_url(&mut self, index: usize, updates: &Updates) -> Result<(), String> {
        let current = self
            .instances
            .get(index)
            .map(|i| i.url.clone())
            .unwrap_or_default();
        let mut parts = Parts::parse(&current)
            .map_err(|e| format!("SetInstanceURL: invalid URL format: {e}"))?;
        for (key, value) in updates {
            match key.as_str() {
                "type" => {
                    if value != "client" && value != "server" {
                        return Err(
                            "SetInstanceURL: invalid type: must be 'client' or 'server'".to_owned()
                        );
                    }
                    parts.scheme = value.clone();
                    if let Some(i) = self.instances.get_mut(index) {
                        i.kind = InstanceType::from(value.as_str());
                    }
                }
                "password" => {
                    parts.user = (!value.is_empty()).then(|| value.clone());
                    parts.password = None;
                }
                "tunnel_address" => {
                    let port = go::go_port(&parts.host).to_owned();
                    parts.host = format!("{value}:{port}");
                }
                "tunnel_port" => {
                    parts.host = format!("{}:{value}", go::hostname(&parts.host));
                }
                "target_address" | "target_port" => {
                    let mut pieces: Vec<String> = parts
                        .path
                        .trim_matches('/')
                        .split(':')
                        .map(str::to_owned)
                        .collect();
                    if key == "target_address" {
                        if let Some(first) = pieces.first_mut() {
                            *first = value.clone();
                        }
                    } else if let Some(second) = pieces.get_mut(1) {
                        *second = value.clone();
                    } else {
                        pieces.push(value.clone());
                    }
                    parts.path = format!("/{}", pieces.join(":"));
                }
                "targets" => parts.path = format!("/{value}"),
                other => {
                    if value.is_empty() {
                        parts.query.retain(|(k, _)| k != other);
                    } else {
                        parts.set(other, value);
                    }
                }
            }
        }
        let new_url = parts.write();
        if new_url == current {
            return Err("SetInstanceURL: no changes detected".to_owned());
        }
        let config = normalize_text(&self.config.settings, &new_url, self.config.compat)
            .map(|n| n.config)
            .unwrap_or_else(|_| new_url.clone());
        self.stop(index);
        if let Some(i) = self.instances.get_mut(index) {
            i.url = new_url;
            i.config = config;
            i.status = InstanceStatus::Stopped;
        }
        Ok(())
    }

    fn mcp_config(&self, args: &Map<String, Value>) -> Result<ToolCallResult, Failure> {
        let id = str_arg(args, "id").unwrap_or_default();
        if id.is_empty() {
            return Err(invalid("id is required"));
        }
        let instance = self
            .find(&InstanceId::from_wire(id.to_owned()))
            .and_then(|i| self.instances.get(i))
            .ok_or_else(|| invalid("instance not found"))?;
        let parsed =
            go::parse(&instance.config).map_err(|_| invalid("failed to parse config URL"))?;
        let password = parsed.user.as_ref().and_then(|u| match &u.password {
            Some(p) => Some(lossy(p)),
            None => (!u.username.is_empty()).then(|| lossy(&u.username)),
        });
        let host = lossy(&parsed.host);
        let path = lossy(&parsed.path);
        let path = path.trim_matches('/');
        let (mut targets, mut target_address, mut target_port) = (None, None, None);
        if path.contains(',') {
            targets = Some(path.to_owned());
        } else if !path.is_empty() {
            let mut pieces = path.split(':');
            target_address = pieces.next().map(str::to_owned);
            target_port = pieces.next().map(str::to_owned);
        }
        let mut parameters = std::collections::BTreeMap::new();
        for (k, v) in Values::parse(parsed.raw_query).pairs() {
            parameters.entry(lossy(k)).or_insert_with(|| lossy(v));
        }
        Ok(ToolCallResult {
            config: Some(InstanceConfig {
                parameters: (!parameters.is_empty()).then_some(parameters),
                password,
                role: parsed.scheme.to_string(),
                target_address,
                target_port,
                targets,
                tunnel_address: go::hostname(&host).to_owned(),
                tunnel_port: go::go_port(&host).to_owned(),
            }),
            ..ToolCallResult::text(format!("Instance {id} configuration retrieved"))
        })
    }

    fn mcp_export(&mut self) -> Result<ToolCallResult, Failure> {
        let exports: Vec<ExportedInstance> = self
            .instances
            .iter()
            .filter(|i| !i.is_api_key())
            .map(|i| ExportedInstance {
                alias: i.alias.clone(),
                meta: i.meta.clone(),
                restart: i.restart,
                tcprx: i.tcprx,
                tcptx: i.tcptx,
                udprx: i.udprx,
                udptx: i.udptx,
                url: i.url.clone(),
            })
            .collect();
        // A nil Go slice when there is nothing to export.
        let data = if exports.is_empty() {
            b"null".to_vec()
        } else {
            serde_json::to_vec_pretty(&exports)
                .map_err(|e| (ErrorCode::InternalError, e.to_string()))?
        };
        self.exported = Some(data);
        Ok(ToolCallResult::text(format!(
            "Exported {} instances to {}",
            exports.len(),
            self.config.export_path
        )))
    }

    fn mcp_import(&mut self) -> Result<ToolCallResult, Failure> {
        let path = self.config.export_path.clone();
        let Some(data) = self.exported.clone() else {
            return Err((
                ErrorCode::InternalError,
                format!("open {path}: no such file or directory"),
            ));
        };
        let imports: Option<Vec<Map<String, Value>>> =
            serde_json::from_slice(&data).map_err(|e| invalid(&e.to_string()))?;
        let mut created = 0;
        for entry in imports.unwrap_or_default() {
            let Some(url) = str_arg(&entry, "url").filter(|u| !u.is_empty()) else {
                continue;
            };
            let Ok(stored) = normalize_text(&self.config.settings, url, self.config.compat) else {
                continue;
            };
            let mut instance = new_instance(
                InstanceId::from_wire(random_hex(4)),
                str_arg(&entry, "alias").unwrap_or_default().to_owned(),
                stored.role,
                stored.url,
                stored.config,
            );
            if let Some(restart) = entry.get("restart").and_then(Value::as_bool) {
                instance.restart = restart;
            }
            if let Some(meta @ Value::Object(_)) = entry.get("meta")
                && let Ok(meta) = serde_json::from_value::<Meta>(meta.clone())
            {
                instance.meta = meta;
            }
            let counter = |key: &str| entry.get(key).and_then(Value::as_f64).map(|f| f as u64);
            instance.tcprx = counter("tcprx").unwrap_or(0);
            instance.tcptx = counter("tcptx").unwrap_or(0);
            instance.udprx = counter("udprx").unwrap_or(0);
            instance.udptx = counter("udptx").unwrap_or(0);
            let restart = instance.restart;
            self.instances.push(instance);
            if restart {
                self.start(self.instances.len() - 1);
            }
            created += 1;
        }
        Ok(ToolCallResult::text(format!(
            "Imported {created} instances from {path}"
        )))
    }
}

/// A tool failure: the code and the `data` text.
type Failure = (ErrorCode, String);

fn invalid(text: &str) -> Failure {
    (ErrorCode::InvalidParams, text.to_owned())
}

/// Keys whose string value is given and non-empty.
fn non_empty(args: &Map<String, Value>, keys: &[&str]) -> Updates {
    keys.iter()
        .filter_map(|k| {
            str_arg(args, k)
                .filter(|v| !v.is_empty())
                .map(|v| ((*k).to_owned(), v.to_owned()))
        })
        .collect()
}

/// Keys whose value is a string (an empty one removes the parameter).
fn given(args: &Map<String, Value>, keys: &[&str]) -> Updates {
    keys.iter()
        .filter_map(|k| str_arg(args, k).map(|v| ((*k).to_owned(), v.to_owned())))
        .collect()
}

/// A new instance as the master creates it: stopped, restarting, no metadata, zero counters.
pub(super) fn new_instance(
    id: InstanceId,
    alias: String,
    role: Role,
    url: String,
    config: String,
) -> Instance {
    let kind = match role {
        Role::Server => InstanceType::Server,
        Role::Client => InstanceType::Client,
    };
    super::idle_instance(id, alias, kind, InstanceStatus::Stopped, url, config, true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mock::{Body, MockConfig};
    use crate::url::Compat;
    use bytes::Bytes;
    use nodewire_common::Secret;

    fn post(m: &mut MockMaster, body: &str) -> (StatusCode, String) {
        let (head, ()) = http::Request::builder()
            .method("POST")
            .uri("/api/v2")
            .header(crate::AUTH_HEADER, "k")
            .body(())
            .unwrap_or_default()
            .into_parts();
        match m.handle(&head, Body::Complete(Bytes::from(body.to_owned()))) {
            Outcome::Respond(r) => (r.status(), String::from_utf8_lossy(r.body()).into_owned()),
            _ => (StatusCode::IM_A_TEAPOT, String::new()),
        }
    }

    fn master(compat: Compat) -> MockMaster {
        MockMaster::new(MockConfig {
            api_key: Secret::new("k"),
            compat,
            ..MockConfig::default()
        })
    }

    #[test]
    fn upstream_quirks_are_kept() {
        let mut m = master(Compat::default());
        let (_, created) = post(
            &mut m,
            r#"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"create_instance","arguments":{"role":"client","tunnel_address":"h","tunnel_port":"1","targets":"a:1,b:2","quic":"1","min":7}}}"#,
        );
        assert!(created.contains("client://h:1/a:1,b:2?quic=1"), "{created}");
        let id = m
            .instances()
            .last()
            .map(|i| i.id.as_str().to_owned())
            .unwrap_or_default();
        let (_, refused) = post(
            &mut m,
            &format!(
                r#"{{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{{"name":"set_instance_connection","arguments":{{"id":"{id}","type":"1"}}}}}}"#
            ),
        );
        assert!(
            refused.contains("SetInstanceURL: invalid type: must be 'client' or 'server'"),
            "{refused}"
        );
        let (_, same) = post(
            &mut m,
            &format!(
                r#"{{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{{"name":"set_instance_basic","arguments":{{"id":"{id}","tunnel_port":"1"}}}}}}"#
            ),
        );
        assert!(same.contains("no changes detected"), "{same}");
        let (status, parse) = post(&mut m, "[]");
        assert_eq!(status, StatusCode::OK);
        assert!(parse.contains("-32700"), "{parse}");
        let (_, import) = post(
            &mut m,
            r#"{"jsonrpc":"2.0","id":4,"method":"tools/call","params":{"name":"import_instances"}}"#,
        );
        assert!(
            import.contains("-32603") && import.contains("no such file or directory"),
            "{import}"
        );
    }

    #[test]
    fn v1_14_has_no_mcp_route() {
        let mut m = master(Compat::V1_14_0);
        let (status, body) = post(&mut m, r#"{"jsonrpc":"2.0","id":1,"method":"initialize"}"#);
        assert_eq!(
            (status, body.as_str()),
            (StatusCode::NOT_FOUND, "404 page not found\n")
        );
    }
}
