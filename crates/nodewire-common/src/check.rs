//! The `nodewire check` contract, as a library: decode a captured payload with a protocol's
//! registry and say whether it round-trips losslessly.
//!
//! The outcome serializes to the JSON object the CLI prints:
//! `{"ok": bool, "type": "<model type>", "error"?: "<what and where>", "lost": [...],
//! "changed": [...], "ignored": [...]}`.

use http::{Method, StatusCode};
use serde::Serialize;
use serde_json::Value;

use crate::error::from_slice;
use crate::lossless::compare;
use crate::registry::{DecodeFn, Lookup, Registry};

/// The result of checking one payload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Outcome {
    /// Decoded, valid, and re-encoding reproduced every value.
    pub ok: bool,
    /// The model type used.
    #[serde(rename = "type")]
    pub type_name: String,
    /// What failed and where, when decoding or validation failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// JSON pointers in the input missing after re-encoding.
    pub lost: Vec<String>,
    /// JSON pointers whose value differs after re-encoding (or that only the re-encoding has).
    pub changed: Vec<String>,
    /// JSON pointers of request fields the upstream ignores by design (keys its server, like
    /// the library's decoder, skips). They do not fail the check: the real server accepts the
    /// body. Always empty for responses, where an unknown field is reported as lost.
    pub ignored: Vec<String>,
}

/// A check that could not run: unknown route or type, or a request line that does not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct UsageError(pub String);

/// What to check a payload as.
#[derive(Debug, Clone)]
pub enum Target<'a> {
    /// A route's request body.
    Request {
        /// `"<METHOD> <path>"` with the concrete path.
        line: &'a str,
    },
    /// A route's response body for a status.
    Response {
        /// `"<METHOD> <path>"` with the concrete path.
        line: &'a str,
        /// The HTTP status.
        status: u16,
    },
    /// A named wire type.
    Type {
        /// The type's name.
        name: &'a str,
    },
}

/// Checks `bytes` against `target` in `registry`.
pub fn check(
    registry: &Registry,
    target: &Target<'_>,
    bytes: &[u8],
) -> Result<Outcome, UsageError> {
    let decode = decoder(registry, target)?;
    Ok(run(decode, bytes))
}

fn decoder(registry: &Registry, target: &Target<'_>) -> Result<DecodeFn, UsageError> {
    let protocol = registry.protocol;
    match target {
        Target::Type { name } => registry
            .find_type(name)
            .map(|t| t.decode)
            .ok_or_else(|| UsageError(format!("{protocol} has no type `{name}`"))),
        Target::Request { line } => {
            let (method, path) = parse_line(line)?;
            match registry.lookup(&method, path) {
                Lookup::Found(route) => Ok(route.request),
                _ => Err(UsageError(format!(
                    "{protocol} has no route `{method} {path}`"
                ))),
            }
        }
        Target::Response { line, status } => {
            let (method, path) = parse_line(line)?;
            let status = StatusCode::from_u16(*status)
                .map_err(|_| UsageError(format!("invalid status {status}")))?;
            match registry.lookup(&method, path) {
                Lookup::Found(route) => Ok((route.response)(status)),
                _ => (registry.fallback)(status).ok_or_else(|| {
                    UsageError(format!("{protocol} has no route `{method} {path}`"))
                }),
            }
        }
    }
}

fn parse_line(line: &str) -> Result<(Method, &str), UsageError> {
    let mut parts = line.split_whitespace();
    let (Some(method), Some(path), None) = (parts.next(), parts.next(), parts.next()) else {
        return Err(UsageError(format!(
            "expected \"<METHOD> <path>\", got `{line}`"
        )));
    };
    let method = Method::from_bytes(method.to_ascii_uppercase().as_bytes())
        .map_err(|_| UsageError(format!("invalid method `{method}`")))?;
    if !path.starts_with('/') {
        return Err(UsageError(format!(
            "the path must start with `/`, got `{path}`"
        )));
    }
    Ok((method, path))
}

fn run(decode: DecodeFn, bytes: &[u8]) -> Outcome {
    match decode(bytes) {
        Err(failed) => Outcome {
            ok: false,
            type_name: failed.type_name,
            error: Some(failed.error.to_string()),
            lost: Vec::new(),
            changed: Vec::new(),
            ignored: Vec::new(),
        },
        Ok(decoded) => {
            let report = match &decoded.reencoded {
                None => Default::default(),
                Some(output) => match decoded
                    .original
                    .clone()
                    .map_or_else(|| reference(bytes), Ok)
                {
                    Ok(input) => compare(&input, output),
                    Err(error) => {
                        return Outcome {
                            ok: false,
                            type_name: decoded.type_name,
                            error: Some(error),
                            lost: Vec::new(),
                            changed: Vec::new(),
                            ignored: Vec::new(),
                        };
                    }
                },
            };
            // A pointer the decoder skipped by design, or one inside such a value, is ignored
            // rather than lost.
            let (ignored, lost): (Vec<String>, Vec<String>) =
                report.lost.into_iter().partition(|pointer| {
                    decoded
                        .ignored
                        .iter()
                        .any(|skipped| is_within(pointer, skipped))
                });
            Outcome {
                ok: lost.is_empty() && report.changed.is_empty(),
                type_name: decoded.type_name,
                error: None,
                lost,
                changed: report.changed,
                ignored,
            }
        }
    }
}

/// `pointer` is `prefix` or lies inside it.
fn is_within(pointer: &str, prefix: &str) -> bool {
    pointer
        .strip_prefix(prefix)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

/// The input as a JSON value, to compare with the re-encoding.
fn reference(bytes: &[u8]) -> Result<Value, String> {
    from_slice::<Value>(bytes).map_err(|e| e.to_string())
}

/// One entry of a fixture manifest: a captured payload and what the library must do with it.
///
/// This is the format of the project's `fixtures/manifest.json` files, with the optional
/// `error_mentions` naming what a refusal must mention.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
#[non_exhaustive]
pub struct ManifestEntry {
    /// The payload file, relative to the manifest.
    pub file: String,
    /// `"<METHOD> <path>"`, for route bodies.
    #[serde(default)]
    pub operation: Option<String>,
    /// The response status (route responses).
    #[serde(default)]
    pub status: Option<u16>,
    /// `"request"` or `"response"` (route bodies).
    #[serde(default)]
    pub body: Option<String>,
    /// A wire type's name, for type entries.
    #[serde(default, rename = "type")]
    pub type_name: Option<String>,
    /// `"accept"` (decodes and round-trips losslessly) or `"reject"` (refused).
    pub expect: String,
    /// Text a refusal's error must contain (the field or part at fault).
    #[serde(default)]
    pub error_mentions: Option<String>,
}

impl ManifestEntry {
    /// The check target this entry describes.
    pub fn target(&self) -> Result<Target<'_>, UsageError> {
        if let Some(name) = &self.type_name {
            return Ok(Target::Type { name });
        }
        let line = self
            .operation
            .as_deref()
            .ok_or_else(|| UsageError(format!("{}: no `operation` or `type`", self.file)))?;
        if self.body.as_deref() == Some("request") {
            Ok(Target::Request { line })
        } else {
            Ok(Target::Response {
                line,
                status: self.status.unwrap_or(200),
            })
        }
    }

    /// Checks the entry's payload (`bytes`) and says how it differs from what the manifest
    /// expects, or `None` when it behaves as expected.
    pub fn verify(&self, registry: &Registry, bytes: &[u8]) -> Option<String> {
        let file = &self.file;
        let outcome = match self.target().and_then(|t| check(registry, &t, bytes)) {
            Ok(outcome) => outcome,
            Err(e) => return Some(format!("{file}: usage error: {e}")),
        };
        match self.expect.as_str() {
            "accept" if !outcome.ok => Some(format!("{file}: {outcome:?}")),
            "accept" => None,
            "reject" => {
                let mentions = self.error_mentions.as_deref().unwrap_or_default();
                let error = outcome.error.as_deref().unwrap_or_default();
                (outcome.ok || !error.contains(mentions)).then(|| {
                    format!("{file}: expected an error naming `{mentions}`, got {outcome:?}")
                })
            }
            other => Some(format!("{file}: unknown expectation `{other}`")),
        }
    }
}

/// [`check_manifest`] as a test wants it: the entries when the manifest in `dir` lists at least
/// `at_least` of them and every one behaves as it says, else the failures, one a line.
pub fn verify_manifest(
    registry: &Registry,
    dir: &std::path::Path,
    at_least: usize,
) -> Result<Vec<ManifestEntry>, String> {
    let (entries, failures) = check_manifest(registry, dir)?;
    if entries.len() < at_least {
        return Err(format!(
            "{}: the manifest lists {} entries, expected at least {at_least}",
            dir.display(),
            entries.len()
        ));
    }
    if !failures.is_empty() {
        return Err(format!(
            "{} of {} entries failed:\n{}",
            failures.len(),
            entries.len(),
            failures.join("\n")
        ));
    }
    Ok(entries)
}

/// Checks every entry of the manifest at `dir/manifest.json` against `registry`, reading each
/// payload from `dir`. Returns the entries and one line per entry that does not behave as the
/// manifest says.
pub fn check_manifest(
    registry: &Registry,
    dir: &std::path::Path,
) -> Result<(Vec<ManifestEntry>, Vec<String>), String> {
    let path = dir.join("manifest.json");
    let text = std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let entries: Vec<ManifestEntry> =
        from_slice(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut failures = Vec::new();
    for entry in &entries {
        match std::fs::read(dir.join(&entry.file)) {
            Ok(bytes) => failures.extend(entry.verify(registry, &bytes)),
            Err(e) => failures.push(format!("{}: {e}", entry.file)),
        }
    }
    Ok((entries, failures))
}
