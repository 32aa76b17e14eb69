//! Requests and responses built through constructors and setters encode exactly as the
//! master's bodies, so no caller needs a struct literal.

use nodewire_nodepass::events::{EventType, InstanceEvent};
use nodewire_nodepass::info::{MasterInfo, UpdateMasterAliasRequest};
use nodewire_nodepass::instances::{
    Action, CreateInstanceRequest, Instance, InstanceAlias, InstanceId, InstanceStatus,
    InstanceType, MasterAlias, MetaUpdate, PeerAlias, PeerSid, PeerType, PeerUpdate,
    PutInstanceRequest, TagKey, TagValue, UpdateInstanceRequest,
};
use nodewire_nodepass::mcp::{
    ControlInstanceArguments, CreateInstanceArguments, ErrorCode, Implementation, InitializeParams,
    InputSchema, McpError, McpPeer, McpRequest, McpRole, McpToolCallParams, PropertySchema,
    SetInstanceAdvancedArguments, SetInstanceConnectionArguments, TcpingTargetArguments,
    ToolArguments, ToolName, UpdateInstanceArguments,
};
use nodewire_nodepass::tcping::TCPingResult;
use nodewire_nodepass::url::RequestUrl;
use serde_json::json;

type TestResult = Result<(), Box<dyn std::error::Error>>;

#[path = "../../../tests/wire.rs"]
mod wire;
use wire::same;

#[test]
fn rest_request_bodies() -> TestResult {
    let url = RequestUrl::new("server://:10101/127.0.0.1:8080")?;
    same(
        &CreateInstanceRequest::new(url.clone()).alias("web"),
        json!({"alias": "web", "url": "server://:10101/127.0.0.1:8080"}),
    )?;
    same(
        &PutInstanceRequest::new(url),
        json!({"url": "server://:10101/127.0.0.1:8080"}),
    )?;
    let patch = UpdateInstanceRequest::default()
        .alias(InstanceAlias::new("edge")?)
        .restart(true)
        .meta(
            MetaUpdate::default()
                .peer(
                    PeerUpdate::default()
                        .sid(PeerSid::new("6f1c")?)
                        .kind(PeerType::new("0")?)
                        .alias(PeerAlias::new("db")?),
                )
                .tags([(TagKey::new("env")?, TagValue::new("prod")?)]),
        );
    same(
        &patch,
        json!({
            "alias": "edge",
            "restart": true,
            "meta": {"peer": {"sid": "6f1c", "type": "0", "alias": "db"}, "tags": {"env": "prod"}}
        }),
    )?;
    same(
        &UpdateInstanceRequest::action(Action::Stop).restart(false),
        json!({"action": "stop", "restart": false}),
    )?;
    same(
        &UpdateInstanceRequest::default().meta(MetaUpdate::default().tags([])),
        json!({"meta": {"tags": {}}}),
    )?;
    same(
        &UpdateMasterAliasRequest::new(MasterAlias::new("m")?),
        json!({"alias": "m"}),
    )
}

#[test]
fn mcp_requests() -> TestResult {
    let id = InstanceId::new("4abf2548")?;
    let init = McpRequest::initialize(
        1,
        InitializeParams::default()
            .protocol_version("2025-11-25")
            .client_info(Implementation::new("panel", "1.0")),
    );
    same(
        &init,
        json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
            "protocolVersion": "2025-11-25", "clientInfo": {"name": "panel", "version": "1.0"}}}),
    )?;
    let calls = [
        (
            ToolArguments::ControlInstance(ControlInstanceArguments::new(id.clone(), Action::Stop)),
            json!({"id": "4abf2548", "action": "stop"}),
        ),
        (
            ToolArguments::TcpingTarget(TcpingTargetArguments::new("192.0.2.1:80")),
            json!({"target": "192.0.2.1:80"}),
        ),
        (
            ToolArguments::CreateInstance(Box::new(
                CreateInstanceArguments::new(McpRole::Server, "10101", "127.0.0.1", "8080")
                    .alias("web")
                    .password("pw")
                    .parameter("log", "debug"),
            )),
            json!({"role": "server", "alias": "web", "tunnel_port": "10101",
                "target_address": "127.0.0.1", "target_port": "8080", "password": "pw",
                "log": "debug"}),
        ),
        (
            ToolArguments::UpdateInstance(
                UpdateInstanceArguments::new(id.clone())
                    .restart(true)
                    .peer(McpPeer::default().sid(PeerSid::new("s")?))
                    .tags([(TagKey::new("n")?, json!(2))]),
            ),
            json!({"id": "4abf2548", "restart": true, "peer": {"sid": "s"}, "tags": {"n": 2}}),
        ),
        (
            ToolArguments::SetInstanceConnection(
                SetInstanceConnectionArguments::new(id.clone())
                    .mode("1")
                    .pool_type("client"),
            ),
            json!({"id": "4abf2548", "mode": "1", "type": "client"}),
        ),
        (
            ToolArguments::SetInstanceAdvanced(
                SetInstanceAdvancedArguments::new(id).parameter("rate", 100),
            ),
            json!({"id": "4abf2548", "parameters": {"rate": 100}}),
        ),
    ];
    for (arguments, expected) in calls {
        let name = arguments.tool();
        let request = McpRequest::call_tool(7, arguments);
        same(
            &request,
            json!({"jsonrpc": "2.0", "id": 7, "method": "tools/call",
                "params": {"name": name.as_str(), "arguments": expected}}),
        )?;
    }
    assert_eq!(
        serde_json::to_value(McpToolCallParams::without_arguments(
            ToolName::ListInstances
        ))?,
        json!({"name": "list_instances"})
    );
    Ok(())
}

// Filling a default value field by field is how code outside the crate builds a response
// type once new fields may be added to it.
#[allow(clippy::field_reassign_with_default)]
#[test]
fn responses() -> TestResult {
    same(
        &TCPingResult::connected("a:1", 3),
        json!({"target": "a:1", "connected": true, "latency": 3, "error": null}),
    )?;
    let mut instance = Instance::new(
        InstanceId::new("4abf2548")?,
        InstanceType::Server,
        InstanceStatus::Running,
    );
    instance.url = "server://:10101/127.0.0.1:8080".to_owned();
    instance.tcprx = 5;
    same(
        &instance,
        json!({"id": "4abf2548", "alias": "", "type": "server", "status": "running",
            "url": "server://:10101/127.0.0.1:8080", "config": "", "restart": false,
            "meta": {"peer": {"sid": "", "type": "", "alias": ""}, "tags": {}},
            "mode": 0, "ping": 0, "pool": 0, "tcps": 0, "udps": 0,
            "tcprx": 5, "tcptx": 0, "udprx": 0, "udptx": 0}),
    )?;
    same(
        &InstanceEvent::new(
            EventType::Log,
            "2026-11-22T08:01:40Z",
            Some(instance.clone()),
        )
        .logs("hello"),
        json!({"type": "log", "time": "2026-11-22T08:01:40Z",
            "instance": serde_json::to_value(&instance)?, "logs": "hello"}),
    )?;
    let mut info = MasterInfo::default();
    info.ver = "v1.14.0".to_owned();
    assert_eq!(info.release()?.to_string(), "v1.14.0");
    same(
        &McpError::new(ErrorCode::InvalidParams, "Invalid params").data("unknown tool"),
        json!({"code": -32602, "message": "Invalid params", "data": "unknown tool"}),
    )?;
    let schema = InputSchema::new(
        [(
            "id".to_owned(),
            PropertySchema::new("string", "The instance").values(["a", "b"]),
        )]
        .into(),
    )
    .required(["id"]);
    same(
        &schema,
        json!({"properties": {"id": {"description": "The instance", "enum": ["a", "b"],
            "type": "string"}}, "required": ["id"], "type": "object"}),
    )
}
