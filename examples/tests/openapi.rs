//! The OpenAPI documents (`schemas/openapi/<protocol>.json`) through the tools frontend
//! developers use, from `tests/openapi`:
//!
//! - `redocly lint` (the `recommended` ruleset) reports no error for any of the five;
//! - `openapi-typescript` generates a `.d.ts` per protocol, and `tsc --strict` compiles them
//!   with the typed-client sources, including calls the types must refuse;
//! - an `openapi-fetch` client built on those types drives `telemt-mock` and `nodepass-mock`
//!   through create / list / patch / delete, and `kernel-mock` through its status route, each
//!   mock running as its own process on a loopback port.
//!
//! Needs Node 20+ and npm; installs the pinned packages with `npm ci` when
//! `tests/openapi/node_modules` is missing.

use std::process::Command;

mod binary;
#[path = "../../tests/node.rs"]
mod node;

use binary::Running;
use node::node;

const TELEMT_AUTH: &str = "Bearer telemt-openapi-4c1d";
const NODEPASS_KEY: &str = "0a1b2c3d4e5f60718293a4b5c6d7e8f9";
const KERNEL_ACCESS_KEY: &str = "panel";
const KERNEL_SECRET_KEY: &str = "kernel-openapi-e27a";
const KERNEL_TOKEN: &str = "kernel-token-91f3";

/// Starts `bin` with `args` and `envs`, and waits until it says where it listens.
fn start(bin: &str, args: &[&str], envs: &[(&str, &str)]) -> Result<Running, String> {
    Running::start(Command::new(bin).args(args).envs(envs.iter().copied()))
}

/// The three mocks the round trips drive, on ephemeral loopback ports.
struct Mocks {
    telemt: Running,
    nodepass: Running,
    kernel: Running,
}

impl Mocks {
    fn start() -> Result<Self, String> {
        Ok(Self {
            telemt: start(
                env!("CARGO_BIN_EXE_telemt-mock"),
                &["--listen", "127.0.0.1:0"],
                &[("TELEMT_AUTH", TELEMT_AUTH)],
            )?,
            nodepass: start(
                env!("CARGO_BIN_EXE_nodepass-mock"),
                &["--listen", "127.0.0.1:0", "--tick", "0"],
                &[("NODEPASS_API_KEY", NODEPASS_KEY)],
            )?,
            kernel: start(
                env!("CARGO_BIN_EXE_kernel-mock"),
                &["--listen", "127.0.0.1:0", "--access-key", KERNEL_ACCESS_KEY],
                &[
                    ("KERNEL_SECRET_KEY", KERNEL_SECRET_KEY),
                    ("KERNEL_CONTROL_TOKEN", KERNEL_TOKEN),
                ],
            )?,
        })
    }

    /// What each mock printed, for a failure message.
    fn logs(&self) -> String {
        format!(
            "telemt-mock:\n{}\nnodepass-mock:\n{}\nkernel-mock:\n{}",
            self.telemt.log(),
            self.nodepass.log(),
            self.kernel.log()
        )
    }
}

#[test]
fn openapi_documents_pass_redocly_openapi_typescript_and_typed_round_trips() -> Result<(), String> {
    let dir = node::package("openapi")?;

    let lint = node(&dir, &["lint.mjs"], &[])?;
    println!("{lint}");
    assert!(
        lint.contains("redocly lint: 5 documents, no error"),
        "{lint}"
    );

    let generated = node(&dir, &["generate-types.mjs"], &[])?;
    println!("{generated}");
    for protocol in ["telemt", "nodepass", "kernel", "dash", "core"] {
        let types = dir.join("generated").join(format!("{protocol}.d.ts"));
        let text = std::fs::read_to_string(&types).map_err(|e| format!("{types:?}: {e}"))?;
        assert!(
            text.contains("export interface paths"),
            "{protocol}.d.ts has no paths:\n{generated}"
        );
    }

    // Type-checks the generated types with the client sources (strict), and emits the
    // round trips only when nothing failed.
    let tsc = dir.join("node_modules/typescript/bin/tsc");
    let tsc = tsc.to_str().ok_or("the tsc path is not UTF-8")?;
    let compiled = node(&dir, &[tsc, "-p", "tsconfig.json", "--strict"], &[])?;
    println!("{compiled}");

    let mocks = Mocks::start()?;
    let basic = format!("{KERNEL_ACCESS_KEY}:{KERNEL_SECRET_KEY}");
    let round_trips = node(
        &dir,
        &["generated/build/src/roundtrip.js"],
        &[
            ("NODEWIRE_TELEMT_URL", &mocks.telemt.url),
            ("NODEWIRE_TELEMT_AUTH", TELEMT_AUTH),
            ("NODEWIRE_NODEPASS_URL", &mocks.nodepass.url),
            ("NODEWIRE_NODEPASS_KEY", NODEPASS_KEY),
            ("NODEWIRE_KERNEL_URL", &mocks.kernel.url),
            ("NODEWIRE_KERNEL_BASIC", &basic),
            ("NODEWIRE_KERNEL_TOKEN", KERNEL_TOKEN),
        ],
    )
    .map_err(|e| format!("{e}\n{}", mocks.logs()))?;
    println!("{round_trips}");
    assert!(
        round_trips.contains("round trips: telemt, nodepass, kernel passed"),
        "{round_trips}\n{}",
        mocks.logs()
    );
    Ok(())
}
