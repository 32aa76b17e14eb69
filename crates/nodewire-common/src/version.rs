//! Upstream releases, and the release history of each route (ruma's `VersionHistory`).
//!
//! A panel manages nodes installed over months, so they run different releases of an upstream.
//! Each endpoint declares the release that added its route ([`Endpoint::HISTORY`]); a client
//! that knows the server's release ([`Release`], read from the upstream's own version route)
//! can tell in advance whether a route exists there ([`VersionHistory::decision_for`]), and a
//! "route not found" answer from an older server becomes an error that names the release the
//! route needs.
//!
//! ```
//! use nodewire_common::version::{Release, VersionHistory, VersioningDecision};
//!
//! const ENABLE_USER: VersionHistory = VersionHistory::added_in("3.4.14");
//! let old: Release = "3.4.11".parse().unwrap();
//! let new: Release = "3.4.25".parse().unwrap();
//! assert!(matches!(ENABLE_USER.decision_for(&old), VersioningDecision::Unsupported { .. }));
//! assert_eq!(ENABLE_USER.decision_for(&new), VersioningDecision::Stable);
//!
//! // NodePass betas compare by number: b10 is after b9, and a beta before its release.
//! let b9: Release = "v2.0.0-b9".parse().unwrap();
//! let b10: Release = "v2.0.0-b10".parse().unwrap();
//! assert!(b9 < b10 && b10 < "v2.0.0".parse().unwrap());
//! ```
//!
//! [`Endpoint::HISTORY`]: crate::Endpoint::HISTORY

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

/// An upstream release: `MAJOR.MINOR.PATCH`, an optional leading `v`, and an optional
/// pre-release (`-b10`, `-rc.1`, `-alpha.1`).
///
/// Ordering: the numeric core first; a pre-release sorts before the release itself; two
/// pre-releases compare identifier by identifier, where each identifier compares its letters
/// as text and its trailing digits as a number (`b9` < `b10`, `alpha` < `beta`). The original
/// text is kept for display.
#[derive(Debug, Clone, Eq)]
pub struct Release {
    text: String,
    core: [u64; 3],
    pre: Vec<(String, Option<u64>)>,
}

/// A release string that does not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid release `{text}`: {reason}")]
pub struct ReleaseError {
    /// The text given.
    pub text: String,
    /// What is wrong.
    pub reason: &'static str,
}

impl Release {
    /// The release as written (`v2.0.0-b10`).
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// `MAJOR`, `MINOR`, `PATCH`.
    pub fn core(&self) -> [u64; 3] {
        self.core
    }

    /// `true` for a pre-release (`-b10`).
    pub fn is_prerelease(&self) -> bool {
        !self.pre.is_empty()
    }
}

impl FromStr for Release {
    type Err = ReleaseError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let fail = |reason| ReleaseError {
            text: text.to_owned(),
            reason,
        };
        let trimmed = text.trim();
        let bare = trimmed.strip_prefix(['v', 'V']).unwrap_or(trimmed);
        // Build metadata (`+abc`) does not take part in ordering.
        let bare = bare.split_once('+').map_or(bare, |(b, _)| b);
        let (core_text, pre_text) = match bare.split_once('-') {
            Some((c, p)) => (c, Some(p)),
            None => (bare, None),
        };
        let mut core = [0u64; 3];
        let mut parts = core_text.split('.');
        for slot in &mut core {
            let part = parts
                .next()
                .ok_or_else(|| fail("expected MAJOR.MINOR.PATCH"))?;
            if part.is_empty() || !part.bytes().all(|b| b.is_ascii_digit()) {
                return Err(fail("MAJOR, MINOR and PATCH must be decimal numbers"));
            }
            *slot = part.parse().map_err(|_| fail("a number is too large"))?;
        }
        if parts.next().is_some() {
            return Err(fail("expected MAJOR.MINOR.PATCH"));
        }
        let mut pre = Vec::new();
        if let Some(pre_text) = pre_text {
            for identifier in pre_text.split('.') {
                if identifier.is_empty()
                    || !identifier
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'-')
                {
                    return Err(fail(
                        "a pre-release identifier is empty or not alphanumeric",
                    ));
                }
                let digits = identifier
                    .bytes()
                    .rev()
                    .take_while(u8::is_ascii_digit)
                    .count();
                let (letters, number) = identifier.split_at(identifier.len() - digits);
                let number = if number.is_empty() {
                    None
                } else {
                    Some(number.parse().map_err(|_| fail("a number is too large"))?)
                };
                pre.push((letters.to_owned(), number));
            }
        }
        Ok(Self {
            text: trimmed.to_owned(),
            core,
            pre,
        })
    }
}

impl PartialEq for Release {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl PartialOrd for Release {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Release {
    fn cmp(&self, other: &Self) -> Ordering {
        self.core
            .cmp(&other.core)
            .then_with(|| match (self.pre.is_empty(), other.pre.is_empty()) {
                (true, true) => Ordering::Equal,
                (true, false) => Ordering::Greater,
                (false, true) => Ordering::Less,
                (false, false) => self.pre.cmp(&other.pre),
            })
    }
}

impl fmt::Display for Release {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// The releases that added, deprecated and removed a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VersionHistory {
    /// The first release with the route; `None` when it is as old as the releases this crate
    /// covers.
    pub added: Option<&'static str>,
    /// The release that deprecated it.
    pub deprecated: Option<&'static str>,
    /// The first release without it.
    pub removed: Option<&'static str>,
}

impl VersionHistory {
    /// A route present in every release the crate covers.
    pub const ALWAYS: Self = Self {
        added: None,
        deprecated: None,
        removed: None,
    };

    /// A route added in `release`.
    pub const fn added_in(release: &'static str) -> Self {
        Self {
            added: Some(release),
            deprecated: None,
            removed: None,
        }
    }

    /// Whether a server at `server` has the route.
    ///
    /// A release string of this history that does not parse is taken as absent (the route is
    /// then assumed to exist); the crates' own histories are checked by their tests.
    pub fn decision_for(&self, server: &Release) -> VersioningDecision {
        let parse = |r: Option<&'static str>| r.and_then(|r| r.parse::<Release>().ok());
        if let Some(added) = parse(self.added)
            && server < &added
        {
            return VersioningDecision::Unsupported {
                added: self.added.unwrap_or_default(),
            };
        }
        if let Some(removed) = parse(self.removed)
            && server >= &removed
        {
            return VersioningDecision::Removed {
                removed: self.removed.unwrap_or_default(),
            };
        }
        if let Some(deprecated) = parse(self.deprecated)
            && server >= &deprecated
        {
            return VersioningDecision::Deprecated;
        }
        VersioningDecision::Stable
    }
}

impl Default for VersionHistory {
    fn default() -> Self {
        Self::ALWAYS
    }
}

/// Whether a route exists on a server of some release.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VersioningDecision {
    /// The route exists.
    Stable,
    /// The route exists but is deprecated.
    Deprecated,
    /// The server is older than the release that added the route.
    Unsupported {
        /// That release.
        added: &'static str,
    },
    /// The server is at or past the release that removed the route.
    Removed {
        /// That release.
        removed: &'static str,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(text: &str) -> Release {
        match text.parse() {
            Ok(r) => r,
            Err(e) => panic!("{e}"),
        }
    }

    #[test]
    fn ordering() {
        assert!(r("3.4.11") < r("3.4.12"));
        assert!(r("3.4.9") < r("3.4.10"));
        assert!(r("v1.14.0") < r("v2.0.0-b1"));
        assert!(r("v2.0.0-b9") < r("v2.0.0-b10"));
        assert!(r("v2.0.0-b10") < r("v2.0.0-rc1"));
        assert!(r("v2.0.0-rc1") < r("v2.0.0"));
        assert!(r("0.2.0-alpha.1") < r("0.2.0-alpha.2"));
        assert_eq!(r("v3.4.11"), r("3.4.11"));
        assert_eq!(r("3.4.11+build7"), r("3.4.11"));
        assert_eq!(r("v2.0.0-b10").to_string(), "v2.0.0-b10");
    }

    #[test]
    fn refusals_say_what_is_wrong() {
        for bad in [
            "",
            "3.4",
            "3.4.x",
            "3.4.11.1",
            "3.4.11-",
            "3.4.11-b_1",
            "99999999999999999999.0.0",
        ] {
            assert!(bad.parse::<Release>().is_err(), "{bad}");
        }
        let e = "3.4".parse::<Release>().err();
        assert_eq!(
            e.map(|e| e.to_string()),
            Some("invalid release `3.4`: expected MAJOR.MINOR.PATCH".to_owned())
        );
    }

    #[test]
    fn decisions() {
        let h = VersionHistory {
            added: Some("3.4.13"),
            deprecated: Some("3.5.0"),
            removed: Some("4.0.0"),
        };
        assert_eq!(
            h.decision_for(&r("3.4.12")),
            VersioningDecision::Unsupported { added: "3.4.13" }
        );
        assert_eq!(h.decision_for(&r("3.4.13")), VersioningDecision::Stable);
        assert_eq!(h.decision_for(&r("3.5.1")), VersioningDecision::Deprecated);
        assert_eq!(
            h.decision_for(&r("4.0.0")),
            VersioningDecision::Removed { removed: "4.0.0" }
        );
        assert_eq!(
            VersionHistory::ALWAYS.decision_for(&r("0.0.1")),
            VersioningDecision::Stable
        );
    }
}
