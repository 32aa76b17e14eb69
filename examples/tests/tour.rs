//! The `tour` binary runs every leg to the end and prints no credential: the demo's keys,
//! tokens, passwords, tunnel keys and registration code are printed redacted.

use std::process::Command;

/// Every credential the tour's legs use, as written in their sources.
const CREDENTIALS: [&str; 7] = [
    // NodePass: the master's API key and the tunnel key in the instance URLs.
    "0123456789abcdef0123456789abcdef",
    "tour-secret",
    // The kernel: the panel's Basic password and the webhook token.
    "panel-secret",
    "tour-webhook-token",
    // telemt: the `Authorization` value.
    "tour-token",
    // Dash: the node key.
    "tour-node-key",
    // Core: the registration code, as a JSON member.
    "\"code\":\"tour-node\"",
];

/// Whether every place `marker` stands in `text` is followed by `[redacted]` (the generated
/// secrets: telemt's user secrets in links and bodies).
fn always_redacted(text: &str, marker: &str) -> bool {
    text.match_indices(marker).all(|(at, _)| {
        text.get(at + marker.len()..)
            .is_some_and(|rest| rest.starts_with("[redacted]"))
    })
}

#[test]
fn the_tour_prints_no_credential() -> Result<(), Box<dyn std::error::Error>> {
    let out = Command::new(env!("CARGO_BIN_EXE_tour")).output()?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stdout}{stderr}");
    for credential in CREDENTIALS {
        assert!(
            !stdout.contains(credential) && !stderr.contains(credential),
            "{credential} is printed:\n{stdout}{stderr}"
        );
    }
    assert!(always_redacted(&stdout, "secret="), "{stdout}");
    assert!(always_redacted(&stdout, "\"secret\":\""), "{stdout}");
    for redacted in [
        "\"code\":\"[redacted]\"",
        "\"authKey\":\"[redacted]\"",
        "server://[redacted]@",
        "\"id\":\"********\"",
        "secret=[redacted]",
    ] {
        assert!(stdout.contains(redacted), "{redacted} not in:\n{stdout}");
    }
    Ok(())
}
