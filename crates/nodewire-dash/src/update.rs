//! The metrics response and its update manifest, with the agent's rules for using one
//! (contract §5; Ithiltir-node `internal/push/push.go:628-725`,
//! `internal/selfupdate/update.go`).
//!
//! - [`MetricsResponse`] is the JSON body of a successful `POST /api/node/metrics`:
//!   `{"ok":true,"update":null}` or with a [`RawManifest`] as sent.
//! - [`UpdateManifest`] is a manifest that passed the agent's validation
//!   ([`UpdateManifest::try_from`]), in the agent's order and with its messages.
//! - [`UpdatePlan`] applies the round rules: a manifest for the running version is ignored,
//!   and manifests from several targets must agree on all five fields.
//! - [`DownloadVerifier`] checks size and SHA-256 while the download streams in.

use std::fmt;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use nodewire_common::Secret;
use nodewire_common::secret::redact_url;

/// The body of a successful `POST /api/node/metrics`
/// (`{"ok":true,"update":null}\n` from Dash).
///
/// The agent needs neither key: `ok` is not required and an absent `update` means none.
/// Dash always writes both, so `update` is always written (as `null` when there is none).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct MetricsResponse {
    /// Always `true` from Dash; absent from the agent's own view of the response.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ok: Option<bool>,
    /// A pending update for this node, as Dash sent it; validate it with
    /// [`UpdateManifest::try_from`]. The schema states the agent's rules, since a manifest
    /// that breaks them is never acted on.
    #[serde(default)]
    #[schemars(with = "Option<UpdateManifest>")]
    pub update: Option<RawManifest>,
}

impl MetricsResponse {
    /// What Dash answers: `ok: true` and the update, if any.
    pub fn ok(update: Option<UpdateManifest>) -> Self {
        Self {
            ok: Some(true),
            update: update.map(RawManifest::from),
        }
    }
}

/// An update manifest as sent (Go `selfupdate.Manifest`), before validation. Missing keys
/// decode as Go's zero values, as the agent reads them.
#[derive(Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema, derive_more::Debug)]
#[non_exhaustive]
pub struct RawManifest {
    /// Release id (Dash sets it to the version); only compared between targets.
    #[serde(default)]
    pub id: String,
    /// Release version, used untrimmed as a directory name (`releases/<version>`).
    #[serde(default)]
    pub version: String,
    /// Download URL (absolute `http`/`https`); used unchanged, including any `upgrade_token`.
    // `Debug` writes it with its `upgrade_token` (and any user information) redacted.
    #[serde(default)]
    #[debug("{:?}", redact_url(url))]
    pub url: String,
    /// SHA-256 of the file, 64 hex digits.
    #[serde(default)]
    pub sha256: String,
    /// File size in bytes.
    #[serde(default)]
    pub size: i64,
}

impl RawManifest {
    /// A manifest as Dash writes one (not yet validated: see [`UpdateManifest::try_from`]).
    pub fn new(
        id: impl Into<String>,
        version: impl Into<String>,
        url: impl Into<String>,
        sha256: impl Into<String>,
        size: i64,
    ) -> Self {
        Self {
            id: id.into(),
            version: version.into(),
            url: url.into(),
            sha256: sha256.into(),
            size,
        }
    }
}

/// Why a manifest is not usable, in the agent's order (`validate`, `update.go:130-163`).
/// The messages are the agent's, except [`ManifestError::Sha256NotHex`], which the agent only
/// finds after downloading (as a digest mismatch).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ManifestError {
    /// `version` is blank.
    #[error("update version is empty")]
    VersionEmpty,
    /// `version` is `.` or `..`.
    #[error("update version is invalid: {0:?}")]
    VersionInvalid(String),
    /// `version` contains `/` or `\`.
    #[error("update version contains path separator: {0:?}")]
    VersionSeparator(String),
    /// `sha256` is blank.
    #[error("update sha256 is empty")]
    Sha256Empty,
    /// `sha256` is not 64 characters once trimmed.
    #[error("update sha256 has invalid length")]
    Sha256Length,
    /// `sha256` has 64 characters that are not all hex digits.
    #[error("update sha256 is not hexadecimal")]
    Sha256NotHex,
    /// `size` is zero or negative.
    #[error("update size must be positive")]
    SizePositive,
    /// `size` is the largest `int64` (one more byte could not be read to detect overflow).
    #[error("update size is too large")]
    SizeTooLarge,
    /// `url` does not parse.
    #[error("parse update url: {0}")]
    UrlParse(String),
    /// `url` is not `http` or `https`.
    #[error("update url scheme must be http or https")]
    UrlScheme,
    /// `url` has no host.
    #[error("update url host is empty")]
    UrlHost,
}

impl ManifestError {
    /// The manifest key the error is about.
    pub fn field(&self) -> &'static str {
        match self {
            Self::VersionEmpty | Self::VersionInvalid(_) | Self::VersionSeparator(_) => "version",
            Self::Sha256Empty | Self::Sha256Length | Self::Sha256NotHex => "sha256",
            Self::SizePositive | Self::SizeTooLarge => "size",
            Self::UrlParse(_) | Self::UrlScheme | Self::UrlHost => "url",
        }
    }
}

/// A release version that is safe as a directory name: not blank, not `.` or `..`, no `/` or
/// `\`. The text is kept untrimmed, as the agent uses it.
///
/// ```
/// use nodewire_dash::update::ReleaseVersion;
/// assert!(ReleaseVersion::new("0.2.4").is_ok());
/// for bad in ["", "  ", ".", "..", "../x", "a/b", "a\\b"] {
///     assert!(ReleaseVersion::new(bad).is_err(), "{bad}");
/// }
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ReleaseVersion(String);

impl ReleaseVersion {
    /// Applies the three version rules.
    pub fn new(text: impl Into<String>) -> Result<Self, ManifestError> {
        let text = text.into();
        if text.trim().is_empty() {
            return Err(ManifestError::VersionEmpty);
        }
        if text == "." || text == ".." {
            return Err(ManifestError::VersionInvalid(text));
        }
        if text.contains(['/', '\\']) {
            return Err(ManifestError::VersionSeparator(text));
        }
        Ok(Self(text))
    }

    /// The version as sent.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ReleaseVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A SHA-256 digest written as 64 hex digits (either case, surrounding whitespace kept as sent
/// and ignored).
///
/// ```
/// use nodewire_dash::update::Sha256Digest;
/// let d = Sha256Digest::new("E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855").unwrap();
/// assert!(d.matches(&[0xe3, 0xb0, 0xc4, 0x42, 0x98, 0xfc, 0x1c, 0x14, 0x9a, 0xfb, 0xf4, 0xc8,
///     0x99, 0x6f, 0xb9, 0x24, 0x27, 0xae, 0x41, 0xe4, 0x64, 0x9b, 0x93, 0x4c, 0xa4, 0x95, 0x99,
///     0x1b, 0x78, 0x52, 0xb8, 0x55]));
/// assert!(Sha256Digest::new("zz".repeat(32)).is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Sha256Digest {
    text: String,
    bytes: [u8; 32],
}

impl Sha256Digest {
    /// Applies the digest rules: not blank, 64 characters once trimmed, all hex.
    pub fn new(text: impl Into<String>) -> Result<Self, ManifestError> {
        let text = text.into();
        let trimmed = text.trim();
        if trimmed.is_empty() {
            return Err(ManifestError::Sha256Empty);
        }
        if trimmed.len() != 64 {
            return Err(ManifestError::Sha256Length);
        }
        let mut bytes = [0u8; 32];
        for (slot, pair) in bytes.iter_mut().zip(trimmed.as_bytes().chunks(2)) {
            let digit = |b: Option<&u8>| b.and_then(|&b| char::from(b).to_digit(16));
            let (Some(hi), Some(lo)) = (digit(pair.first()), digit(pair.get(1))) else {
                return Err(ManifestError::Sha256NotHex);
            };
            *slot = u8::try_from(hi << 4 | lo).map_err(|_| ManifestError::Sha256NotHex)?;
        }
        Ok(Self { text, bytes })
    }

    /// The digest as sent.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The 32 digest bytes.
    pub fn bytes(&self) -> &[u8; 32] {
        &self.bytes
    }

    /// `true` when `digest` is this one (the agent compares hex case-insensitively).
    pub fn matches(&self, digest: &[u8; 32]) -> bool {
        &self.bytes == digest
    }
}

/// Lowercase hex of a digest.
pub fn to_hex(digest: &[u8]) -> String {
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// An absolute `http`/`https` download URL with a host (checked on the trimmed text; the text
/// is kept as sent).
///
/// ```
/// use nodewire_dash::update::UpdateUrl;
/// assert!(UpdateUrl::new("https://dash.example/deploy/linux/node_linux_amd64?upgrade_token=x").is_ok());
/// assert!(UpdateUrl::new("ftp://dash.example/x").is_err());
/// assert!(UpdateUrl::new("/deploy/linux/node").is_err());
/// assert!(UpdateUrl::new("https:///x").is_err());
/// ```
#[derive(Clone, PartialEq, Eq, Hash, derive_more::Debug)]
pub struct UpdateUrl(
    // `Debug` writes it with its `upgrade_token` (and any user information) redacted.
    #[debug("{:?}", redact_url(_0))] String,
);

impl UpdateUrl {
    /// Applies the URL rules.
    pub fn new(text: impl Into<String>) -> Result<Self, ManifestError> {
        let text = text.into();
        let parts = crate::url_parts::parse(text.trim()).map_err(ManifestError::UrlParse)?;
        if !parts.scheme.eq_ignore_ascii_case("http") && !parts.scheme.eq_ignore_ascii_case("https")
        {
            return Err(ManifestError::UrlScheme);
        }
        if parts.host_port.is_empty() {
            return Err(ManifestError::UrlHost);
        }
        Ok(Self(text))
    }

    /// The URL as sent.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The URL the agent downloads (trimmed, otherwise unchanged).
    pub fn download_url(&self) -> &str {
        self.0.trim()
    }
}

/// A manifest that passed every rule: the update an agent may download.
///
/// Decoding one (`serde`) applies the rules; encoding writes the fields back as they were
/// sent.
///
/// ```
/// use nodewire_dash::update::{RawManifest, UpdateManifest};
/// let raw = RawManifest::new(
///     "0.2.4",
///     "0.2.4",
///     "https://dash.example/deploy/linux/node_linux_amd64",
///     "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
///     12_345_678,
/// );
/// let m = UpdateManifest::try_from(raw.clone()).unwrap();
/// assert_eq!(m.size(), 12_345_678);
/// let mut bad = raw;
/// bad.version = "../x".into();
/// assert_eq!(
///     UpdateManifest::try_from(bad).unwrap_err().to_string(),
///     "update version contains path separator: \"../x\""
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "RawManifest", into = "RawManifest")]
pub struct UpdateManifest {
    id: String,
    version: ReleaseVersion,
    url: UpdateUrl,
    sha256: Sha256Digest,
    size: u64,
}

nodewire_common::fixed_schema!(UpdateManifest, {
    "type": "object",
    "description": "An update manifest that passes the agent's rules.",
    "required": ["id", "version", "url", "sha256", "size"],
    "properties": {
        "id": { "type": "string", "description": "Release id (Dash sets it to the version)." },
        "version": {
            "type": "string",
            "description": "Release directory name: not blank, not `.` or `..`, no `/` or `\\`.",
            "pattern": "^[^/\\\\]*[^/\\\\\\s][^/\\\\]*$",
            "not": { "enum": [".", ".."] }
        },
        "url": { "type": "string", "description": "Absolute http or https URL with a host.", "pattern": "^\\s*[Hh][Tt][Tt][Pp][Ss]?://" },
        "sha256": { "type": "string", "description": "SHA-256 of the file, 64 hex digits.", "pattern": "^\\s*[0-9A-Fa-f]{64}\\s*$" },
        "size": { "type": "integer", "minimum": 1, "maximum": 9223372036854775806_i64, "description": "File size, bytes." }
    }
});

impl UpdateManifest {
    /// The release id.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The release version.
    pub fn version(&self) -> &ReleaseVersion {
        &self.version
    }

    /// The download URL.
    pub fn url(&self) -> &UpdateUrl {
        &self.url
    }

    /// The expected digest.
    pub fn sha256(&self) -> &Sha256Digest {
        &self.sha256
    }

    /// The expected size, bytes (at least 1).
    pub fn size(&self) -> u64 {
        self.size
    }

    /// A verifier for a download of this manifest's file.
    pub fn verifier(&self) -> DownloadVerifier {
        DownloadVerifier::new(self.size, self.sha256.bytes)
    }

    /// The download request: `GET` the trimmed URL with the target's trimmed key as
    /// `X-Node-Secret` when it is not empty (Dash 0.2.6+ protects `/deploy/*`).
    pub fn download_request(
        &self,
        secret: &Secret,
    ) -> Result<http::Request<bytes::Bytes>, http::Error> {
        let mut builder = http::Request::builder()
            .method(http::Method::GET)
            .uri(self.url.download_url());
        let key = secret.expose().trim();
        if !key.is_empty() {
            let mut value = http::HeaderValue::from_str(key)?;
            value.set_sensitive(true);
            builder = builder.header(crate::AUTH_HEADER, value);
        }
        builder.body(bytes::Bytes::new())
    }
}

impl TryFrom<RawManifest> for UpdateManifest {
    type Error = ManifestError;

    /// Validates in the agent's order: version (blank, `.`/`..`, separators), sha256 (blank,
    /// length, then hex), size (positive, not `i64::MAX`), url (parses, scheme, host).
    fn try_from(raw: RawManifest) -> Result<Self, ManifestError> {
        let version = ReleaseVersion::new(raw.version)?;
        let sha256 = Sha256Digest::new(raw.sha256)?;
        if raw.size <= 0 {
            return Err(ManifestError::SizePositive);
        }
        if raw.size == i64::MAX {
            return Err(ManifestError::SizeTooLarge);
        }
        let size = u64::try_from(raw.size).map_err(|_| ManifestError::SizePositive)?;
        let url = UpdateUrl::new(raw.url)?;
        Ok(Self {
            id: raw.id,
            version,
            url,
            sha256,
            size,
        })
    }
}

impl From<UpdateManifest> for RawManifest {
    fn from(m: UpdateManifest) -> Self {
        Self {
            id: m.id,
            version: m.version.0,
            url: m.url.0,
            sha256: m.sha256.text,
            size: i64::try_from(m.size).unwrap_or(i64::MAX),
        }
    }
}

/// `true` when `update_version` names the running version: both trimmed, equal, not empty
/// (an exact string compare, not SemVer; `sameNodeVersion`).
pub fn same_node_version(update_version: &str, current_version: &str) -> bool {
    let update = update_version.trim();
    !update.is_empty() && update == current_version.trim()
}

/// The update decision for one push round, built from every target's manifest
/// (`updatePlan`, `push.go:645-662`).
///
/// ```
/// use nodewire_common::Secret;
/// use nodewire_dash::update::{RawManifest, UpdateDecision, UpdatePlan};
/// let mut m = RawManifest::default();
/// m.version = "0.2.4".into();
/// let mut other = m.clone();
/// other.size = 1;
/// let mut plan = UpdatePlan::default();
/// plan.add("0.2.3", Some(&m), &Secret::new("key-a"));
/// plan.add("0.2.3", Some(&other), &Secret::new("key-b"));
/// assert_eq!(plan.decide(), UpdateDecision::Conflict);
/// ```
#[derive(Debug, Clone, Default)]
pub struct UpdatePlan {
    selected: Option<(RawManifest, Secret)>,
    conflict: bool,
    skipped_current: bool,
}

/// What to do with the manifests of one round.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UpdateDecision {
    /// No target offered an update.
    None,
    /// Every offered manifest names the running version (logged once by the agent).
    AlreadyActive,
    /// Two targets offered different manifests; no update this round.
    Conflict,
    /// Validate and apply this manifest, downloading with this target key (trimmed).
    Apply {
        /// The first offered manifest.
        manifest: RawManifest,
        /// The trimmed key of the target that offered it.
        secret: Secret,
    },
}

impl UpdatePlan {
    /// Adds one successful target's manifest. A manifest for the running version is skipped
    /// first; the first remaining one wins and keeps its target's key; a later one that
    /// differs in `id`, `version`, `url`, `sha256` or `size` (raw, exact) is a conflict.
    pub fn add(&mut self, current_version: &str, manifest: Option<&RawManifest>, secret: &Secret) {
        let Some(manifest) = manifest else {
            return;
        };
        if same_node_version(&manifest.version, current_version) {
            self.skipped_current = true;
            return;
        }
        match &self.selected {
            None => {
                self.selected = Some((
                    manifest.clone(),
                    Secret::new(secret.expose().trim().to_owned()),
                ));
            }
            Some((first, _)) => {
                if first != manifest {
                    self.conflict = true;
                }
            }
        }
    }

    /// The decision: a conflict wins, then "already active", then the selected manifest.
    pub fn decide(self) -> UpdateDecision {
        if self.conflict {
            return UpdateDecision::Conflict;
        }
        match self.selected {
            Some((manifest, secret)) => UpdateDecision::Apply { manifest, secret },
            None if self.skipped_current => UpdateDecision::AlreadyActive,
            None => UpdateDecision::None,
        }
    }
}

/// A download that does not match its manifest. Nothing may be installed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum VerifyError {
    /// The server did not answer `200`.
    #[error("download update non-200 status: {0}")]
    Status(http::StatusCode),
    /// More bytes arrived than the manifest's size (found as soon as they arrive).
    #[error("update size exceeds manifest: got more than {size}")]
    TooLarge {
        /// The manifest size.
        size: u64,
    },
    /// The download ended with fewer bytes than the manifest's size.
    #[error("update size mismatch: got {got} want {want}")]
    SizeMismatch {
        /// Bytes received.
        got: u64,
        /// The manifest size.
        want: u64,
    },
    /// The digest differs.
    #[error("update sha256 mismatch: got {got}")]
    DigestMismatch {
        /// The digest of what arrived, lowercase hex.
        got: String,
    },
}

/// Checks a download against its manifest as the bytes arrive: the size is checked on every
/// chunk and the SHA-256 at the end (`download`, `update.go:354-415`).
///
/// ```
/// use nodewire_dash::update::DownloadVerifier;
/// use sha2::Digest;
/// let file = b"ithiltir-node binary";
/// let digest: [u8; 32] = sha2::Sha256::digest(file).into();
/// let mut v = DownloadVerifier::new(file.len() as u64, digest);
/// v.update(&file[..8]).unwrap();
/// v.update(&file[8..]).unwrap();
/// assert!(v.finish().is_ok());
///
/// let mut v = DownloadVerifier::new(4, digest);
/// assert!(v.update(b"12345").is_err()); // one byte too many, refused at once
/// ```
#[derive(Debug, Clone)]
pub struct DownloadVerifier {
    size: u64,
    expected: [u8; 32],
    received: u64,
    hasher: Sha256,
    failed: Option<VerifyError>,
}

impl DownloadVerifier {
    /// A verifier for `size` bytes hashing to `expected`.
    pub fn new(size: u64, expected: [u8; 32]) -> Self {
        Self {
            size,
            expected,
            received: 0,
            hasher: Sha256::new(),
            failed: None,
        }
    }

    /// Checks the response status before reading the body (only `200` is accepted).
    pub fn check_status(&mut self, status: http::StatusCode) -> Result<(), VerifyError> {
        if status == http::StatusCode::OK {
            Ok(())
        } else {
            let err = VerifyError::Status(status);
            self.failed = Some(err.clone());
            Err(err)
        }
    }

    /// Feeds the next chunk. Fails as soon as the total exceeds the manifest size; after a
    /// failure every call fails.
    pub fn update(&mut self, chunk: &[u8]) -> Result<(), VerifyError> {
        if let Some(err) = &self.failed {
            return Err(err.clone());
        }
        let len = u64::try_from(chunk.len()).unwrap_or(u64::MAX);
        let total = self.received.saturating_add(len);
        if total > self.size {
            let err = VerifyError::TooLarge { size: self.size };
            self.failed = Some(err.clone());
            return Err(err);
        }
        self.received = total;
        self.hasher.update(chunk);
        Ok(())
    }

    /// Bytes accepted so far.
    pub fn received(&self) -> u64 {
        self.received
    }

    /// Ends the download: the size must match exactly, then the digest.
    pub fn finish(self) -> Result<[u8; 32], VerifyError> {
        if let Some(err) = self.failed {
            return Err(err);
        }
        if self.received != self.size {
            return Err(VerifyError::SizeMismatch {
                got: self.received,
                want: self.size,
            });
        }
        let digest: [u8; 32] = self.hasher.finalize().into();
        if digest == self.expected {
            Ok(digest)
        } else {
            Err(VerifyError::DigestMismatch {
                got: to_hex(&digest),
            })
        }
    }
}

pub(crate) fn register(types: &mut Vec<nodewire_common::registry::TypeEntry>) {
    types.extend(nodewire_common::type_entries![
        MetricsResponse,
        RawManifest,
        UpdateManifest,
    ]);
}

#[cfg(test)]
mod tests {
    use super::*;

    const DIGEST: &str = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    fn raw() -> RawManifest {
        RawManifest {
            id: "0.2.4".into(),
            version: "0.2.4".into(),
            url: "https://dash.example/deploy/linux/node_linux_amd64".into(),
            sha256: DIGEST.into(),
            size: 1024,
        }
    }

    fn err(raw: RawManifest) -> Option<ManifestError> {
        UpdateManifest::try_from(raw).err()
    }

    #[test]
    fn version_rules() {
        let with = |v: &str| {
            err(RawManifest {
                version: v.into(),
                ..raw()
            })
        };
        assert_eq!(with(""), Some(ManifestError::VersionEmpty));
        assert_eq!(with(" \t"), Some(ManifestError::VersionEmpty));
        assert_eq!(with("."), Some(ManifestError::VersionInvalid(".".into())));
        assert_eq!(with(".."), Some(ManifestError::VersionInvalid("..".into())));
        assert_eq!(
            with("../x"),
            Some(ManifestError::VersionSeparator("../x".into()))
        );
        assert_eq!(
            with("a/b"),
            Some(ManifestError::VersionSeparator("a/b".into()))
        );
        assert_eq!(
            with("a\\b"),
            Some(ManifestError::VersionSeparator("a\\b".into()))
        );
        // `.`/`..` are compared untrimmed, as the agent does.
        assert_eq!(with(" .."), None);
        assert_eq!(with("0.2.4-rc.1+b"), None);
    }

    #[test]
    fn digest_rules() {
        let with = |d: &str| {
            err(RawManifest {
                sha256: d.into(),
                ..raw()
            })
        };
        assert_eq!(with(""), Some(ManifestError::Sha256Empty));
        assert_eq!(with("   "), Some(ManifestError::Sha256Empty));
        assert_eq!(with("abc"), Some(ManifestError::Sha256Length));
        assert_eq!(
            with(&format!("{DIGEST}0")),
            Some(ManifestError::Sha256Length)
        );
        let non_hex = format!("{}g", &DIGEST[..63]);
        assert_eq!(with(&non_hex), Some(ManifestError::Sha256NotHex));
        assert_eq!(with(&"é".repeat(32)), Some(ManifestError::Sha256NotHex));
        assert_eq!(with(&format!("  {}  ", DIGEST.to_uppercase())), None);
    }

    #[test]
    fn size_rules() {
        let with = |s: i64| err(RawManifest { size: s, ..raw() });
        assert_eq!(with(0), Some(ManifestError::SizePositive));
        assert_eq!(with(-5), Some(ManifestError::SizePositive));
        assert_eq!(with(i64::MAX), Some(ManifestError::SizeTooLarge));
        assert_eq!(with(1), None);
    }

    #[test]
    fn url_rules() {
        let with = |u: &str| {
            err(RawManifest {
                url: u.into(),
                ..raw()
            })
        };
        assert_eq!(with("ftp://dash.example/x"), Some(ManifestError::UrlScheme));
        assert_eq!(with("/deploy/x"), Some(ManifestError::UrlScheme));
        assert_eq!(with("dash.example/x"), Some(ManifestError::UrlScheme));
        assert_eq!(with("https:///x"), Some(ManifestError::UrlHost));
        assert_eq!(with("https:x"), Some(ManifestError::UrlHost));
        assert!(matches!(
            with("https://a b/"),
            Some(ManifestError::UrlParse(_))
        ));
        assert!(matches!(
            with("https://h:port/"),
            Some(ManifestError::UrlParse(_))
        ));
        assert_eq!(with(" HTTPS://dash.example/x?upgrade_token=t "), None);
        assert_eq!(with("http://10.0.0.1:8080/x"), None);
    }

    #[test]
    fn rules_run_in_the_agent_order() {
        let all_bad = RawManifest {
            id: String::new(),
            version: "a/b".into(),
            url: "ftp://x".into(),
            sha256: "x".into(),
            size: 0,
        };
        assert_eq!(err(all_bad.clone()).map(|e| e.field()), Some("version"));
        let e = err(RawManifest {
            version: "1".into(),
            ..all_bad.clone()
        });
        assert_eq!(e.map(|e| e.field()), Some("sha256"));
        let e = err(RawManifest {
            version: "1".into(),
            sha256: DIGEST.into(),
            ..all_bad
        });
        assert_eq!(e.map(|e| e.field()), Some("size"));
    }

    #[test]
    fn round_trips_as_sent() -> Result<(), Box<dyn std::error::Error>> {
        let text = format!(
            r#"{{"id":"r","version":"0.2.4","url":" https://d/x ","sha256":"{}","size":7}}"#,
            DIGEST.to_uppercase()
        );
        let m: UpdateManifest = serde_json::from_str(&text)?;
        assert_eq!(m.url().download_url(), "https://d/x");
        assert_eq!(
            serde_json::to_value(&m)?,
            serde_json::from_str::<serde_json::Value>(&text)?
        );
        let r: MetricsResponse = serde_json::from_str(r#"{"ok":true,"update":null}"#)?;
        assert_eq!(serde_json::to_string(&r)?, r#"{"ok":true,"update":null}"#);
        let r: MetricsResponse = serde_json::from_str(r#"{"extra":1}"#)?;
        assert_eq!(r, MetricsResponse::default());
        Ok(())
    }

    #[test]
    fn plan_rules() {
        let a = Secret::new(" key-a ");
        let b = Secret::new("key-b");
        let m = raw();

        let mut plan = UpdatePlan::default();
        plan.add("0.2.3", None, &a);
        assert_eq!(plan.decide(), UpdateDecision::None);

        let mut plan = UpdatePlan::default();
        plan.add("0.2.4 ", Some(&m), &a);
        assert_eq!(plan.decide(), UpdateDecision::AlreadyActive);

        // The same manifest from two targets: the first target's key is used.
        let mut plan = UpdatePlan::default();
        plan.add("0.2.3", Some(&m), &a);
        plan.add("0.2.3", Some(&m), &b);
        match plan.decide() {
            UpdateDecision::Apply { manifest, secret } => {
                assert_eq!(manifest, m);
                assert_eq!(secret.expose(), "key-a");
            }
            other => panic!("{other:?}"),
        }

        // Any of the five fields differing is a conflict, checked after the current-version
        // skip.
        for other in [
            RawManifest {
                id: "x".into(),
                ..raw()
            },
            RawManifest {
                version: "0.2.5".into(),
                ..raw()
            },
            RawManifest {
                url: "https://other/x".into(),
                ..raw()
            },
            RawManifest {
                sha256: DIGEST.to_uppercase(),
                ..raw()
            },
            RawManifest { size: 1, ..raw() },
        ] {
            let mut plan = UpdatePlan::default();
            plan.add("0.2.3", Some(&m), &a);
            plan.add("0.2.3", Some(&other), &b);
            assert_eq!(plan.decide(), UpdateDecision::Conflict, "{other:?}");
        }
        let mut plan = UpdatePlan::default();
        plan.add("0.2.5", Some(&m), &a);
        plan.add(
            "0.2.5",
            Some(&RawManifest {
                version: "0.2.5".into(),
                ..raw()
            }),
            &b,
        );
        assert!(matches!(plan.decide(), UpdateDecision::Apply { .. }));
    }

    fn digest_of(bytes: &[u8]) -> [u8; 32] {
        Sha256::digest(bytes).into()
    }

    #[test]
    fn verifier_finds_a_size_mismatch_mid_download() {
        let file = vec![7u8; 100];
        let mut v = DownloadVerifier::new(64, digest_of(&file));
        assert!(v.update(&file[..40]).is_ok());
        assert_eq!(
            v.update(&file[40..80]),
            Err(VerifyError::TooLarge { size: 64 })
        );
        assert_eq!(v.received(), 40);
        // Poisoned: later chunks and the end fail too.
        assert!(v.update(&[]).is_err());
        assert_eq!(v.finish(), Err(VerifyError::TooLarge { size: 64 }));
    }

    #[test]
    fn verifier_checks_size_then_digest() {
        let file = b"0123456789".to_vec();
        let mut short = DownloadVerifier::new(11, digest_of(&file));
        assert!(short.update(&file).is_ok());
        assert_eq!(
            short.finish(),
            Err(VerifyError::SizeMismatch { got: 10, want: 11 })
        );

        let mut wrong = DownloadVerifier::new(10, digest_of(b"something else"));
        assert!(wrong.update(&file).is_ok());
        assert_eq!(
            wrong.finish(),
            Err(VerifyError::DigestMismatch {
                got: to_hex(&digest_of(&file))
            })
        );

        let mut ok = DownloadVerifier::new(10, digest_of(&file));
        for chunk in file.chunks(3) {
            assert!(ok.update(chunk).is_ok());
        }
        assert_eq!(ok.finish(), Ok(digest_of(&file)));

        let mut status = DownloadVerifier::new(10, digest_of(&file));
        assert!(status.check_status(http::StatusCode::NOT_FOUND).is_err());
        assert!(status.update(&file).is_err());
    }

    #[test]
    fn manifest_verifier_and_request() -> Result<(), Box<dyn std::error::Error>> {
        let file = b"binary";
        let m = UpdateManifest::try_from(RawManifest {
            sha256: to_hex(&digest_of(file)).to_uppercase(),
            size: 6,
            url: " https://dash.example/deploy/x?upgrade_token=t ".into(),
            ..raw()
        })?;
        let mut v = m.verifier();
        v.update(file)?;
        assert!(v.finish().is_ok());
        let req = m.download_request(&Secret::new(" k "))?;
        assert_eq!(req.uri(), "https://dash.example/deploy/x?upgrade_token=t");
        assert_eq!(req.headers()[crate::AUTH_HEADER], "k");
        let req = m.download_request(&Secret::new(""))?;
        assert!(req.headers().get(crate::AUTH_HEADER).is_none());
        Ok(())
    }

    #[test]
    fn debug_leaves_out_the_upgrade_token() -> Result<(), Box<dyn std::error::Error>> {
        const TOKEN: &str = "s3cr3t-upgrade-t0ken";
        let raw = RawManifest {
            url: format!("https://dash.example/deploy/linux/node?upgrade_token={TOKEN}&arch=amd64"),
            ..raw()
        };
        let shown_url =
            "https://dash.example/deploy/linux/node?upgrade_token=[redacted]&arch=amd64";
        let m = UpdateManifest::try_from(raw.clone())?;
        let response = MetricsResponse::ok(Some(m.clone()));
        for shown in [
            format!("{raw:?}"),
            format!("{:?}", m.url()),
            format!("{m:?}"),
            format!("{response:?}"),
        ] {
            assert!(!shown.contains(TOKEN), "{shown}");
            assert!(shown.contains(shown_url), "{shown}");
        }
        assert!(format!("{raw:?}").contains(DIGEST));
        assert!(format!("{m:?}").contains("\"0.2.4\""));
        // The URL itself is unchanged: on the wire and for the download.
        assert!(m.url().as_str().contains(TOKEN));
        assert_eq!(serde_json::to_value(&response)?["update"]["url"], raw.url);
        Ok(())
    }
}
