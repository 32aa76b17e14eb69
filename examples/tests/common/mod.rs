//! Support shared by the example servers' end-to-end tests.

use std::sync::Mutex;

use nodewire_examples::dash::{AgentConfig, AgentSummary, run_agent};

/// Runs the dash agent with `config`, returning its summary and every line it logged, joined by
/// newlines.
pub(crate) async fn run_agent_logged(
    config: AgentConfig,
) -> Result<(AgentSummary, String), Box<dyn std::error::Error + Send + Sync>> {
    let lines = Mutex::new(Vec::<String>::new());
    let summary = run_agent(config, |line| {
        if let Ok(mut l) = lines.lock() {
            l.push(line.to_owned());
        }
    })
    .await?;
    let log = lines.lock().map(|l| l.join("\n")).unwrap_or_default();
    Ok((summary, log))
}
