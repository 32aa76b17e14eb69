//! Generates the `nodeservice` messages (always) and the tonic client and server halves
//! (features `client` / `server`) from `proto/node-service.proto`.
//!
//! The proto is parsed by `protox`, a pure-Rust compiler, so no system `protoc` is needed. The
//! crate builds from its own copy of the file (`proto/node-service.proto` inside the crate,
//! shipped in the package); the repository's `proto/node-service.proto` is the published
//! contract, and a test keeps the two identical.

use std::path::PathBuf;

/// The messages whose `Debug` is not generated: every request (field 1 is `auth_key`) and
/// `GetLatestConfigResponse` (the Xray and MTProto configs, with their keys and user secrets).
const REDACTED_DEBUG: [&str; 9] = [
    "HeartbeatRequest",
    "ReportUsageRequest",
    "ReportOutboundUsageRequest",
    "GetLatestConfigRequest",
    "GetLatestConfigResponse",
    "ConfirmConfigAppliedRequest",
    "ReportNodeStatsRequest",
    "ReportSessionEventsRequest",
    "ReportErrorRequest",
];

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let manifest_dir = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR")?);
    let proto_dir = manifest_dir.join("proto");
    let proto = proto_dir.join("node-service.proto");
    println!("cargo:rerun-if-changed={}", proto.display());
    println!("cargo:rerun-if-changed=build.rs");

    let client = std::env::var_os("CARGO_FEATURE_CLIENT").is_some();
    let server = std::env::var_os("CARGO_FEATURE_SERVER").is_some();

    let descriptors = protox::compile([&proto], [&proto_dir])?;
    tonic_prost_build::configure()
        // Messages that carry a credential (the node's `auth_key`, the config's keys and
        // secrets) get a redacting `Debug` written by hand in `src/grpc/mod.rs`.
        .skip_debug(
            REDACTED_DEBUG
                .iter()
                .map(|name| format!(".nodeservice.{name}")),
        )
        .build_client(client)
        .build_server(server)
        // No transport-specific helpers (`connect`): callers bring their own channel, so the
        // library does not force tonic's transport (hyper, TLS) on anyone.
        .build_transport(false)
        .emit_rerun_if_changed(false)
        .compile_fds(descriptors)?;
    Ok(())
}
