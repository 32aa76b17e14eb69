//! A panel author's five tasks, written from the `nodewire` facade's docs and run against the
//! example mocks (`.ci/panel-author/run` starts them and passes their addresses and secrets in
//! the environment). Each task prints one line; any failure ends the program with status 1.

use std::error::Error;
use std::time::Duration;

use nodewire::chrono::{DateTime, TimeDelta, Utc};
use nodewire::common::Secret;
use nodewire::common::client::StreamExt;

type Result<T> = std::result::Result<T, Box<dyn Error>>;

/// A captured metrics push of a real Ithiltir-node 0.2.3 agent.
const REPORT: &str = include_str!("../report.json");

#[tokio::main]
async fn main() {
    let tasks = [
        ("telemt", telemt().await),
        ("nodepass", nodepass().await),
        ("dash", dash()),
        ("core", core().await),
        ("kernel", kernel().await),
    ];
    let mut failed = false;
    for (name, outcome) in tasks {
        match outcome {
            Ok(line) => println!("{name}: {line}"),
            Err(e) => {
                eprintln!("panel author: {name} failed: {e}");
                failed = true;
            }
        }
    }
    if failed {
        std::process::exit(1);
    }
}

/// An environment variable the run script sets.
fn var(name: &str) -> Result<String> {
    std::env::var(name).map_err(|_| {
        format!("environment variable {name} is not set (run through .ci/panel-author/run)").into()
    })
}

/// telemt: create a user, patch it on the condition of the create's revision, see the same
/// patch refused as stale (409 `revision_conflict`), then delete the user.
async fn telemt() -> Result<String> {
    use nodewire::telemt::endpoints::{CreateUser, DeleteUser, PatchUser};
    use nodewire::telemt::users::{CreateUserRequest, PatchUserRequest, Username};
    use nodewire::telemt::{ErrorCode, Telemt};

    let client = Telemt::client(var("TELEMT_URL")?, Secret::new(var("TELEMT_AUTH")?))?;
    let name = Username::new("panel-author")?;
    // The re-exported chrono has no `clock` feature, so no `Utc::now()`: from `SystemTime`.
    let expires = DateTime::<Utc>::from(std::time::SystemTime::now()) + TimeDelta::days(30);
    let request = CreateUserRequest::new(name.clone())
        .max_tcp_conns(4)
        .expiration(expires);
    let created = client.call(&CreateUser::new(request)).await?;
    let revision = created
        .revision()
        .ok_or("telemt answered the create without a revision")?;

    // One conditional patch, sent twice: the first changes the config, so the second is stale.
    let patch = PatchUser::new(
        name.clone(),
        PatchUserRequest::default()
            .max_unique_ips(2)
            .clear_max_tcp_conns(),
    )
    .if_match(revision);
    let patched = client.call(&patch).await?;
    if patched.data.max_unique_ips != Some(2) || patched.data.max_tcp_conns.is_some() {
        return Err(format!("the patch was not applied: {:?}", patched.data).into());
    }
    let conflict = match client.call(&patch).await {
        Err(e) if e.code() == Some(&ErrorCode::RevisionConflict) => {
            let message = e.message().unwrap_or_default().into_owned();
            format!("{} {message}", e.status().map_or(0, |s| s.as_u16()))
        }
        Err(e) => return Err(format!("the stale patch: expected 409, got: {e}").into()),
        Ok(answer) => {
            return Err(format!("the stale patch was accepted ({})", answer.status).into());
        }
    };

    let latest = patched
        .revision()
        .ok_or("telemt answered the patch without a revision")?;
    let deleted = client
        .call(&DeleteUser::new(name.clone()).if_match(latest))
        .await?;
    let expiry = created
        .data
        .user
        .expiration()
        .ok_or("the created user has no expiration")?;
    Ok(format!(
        "created {name} (expires {}, revision {}…), patched on that revision ({}), \
         the same patch again: {conflict}, deleted ({})",
        expiry.format("%Y-%m-%d"),
        revision.get(..8).unwrap_or(revision),
        patched.status,
        deleted.status,
    ))
}

/// NodePass: a typed instance URL normalized locally as the master stores it, the instance
/// created with it, then three typed events from the event stream.
async fn nodepass() -> Result<String> {
    use nodewire::nodepass::NodePass;
    use nodewire::nodepass::endpoints::{CreateInstance, SubscribeEvents};
    use nodewire::nodepass::instances::CreateInstanceRequest;
    use nodewire::nodepass::url::{
        CertificateFiles, Compat, InstanceUrl, MasterSettings, MasterUrl, normalize,
    };

    let master = MasterUrl::parse(&var("NODEPASS_MASTER")?)?;
    let client = NodePass::client(var("NODEPASS_URL")?, Secret::new(var("NODEPASS_API_KEY")?))?;
    let url = InstanceUrl::parse("server://:10101/127.0.0.1:8080?mode=2")?;
    let settings = MasterSettings::from_master(&master, CertificateFiles::DoNotLoad);
    let local = normalize(&settings, &url, Compat::default());

    let request = CreateInstanceRequest::new(&url).alias("panel-author");
    let created = client
        .call(&CreateInstance::new(request))
        .await?
        .into_data();
    if created.url != local.url {
        return Err(format!(
            "the master stored {} but normalize predicted {}",
            created.url, local.url
        )
        .into());
    }

    let mut events = client.stream(&SubscribeEvents).await?;
    let mut seen = Vec::new();
    while seen.len() < 3 {
        let next = tokio::time::timeout(Duration::from_secs(20), events.next())
            .await
            .map_err(|_| format!("no event within 20 s after {}", seen.len()))?;
        let event = match next {
            Some(Ok(event)) => event,
            Some(Err(e)) => return Err(format!("event stream: {e}").into()),
            None => return Err(format!("the stream ended after {} events", seen.len()).into()),
        };
        let at = event.time_utc()?;
        let about = event.instance.map(|i| i.id.as_str().to_owned());
        seen.push(format!(
            "{}({}) at {}",
            event.kind,
            about.as_deref().unwrap_or("-"),
            at.format("%H:%M:%S")
        ));
    }
    Ok(format!(
        "created instance {} with {url}, stored as {} (as normalize predicted); events: {}",
        created.id.as_str(),
        local.url,
        seen.join(", ")
    ))
}

/// Dash: a captured report decoded and checked in one call, and a corrupted copy refused
/// with the path and message of what is wrong.
fn dash() -> Result<String> {
    use nodewire::dash::validate::{Checks, decode_report};

    let report = decode_report(REPORT.as_bytes(), Checks::default())?;
    let memory = &report.metrics.memory;
    let corrupted = REPORT.replacen(r#""hostname":"vm""#, r#""hostname":"  ""#, 1);
    let refused = match decode_report(corrupted.as_bytes(), Checks::default()) {
        Err(e) => format!("refused at `{}`: {}", e.path(), e.message()),
        Ok(_) => return Err("a report with a blank host name was accepted".into()),
    };
    Ok(format!(
        "report of {} (agent {}, {} MiB used = {:.1} %) accepted; the corrupted copy {refused}",
        report.hostname,
        report.version,
        memory.used_bytes() / (1 << 20),
        memory.used_percent(),
    ))
}

/// Core: register over HTTP, then a gRPC heartbeat and the typed config with the node's key.
async fn core() -> Result<String> {
    use nodewire::nexuma::Core;
    use nodewire::nexuma::endpoints::RegisterNode;
    use nodewire::nexuma::grpc::client::CoreClient;
    use nodewire::nexuma::heartbeat::NodeHeartbeatDto;
    use nodewire::nexuma::register::RegisterNodeDto;
    use nodewire::nexuma::values::{IpAddress, RegistrationCode};

    let http = Core::client(var("CORE_URL")?, None)?;
    let code = RegistrationCode::new(var("CORE_REGISTRATION_CODE")?)?;
    let node = RegisterNodeDto::new(code, "panel-author", IpAddress::new("203.0.113.7")?, "eu");
    let registered = http.call(&RegisterNode::new(node)).await?.into_data();
    let id = registered.node_id.to_string();

    let mut grpc = CoreClient::connect(&var("CORE_GRPC_URL")?, registered.auth_key).await?;
    let beat = grpc.heartbeat(&NodeHeartbeatDto::default()).await?;
    let config = grpc.latest_config().await?;
    let inbounds: Vec<&str> = config
        .services
        .xray
        .as_ref()
        .map(|xray| xray.inbound_tags().collect())
        .unwrap_or_default();
    Ok(format!(
        "registered node {id}; gRPC heartbeat: need_sync={}; config revision {}: {} clients, \
         {} MTProto clients, xray inbounds {inbounds:?}",
        beat.need_sync,
        config.revision,
        config.client_map.len(),
        config.mtproto_client_map.len(),
    ))
}

/// The kernel, with Basic credentials: a listener added, then its status and its protocols.
async fn kernel() -> Result<String> {
    use nodewire::kernel::Kernel;
    use nodewire::kernel::auth::Credentials;
    use nodewire::kernel::endpoints::{GetStatus, ListProtocols, UpsertProtocol};
    use nodewire::kernel::protocols::{
        NodeProfile, NodeRole, ProfileProtocol, ProtocolUpsertRequest,
    };

    let credentials = Credentials::basic(
        var("KERNEL_ACCESS_KEY")?,
        Secret::new(var("KERNEL_SECRET_KEY")?),
    );
    let client = Kernel::client(var("KERNEL_URL")?, credentials)?;
    let profile = NodeProfile::new("panel-edge", NodeRole::Listener, ProfileProtocol::Vless);
    let upsert = ProtocolUpsertRequest::new(profile.tags(["panel"])).listen("0.0.0.0:443");
    client.call(&UpsertProtocol::new(upsert)).await?;
    let status = client.call(&GetStatus::default().include("nodes")).await?;
    let nodes = status.data.snapshot.nodes.unwrap_or_default();
    let protocols = client.call(&ListProtocols).await?.into_data();
    let listed: Vec<String> = protocols
        .iter()
        .map(|p| {
            format!(
                "{} ({})",
                p.id.as_deref().unwrap_or("?"),
                p.protocol.as_deref().unwrap_or("?")
            )
        })
        .collect();
    Ok(format!(
        "added listener panel-edge; status: {} node(s) in the snapshot; protocols: {}",
        nodes.len(),
        listed.join(", ")
    ))
}
