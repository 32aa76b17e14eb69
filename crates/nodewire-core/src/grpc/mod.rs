//! gRPC glue: conversions between the generated messages ([`crate::proto`]) and the HTTP
//! bodies, typed accessors for the JSON-string fields, and (features `client` / `server`) a
//! typed client and a server adapter.
//!
//! Every request message converts from its HTTP twin (`From<&NodeUsageDto> for
//! ReportUsageRequest`, ...) and back with validation (`TryFrom<ReportUsageRequest> for
//! NodeUsageDto`, failing with a [`DecodeError`] whose `path` names the field, such as
//! `entries[3].recordedAt`). So a Core validates gRPC requests exactly as it validates HTTP
//! bodies, and an agent builds both from the same values.
//!
//! The JSON-string fields decode into the HTTP types: [`proto::GetLatestConfigResponse`]'s
//! `clientMapJson`, `mtprotoClientMapJson` and `servicesJson` into [`ClientMap`] and
//! [`NodeServices`] (together, [`NodeConfig`]); `mtprotoJson` and `detailsJson` into JSON
//! objects. Malformed JSON gives a [`JsonFieldError`]. An empty string is the empty value
//! (proto3 cannot tell an unset string from an empty one).
//!
//! The tonic items a gRPC caller names are re-exported here, at the version this crate is
//! built with, so a caller needs no `tonic` dependency of its own: the channel (`Channel`,
//! `Endpoint`, feature `client`), the request and answer wrappers (`Request`, `Response`,
//! `Status` and its `Code`) and `metadata` (features `client` or `server`), and with feature
//! `rustls` the TLS settings (`ClientTlsConfig`, `Certificate`). The rest of tonic is
//! `nodewire_core::tonic`.

use std::fmt;

use nodewire_common::DecodeError;
use nodewire_common::Patch;
use nodewire_common::error::from_slice;
use nodewire_common::secret::REDACTED;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::config::{
    ClientMap, NodeConfig, NodeConfigAppliedDto, NodeServices, RedactedKeys, redact_value,
};
use crate::heartbeat::{HeartbeatResponse, NodeHeartbeatDto};
use crate::node_error::NodeErrorDto;
use crate::proto;
use crate::session::{SessionEventEntryDto, SessionEventsDto};
use crate::stats::NodeStats;
use crate::usage::{NodeOutboundUsageDto, NodeUsageDto, OutboundUsageItem, UsageEntryDto};
use crate::values::{IpAddress, Timestamp, ValidationError};

#[cfg(feature = "client")]
pub mod client;
#[cfg(feature = "server")]
pub mod server;

#[cfg(feature = "rustls")]
pub use tonic::transport::{Certificate, ClientTlsConfig};
#[cfg(feature = "client")]
pub use tonic::transport::{Channel, Endpoint};
#[cfg(any(feature = "client", feature = "server"))]
pub use tonic::{Code, Request, Response, Status, metadata};

/// A JSON-string field whose text is not valid JSON for its type.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{field}` {error}")]
#[non_exhaustive]
pub struct JsonFieldError {
    /// The field, by its JSON name (`clientMapJson`).
    pub field: &'static str,
    /// What is wrong, and where inside the field's JSON.
    pub error: DecodeError,
}

impl From<JsonFieldError> for DecodeError {
    fn from(e: JsonFieldError) -> Self {
        let path = if e.error.path == "." || e.error.path == "?" {
            e.field.to_owned()
        } else {
            format!("{} > {}", e.field, e.error.path)
        };
        DecodeError::at(path, e.error.message)
    }
}

/// Decodes a JSON-string field that holds an object; an empty string is `T::default()`.
///
/// The object requirement is checked first, as serde would otherwise also take a struct
/// from an array.
fn json_field<T: DeserializeOwned + Default>(
    field: &'static str,
    text: &str,
) -> Result<T, JsonFieldError> {
    if text.is_empty() {
        return Ok(T::default());
    }
    let first = text.bytes().find(|b| !b.is_ascii_whitespace());
    if first.is_some() && first != Some(b'{') {
        return Err(JsonFieldError {
            field,
            error: DecodeError::root("expected a JSON object"),
        });
    }
    from_slice(text.as_bytes()).map_err(|error| JsonFieldError { field, error })
}

/// Decodes a JSON-string field that holds an object; an empty string is `None`.
fn json_object_field(
    field: &'static str,
    text: Option<&str>,
) -> Result<Option<Map<String, Value>>, JsonFieldError> {
    match text {
        None | Some("") => Ok(None),
        Some(text) => from_slice(text.as_bytes())
            .map(Some)
            .map_err(|error| JsonFieldError { field, error }),
    }
}

fn invalid(path: String) -> impl FnOnce(ValidationError) -> DecodeError {
    move |e| DecodeError::at(path, e.message)
}

/// `field` inside `parent` (`entries[3]` + `recordedAt`); a `.` parent is the root.
fn child(parent: &str, field: &str) -> String {
    if parent == "." {
        field.to_owned()
    } else {
        format!("{parent}.{field}")
    }
}

impl proto::GetLatestConfigResponse {
    /// `clientMapJson` decoded.
    pub fn client_map(&self) -> Result<ClientMap, JsonFieldError> {
        json_field("clientMapJson", &self.client_map_json)
    }

    /// `mtprotoClientMapJson` decoded.
    pub fn mtproto_client_map(&self) -> Result<ClientMap, JsonFieldError> {
        json_field("mtprotoClientMapJson", &self.mtproto_client_map_json)
    }

    /// `servicesJson` decoded.
    pub fn services(&self) -> Result<NodeServices, JsonFieldError> {
        json_field("servicesJson", &self.services_json)
    }

    /// The whole config, as `GET /node/config/latest` returns it.
    pub fn to_node_config(&self) -> Result<NodeConfig, JsonFieldError> {
        Ok(NodeConfig {
            revision: self.revision,
            client_map: self.client_map()?,
            mtproto_client_map: self.mtproto_client_map()?,
            services: self.services()?,
        })
    }

    /// The message for `config`.
    pub fn from_node_config(config: &NodeConfig) -> Result<Self, serde_json::Error> {
        Ok(Self {
            revision: config.revision,
            client_map_json: serde_json::to_string(&config.client_map)?,
            mtproto_client_map_json: serde_json::to_string(&config.mtproto_client_map)?,
            services_json: serde_json::to_string(&config.services)?,
        })
    }
}

impl TryFrom<&proto::GetLatestConfigResponse> for NodeConfig {
    type Error = JsonFieldError;
    fn try_from(message: &proto::GetLatestConfigResponse) -> Result<Self, JsonFieldError> {
        message.to_node_config()
    }
}

impl TryFrom<&NodeConfig> for proto::GetLatestConfigResponse {
    type Error = serde_json::Error;
    fn try_from(config: &NodeConfig) -> Result<Self, serde_json::Error> {
        Self::from_node_config(config)
    }
}

impl proto::ReportNodeStatsRequest {
    /// `mtprotoJson` decoded: `None` when empty (no MTProto service).
    pub fn mtproto_status(&self) -> Result<Option<Map<String, Value>>, JsonFieldError> {
        json_object_field("mtprotoJson", Some(&self.mtproto_json))
    }
}

impl proto::ReportErrorRequest {
    /// `detailsJson` decoded.
    pub fn details(&self) -> Result<Option<Map<String, Value>>, JsonFieldError> {
        json_object_field("detailsJson", self.details_json.as_deref())
    }
}

// ------------------------------------------------------------------ heartbeat

impl From<&NodeHeartbeatDto> for proto::HeartbeatRequest {
    fn from(dto: &NodeHeartbeatDto) -> Self {
        Self {
            auth_key: None,
            ip: dto.ip.as_ref().map(|ip| ip.as_str().to_owned()),
            revision: dto.revision,
        }
    }
}

impl TryFrom<proto::HeartbeatRequest> for NodeHeartbeatDto {
    type Error = DecodeError;
    fn try_from(message: proto::HeartbeatRequest) -> Result<Self, DecodeError> {
        Ok(Self {
            ip: message
                .ip
                .map(|ip| IpAddress::for_field("ip", ip).map_err(invalid("ip".into())))
                .transpose()?,
            revision: message.revision,
        })
    }
}

impl From<HeartbeatResponse> for proto::HeartbeatResponse {
    fn from(response: HeartbeatResponse) -> Self {
        Self {
            ok: true,
            need_sync: response.need_sync,
        }
    }
}

impl From<proto::HeartbeatResponse> for HeartbeatResponse {
    fn from(response: proto::HeartbeatResponse) -> Self {
        Self::new(response.need_sync)
    }
}

// ------------------------------------------------------------------ usage

impl From<&UsageEntryDto> for proto::UsageEntry {
    fn from(dto: &UsageEntryDto) -> Self {
        Self {
            user_id: dto.user_id,
            subscription_id: dto.subscription_id.value().copied(),
            node_protocol_id: dto.node_protocol_id,
            bytes_up: dto.bytes_up,
            bytes_down: dto.bytes_down,
            recorded_at: dto.recorded_at.as_str().to_owned(),
        }
    }
}

/// Converts one entry; `path` is where it sits (`entries[3]`).
fn usage_entry(message: proto::UsageEntry, path: &str) -> Result<UsageEntryDto, DecodeError> {
    Ok(UsageEntryDto {
        user_id: message.user_id,
        subscription_id: match message.subscription_id {
            Some(id) => Patch::Value(id),
            None => Patch::Null,
        },
        node_protocol_id: message.node_protocol_id,
        bytes_up: message.bytes_up,
        bytes_down: message.bytes_down,
        recorded_at: Timestamp::for_field("recordedAt", message.recorded_at)
            .map_err(invalid(child(path, "recordedAt")))?,
    })
}

impl TryFrom<proto::UsageEntry> for UsageEntryDto {
    type Error = DecodeError;
    /// An unset `subscription_id` becomes `null`.
    fn try_from(message: proto::UsageEntry) -> Result<Self, DecodeError> {
        usage_entry(message, ".")
    }
}

impl From<&NodeUsageDto> for proto::ReportUsageRequest {
    fn from(dto: &NodeUsageDto) -> Self {
        Self {
            auth_key: None,
            entries: dto.entries.iter().map(Into::into).collect(),
        }
    }
}

impl TryFrom<proto::ReportUsageRequest> for NodeUsageDto {
    type Error = DecodeError;
    fn try_from(message: proto::ReportUsageRequest) -> Result<Self, DecodeError> {
        let entries = message
            .entries
            .into_iter()
            .enumerate()
            .map(|(i, e)| usage_entry(e, &format!("entries[{i}]")))
            .collect::<Result<_, _>>()?;
        Ok(Self { entries })
    }
}

impl From<&OutboundUsageItem> for proto::OutboundUsageItem {
    fn from(item: &OutboundUsageItem) -> Self {
        Self {
            tag: item.tag.clone(),
            bytes_up: item.bytes_up,
            bytes_down: item.bytes_down,
        }
    }
}

impl From<proto::OutboundUsageItem> for OutboundUsageItem {
    fn from(item: proto::OutboundUsageItem) -> Self {
        Self {
            tag: item.tag,
            bytes_up: item.bytes_up,
            bytes_down: item.bytes_down,
        }
    }
}

impl From<&NodeOutboundUsageDto> for proto::ReportOutboundUsageRequest {
    fn from(dto: &NodeOutboundUsageDto) -> Self {
        Self {
            auth_key: None,
            items: dto.items.iter().map(Into::into).collect(),
        }
    }
}

impl From<proto::ReportOutboundUsageRequest> for NodeOutboundUsageDto {
    fn from(message: proto::ReportOutboundUsageRequest) -> Self {
        Self {
            items: message.items.into_iter().map(Into::into).collect(),
        }
    }
}

// ------------------------------------------------------------------ session events

impl From<&SessionEventEntryDto> for proto::SessionEventEntry {
    fn from(dto: &SessionEventEntryDto) -> Self {
        Self {
            user_id: dto.user_id,
            protocol: dto.protocol.as_str().to_owned(),
            event_type: dto.event_type.as_str().to_owned(),
            occurred_at: dto.occurred_at.as_str().to_owned(),
            ip_address: dto.ip_address.as_ref().map(|ip| ip.as_str().to_owned()),
        }
    }
}

fn session_event(
    message: proto::SessionEventEntry,
    path: &str,
) -> Result<SessionEventEntryDto, DecodeError> {
    Ok(SessionEventEntryDto {
        user_id: message.user_id,
        protocol: message.protocol.into(),
        event_type: message.event_type.into(),
        occurred_at: Timestamp::for_field("occurredAt", message.occurred_at)
            .map_err(invalid(child(path, "occurredAt")))?,
        ip_address: message
            .ip_address
            .map(|ip| {
                IpAddress::for_field("ipAddress", ip).map_err(invalid(child(path, "ipAddress")))
            })
            .transpose()?,
    })
}

impl TryFrom<proto::SessionEventEntry> for SessionEventEntryDto {
    type Error = DecodeError;
    fn try_from(message: proto::SessionEventEntry) -> Result<Self, DecodeError> {
        session_event(message, ".")
    }
}

impl From<&SessionEventsDto> for proto::ReportSessionEventsRequest {
    fn from(dto: &SessionEventsDto) -> Self {
        Self {
            auth_key: None,
            events: dto.events.iter().map(Into::into).collect(),
        }
    }
}

impl TryFrom<proto::ReportSessionEventsRequest> for SessionEventsDto {
    type Error = DecodeError;
    fn try_from(message: proto::ReportSessionEventsRequest) -> Result<Self, DecodeError> {
        let events = message
            .events
            .into_iter()
            .enumerate()
            .map(|(i, e)| session_event(e, &format!("events[{i}]")))
            .collect::<Result<_, _>>()?;
        Ok(Self { events })
    }
}

// ------------------------------------------------------------------ config applied, error

impl From<&NodeConfigAppliedDto> for proto::ConfirmConfigAppliedRequest {
    fn from(dto: &NodeConfigAppliedDto) -> Self {
        Self {
            auth_key: None,
            revision: dto.revision,
        }
    }
}

impl From<proto::ConfirmConfigAppliedRequest> for NodeConfigAppliedDto {
    fn from(message: proto::ConfirmConfigAppliedRequest) -> Self {
        Self {
            revision: message.revision,
        }
    }
}

impl From<&NodeErrorDto> for proto::ReportErrorRequest {
    fn from(dto: &NodeErrorDto) -> Self {
        Self {
            auth_key: None,
            message: dto.message.clone(),
            code: dto.code.clone(),
            details_json: dto
                .details
                .as_ref()
                .map(|d| Value::Object(d.clone()).to_string()),
        }
    }
}

impl TryFrom<proto::ReportErrorRequest> for NodeErrorDto {
    type Error = DecodeError;
    fn try_from(message: proto::ReportErrorRequest) -> Result<Self, DecodeError> {
        let details = message.details()?;
        Ok(Self {
            message: message.message,
            code: message.code,
            details,
        })
    }
}

// ------------------------------------------------------------------ node stats

impl From<&NodeStats> for proto::ReportNodeStatsRequest {
    fn from(stats: &NodeStats) -> Self {
        Self {
            auth_key: None,
            uptime_seconds: stats.uptime_seconds,
            cpu_percent: stats.cpu_percent,
            cpu_cores: stats.cpu_cores,
            ram_used: stats.ram_used,
            ram_total: stats.ram_total,
            disk_used: stats.disk_used,
            disk_total: stats.disk_total,
            net_rx_per_sec: stats.net_rx_per_sec,
            net_tx_per_sec: stats.net_tx_per_sec,
            net_rx_total: stats.net_rx_total,
            net_tx_total: stats.net_tx_total,
            xray_running: stats.xray_running,
            xray_uptime_seconds: stats.xray_uptime_seconds,
            mtproto_json: stats
                .mtproto
                .as_ref()
                .map(|m| Value::Object(m.clone()).to_string())
                .unwrap_or_default(),
        }
    }
}

impl TryFrom<proto::ReportNodeStatsRequest> for NodeStats {
    type Error = DecodeError;
    /// Decodes `mtprotoJson` and checks the floating-point members.
    fn try_from(message: proto::ReportNodeStatsRequest) -> Result<Self, DecodeError> {
        let mtproto = message.mtproto_status()?;
        let stats = Self {
            uptime_seconds: message.uptime_seconds,
            cpu_percent: message.cpu_percent,
            cpu_cores: message.cpu_cores,
            ram_used: message.ram_used,
            ram_total: message.ram_total,
            disk_used: message.disk_used,
            disk_total: message.disk_total,
            net_rx_per_sec: message.net_rx_per_sec,
            net_tx_per_sec: message.net_tx_per_sec,
            net_rx_total: message.net_rx_total,
            net_tx_total: message.net_tx_total,
            xray_running: message.xray_running,
            xray_uptime_seconds: message.xray_uptime_seconds,
            mtproto,
        };
        stats
            .validate()
            .map_err(|e| DecodeError::at(e.field, e.message))?;
        Ok(stats)
    }
}

// ------------------------------------------------------------------ Debug

/// `Debug` for the request messages (`build.rs` keeps prost from deriving it): every field as
/// prost prints it, in declaration order, with the node's key (`auth_key`, field 1) as
/// `Some("[redacted]")`. The pattern names every field, so a field added to the `.proto`
/// must be listed here too.
macro_rules! debug_without_auth_key {
    ($($message:ident { $($field:ident),* $(,)? })*) => {$(
        impl fmt::Debug for proto::$message {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                let proto::$message { auth_key, $($field),* } = self;
                f.debug_struct(stringify!($message))
                    .field("auth_key", &auth_key.as_ref().map(|_| REDACTED))
                    $(.field(stringify!($field), $field))*
                    .finish()
            }
        }
    )*};
}

debug_without_auth_key! {
    HeartbeatRequest { ip, revision }
    ReportUsageRequest { entries }
    ReportOutboundUsageRequest { items }
    GetLatestConfigRequest {}
    ConfirmConfigAppliedRequest { revision }
    ReportNodeStatsRequest {
        uptime_seconds,
        cpu_percent,
        cpu_cores,
        ram_used,
        ram_total,
        disk_used,
        disk_total,
        net_rx_per_sec,
        net_tx_per_sec,
        net_rx_total,
        net_tx_total,
        xray_running,
        xray_uptime_seconds,
        mtproto_json,
    }
    ReportSessionEventsRequest { events }
    ReportErrorRequest { message, code, details_json }
}

/// `Debug` of `GetLatestConfigResponse` (`build.rs` keeps prost from deriving it): the fields
/// as prost prints them, except that `client_map_json` has its keys (the xray client ids) and
/// `services_json` its credentials redacted, as [`NodeConfig`]'s `Debug` does. Text that is
/// not the JSON it should be is printed as `"[redacted]"`.
impl fmt::Debug for proto::GetLatestConfigResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let proto::GetLatestConfigResponse {
            revision,
            client_map_json,
            mtproto_client_map_json,
            services_json,
        } = self;
        let client_map = if client_map_json.is_empty() {
            String::new()
        } else {
            self.client_map()
                .ok()
                .and_then(|map| serde_json::to_string(&RedactedKeys(&map)).ok())
                .unwrap_or_else(|| REDACTED.to_owned())
        };
        let services = if services_json.is_empty() {
            String::new()
        } else {
            match serde_json::from_str::<Value>(services_json) {
                Ok(mut value) => {
                    redact_value(&mut value);
                    value.to_string()
                }
                Err(_) => REDACTED.to_owned(),
            }
        };
        f.debug_struct("GetLatestConfigResponse")
            .field("revision", revision)
            .field("client_map_json", &client_map)
            .field("mtproto_client_map_json", mtproto_client_map_json)
            .field("services_json", &services)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(recorded_at: &str) -> proto::UsageEntry {
        proto::UsageEntry {
            user_id: 1,
            subscription_id: None,
            node_protocol_id: 2,
            bytes_up: 3,
            bytes_down: 4,
            recorded_at: recorded_at.into(),
        }
    }

    #[test]
    fn malformed_json_strings_are_typed_errors() {
        let mut m = proto::GetLatestConfigResponse {
            revision: 1,
            client_map_json: "{".into(),
            mtproto_client_map_json: String::new(),
            services_json: "[]".into(),
        };
        let err = m.client_map().unwrap_err();
        assert_eq!(err.field, "clientMapJson");
        assert!(err.to_string().starts_with("`clientMapJson` at "), "{err}");
        assert!(err.to_string().contains("EOF"), "{err}");
        assert_eq!(m.mtproto_client_map().unwrap(), ClientMap::new());
        assert_eq!(m.services().unwrap_err().field, "servicesJson");
        m.client_map_json = r#"{"u":{"userId":1,"subscriptionId":null}}"#.into();
        assert_eq!(m.to_node_config().unwrap_err().field, "servicesJson");
        m.services_json = "\u{0}garbage".into();
        assert!(m.services().is_err());
        m.services_json = String::new();
        let config = m.to_node_config().unwrap();
        assert_eq!(config.services, NodeServices::default());
        let back = proto::GetLatestConfigResponse::from_node_config(&config).unwrap();
        assert_eq!(back.to_node_config().unwrap(), config);
        let stats = proto::ReportNodeStatsRequest {
            mtproto_json: "[1]".into(),
            ..Default::default()
        };
        assert_eq!(stats.mtproto_status().unwrap_err().field, "mtprotoJson");
        let error = proto::ReportErrorRequest {
            details_json: Some("{\"a\":".into()),
            ..Default::default()
        };
        let decode: DecodeError = NodeErrorDto::try_from(error).unwrap_err();
        assert_eq!(decode.path, "detailsJson > a");
        let error = proto::ReportErrorRequest {
            details_json: Some("[]".into()),
            ..Default::default()
        };
        assert_eq!(
            NodeErrorDto::try_from(error).unwrap_err().path,
            "detailsJson"
        );
    }

    #[test]
    fn requests_validate_like_http_bodies() {
        let message = proto::ReportUsageRequest {
            auth_key: None,
            entries: vec![entry("2026-06-01T00:00:00Z"), entry("2026-06-01")],
        };
        let err = NodeUsageDto::try_from(message).unwrap_err();
        assert_eq!(err.path, "entries[1].recordedAt");
        let ok = NodeUsageDto::try_from(proto::ReportUsageRequest {
            auth_key: None,
            entries: vec![entry("2026-06-01T00:00:00Z")],
        })
        .unwrap();
        assert_eq!(ok.entries[0].subscription_id, Patch::Null);
        let back = proto::ReportUsageRequest::from(&ok);
        assert_eq!(back.entries[0], entry("2026-06-01T00:00:00Z"));

        let heartbeat = proto::HeartbeatRequest {
            ip: Some("not-an-ip".into()),
            ..Default::default()
        };
        assert_eq!(
            NodeHeartbeatDto::try_from(heartbeat).unwrap_err().path,
            "ip"
        );

        let events = proto::ReportSessionEventsRequest {
            auth_key: None,
            events: vec![proto::SessionEventEntry {
                user_id: 1,
                protocol: "vless".into(),
                event_type: "online".into(),
                occurred_at: "2026-06-01T00:00:00Z".into(),
                ip_address: Some("300.1.1.1".into()),
            }],
        };
        assert_eq!(
            SessionEventsDto::try_from(events).unwrap_err().path,
            "events[0].ipAddress"
        );

        let stats = proto::ReportNodeStatsRequest {
            cpu_percent: 140.0,
            ..Default::default()
        };
        assert_eq!(NodeStats::try_from(stats).unwrap_err().path, "cpuPercent");
    }

    #[test]
    fn debug_hides_the_auth_key() {
        let key = Some("s3cr3t-k3y".to_owned());
        let heartbeat = proto::HeartbeatRequest {
            auth_key: key.clone(),
            ip: Some("10.0.0.1".into()),
            revision: Some(7),
        };
        assert_eq!(
            format!("{heartbeat:?}"),
            r#"HeartbeatRequest { auth_key: Some("[redacted]"), ip: Some("10.0.0.1"), revision: Some(7) }"#
        );
        let texts = [
            format!(
                "{:?}",
                proto::ReportUsageRequest {
                    auth_key: key.clone(),
                    entries: vec![entry("2026-06-01T00:00:00Z")],
                }
            ),
            format!(
                "{:?}",
                proto::ReportOutboundUsageRequest {
                    auth_key: key.clone(),
                    items: vec![proto::OutboundUsageItem {
                        tag: "direct".into(),
                        ..Default::default()
                    }],
                }
            ),
            format!(
                "{:?}",
                proto::GetLatestConfigRequest {
                    auth_key: key.clone()
                }
            ),
            format!(
                "{:?}",
                proto::ConfirmConfigAppliedRequest {
                    auth_key: key.clone(),
                    revision: 12,
                }
            ),
            format!(
                "{:?}",
                proto::ReportNodeStatsRequest {
                    auth_key: key.clone(),
                    cpu_cores: 4,
                    ..Default::default()
                }
            ),
            format!(
                "{:?}",
                proto::ReportSessionEventsRequest {
                    auth_key: key.clone(),
                    events: Vec::new(),
                }
            ),
            format!(
                "{:?}",
                proto::ReportErrorRequest {
                    auth_key: key.clone(),
                    message: "boom".into(),
                    ..Default::default()
                }
            ),
        ];
        for (text, visible) in texts.iter().zip([
            "recorded_at: \"2026-06-01T00:00:00Z\"",
            "tag: \"direct\"",
            "GetLatestConfigRequest { auth_key: Some(\"[redacted]\") }",
            "revision: 12",
            "cpu_cores: 4, ram_used: 0",
            "events: []",
            "message: \"boom\", code: None, details_json: None",
        ]) {
            assert!(!text.contains("s3cr3t-k3y"), "{text}");
            assert!(text.contains("auth_key: Some(\"[redacted]\")"), "{text}");
            assert!(text.contains(visible), "{visible} not in {text}");
        }
        let anonymous = proto::GetLatestConfigRequest::default();
        assert_eq!(
            format!("{anonymous:?}"),
            "GetLatestConfigRequest { auth_key: None }"
        );
    }

    #[test]
    fn debug_hides_the_config_credentials() {
        let config: NodeConfig = serde_json::from_str(include_str!(
            "../../tests/fixtures/GET_node_config_latest.response.json"
        ))
        .unwrap();
        let message = proto::GetLatestConfigResponse::from_node_config(&config).unwrap();
        let text = format!("{message:?}");
        for secret in crate::config::FIXTURE_CREDENTIALS {
            assert!(!text.contains(secret), "{secret} in {text}");
        }
        for visible in [
            "revision: 12",
            r#"\"[redacted]\":{\"userId\":42,\"subscriptionId\":7}"#,
            r#"\"tag\":\"vless-3\""#,
            r#"\"port\":8443"#,
        ] {
            assert!(text.contains(visible), "{visible} not in {text}");
        }
        let broken = proto::GetLatestConfigResponse {
            revision: 1,
            client_map_json: "{\"s3cr3t-k3y\":".into(),
            mtproto_client_map_json: String::new(),
            services_json: "{\"privateKey\":\"s3cr3t-k3y\"".into(),
        };
        assert_eq!(
            format!("{broken:?}"),
            r#"GetLatestConfigResponse { revision: 1, client_map_json: "[redacted]", mtproto_client_map_json: "", services_json: "[redacted]" }"#
        );
    }

    #[test]
    fn stats_and_errors_round_trip() {
        let mut mtproto = Map::new();
        mtproto.insert("running".into(), Value::Bool(true));
        let stats = NodeStats {
            uptime_seconds: 10,
            cpu_percent: 3.5,
            cpu_cores: 4,
            xray_uptime_seconds: Some(5),
            mtproto: Some(mtproto.clone()),
            ..Default::default()
        };
        let message = proto::ReportNodeStatsRequest::from(&stats);
        assert_eq!(message.mtproto_json, r#"{"running":true}"#);
        assert_eq!(NodeStats::try_from(message).unwrap(), stats);
        let error = NodeErrorDto::new("boom").code("E1").details(mtproto);
        let message = proto::ReportErrorRequest::from(&error);
        assert_eq!(NodeErrorDto::try_from(message).unwrap(), error);
    }
}
