//! Secrets for the example binaries: from the environment or a file, so they stay out of
//! `ps` and shell history. A flag that takes a secret directly still works, and says in its
//! `--help` that the environment variable or the `-file` flag is the way.

use std::path::Path;

use nodewire_common::Secret;

/// The secret given directly (a flag or its environment variable) or read from `file` (its
/// content without the trailing line break); `file` wins when both are given.
///
/// ```
/// let secret = nodewire_examples::secrets::secret_from(Some("s3cret".into()), None).unwrap();
/// assert_eq!(secret.map(|s| s.expose().to_owned()), Some("s3cret".into()));
/// ```
pub fn secret_from(value: Option<String>, file: Option<&Path>) -> std::io::Result<Option<Secret>> {
    match file {
        Some(path) => {
            let text = std::fs::read_to_string(path).map_err(|e| {
                std::io::Error::new(e.kind(), format!("reading {}: {e}", path.display()))
            })?;
            Ok(Some(Secret::new(
                text.trim_end_matches(['\r', '\n']).to_owned(),
            )))
        }
        None => Ok(value.map(Secret::new)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_wins_and_loses_its_line_break() -> std::io::Result<()> {
        let path = std::env::temp_dir().join(format!("nodewire-secret-{}", std::process::id()));
        std::fs::write(&path, "from-file\n")?;
        let secret = secret_from(Some("direct".into()), Some(&path))?;
        std::fs::remove_file(&path)?;
        assert_eq!(
            secret.map(|s| s.expose().to_owned()),
            Some("from-file".into())
        );
        assert!(secret_from(None, None)?.is_none());
        let missing = secret_from(None, Some(Path::new("/nonexistent/nodewire")));
        assert!(missing.is_err_and(|e| e.to_string().contains("/nonexistent/nodewire")));
        Ok(())
    }
}
