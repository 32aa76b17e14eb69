//! Push targets: the metrics URL an agent is configured with, the `/static` and `/identity`
//! URLs derived from it, `--require-https`, and the HTTPS→HTTP fallback rule
//! (contract §6–§7; Ithiltir-node `internal/push/push.go:53-315`).
//!
//! ```
//! use nodewire_dash::target::Target;
//! let t = Target::parse("https://d.example:8443/x/api/node/metrics?t=1", false).unwrap();
//! assert_eq!(t.static_url().as_deref(), Some("https://d.example:8443/x/api/node/static?t=1"));
//! assert_eq!(t.identity_url().as_deref(), Some("https://d.example:8443/x/api/node/identity?t=1"));
//!
//! // A path not ending in `/metrics` still receives metrics, but static is skipped and the
//! // identity cannot be resolved.
//! let t = Target::parse("https://d.example/api/node/metrics/", false).unwrap();
//! assert_eq!(t.static_url(), None);
//! ```

use std::net::IpAddr;

use bytes::Bytes;
use http::{HeaderValue, header};
use nodewire_common::{Endpoint, IntoRequestError};

use crate::url_parts;

mod failure;

pub use failure::{CertificateProblem, TransportFailure};

/// A target URL the agent cannot use.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TargetError {
    /// The text does not parse.
    #[error("parse target url: {0}")]
    Parse(String),
    /// The scheme is not `http` or `https`.
    #[error("target url scheme must be http or https")]
    Scheme,
    /// No host.
    #[error("target host is required")]
    Host,
    /// `--require-https` is on and the scheme is not `https`.
    #[error("target url must use https when require_https is enabled")]
    HttpsRequired,
    /// The path does not end in `/metrics`, so there is no identity (or static) URL.
    #[error("target url must end with /metrics to resolve identity")]
    NotMetricsPath,
}

/// One configured target: the metrics URL, whether HTTPS is required, and the scheme in use
/// (which the fallback may change to `http` for the rest of the process).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    scheme: String,
    /// Everything after `scheme:`, verbatim.
    rest: String,
    authority: String,
    host: String,
    host_is_ip: bool,
    /// The decoded path.
    path: String,
    query: Option<String>,
    fragment: Option<String>,
    require_https: bool,
}

impl Target {
    /// Parses a target URL as the agent does (`newTarget` and report.yaml's `validateURL`):
    /// trimmed, scheme `http`/`https` (lowercased, as Go does), a host, and with
    /// `require_https` only `https`. The path need not end in `/metrics`.
    pub fn parse(url: &str, require_https: bool) -> Result<Self, TargetError> {
        let text = url.trim();
        let parts = url_parts::parse(text).map_err(TargetError::Parse)?;
        let scheme = parts.scheme.to_ascii_lowercase();
        if scheme != "http" && scheme != "https" {
            return Err(TargetError::Scheme);
        }
        if require_https && scheme != "https" {
            return Err(TargetError::HttpsRequired);
        }
        if parts.host.is_empty() {
            return Err(TargetError::Host);
        }
        let rest = text
            .get(parts.scheme.len() + 1..)
            .unwrap_or_default()
            .to_owned();
        Ok(Self {
            scheme,
            rest,
            authority: parts.authority.to_owned(),
            host: parts.host.to_owned(),
            host_is_ip: parts.host.parse::<IpAddr>().is_ok(),
            path: url_parts::unescape(parts.path),
            query: parts.query.map(str::to_owned),
            fragment: parts.fragment.map(str::to_owned),
            require_https,
        })
    }

    /// The scheme in use (`http` after a fallback).
    pub fn scheme(&self) -> &str {
        &self.scheme
    }

    /// The host name or IP literal.
    pub fn host(&self) -> &str {
        &self.host
    }

    /// `true` when the host is an IP literal (the cert-error fallback applies to these only).
    pub fn host_is_ip(&self) -> bool {
        self.host_is_ip
    }

    /// `true` when `--require-https` applies to this target.
    pub fn requires_https(&self) -> bool {
        self.require_https
    }

    /// Where reports go: the configured URL (scheme as currently in use).
    pub fn metrics_url(&self) -> String {
        format!("{}:{}", self.scheme, self.rest)
    }

    /// The `/static` sibling, when the decoded path ends in `/metrics`.
    pub fn static_url(&self) -> Option<String> {
        self.sibling("/static")
    }

    /// The `/identity` sibling, when the decoded path ends in `/metrics`.
    pub fn identity_url(&self) -> Option<String> {
        self.sibling("/identity")
    }

    /// `/metrics` replaced by `suffix` in the decoded path; scheme, authority, query and
    /// fragment kept. The new path is escaped as Go's `URL.EscapedPath` does once `Path` has
    /// changed (so `/a!b/metrics` gives `/a%21b/static`).
    fn sibling(&self, suffix: &str) -> Option<String> {
        let base = self.path.strip_suffix("/metrics")?;
        let path = url_parts::escape_path(&format!("{base}{suffix}"));
        let mut url = format!("{}://{}{}", self.scheme, self.authority, path);
        if let Some(q) = &self.query {
            url.push('?');
            url.push_str(q);
        }
        if let Some(f) = &self.fragment {
            url.push('#');
            url.push_str(f);
        }
        Some(url)
    }

    /// The `host:port` text used in the agent's fallback log line.
    pub fn host_port(&self) -> &str {
        self.authority
            .rsplit_once('@')
            .map_or(self.authority.as_str(), |(_, hp)| hp)
    }

    /// What to do after a transport failure on this target (`httpFallback`): only an `https`
    /// target without `--require-https` may fall back, and only for
    ///
    /// 1. a plaintext server answering the TLS handshake;
    /// 2. a certificate error (unknown authority, wrong name, invalid) on an IP-literal host;
    /// 3. an expired certificate on a DNS host whose chain was otherwise valid at its expiry
    ///    ([`FallbackDecision::VerifyExpiredChain`]: the caller re-dials and checks).
    ///
    /// Anything else, including a wrong name or unknown CA on a DNS host, does not fall back.
    pub fn fallback_decision(&self, failure: &TransportFailure) -> FallbackDecision {
        if self.scheme != "https" || self.require_https {
            return FallbackDecision::Keep;
        }
        match failure {
            TransportFailure::PlaintextServer => FallbackDecision::UseHttp,
            TransportFailure::Certificate(_) if self.host_is_ip => FallbackDecision::UseHttp,
            TransportFailure::Certificate(CertificateProblem::Expired) => {
                FallbackDecision::VerifyExpiredChain
            }
            _ => FallbackDecision::Keep,
        }
    }

    /// Switches the target to `http` for the rest of the process (metrics, static and
    /// identity alike; host and port text unchanged, so an implicit 443 becomes 80). Returns
    /// the agent's log line.
    pub fn fall_back_to_http(&mut self, target_id: i64) -> String {
        self.scheme = "http".to_owned();
        format!(
            "WARN: push target {target_id} https failed, fallback to http for {}",
            self.host_port()
        )
    }

    /// Applies [`fallback_decision`](Self::fallback_decision), switching to `http` when it
    /// says so or when the caller confirmed an expired chain (`expired_chain_valid`).
    /// Returns `true` when the target now uses `http` (retry static and identity once at
    /// once; a metrics round that fell back still counts as failed).
    pub fn handle_failure(
        &mut self,
        failure: &TransportFailure,
        expired_chain_valid: bool,
    ) -> bool {
        let switch = match self.fallback_decision(failure) {
            FallbackDecision::UseHttp => true,
            FallbackDecision::VerifyExpiredChain => expired_chain_valid,
            FallbackDecision::Keep => false,
        };
        if switch {
            self.scheme = "http".to_owned();
        }
        switch
    }

    /// Builds the request for `endpoint` against this target: the metrics URL, or its
    /// `/static` or `/identity` sibling, with the endpoint's body and `X-Node-Secret`. Unlike
    /// [`Endpoint::try_into_http_request`], the target's own path and query are kept; like it,
    /// the call is checked first ([`Endpoint::validate_outgoing`]).
    pub fn request<E: Endpoint<Protocol = crate::Dash>>(
        &self,
        endpoint: &E,
    ) -> Result<http::Request<Bytes>, TargetRequestError> {
        endpoint
            .validate_outgoing()
            .map_err(IntoRequestError::Validation)?;
        let url = match E::METADATA.path {
            crate::endpoints::STATIC_PATH => self.static_url(),
            crate::endpoints::IDENTITY_PATH => self.identity_url(),
            _ => Some(self.metrics_url()),
        }
        .ok_or(TargetRequestError::Target(TargetError::NotMetricsPath))?;
        let body = match endpoint.body() {
            Some(body) => Bytes::from(serde_json::to_vec(body).map_err(IntoRequestError::Body)?),
            None => Bytes::new(),
        };
        let mut request = http::Request::builder()
            .method(E::METADATA.method.clone())
            .uri(url)
            .header(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            )
            .body(body)
            .map_err(IntoRequestError::Http)?;
        endpoint.headers(request.headers_mut())?;
        Ok(request)
    }
}

/// A request that could not be built for a target.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TargetRequestError {
    /// The target has no URL for this route.
    #[error(transparent)]
    Target(#[from] TargetError),
    /// The request itself could not be built.
    #[error(transparent)]
    Request(#[from] IntoRequestError),
}

/// The outcome of [`Target::fallback_decision`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FallbackDecision {
    /// Switch to `http`.
    UseHttp,
    /// Re-dial TLS without verification (5 s), require the leaf's `NotAfter` to be past, and
    /// verify the chain against the system roots for the host name at `NotAfter − 1 s`; fall
    /// back only if that succeeds, else log `cert expired but chain invalid`.
    VerifyExpiredChain,
    /// Keep the scheme; the failure counts as a failed round.
    Keep,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(url: &str) -> Target {
        Target::parse(url, false).unwrap_or_else(|e| panic!("{url}: {e}"))
    }

    #[test]
    fn derived_urls() {
        let target = t("https://d.example:8443/x/api/node/metrics?t=1");
        assert_eq!(
            target.metrics_url(),
            "https://d.example:8443/x/api/node/metrics?t=1"
        );
        assert_eq!(
            target.identity_url().as_deref(),
            Some("https://d.example:8443/x/api/node/identity?t=1")
        );
        let target = t("  HTTP://10.0.0.5/api/node/metrics#frag ");
        assert_eq!(
            target.metrics_url(),
            "http://10.0.0.5/api/node/metrics#frag"
        );
        assert_eq!(
            target.static_url().as_deref(),
            Some("http://10.0.0.5/api/node/static#frag")
        );
        assert!(target.host_is_ip());
        // The decoded path decides; Go then escapes the new path itself.
        let target = t("http://h/a!b/api/node/%6Detrics");
        assert_eq!(
            target.static_url().as_deref(),
            Some("http://h/a%21b/api/node/static")
        );
        assert_eq!(t("http://h/api/node/push").identity_url(), None);
        assert_eq!(t("http://h").static_url(), None);
        assert_eq!(
            t("http://h/metrics").static_url().as_deref(),
            Some("http://h/static")
        );
    }

    #[test]
    fn refused_targets() {
        assert_eq!(Target::parse("ftp://h/x", false), Err(TargetError::Scheme));
        assert_eq!(
            Target::parse("h/api/node/metrics", false),
            Err(TargetError::Scheme)
        );
        assert_eq!(Target::parse("http:///api", false), Err(TargetError::Host));
        assert_eq!(
            Target::parse("http://h/api/node/metrics", true),
            Err(TargetError::HttpsRequired)
        );
        assert!(Target::parse("https://h/api/node/metrics", true).is_ok());
        assert!(matches!(
            Target::parse("http://h:x/", false),
            Err(TargetError::Parse(_))
        ));
    }

    #[test]
    fn fallback_rules() {
        use CertificateProblem::*;
        use TransportFailure::*;
        let dns = t("https://dash.example/api/node/metrics");
        let ip = t("https://203.0.113.7:8443/api/node/metrics");
        assert_eq!(
            dns.fallback_decision(&PlaintextServer),
            FallbackDecision::UseHttp
        );
        assert_eq!(
            ip.fallback_decision(&PlaintextServer),
            FallbackDecision::UseHttp
        );
        for problem in [UnknownAuthority, Hostname, Expired, Invalid] {
            assert_eq!(
                ip.fallback_decision(&Certificate(problem)),
                FallbackDecision::UseHttp
            );
        }
        assert_eq!(
            dns.fallback_decision(&Certificate(Expired)),
            FallbackDecision::VerifyExpiredChain
        );
        for problem in [UnknownAuthority, Hostname, Invalid] {
            assert_eq!(
                dns.fallback_decision(&Certificate(problem)),
                FallbackDecision::Keep
            );
        }
        assert_eq!(
            dns.fallback_decision(&ConnectionRefused),
            FallbackDecision::Keep
        );
        assert_eq!(dns.fallback_decision(&Other), FallbackDecision::Keep);
        // http targets never change; --require-https never falls back.
        let plain = t("http://dash.example/api/node/metrics");
        assert_eq!(
            plain.fallback_decision(&PlaintextServer),
            FallbackDecision::Keep
        );
        let strict = Target::parse("https://203.0.113.7/api/node/metrics", true);
        assert_eq!(
            strict.map(|s| s.fallback_decision(&PlaintextServer)),
            Ok(FallbackDecision::Keep)
        );
    }

    #[test]
    fn falling_back_changes_every_url() {
        let mut target = t("https://dash.example/api/node/metrics");
        assert!(!target.handle_failure(
            &TransportFailure::Certificate(CertificateProblem::Expired),
            false
        ));
        assert_eq!(target.scheme(), "https");
        assert!(target.handle_failure(
            &TransportFailure::Certificate(CertificateProblem::Expired),
            true
        ));
        assert_eq!(target.metrics_url(), "http://dash.example/api/node/metrics");
        assert_eq!(
            target.static_url().as_deref(),
            Some("http://dash.example/api/node/static")
        );
        let mut target = t("https://u:p@dash.example:8443/api/node/metrics");
        assert_eq!(
            target.fall_back_to_http(3),
            "WARN: push target 3 https failed, fallback to http for dash.example:8443"
        );
    }
}
