//! The crate builds from its own copy of `node-service.proto` (so the packaged crate builds);
//! the repository's `proto/node-service.proto` is the published contract. They must be the
//! same text, and what the crate generated from it must be that contract: the service name,
//! and a served method for every `rpc` the file declares (and none it does not).

use std::path::{Path, PathBuf};

fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The repository's `proto/node-service.proto`; `None` outside the repository (the packaged
/// crate), where only the crate's copy exists.
fn published() -> Result<Option<String>, Box<dyn std::error::Error>> {
    let path = manifest_dir().join("../../proto/node-service.proto");
    if path.exists() {
        Ok(Some(std::fs::read_to_string(path)?))
    } else if manifest_dir().join("../../Cargo.toml").exists() {
        Err("the workspace has no proto/node-service.proto".into())
    } else {
        Ok(None)
    }
}

/// The file the crate was generated from: the published one when there is one.
fn contract() -> Result<String, Box<dyn std::error::Error>> {
    match published()? {
        Some(text) => Ok(text),
        None => Ok(std::fs::read_to_string(
            manifest_dir().join("proto/node-service.proto"),
        )?),
    }
}

/// The word after `keyword` on each line that starts with it (`rpc Heartbeat(` → `Heartbeat`).
fn declared<'a>(text: &'a str, keyword: &str) -> Vec<&'a str> {
    text.lines()
        .filter_map(|line| line.trim_start().strip_prefix(keyword))
        .filter_map(|rest| {
            rest.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '.'))
                .next()
        })
        .filter(|name| !name.is_empty())
        .collect()
}

#[test]
fn the_crate_copy_is_the_published_proto() -> Result<(), Box<dyn std::error::Error>> {
    let Some(published) = published()? else {
        return Ok(());
    };
    let copy_path: &Path = &manifest_dir().join("proto/node-service.proto");
    let copy = std::fs::read_to_string(copy_path)?;
    assert!(
        published == copy,
        "proto/node-service.proto and crates/nodewire-core/proto/node-service.proto differ: \
         copy the repository's file into the crate"
    );
    // The text compiled into the crate (`PROTO`, and the generated code built with it) is
    // the published one, not a copy left from an older build.
    assert!(
        nodewire_core::PROTO == published,
        "nodewire_core::PROTO is not proto/node-service.proto: rebuild the crate"
    );
    Ok(())
}

#[test]
fn the_service_name_is_the_declared_one() -> Result<(), Box<dyn std::error::Error>> {
    let text = contract()?;
    let package = declared(&text, "package ");
    let service = declared(&text, "service ");
    assert_eq!(
        (package.len(), service.len()),
        (1, 1),
        "{package:?} {service:?}"
    );
    assert_eq!(
        nodewire_core::SERVICE_NAME,
        format!("{}.{}", package.concat(), service.concat())
    );
    Ok(())
}

#[test]
fn the_file_declares_the_eight_methods() -> Result<(), Box<dyn std::error::Error>> {
    let text = contract()?;
    assert_eq!(
        declared(&text, "rpc "),
        [
            "Heartbeat",
            "ReportUsage",
            "ReportOutboundUsage",
            "GetLatestConfig",
            "ConfirmConfigApplied",
            "ReportNodeStats",
            "ReportSessionEvents",
            "ReportError",
        ]
    );
    Ok(())
}

/// Every declared method is served by the generated server (an unauthenticated call gets
/// `UNAUTHENTICATED`, not `UNIMPLEMENTED`), and a method the file does not declare is not.
#[cfg(all(feature = "server", feature = "client", feature = "mock"))]
#[tokio::test]
async fn every_declared_method_is_served() -> Result<(), Box<dyn std::error::Error>> {
    use nodewire_core::grpc::server::GrpcCore;
    use nodewire_core::mock::{MockConfig, MockCore};
    use tonic::codegen::http::uri::PathAndQuery;

    let text = contract()?;
    let core = MockCore::new(MockConfig {
        registration_codes: Vec::new(),
        config: Default::default(),
    });
    let service = GrpcCore::new(core).into_service();
    let methods = declared(&text, "rpc ");
    assert!(!methods.is_empty());
    for (method, expected) in methods
        .iter()
        .map(|m| (*m, tonic::Code::Unauthenticated))
        .chain([("NoSuchMethod", tonic::Code::Unimplemented)])
    {
        let mut grpc = tonic::client::Grpc::new(service.clone());
        grpc.ready().await?;
        let path = PathAndQuery::try_from(format!("/{}/{method}", nodewire_core::SERVICE_NAME))?;
        // An empty message decodes as every request message (all fields are optional in
        // proto3), so the call reaches the method.
        let codec = tonic_prost::ProstCodec::<(), ()>::default();
        let status = grpc
            .unary(tonic::Request::new(()), path, codec)
            .await
            .err()
            .map(|s| s.code());
        assert_eq!(status, Some(expected), "{method}");
    }
    Ok(())
}
