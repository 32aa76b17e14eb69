//! What the agent keeps on disk: the key Core issued (`{authKey, nodeId}`), the applied config
//! and a usage spool, each written through a temporary file and a rename, readable only by
//! the owner (mode 0600 on Unix).

use std::io::Write;
use std::path::{Path, PathBuf};

use nodewire_common::DecodeError;
use nodewire_common::client::Client;

use super::{AgentError, CONFIG_WRITE_FAILED, Node};
use crate::collect::Collector;
use crate::config::NodeConfig;
use crate::endpoints::RegisterNode;
use crate::node_error::NodeErrorDto;
use crate::register::{RegisterNodeDto, RegisterNodeResponse};
use crate::stats::NodeStats;
use crate::usage::NodeUsageDto;

/// A file that could not be read, decoded or written.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FileError {
    /// Reading or writing failed.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// What the OS said.
        source: std::io::Error,
    },
    /// The content is not what the file holds.
    #[error("{}: {source}", path.display())]
    Decode {
        /// The file.
        path: PathBuf,
        /// Where and why decoding failed.
        source: DecodeError,
    },
}

impl FileError {
    /// The file.
    pub fn path(&self) -> &Path {
        match self {
            Self::Io { path, .. } | Self::Decode { path, .. } => path,
        }
    }
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> FileError + '_ {
    move |source| FileError::Io {
        path: path.to_owned(),
        source,
    }
}

/// Reads and decodes `path`; `Ok(None)` when it does not exist.
fn read_json<T: serde::de::DeserializeOwned>(path: &Path) -> Result<Option<T>, FileError> {
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(io(path)(e)),
    };
    nodewire_common::error::from_slice(&bytes)
        .map(Some)
        .map_err(|source| FileError::Decode {
            path: path.to_owned(),
            source,
        })
}

/// Writes `value` as JSON to `path` through `<path>.tmp` and a rename, readable only by the
/// owner: a reader sees the old file or the new one, never half of one.
pub fn write_private<T: serde::Serialize>(path: &Path, value: &T) -> Result<(), FileError> {
    let bytes = serde_json::to_vec_pretty(value).map_err(|e| io(path)(e.into()))?;
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".tmp");
    let tmp = PathBuf::from(tmp);
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let write = || -> std::io::Result<()> {
        let mut file = options.open(&tmp)?;
        file.write_all(&bytes)?;
        file.sync_all()
    };
    write().map_err(io(&tmp))?;
    std::fs::rename(&tmp, path).map_err(io(path))
}

/// Where the node's identity came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// Read from the key file.
    Loaded,
    /// Issued by Core just now (and saved to the key file).
    Registered,
}

/// The key file: `{authKey, nodeId}` as `POST /node/register` returned it.
#[derive(Debug, Clone)]
pub struct KeyFile {
    path: PathBuf,
}

impl KeyFile {
    /// The key file at `path`.
    pub fn new(path: impl Into<PathBuf>) -> Self {
        Self { path: path.into() }
    }

    /// Its path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The stored identity; `None` when there is no file yet.
    pub fn load(&self) -> Result<Option<RegisterNodeResponse>, FileError> {
        read_json(&self.path)
    }

    /// Stores `identity` (mode 0600).
    pub fn save(&self, identity: &RegisterNodeResponse) -> Result<(), FileError> {
        write_private(&self.path, identity)
    }

    /// The stored identity or, when there is none, a new one: sends `registration` to
    /// `POST /node/register` with `client` and saves the answer. Without a file and without a
    /// registration there is nothing to do: [`AgentError::NoRegistration`].
    pub async fn load_or_register(
        &self,
        client: &Client,
        registration: Option<RegisterNodeDto>,
    ) -> Result<(RegisterNodeResponse, Origin), AgentError> {
        if let Some(identity) = self.load()? {
            return Ok((identity, Origin::Loaded));
        }
        let registration =
            registration.ok_or_else(|| AgentError::NoRegistration(self.path.clone()))?;
        let identity = client.send(&RegisterNode::new(registration)).await?;
        self.save(&identity)?;
        Ok((identity, Origin::Registered))
    }
}

/// A [`Node`] kept in files: the applied config is written to a file (its `revision` is the
/// node's revision across restarts), usage is read from a JSON [`NodeUsageDto`] spool that a
/// traffic meter fills (and removed once Core has it), and stats are this machine's
/// ([`Collector`]).
#[derive(Debug)]
pub struct FileNode {
    config_file: PathBuf,
    usage_file: Option<PathBuf>,
    collector: Collector,
}

impl FileNode {
    /// Writes the applied config to `config_file`; no usage spool.
    pub fn new(config_file: impl Into<PathBuf>) -> Self {
        Self {
            config_file: config_file.into(),
            usage_file: None,
            collector: Collector::new(),
        }
    }

    /// Reports usage from the spool at `path` (absent: nothing to report).
    pub fn usage_file(mut self, path: Option<PathBuf>) -> Self {
        self.usage_file = path;
        self
    }

    /// Where the applied config is written.
    pub fn config_file(&self) -> &Path {
        &self.config_file
    }
}

impl Node for FileNode {
    type Error = FileError;

    /// The `revision` of the config file; `None` when it is missing or unreadable (the node
    /// then syncs).
    fn applied_revision(&self) -> Option<u64> {
        read_json::<NodeConfig>(&self.config_file)
            .ok()
            .flatten()
            .map(|config| config.revision)
    }

    fn apply_config(&mut self, config: &NodeConfig) -> Result<(), NodeErrorDto> {
        write_private(&self.config_file, config).map_err(|e| {
            NodeErrorDto::new(format!("cannot write the config: {e}")).code(CONFIG_WRITE_FAILED)
        })
    }

    fn pending_usage(&mut self) -> Result<NodeUsageDto, FileError> {
        match &self.usage_file {
            Some(path) => Ok(read_json(path)?.unwrap_or_default()),
            None => Ok(NodeUsageDto::default()),
        }
    }

    fn usage_reported(&mut self, usage: &NodeUsageDto) -> Result<(), FileError> {
        match &self.usage_file {
            Some(path) if !usage.entries.is_empty() => std::fs::remove_file(path).map_err(io(path)),
            _ => Ok(()),
        }
    }

    fn stats(&mut self) -> NodeStats {
        self.collector.sample()
    }
}

#[cfg(test)]
pub(super) mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;

    /// A scratch directory, removed when dropped.
    pub(in crate::agent) struct Scratch(pub(in crate::agent) PathBuf);

    impl Scratch {
        pub(in crate::agent) fn new() -> Self {
            static N: AtomicUsize = AtomicUsize::new(0);
            let dir = std::env::temp_dir().join(format!(
                "nodewire-core-agent-{}-{}",
                std::process::id(),
                N.fetch_add(1, Ordering::Relaxed)
            ));
            let _ = std::fs::remove_dir_all(&dir);
            let _ = std::fs::create_dir_all(&dir);
            Self(dir)
        }

        pub(in crate::agent) fn path(&self, file: &str) -> PathBuf {
            self.0.join(file)
        }
    }

    impl Drop for Scratch {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    fn usage(entries: usize) -> NodeUsageDto {
        let entry = serde_json::json!({"userId": 42, "subscriptionId": 7, "nodeProtocolId": 3,
            "bytesUp": 10, "bytesDown": 20, "recordedAt": "2026-06-01T12:00:00.000Z"});
        serde_json::from_value(serde_json::json!({ "entries": vec![entry; entries] })).unwrap()
    }

    #[test]
    fn the_key_file_round_trips_and_is_private() {
        let dir = Scratch::new();
        let file = KeyFile::new(dir.path("key.json"));
        assert!(file.load().unwrap().is_none());
        let identity: RegisterNodeResponse =
            serde_json::from_str(r#"{"authKey":"k-1","nodeId":7}"#).unwrap();
        file.save(&identity).unwrap();
        assert_eq!(file.load().unwrap(), Some(identity));
        assert!(!dir.path("key.json.tmp").exists());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(file.path()).unwrap().permissions().mode();
            assert_eq!(mode & 0o077, 0, "{mode:o}");
        }
    }

    #[test]
    fn a_broken_key_file_is_an_error_naming_the_file_and_the_field() {
        let dir = Scratch::new();
        std::fs::write(dir.path("key.json"), r#"{"authKey":"k","nodeId":true}"#).unwrap();
        let err = KeyFile::new(dir.path("key.json")).load().unwrap_err();
        assert_eq!(err.path(), dir.path("key.json"));
        let FileError::Decode { source, .. } = &err else {
            panic!("{err:?}")
        };
        assert_eq!(source.path, "nodeId");
    }

    #[tokio::test]
    async fn without_a_key_file_or_a_registration_there_is_nothing_to_do() {
        let dir = Scratch::new();
        let client = Client::new("http://127.0.0.1:9").unwrap();
        let err = KeyFile::new(dir.path("key.json"))
            .load_or_register(&client, None)
            .await
            .unwrap_err();
        assert!(
            matches!(&err, AgentError::NoRegistration(p) if *p == dir.path("key.json")),
            "{err:?}"
        );
    }

    #[tokio::test]
    async fn a_stored_key_is_used_without_asking_core() {
        let dir = Scratch::new();
        let file = KeyFile::new(dir.path("key.json"));
        let identity: RegisterNodeResponse =
            serde_json::from_str(r#"{"authKey":"k-1","nodeId":"n1"}"#).unwrap();
        file.save(&identity).unwrap();
        // Nothing listens on port 9: asking Core would fail.
        let client = Client::new("http://127.0.0.1:9").unwrap();
        let registration = RegisterNodeDto::new(
            "c".parse().unwrap(),
            "n",
            "203.0.113.7".parse().unwrap(),
            "eu",
        );
        let loaded = file
            .load_or_register(&client, Some(registration))
            .await
            .unwrap();
        assert_eq!(loaded, (identity, Origin::Loaded));
    }

    #[test]
    fn the_config_file_holds_the_applied_revision() {
        let dir = Scratch::new();
        let mut node = FileNode::new(dir.path("config.json"));
        assert_eq!(node.applied_revision(), None);
        let config = NodeConfig {
            revision: 5,
            ..NodeConfig::default()
        };
        node.apply_config(&config).unwrap();
        assert_eq!(node.applied_revision(), Some(5));
        std::fs::write(dir.path("config.json"), "not json").unwrap();
        assert_eq!(node.applied_revision(), None);
    }

    #[test]
    fn a_config_that_cannot_be_written_is_reported_with_its_code() {
        let dir = Scratch::new();
        let mut node = FileNode::new(dir.path("missing-dir/config.json"));
        let report = node.apply_config(&NodeConfig::default()).unwrap_err();
        assert_eq!(report.code.as_deref(), Some(CONFIG_WRITE_FAILED));
        assert!(
            report.message.starts_with("cannot write the config: "),
            "{}",
            report.message
        );
        assert!(
            report.message.contains("config.json.tmp"),
            "{}",
            report.message
        );
    }

    #[test]
    fn the_usage_spool_is_read_and_removed_once_reported() {
        let dir = Scratch::new();
        let spool = dir.path("usage.json");
        let mut node = FileNode::new(dir.path("config.json")).usage_file(Some(spool.clone()));
        assert_eq!(node.pending_usage().unwrap(), NodeUsageDto::default());
        node.usage_reported(&NodeUsageDto::default()).unwrap();

        write_private(&spool, &usage(3)).unwrap();
        let pending = node.pending_usage().unwrap();
        assert_eq!(pending, usage(3));
        node.usage_reported(&pending).unwrap();
        assert!(!spool.exists());

        std::fs::write(&spool, r#"{"entries":[{"userId":"x"}]}"#).unwrap();
        let err = node.pending_usage().unwrap_err();
        assert!(
            matches!(&err, FileError::Decode { source, .. } if source.path == "entries[0].userId"),
            "{err}"
        );
    }

    #[test]
    fn without_a_spool_there_is_no_usage() {
        let dir = Scratch::new();
        let mut node = FileNode::new(dir.path("config.json"));
        assert!(node.pending_usage().unwrap().entries.is_empty());
        node.usage_reported(&usage(1)).unwrap();
    }
}
