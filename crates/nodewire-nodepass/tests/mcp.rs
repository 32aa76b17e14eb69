//! The v2 MCP endpoint end to end: the mock master served over HTTP on 127.0.0.1:0, driven
//! with the crate's `Mcp` endpoint and typed messages through the reqwest client.

#![cfg(all(feature = "client", feature = "mock"))]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use bytes::Bytes;
use nodewire_common::Secret;
use nodewire_common::client::Client;
use nodewire_nodepass::AUTH_HEADER;
use nodewire_nodepass::endpoints::Mcp;
use nodewire_nodepass::instances::{Action, InstanceId, InstanceStatus, TagKey};
use nodewire_nodepass::mcp::{
    ControlInstanceArguments, CreateInstanceArguments, ErrorCode, InitializeParams,
    InstanceIdArguments, McpRequest, McpResponse, McpResult, McpRole, NoArguments,
    SetInstanceNetworkArguments, TcpingTargetArguments, ToolArguments, ToolCallResult,
    UpdateInstanceArguments,
};
use nodewire_nodepass::mock::{Body, MockConfig, MockMaster, Outcome};

type TestResult = Result<(), Box<dyn std::error::Error + Send + Sync>>;

const KEY: &str = "0123456789abcdef0123456789abcdef";

/// A one-request-per-connection HTTP/1.1 server around the mock.
struct Server {
    addr: std::net::SocketAddr,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Server {
    fn start(mock: MockMaster) -> std::io::Result<Self> {
        let listener = TcpListener::bind("127.0.0.1:0")?;
        let addr = listener.local_addr()?;
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        let mock = Arc::new(Mutex::new(mock));
        let thread = std::thread::spawn(move || {
            for stream in listener.incoming() {
                if flag.load(Ordering::SeqCst) {
                    break;
                }
                if let Ok(stream) = stream {
                    let _ = serve(stream, &mock);
                }
            }
        });
        Ok(Self {
            addr,
            stop,
            thread: Some(thread),
        })
    }

    fn api_base(&self) -> String {
        format!("http://{}/api/v1", self.addr)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(self.addr);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn serve(stream: TcpStream, mock: &Mutex<MockMaster>) -> std::io::Result<()> {
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut line = String::new();
    reader.read_line(&mut line)?;
    let mut parts = line.split_whitespace();
    let (Some(method), Some(target)) = (parts.next(), parts.next()) else {
        return Ok(());
    };
    let mut builder = http::Request::builder().method(method).uri(target);
    let mut length = 0usize;
    loop {
        let mut header = String::new();
        reader.read_line(&mut header)?;
        let header = header.trim_end();
        if header.is_empty() {
            break;
        }
        if let Some((name, value)) = header.split_once(':') {
            if name.eq_ignore_ascii_case("content-length") {
                length = value.trim().parse().unwrap_or(0);
            }
            builder = builder.header(name.trim(), value.trim());
        }
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body)?;
    let (head, ()) = builder
        .body(())
        .map_err(std::io::Error::other)?
        .into_parts();
    let outcome = mock
        .lock()
        .map_err(|_| std::io::Error::other("poisoned"))?
        .handle(&head, Body::Complete(Bytes::from(body)));
    let Outcome::Respond(response) = outcome else {
        return Ok(());
    };
    let mut out = stream;
    write!(
        out,
        "HTTP/1.1 {}\r\ncontent-length: {}\r\nconnection: close\r\n",
        response.status(),
        response.body().len()
    )?;
    for (name, value) in response.headers() {
        out.write_all(name.as_str().as_bytes())?;
        out.write_all(b": ")?;
        out.write_all(value.as_bytes())?;
        out.write_all(b"\r\n")?;
    }
    out.write_all(b"\r\n")?;
    out.write_all(response.body())?;
    out.flush()
}

fn tool_result(response: McpResponse) -> Result<ToolCallResult, String> {
    match (response.result, response.error) {
        (Some(McpResult::ToolCall(result)), None) => Ok(*result),
        (_, Some(error)) => Err(format!(
            "{} {}: {:?}",
            error.code, error.message, error.data
        )),
        other => Err(format!("unexpected answer {other:?}")),
    }
}

#[tokio::test]
async fn the_mock_answers_every_method_over_http() -> TestResult {
    let server = Server::start(MockMaster::new(MockConfig {
        api_key: Secret::new(KEY),
        version: "v2.0.0-b10".to_owned(),
        ..MockConfig::default()
    }))?;
    let client = Client::new(Mcp::base_url(&server.api_base()))?
        .with_header(AUTH_HEADER, Secret::new(KEY))?;
    let call = |id: u64, args: ToolArguments| Mcp::new(McpRequest::call_tool(id, args));

    let init = client
        .send(&Mcp::new(McpRequest::initialize(
            1,
            InitializeParams::default(),
        )))
        .await?;
    let Some(McpResult::Initialize(init)) = init.result else {
        return Err("initialize: no result".into());
    };
    assert_eq!(init.protocol_version, "2025-11-25");
    assert_eq!(init.server_info.name, "NodePass Master");

    let list = client.send(&Mcp::new(McpRequest::tools_list("t"))).await?;
    assert_eq!(
        list.id,
        Some(nodewire_nodepass::mcp::RequestId::String("t".into()))
    );
    let Some(McpResult::ToolsList(list)) = list.result else {
        return Err("tools/list: no result".into());
    };
    assert_eq!(list.tools.len(), 19);
    assert!(list.tools.iter().all(|t| t.name.is_known()));

    let empty = tool_result(
        client
            .send(&call(
                2,
                ToolArguments::ListInstances(NoArguments::default()),
            ))
            .await?,
    )?;
    assert!(empty.instances.is_null());

    let created = tool_result(
        client
            .send(&call(
                3,
                ToolArguments::CreateInstance(Box::new(
                    CreateInstanceArguments::new(McpRole::Server, "10101", "127.0.0.1", "8080")
                        .parameter("log", "debug"),
                )),
            ))
            .await?,
    )?;
    let instance = created.instance.ok_or("create: no instance")?;
    assert_eq!(instance.url, "server://:10101/127.0.0.1:8080?log=debug");
    let id = instance.id.clone();

    let config = tool_result(
        client
            .send(&call(
                4,
                ToolArguments::GetInstanceConfig(InstanceIdArguments::new(id.clone())),
            ))
            .await?,
    )?
    .config
    .ok_or("no config")?;
    assert_eq!(config.tunnel_port, "10101");
    assert_eq!(config.target_address.as_deref(), Some("127.0.0.1"));

    let mut update = UpdateInstanceArguments::new(id.clone());
    update.tags = Some([(TagKey::new("n")?, serde_json::json!(1))].into());
    let updated = tool_result(
        client
            .send(&call(5, ToolArguments::UpdateInstance(update)))
            .await?,
    )?
    .instance
    .ok_or("update: no instance")?;
    assert_eq!(updated.meta.tags().get("n").map(String::as_str), Some("1"));

    let mut network = SetInstanceNetworkArguments::new(id.clone());
    network.rate = Some("100".to_owned());
    let set = tool_result(
        client
            .send(&call(6, ToolArguments::SetInstanceNetwork(network)))
            .await?,
    )?
    .instance
    .ok_or("set: no instance")?;
    assert!(set.url.contains("rate=100"), "{}", set.url);

    let stopped = tool_result(
        client
            .send(&call(
                7,
                ToolArguments::ControlInstance(ControlInstanceArguments::new(
                    id.clone(),
                    Action::Stop,
                )),
            ))
            .await?,
    )?;
    assert!(stopped.instance.is_some());

    // tcping dials only loopback addresses in the mock.
    let probe = TcpListener::bind("127.0.0.1:0")?;
    let target = probe.local_addr()?.to_string();
    let ping = tool_result(
        client
            .send(&call(
                8,
                ToolArguments::TcpingTarget(TcpingTargetArguments::new(target)),
            ))
            .await?,
    )?
    .result
    .ok_or("no tcping result")?;
    assert!(ping.connected);
    let far = tool_result(
        client
            .send(&call(
                9,
                ToolArguments::TcpingTarget(TcpingTargetArguments::new("192.0.2.1:80")),
            ))
            .await?,
    )?
    .result
    .ok_or("no tcping result")?;
    assert!(!far.connected);

    let exported = tool_result(
        client
            .send(&call(
                10,
                ToolArguments::ExportInstances(NoArguments::default()),
            ))
            .await?,
    )?;
    assert!(
        exported
            .content
            .first()
            .is_some_and(|c| c.text.starts_with("Exported 1 instances"))
    );
    let deleted = tool_result(
        client
            .send(&call(
                11,
                ToolArguments::DeleteInstance(InstanceIdArguments::new(id.clone())),
            ))
            .await?,
    )?;
    assert_eq!(
        deleted.content.first().map(|c| c.text.clone()),
        Some(format!("Deleted instance {id}"))
    );
    let imported = tool_result(
        client
            .send(&call(
                12,
                ToolArguments::ImportInstances(NoArguments::default()),
            ))
            .await?,
    )?;
    assert!(
        imported
            .content
            .first()
            .is_some_and(|c| c.text.starts_with("Imported 1 instances"))
    );
    let listed = tool_result(
        client
            .send(&call(
                13,
                ToolArguments::ListInstances(NoArguments::default()),
            ))
            .await?,
    )?;
    let instances = listed.instances.value().cloned().unwrap_or_default();
    assert_eq!(instances.len(), 1);
    assert_eq!(
        instances.first().map(|i| i.status.clone()),
        Some(InstanceStatus::Running)
    );

    let info = tool_result(
        client
            .send(&call(
                14,
                ToolArguments::GetMasterInfo(NoArguments::default()),
            ))
            .await?,
    )?;
    assert_eq!(info.info.map(|i| i.ver), Some("v2.0.0-b10".to_owned()));

    // Errors are JSON-RPC errors inside HTTP 200.
    let missing = client
        .send(&call(
            15,
            ToolArguments::GetInstance(InstanceIdArguments::new(InstanceId::new("deadbeef")?)),
        ))
        .await?;
    let error = missing.error.ok_or("no error")?;
    assert_eq!(error.code, ErrorCode::InvalidParams);
    assert_eq!(error.data, Some(serde_json::json!("instance not found")));
    let forbidden = client
        .send(&call(
            16,
            ToolArguments::DeleteInstance(InstanceIdArguments::new(InstanceId::api_key())),
        ))
        .await?;
    assert_eq!(
        forbidden.error.and_then(|e| e.data),
        Some(serde_json::json!("forbidden: API Key"))
    );

    // Other methods get the handler's 405; no key gets 401.
    let get = http::Request::builder()
        .method("GET")
        .uri(format!("http://{}/api/v2", server.addr))
        .body(Bytes::new())?;
    let get = client.send_raw::<nodewire_nodepass::Error>(get).await?;
    assert_eq!(get.status().as_u16(), 405);
    assert_eq!(&get.body()[..], b"{\"error\":\"Method not allowed\"}\n");
    let anonymous = Client::new(Mcp::base_url(&server.api_base()))?;
    let refused = anonymous.send(&Mcp::new(McpRequest::tools_list(1))).await;
    assert!(refused.is_err());
    Ok(())
}
