//! `nodewire probe`, as a library: call every side-effect-free `GET` route of a running
//! server, decode each answer with the protocol's registry, and report drift.
//!
//! The planning and the verdicts are sans-IO ([`plan`], [`examine`]); [`run`] (feature
//! `client`) performs the calls with reqwest.
//!
//! What a probe does, per route of the registry:
//!
//! - only `GET` routes are called, and never one the protocol's [`Profile`] names as dialing out
//!   or writing (NodePass `/tcping`);
//! - a path parameter is filled with an id that a list route answered first ([`IdSource`]);
//!   a route whose ids no `GET` lists is reported as skipped;
//! - a `text/event-stream` route is read until its first event, or a short bound, then closed;
//!   a WebSocket route (one that answers `101`) is skipped;
//! - each answer is decoded through the library and re-encoded: the row says `ok`, or names the
//!   JSON pointers `lost` or `changed`, the decode `error` with its path, and any open-enum label
//!   the library does not know (`unknown_labels`), which the lossless check alone does not flag.
//!
//! When the server reports its release ([`Profile::version`]), a route added in a later release
//! (its [`Route::history`](crate::registry::Route::history)) is not called: its row says
//! `not_in_release` and which release it needs, and it is not drift.
//!
//! A probe reports drift when any called route is not `ok`.

use serde::Serialize;
use serde_json::Value;

use crate::ResponseBody;
use crate::lossless::compare;
use crate::open_enum::{UnknownLabelSeen, collect_unknown_labels};
use crate::registry::{Registry, Route};

/// What a probe needs to know about one protocol beyond its registry.
#[derive(Debug, Clone, Copy)]
pub struct Profile {
    /// `Some(reason)` when the protocol has no route a probe may call (Dash's node API is
    /// push-only); the probe refuses to run and says why.
    pub refuse: Option<&'static str>,
    /// Where the server reports its release, if it does.
    pub version: Option<VersionSource>,
    /// Where the ids of parameterized routes come from.
    pub ids: &'static [IdSource],
    /// `GET` routes never called (they dial out or write), by path template, with the reason.
    pub never_call: &'static [(&'static str, &'static str)],
}

impl Profile {
    /// A profile with no version source, no id sources and nothing excluded.
    pub const fn new() -> Self {
        Self {
            refuse: None,
            version: None,
            ids: &[],
            never_call: &[],
        }
    }
}

impl Default for Profile {
    fn default() -> Self {
        Self::new()
    }
}

/// The route and JSON pointer where a server reports its release.
#[derive(Debug, Clone, Copy)]
pub struct VersionSource {
    /// The route's path template (`/v1/system/info`); it must take no parameter.
    pub path: &'static str,
    /// The pointer to the release string in its response body (`/data/version`).
    pub pointer: &'static str,
}

/// How to find ids for a path parameter: the list route that answers them.
#[derive(Debug, Clone, Copy)]
pub struct IdSource {
    /// The path template whose parameter this fills (`/v1/users/{username}`).
    pub template: &'static str,
    /// The parameter's name (`username`).
    pub param: &'static str,
    /// The list route's path (`/v1/users`), taking no parameter.
    pub list: &'static str,
    /// The pointer to the array in the list's body (`/data`, or `""` for a bare array).
    pub items: &'static str,
    /// The field of each item that holds the id (`username`).
    pub field: &'static str,
}

/// One route of the plan.
#[derive(Debug, Clone)]
pub struct Planned<'a> {
    /// The registry's route.
    pub route: &'a Route,
    /// What to do with it.
    pub action: Action,
}

/// Whether and how a route is called.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// A plain `GET` of the template (no parameters).
    Call,
    /// A `GET` of the template with one parameter filled from a list route.
    CallWithId(IdSource),
    /// Read the event stream until its first event or the bound.
    Stream,
    /// Not called, and why.
    Skip(String),
}

impl PartialEq for IdSource {
    fn eq(&self, other: &Self) -> bool {
        self.template == other.template && self.param == other.param
    }
}

impl Eq for IdSource {}

/// The `GET` routes of `registry` and what a probe does with each, in registry order.
pub fn plan<'a>(registry: &'a Registry, profile: &Profile) -> Vec<Planned<'a>> {
    registry
        .routes
        .iter()
        .filter(|r| r.metadata.method == http::Method::GET)
        .map(|route| Planned {
            route,
            action: action_for(route, profile),
        })
        .collect()
}

fn action_for(route: &Route, profile: &Profile) -> Action {
    let template = route.metadata.path;
    if let Some((_, reason)) = profile.never_call.iter().find(|(t, _)| *t == template) {
        return Action::Skip((*reason).to_owned());
    }
    if matches!(route.response_body, ResponseBody::WebSocket) {
        return Action::Skip("WebSocket stream: not probed".to_owned());
    }
    let params = template.split('/').filter(|s| s.starts_with('{')).count();
    if params > 0 {
        return match profile.ids.iter().find(|s| s.template == template) {
            Some(source) if params == 1 => Action::CallWithId(*source),
            _ => Action::Skip("no GET route lists the ids of its path parameters".to_owned()),
        };
    }
    if matches!(route.response_body, ResponseBody::EventStream { .. }) {
        Action::Stream
    } else {
        Action::Call
    }
}

/// The verdict on one route.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Decoded and re-encoded without losing a value; every enum label known.
    Ok,
    /// Decoded, but re-encoding lost or changed values, or an enum label is unknown.
    Drift,
    /// The answer did not decode, or the status is not one the route answers on success.
    Error,
    /// Not called: the route came in a release newer than the one the server reports.
    NotInRelease,
    /// Not called.
    Skipped,
}

/// An unknown enum label and where it sits.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct LabelAt {
    /// The JSON pointer of the value (the first one holding this label).
    pub pointer: String,
    /// The open enum's type name.
    #[serde(rename = "enum")]
    pub enum_name: &'static str,
    /// The label.
    pub label: String,
}

/// One row of a probe report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Row {
    /// `"GET <template>"`.
    pub route: String,
    /// The concrete path called, when called.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// The HTTP status, when called.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// The verdict.
    pub verdict: Verdict,
    /// The model type used.
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub type_name: Option<String>,
    /// What failed and where (decode errors carry the JSON path), or why the route was skipped.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// Pointers the re-encoding lost.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub lost: Vec<String>,
    /// Pointers whose value the re-encoding changed.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub changed: Vec<String>,
    /// Enum labels the library does not know.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub unknown_labels: Vec<LabelAt>,
}

impl Row {
    /// A row for a route that was not called.
    pub fn skipped(route: &Route, reason: impl Into<String>) -> Self {
        Self {
            route: route_name(route),
            path: None,
            status: None,
            verdict: Verdict::Skipped,
            type_name: None,
            error: Some(reason.into()),
            lost: Vec::new(),
            changed: Vec::new(),
            unknown_labels: Vec::new(),
        }
    }

    /// One line for a terminal: route, status, verdict and the first details.
    pub fn to_line(&self) -> String {
        let status = self
            .status
            .map_or_else(|| "-".to_owned(), |s| s.to_string());
        let verdict = match self.verdict {
            Verdict::Ok => "ok",
            Verdict::Drift => "drift",
            Verdict::Error => "error",
            Verdict::NotInRelease => "n/a",
            Verdict::Skipped => "skipped",
        };
        let mut details = Vec::new();
        if let Some(error) = &self.error {
            details.push(error.clone());
        }
        if !self.lost.is_empty() {
            details.push(format!("lost {}", self.lost.join(" ")));
        }
        if !self.changed.is_empty() {
            details.push(format!("changed {}", self.changed.join(" ")));
        }
        for l in &self.unknown_labels {
            details.push(format!(
                "unknown {} label `{}` at {}",
                l.enum_name, l.label, l.pointer
            ));
        }
        format!(
            "{:<44} {:>4}  {:<7} {}",
            self.route,
            status,
            verdict,
            details.join("; ")
        )
        .trim_end()
        .to_owned()
    }
}

fn route_name(route: &Route) -> String {
    format!("{} {}", route.metadata.method, route.metadata.path)
}

/// Decodes one answer of `route` and gives its row (sans-IO).
pub fn examine(route: &Route, path: &str, status: u16, body: &[u8]) -> Row {
    let mut row = Row {
        route: route_name(route),
        path: Some(path.to_owned()),
        status: Some(status),
        verdict: Verdict::Ok,
        type_name: None,
        error: None,
        lost: Vec::new(),
        changed: Vec::new(),
        unknown_labels: Vec::new(),
    };
    let Ok(code) = http::StatusCode::from_u16(status) else {
        row.verdict = Verdict::Error;
        row.error = Some(format!("invalid status {status}"));
        return row;
    };
    let declared = route.success.contains(&code) || route.success_or_error.contains(&code);
    let decode = (route.response)(code);
    let (decoded, labels) = collect_unknown_labels(|| decode(body));
    match decoded {
        Err(failed) => {
            row.verdict = Verdict::Error;
            row.type_name = Some(failed.type_name);
            row.error = Some(failed.error.to_string());
        }
        Ok(decoded) => {
            row.type_name = Some(decoded.type_name);
            if !declared {
                row.verdict = Verdict::Error;
                row.error = Some(format!(
                    "answered {status}, not a status this route succeeds with{}",
                    error_text(body)
                ));
                return row;
            }
            let input = match decoded.original {
                Some(original) => Some(original),
                None => crate::error::from_slice::<Value>(body).ok(),
            };
            if let (Some(input), Some(output)) = (input, decoded.reencoded) {
                let report = compare(&input, &output);
                row.lost = report.lost;
                row.changed = report.changed;
                row.unknown_labels = locate(&output, labels);
            }
            if !row.lost.is_empty() || !row.changed.is_empty() || !row.unknown_labels.is_empty() {
                row.verdict = Verdict::Drift;
            }
        }
    }
    row
}

/// The upstream's error text, when the body carries one (`: <text>`), for an undeclared status.
fn error_text(body: &[u8]) -> String {
    let Ok(value) = crate::error::from_slice::<Value>(body) else {
        return String::new();
    };
    ["/error/message", "/error", "/message"]
        .iter()
        .find_map(|p| value.pointer(p).and_then(Value::as_str))
        .map_or_else(String::new, |text| format!(": {text}"))
}

/// Finds where each unknown label sits in the re-encoded value.
fn locate(value: &Value, labels: Vec<UnknownLabelSeen>) -> Vec<LabelAt> {
    let mut out: Vec<LabelAt> = Vec::new();
    for seen in labels {
        if out
            .iter()
            .any(|l| l.label == seen.label && l.enum_name == seen.enum_name)
        {
            continue;
        }
        let pointer = find_string(value, &seen.label, &mut String::new()).unwrap_or_default();
        out.push(LabelAt {
            pointer,
            enum_name: seen.enum_name,
            label: seen.label,
        });
    }
    out
}

fn find_string(value: &Value, needle: &str, pointer: &mut String) -> Option<String> {
    match value {
        Value::String(s) if s == needle => Some(pointer.clone()),
        Value::Array(items) => items.iter().enumerate().find_map(|(i, item)| {
            let len = pointer.len();
            pointer.push('/');
            pointer.push_str(&i.to_string());
            let found = find_string(item, needle, pointer);
            pointer.truncate(len);
            found
        }),
        Value::Object(map) => map.iter().find_map(|(key, item)| {
            let len = pointer.len();
            pointer.push('/');
            pointer.push_str(&key.replace('~', "~0").replace('/', "~1"));
            let found = if key == needle {
                Some(pointer.clone())
            } else {
                find_string(item, needle, pointer)
            };
            pointer.truncate(len);
            found
        }),
        _ => None,
    }
}

/// The ids a list answer holds, per an [`IdSource`], as strings (numbers in decimal).
pub fn ids_from(body: &[u8], source: &IdSource) -> Vec<String> {
    let Ok(value) = crate::error::from_slice::<Value>(body) else {
        return Vec::new();
    };
    value
        .pointer(source.items)
        .and_then(Value::as_array)
        .map(|items| {
            items
                .iter()
                .filter_map(|item| match item.get(source.field) {
                    Some(Value::String(s)) => Some(s.clone()),
                    Some(Value::Number(n)) => Some(n.to_string()),
                    _ => None,
                })
                .collect()
        })
        .unwrap_or_default()
}

/// What a probe found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Report {
    /// The protocol.
    pub protocol: &'static str,
    /// The base URL probed.
    pub base_url: String,
    /// The release the server reports, when it reports one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// One row per `GET` route, in registry order.
    pub routes: Vec<Row>,
}

impl Report {
    /// `true` when a called route is not `ok`.
    pub fn drift(&self) -> bool {
        self.routes
            .iter()
            .any(|r| matches!(r.verdict, Verdict::Drift | Verdict::Error))
    }

    /// The report as text for a terminal: a header, then one line per route.
    pub fn to_text(&self) -> String {
        let mut out = format!(
            "{} at {}{}\n",
            self.protocol,
            self.base_url,
            self.version
                .as_ref()
                .map_or_else(String::new, |v| format!(" (reports version {v})"))
        );
        for row in &self.routes {
            out.push_str(&row.to_line());
            out.push('\n');
        }
        let count = |v: Verdict| self.routes.iter().filter(|r| r.verdict == v).count();
        out.push_str(&format!(
            "{} ok, {} drift, {} error, {} skipped",
            count(Verdict::Ok),
            count(Verdict::Drift),
            count(Verdict::Error),
            count(Verdict::Skipped)
        ));
        let absent = count(Verdict::NotInRelease);
        if absent > 0 {
            out.push_str(&format!(", {absent} not in this release"));
        }
        out.push('\n');
        out
    }
}

/// A probe that could not run: refused for the protocol, a bad option, or the server not
/// reachable.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ProbeError {
    /// The protocol has nothing to probe.
    #[error("{0}")]
    Refused(String),
    /// A bad base URL or header.
    #[error("{0}")]
    Usage(String),
    /// The server could not be reached or the connection broke.
    #[error("cannot reach {url}: {message}")]
    Connection {
        /// The URL called.
        url: String,
        /// What failed.
        message: String,
    },
}

#[cfg(feature = "client")]
pub use io::{Options, run};

#[cfg(feature = "client")]
mod io {
    use std::time::Duration;

    use http::{HeaderName, HeaderValue};

    use super::{Action, ProbeError, Profile, Report, Row, Verdict, examine, ids_from, plan};
    use crate::endpoint::fill_template;
    use crate::registry::Registry;
    use crate::version::{Release, VersioningDecision};

    /// How to probe.
    #[derive(Debug, Clone)]
    pub struct Options {
        /// Headers sent with every call (`X-API-Key`, `Authorization`); values are marked
        /// sensitive.
        pub headers: Vec<(HeaderName, HeaderValue)>,
        /// How long a stream route is read when no event arrives (default 3 s).
        pub stream_bound: Duration,
        /// The timeout of every other call (default 10 s).
        pub timeout: Duration,
        /// The largest body read per route (default 16 MiB).
        pub max_body: usize,
    }

    impl Default for Options {
        fn default() -> Self {
            Self {
                headers: Vec::new(),
                stream_bound: Duration::from_secs(3),
                timeout: Duration::from_secs(10),
                max_body: 16 * 1024 * 1024,
            }
        }
    }

    impl Options {
        /// Adds a header from its `Name: value` form.
        pub fn header(mut self, line: &str) -> Result<Self, ProbeError> {
            let (name, value) = line.split_once(':').ok_or_else(|| {
                ProbeError::Usage("a header has no `:`: expected `Name: value`".to_owned())
            })?;
            let name = HeaderName::try_from(name.trim())
                .map_err(|e| ProbeError::Usage(format!("header name `{}`: {e}", name.trim())))?;
            let mut value = HeaderValue::try_from(value.trim())
                .map_err(|e| ProbeError::Usage(format!("header `{name}`: {e}")))?;
            value.set_sensitive(true);
            self.headers.push((name, value));
            Ok(self)
        }
    }

    struct Answer {
        status: u16,
        body: Vec<u8>,
    }

    struct Caller {
        http: reqwest::Client,
        base: String,
        options: Options,
    }

    impl Caller {
        async fn get(&self, path: &str, stream: bool) -> Result<Answer, ProbeError> {
            let url = format!("{}{path}", self.base);
            let mut request = self.http.get(&url);
            for (name, value) in &self.options.headers {
                request = request.header(name, value);
            }
            if stream {
                request = request
                    .header(http::header::ACCEPT, "text/event-stream")
                    .timeout(self.options.stream_bound);
            } else {
                request = request.timeout(self.options.timeout);
            }
            let connection = |e: reqwest::Error| ProbeError::Connection {
                url: url.clone(),
                message: error_chain(&e),
            };
            let mut response = request.send().await.map_err(connection)?;
            let status = response.status().as_u16();
            let mut body = Vec::new();
            loop {
                let chunk = match response.chunk().await {
                    Ok(Some(chunk)) => chunk,
                    Ok(None) => break,
                    // A stream is cut at its bound by the request timeout: keep what came.
                    Err(e) if stream && e.is_timeout() => break,
                    Err(e) => return Err(connection(e)),
                };
                body.extend_from_slice(&chunk);
                if body.len() > self.options.max_body {
                    return Err(ProbeError::Connection {
                        url,
                        message: format!("body exceeds {} bytes", self.options.max_body),
                    });
                }
                if stream && has_event(&body) {
                    break;
                }
            }
            Ok(Answer { status, body })
        }
    }

    /// `true` once a complete event (a blank line after data) has arrived.
    fn has_event(body: &[u8]) -> bool {
        body.windows(2).any(|w| w == b"\n\n" || w == b"\r\r")
            || body.windows(4).any(|w| w == b"\r\n\r\n")
    }

    fn error_chain(e: &(dyn std::error::Error + 'static)) -> String {
        let mut text = e.to_string();
        let mut source = e.source();
        while let Some(s) = source {
            text.push_str(": ");
            text.push_str(&s.to_string());
            source = s.source();
        }
        text
    }

    /// Probes the server at `base_url` (scheme, host, port and any API prefix; route paths are
    /// appended to it) with the routes of `registry`.
    ///
    /// Connection failures end the probe with [`ProbeError::Connection`]; everything the server
    /// answers becomes a row.
    pub async fn run(
        registry: &Registry,
        profile: &Profile,
        base_url: &str,
        options: Options,
    ) -> Result<Report, ProbeError> {
        if let Some(reason) = profile.refuse {
            return Err(ProbeError::Refused(reason.to_owned()));
        }
        let parsed = base_url
            .parse::<http::Uri>()
            .map_err(|e| ProbeError::Usage(format!("base URL `{base_url}`: {e}")))?;
        if !matches!(parsed.scheme_str(), Some("http" | "https")) || parsed.host().is_none() {
            return Err(ProbeError::Usage(format!(
                "base URL `{base_url}`: expected an http:// or https:// URL"
            )));
        }
        let http = reqwest::Client::builder()
            .connect_timeout(options.timeout)
            .build()
            .map_err(|e| ProbeError::Usage(format!("HTTP client: {e}")))?;
        let caller = Caller {
            http,
            base: base_url.trim_end_matches('/').to_owned(),
            options,
        };

        if plan(registry, profile).is_empty() {
            return Err(ProbeError::Refused(format!(
                "{} has no GET route (its clients only send to it), so there is nothing to probe",
                registry.protocol
            )));
        }
        let mut report = Report {
            protocol: registry.protocol,
            base_url: caller.base.clone(),
            version: None,
            routes: Vec::new(),
        };
        // Answers of parameterless routes, kept for version and id look-ups.
        let mut answers: Vec<(&'static str, Answer)> = Vec::new();
        // The release first: routes newer than the server are not called.
        if let Some(source) = profile.version {
            let answer = caller.get(source.path, false).await?;
            report.version = (200..300)
                .contains(&answer.status)
                .then(|| crate::error::from_slice::<serde_json::Value>(&answer.body).ok())
                .flatten()
                .and_then(|v| {
                    v.pointer(source.pointer)
                        .and_then(serde_json::Value::as_str)
                        .map(str::to_owned)
                });
        }
        let release: Option<Release> = report.version.as_deref().and_then(|v| v.parse().ok());
        let absent = |route: &crate::registry::Route| -> Option<Row> {
            let release = release.as_ref()?;
            match route.history.decision_for(release) {
                VersioningDecision::Unsupported { added } => {
                    let mut row = Row::skipped(
                        route,
                        format!("added in release {added}; the server runs {release}"),
                    );
                    row.verdict = Verdict::NotInRelease;
                    Some(row)
                }
                VersioningDecision::Removed { removed } => {
                    let mut row = Row::skipped(
                        route,
                        format!("removed in release {removed}; the server runs {release}"),
                    );
                    row.verdict = Verdict::NotInRelease;
                    Some(row)
                }
                _ => None,
            }
        };
        let planned = plan(registry, profile);
        // Parameterless routes first, so list answers are there for the others.
        let (first, second): (Vec<_>, Vec<_>) = planned
            .iter()
            .partition(|p| !matches!(p.action, Action::CallWithId(_)));
        let mut rows: Vec<(usize, Row)> = Vec::new();
        let index_of = |template: &str| {
            planned
                .iter()
                .position(|p| p.route.metadata.path == template)
                .unwrap_or(usize::MAX)
        };
        for p in first {
            let template = p.route.metadata.path;
            if let Some(row) = absent(p.route) {
                rows.push((index_of(template), row));
                continue;
            }
            let row = match &p.action {
                Action::Skip(reason) => Row::skipped(p.route, reason.clone()),
                Action::Call | Action::Stream => {
                    let stream = p.action == Action::Stream;
                    let answer = caller.get(template, stream).await?;
                    let row = examine(p.route, template, answer.status, &answer.body);
                    answers.push((template, answer));
                    row
                }
                Action::CallWithId(_) => continue,
            };
            rows.push((index_of(template), row));
        }
        for p in second {
            let Action::CallWithId(source) = p.action.clone() else {
                continue;
            };
            let template = p.route.metadata.path;
            if let Some(row) = absent(p.route) {
                rows.push((index_of(template), row));
                continue;
            }
            let id = answers
                .iter()
                .find(|(t, a)| *t == source.list && (200..300).contains(&a.status))
                .and_then(|(_, a)| ids_from(&a.body, &source).into_iter().next());
            let row = match id {
                None => Row::skipped(
                    p.route,
                    format!(
                        "`{}` listed no `{}` to call it with",
                        source.list, source.param
                    ),
                ),
                Some(id) => {
                    let path = fill_template(template, &[&id]);
                    let answer = caller.get(&path, false).await?;
                    examine(p.route, &path, answer.status, &answer.body)
                }
            };
            rows.push((index_of(template), row));
        }
        rows.sort_by_key(|(i, _)| *i);
        report.routes = rows.into_iter().map(|(_, r)| r).collect();
        Ok(report)
    }
}
