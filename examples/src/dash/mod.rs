//! Dash over HTTP: a receiver (axum around [`nodewire_dash::server::Receiver`]) that keeps
//! the latest report per node and serves an HTML board with SVG sparklines, and an agent
//! that pushes this machine's metrics ([`nodewire_dash::collect::Collector`]) with the rules
//! in [`nodewire_dash::agent`] and [`nodewire_dash::target`].
//!
//! - `receiver`: the HTTP wiring; `state`: what it remembers per node; `board`: the page,
//!   from the templates in `examples/templates/dash/`; `access`: who may see it;
//! - `agent`: the push loop; `delivery`: one target on the wire (timeout, fallback, refused
//!   streak, static retries);
//! - `tour`: the tour's Dash leg.

mod access;
mod agent;
mod board;
mod delivery;
mod receiver;
mod state;
mod tour;

use nodewire_common::Secret;
use nodewire_dash::identity::InstallId;

pub use access::{BoardAccess, BoardRefused};
pub use agent::{AgentConfig, AgentSummary, run_agent};
pub use board::{escape_html, render_board, sparkline};
pub use receiver::{
    ReceiverHandle, ReceiverOptions, serve_receiver, spawn_receiver, spawn_receiver_with,
};
pub use state::{Board, HISTORY, NodeState, Sample};
pub use tour::tour;

/// The address a receiver binds by default (loopback).
pub const DEFAULT_LISTEN: &str = "127.0.0.1:8080";

/// Parses `NAME=KEY` node keys.
pub fn parse_node_key(text: &str) -> Result<(String, Secret), String> {
    let (name, key) = text
        .split_once('=')
        .ok_or_else(|| "expected NAME=KEY".to_owned())?;
    if name.trim().is_empty() || key.is_empty() {
        return Err("expected NAME=KEY with both parts".to_owned());
    }
    Ok((name.trim().to_owned(), Secret::new(key)))
}

/// Parses a file of node keys: one `NAME=KEY` a line; blank lines and lines starting with `#`
/// are skipped. An error names the line, never its content.
///
/// ```
/// let text = "# web\nweb-1=s3cret\n\ndb-1=0ther\n";
/// let keys = nodewire_examples::dash::parse_nodes_file(text).unwrap();
/// assert_eq!(keys.len(), 2);
/// ```
pub fn parse_nodes_file(text: &str) -> Result<Vec<(String, Secret)>, String> {
    text.lines()
        .enumerate()
        .map(|(i, line)| (i + 1, line.trim_end_matches('\r')))
        .filter(|(_, line)| !line.trim().is_empty() && !line.trim_start().starts_with('#'))
        .map(|(n, line)| parse_node_key(line).map_err(|e| format!("line {n}: {e}")))
        .collect()
}

/// A random install id without a random-number dependency: std's per-process random hash
/// keys.
pub fn random_install_id() -> InstallId {
    use std::hash::{BuildHasher, Hasher};
    let mut bytes = [0u8; 16];
    for (i, chunk) in bytes.chunks_mut(8).enumerate() {
        let mut h = std::collections::hash_map::RandomState::new().build_hasher();
        h.write_usize(i);
        h.write_u128(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos())
                .unwrap_or_default(),
        );
        chunk.copy_from_slice(&h.finish().to_le_bytes());
    }
    InstallId::from_random(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn node_keys() {
        assert_eq!(
            parse_node_key("web=k=1").map(|(n, k)| (n, k.expose().to_owned())),
            Ok(("web".into(), "k=1".into()))
        );
        assert!(parse_node_key("web").is_err());
        assert!(parse_node_key("=k").is_err());
        assert!(parse_node_key("web=").is_err());
    }

    #[test]
    fn nodes_files() {
        let keys = parse_nodes_file("web=a\r\n  # comment\n\n db = b=c \n").unwrap();
        let keys: Vec<(String, String)> = keys
            .into_iter()
            .map(|(n, k)| (n, k.expose().to_owned()))
            .collect();
        assert_eq!(
            keys,
            [("web".into(), "a".into()), ("db".into(), " b=c ".into())]
        );
        let error = parse_nodes_file("web=a\nsecret-without-name\n").unwrap_err();
        assert_eq!(error, "line 2: expected NAME=KEY");
        assert!(parse_nodes_file("").unwrap().is_empty());
    }

    #[test]
    fn install_ids_differ() {
        assert_ne!(random_install_id(), random_install_id());
    }
}
