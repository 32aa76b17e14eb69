//! The agent: this machine's metrics from [`nodewire_dash::collect::Collector`], pushed to
//! every target with the rules of [`nodewire_dash::agent`] and [`nodewire_dash::target`].
//! What a target sent back is escaped in the log lines
//! ([`Escaped`](nodewire_common::server::Escaped)).

use std::time::{Duration, Instant};

use nodewire_common::client::Client;
use nodewire_common::server::Escaped;
use nodewire_common::{Endpoint, Secret};
use nodewire_dash::agent::{self, Delivery};
use nodewire_dash::collect::Collector;
use nodewire_dash::endpoints::{FetchIdentity, PushMetrics};
use nodewire_dash::target::Target;
use nodewire_dash::update::{UpdateDecision, UpdateManifest, UpdatePlan};
use nodewire_dash::{IdentityResponse, NodeReport};

use crate::dash::delivery::{AgentTarget, Log, Sent, send};

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// What the agent does.
#[derive(Debug, Clone)]
pub struct AgentConfig {
    /// Metrics target URLs and their keys.
    pub targets: Vec<(String, Secret)>,
    /// Refuse non-`https` targets and never fall back to `http`.
    pub require_https: bool,
    /// Time between reports.
    pub interval: Duration,
    /// Delay before the first static and metrics pushes.
    pub push_delay: Duration,
    /// Stop after this many metrics rounds (`None`: run until stopped).
    pub rounds: Option<u64>,
    /// Resolve each target's Dash identity first (as `report install` does).
    pub fetch_identity: bool,
    /// Report only these interfaces (`--net`).
    pub preferred_nics: Vec<String>,
    /// The version reported (strict SemVer).
    pub version: String,
}

/// What an agent run did.
#[derive(Debug, Clone, Default)]
pub struct AgentSummary {
    /// Each target's identity, when fetched.
    pub identities: Vec<Option<IdentityResponse>>,
    /// Static pushes answered `200`, per target.
    pub static_accepted: Vec<u64>,
    /// Metrics rounds run.
    pub rounds: u64,
    /// Rounds in which at least one target answered `200`.
    pub successful_rounds: u64,
}

/// What one metrics round asks of the rest of the loop.
struct Round {
    success: bool,
    plan: UpdatePlan,
    /// Targets that recovered from a refused streak: re-send static now.
    resend_static: Vec<usize>,
}

/// Parses the configured targets (the first error stops the agent) and logs each.
fn targets(config: &AgentConfig, log: Log<'_>) -> Result<Vec<AgentTarget>, BoxError> {
    let mut targets = Vec::with_capacity(config.targets.len());
    for (i, (url, secret)) in config.targets.iter().enumerate() {
        let id = i64::try_from(i + 1).unwrap_or(i64::MAX);
        let target =
            Target::parse(url, config.require_https).map_err(|e| format!("target {id}: {e}"))?;
        log(&format!(
            "push target={id} url={} host_type={}",
            target.metrics_url(),
            if target.host_is_ip() { "ip" } else { "domain" }
        ));
        targets.push(AgentTarget {
            id,
            target,
            secret: Secret::new(secret.expose().trim().to_owned()),
            delivery: Delivery::default(),
            static_retry_at: None,
        });
    }
    Ok(targets)
}

/// Resolves each target's Dash identity (`report install`).
async fn fetch_identities(
    client: &Client,
    targets: &mut [AgentTarget],
    log: Log<'_>,
) -> Vec<Option<IdentityResponse>> {
    let mut identities = vec![None; targets.len()];
    for (t, slot) in targets.iter_mut().zip(identities.iter_mut()) {
        if t.target.identity_url().is_none() {
            log(&format!(
                "target {} url must end with /metrics to resolve identity",
                t.id
            ));
            continue;
        }
        let Ok(response) = t
            .call(client, &FetchIdentity::new(t.secret.clone()), log)
            .await
        else {
            continue;
        };
        match FetchIdentity::try_from_http_response(&response) {
            Ok(identity) => {
                log(&format!(
                    "{}\t{}\t{}",
                    t.id,
                    t.target.metrics_url(),
                    Escaped::new(identity.install_id.normalized())
                ));
                *slot = Some(identity);
            }
            Err(e) => log(&format!(
                "identity target {}: {}",
                t.id,
                Escaped::new(&e.to_string())
            )),
        }
    }
    identities
}

/// Pushes `report` to every target at once and reads the answers.
async fn push_metrics(
    client: &Client,
    targets: &mut [AgentTarget],
    report: &NodeReport,
    log: Log<'_>,
) -> Round {
    let mut tasks = tokio::task::JoinSet::new();
    for (i, t) in targets.iter().enumerate() {
        match t
            .target
            .request(&PushMetrics::new(t.secret.clone(), report.clone()))
        {
            Ok(request) => {
                let client = client.clone();
                tasks.spawn(async move { (i, send(&client, request).await) });
            }
            Err(e) => log(&format!(
                "push target {} error: {}",
                t.id,
                Escaped::new(&e.to_string())
            )),
        }
    }
    let mut results: Vec<(usize, Sent)> = tasks.join_all().await;
    results.sort_by_key(|(i, _)| *i);

    let mut round = Round {
        success: false,
        plan: UpdatePlan::default(),
        resend_static: Vec::new(),
    };
    for (i, result) in results {
        let Some(t) = targets.get_mut(i) else {
            continue;
        };
        let response = match result {
            Ok(response) => response,
            Err(error) => {
                // A round that fell back to http still counts as failed.
                t.on_failure(&error, log);
                continue;
            }
        };
        let answer = t.delivery.on_response(response.status());
        if answer.success {
            round.success = true;
            if let Ok(body) = PushMetrics::try_from_http_response(&response) {
                round
                    .plan
                    .add(&report.version, body.update.as_ref(), &t.secret);
            }
        } else {
            log(&format!(
                "push target {} non-200 status: {}",
                t.id,
                response.status()
            ));
        }
        if answer.resend_static {
            log(&format!("push target {} recovered", t.id));
            round.resend_static.push(i);
        }
    }
    round
}

/// Acts on the round's update plan: this example reports what it was offered and never
/// installs a binary.
fn apply_update(plan: UpdatePlan, log: Log<'_>) {
    match plan.decide() {
        UpdateDecision::None | UpdateDecision::AlreadyActive => {}
        UpdateDecision::Conflict => {
            log("push update skipped: conflicting manifests in one round");
        }
        UpdateDecision::Apply { manifest, .. } => {
            let exe = std::env::current_exe().unwrap_or_default();
            let runner = std::env::var("ITHILTIR_NODE_RUNNER").ok();
            if !agent::self_update_enabled(std::env::consts::OS, &exe, runner.as_deref()) {
                log(&format!(
                    "self update is disabled (offered {}); reporting continues",
                    Escaped::new(&manifest.version)
                ));
            } else {
                match UpdateManifest::try_from(manifest) {
                    Ok(m) => log(&format!(
                        "update {} offered; this agent does not install binaries",
                        Escaped::new(&m.version().to_string())
                    )),
                    Err(e) => log(&format!(
                        "push update failed: {}",
                        Escaped::new(&e.to_string())
                    )),
                }
            }
        }
    }
}

/// Runs the agent: identity (optional), static, then one report per interval to every target,
/// with the agent's static retry, change and recovery rules, HTTPS fallback and update plan.
/// `log` receives the agent's log lines.
pub async fn run_agent(
    config: AgentConfig,
    log: impl Fn(&str) + Sync,
) -> Result<AgentSummary, BoxError> {
    let log: Log<'_> = &log;
    let mut targets = targets(&config, log)?;
    let first = targets
        .first()
        .map(|t| t.target.metrics_url())
        .ok_or("no report targets configured")?;
    let client = Client::new(first)?;
    let mut summary = AgentSummary {
        identities: vec![None; targets.len()],
        static_accepted: vec![0; targets.len()],
        ..AgentSummary::default()
    };
    let mut collector = Collector::new(
        &config.version,
        config.interval,
        config.preferred_nics.clone(),
    );
    // A first sample so the first report has rates.
    collector.report();
    if config.fetch_identity {
        summary.identities = fetch_identities(&client, &mut targets, log).await;
    }

    tokio::time::sleep(config.push_delay).await;
    let mut static_body = collector.static_info();
    let mut fingerprint = agent::static_fingerprint(&static_body);
    for (t, accepted) in targets.iter_mut().zip(summary.static_accepted.iter_mut()) {
        if t.push_static(&client, &static_body, log).await {
            *accepted += 1;
        }
    }
    let change_every = agent::static_change_check_interval(config.interval);
    let mut next_change_check = Instant::now() + change_every;

    let mut ticker = tokio::time::interval(config.interval);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    ticker.tick().await;
    while config.rounds.is_none_or(|n| summary.rounds < n) {
        ticker.tick().await;
        let report = collector.report();
        summary.rounds += 1;
        let round = push_metrics(&client, &mut targets, &report, log).await;
        if round.success {
            summary.successful_rounds += 1;
        } else {
            log(&format!(
                "push round failed: all {} targets failed",
                targets.len()
            ));
        }
        apply_update(round.plan, log);

        // Static: recovery re-sends, partial/failed retries, and change detection.
        let now = Instant::now();
        let changed = now >= next_change_check && {
            next_change_check = now + change_every;
            let fresh = collector.static_info();
            let fp = agent::static_fingerprint(&fresh);
            let changed = fp != fingerprint;
            fingerprint = fp;
            static_body = fresh;
            changed
        };
        for (i, (t, accepted)) in targets
            .iter_mut()
            .zip(summary.static_accepted.iter_mut())
            .enumerate()
        {
            let resend = round.resend_static.contains(&i);
            if !(changed || resend || t.static_retry_at.is_some_and(|at| now >= at)) {
                continue;
            }
            if t.static_retry_at.is_some() || resend {
                static_body = collector.static_info();
            }
            if t.push_static(&client, &static_body, log).await {
                *accepted += 1;
            }
        }
    }
    Ok(summary)
}
