//! Agent versions as Dash reads them (Dash `internal/version/version.go`): strict SemVer
//! without a `v` prefix, exactly three core numbers, no leading zeros, compared by SemVer
//! precedence (build metadata ignored).

use std::cmp::Ordering;

/// A parsed agent version.
///
/// ```
/// use nodewire_dash::version::NodeVersion;
/// let a = NodeVersion::parse("0.2.3").unwrap();
/// let b = NodeVersion::parse("0.2.10-rc.1+build.5").unwrap();
/// assert!(a.cmp_precedence(&b).is_lt());
/// assert!(NodeVersion::parse("v0.2.3").is_err());
/// assert!(NodeVersion::parse("0.2").is_err());
/// assert!(NodeVersion::parse("0.02.3").is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NodeVersion {
    major: u64,
    minor: u64,
    patch: u64,
    pre: Vec<Identifier>,
    build: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Identifier {
    Numeric(u64),
    Alpha(String),
}

/// Dash's message for any version it refuses.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "invalid version: version format: MAJOR.MINOR.PATCH[-PRERELEASE][+BUILD] (strict SemVer without a v prefix; numeric identifiers must not contain leading zeroes)"
)]
pub struct InvalidVersion;

fn numeric(text: &str) -> Result<u64, InvalidVersion> {
    if text.is_empty()
        || !text.bytes().all(|b| b.is_ascii_digit())
        || (text.len() > 1 && text.starts_with('0'))
    {
        return Err(InvalidVersion);
    }
    text.parse().map_err(|_| InvalidVersion)
}

fn valid_ident(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

impl NodeVersion {
    /// Parses as Dash's `normalize` + `ValidateNodeVersion` do: the text is trimmed; then it
    /// must not be empty, start with `v` or contain whitespace, and must be valid SemVer with
    /// exactly three core numbers. (Every valid version satisfies Dash's lower bound
    /// `0.0.0-0`.)
    pub fn parse(text: &str) -> Result<Self, InvalidVersion> {
        let text = text.trim();
        if text.is_empty() || text.starts_with('v') || text.contains([' ', '\t', '\r', '\n']) {
            return Err(InvalidVersion);
        }
        let (rest, build) = match text.split_once('+') {
            Some((rest, build)) => {
                if !build.split('.').all(valid_ident) {
                    return Err(InvalidVersion);
                }
                (rest, build)
            }
            None => (text, ""),
        };
        let (core, pre) = match rest.split_once('-') {
            Some((core, pre)) => (core, Some(pre)),
            None => (rest, None),
        };
        let mut parts = core.split('.');
        let (Some(major), Some(minor), Some(patch), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(InvalidVersion);
        };
        let pre = match pre {
            None => Vec::new(),
            Some(pre) => pre
                .split('.')
                .map(|id| {
                    if !valid_ident(id) {
                        Err(InvalidVersion)
                    } else if id.bytes().all(|b| b.is_ascii_digit()) {
                        numeric(id).map(Identifier::Numeric)
                    } else {
                        Ok(Identifier::Alpha(id.to_owned()))
                    }
                })
                .collect::<Result<_, _>>()?,
        };
        Ok(Self {
            major: numeric(major)?,
            minor: numeric(minor)?,
            patch: numeric(patch)?,
            pre,
            build: build.to_owned(),
        })
    }

    /// `true` for a pre-release (`-rc.1`).
    pub fn is_prerelease(&self) -> bool {
        !self.pre.is_empty()
    }

    /// The build metadata (after `+`), empty when none.
    pub fn build(&self) -> &str {
        &self.build
    }
}

impl NodeVersion {
    /// SemVer precedence; build metadata does not count (two builds of one version compare
    /// `Equal` here while `==` tells them apart, which is why this is not `Ord`).
    pub fn cmp_precedence(&self, other: &Self) -> Ordering {
        (self.major, self.minor, self.patch)
            .cmp(&(other.major, other.minor, other.patch))
            .then_with(|| match (self.pre.is_empty(), other.pre.is_empty()) {
                (true, true) => Ordering::Equal,
                (true, false) => Ordering::Greater,
                (false, true) => Ordering::Less,
                (false, false) => compare_pre(&self.pre, &other.pre),
            })
    }
}

fn compare_pre(a: &[Identifier], b: &[Identifier]) -> Ordering {
    for (x, y) in a.iter().zip(b) {
        let ord = match (x, y) {
            (Identifier::Numeric(x), Identifier::Numeric(y)) => x.cmp(y),
            (Identifier::Numeric(_), Identifier::Alpha(_)) => Ordering::Less,
            (Identifier::Alpha(_), Identifier::Numeric(_)) => Ordering::Greater,
            (Identifier::Alpha(x), Identifier::Alpha(y)) => x.cmp(y),
        };
        if ord != Ordering::Equal {
            return ord;
        }
    }
    a.len().cmp(&b.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(text: &str) -> NodeVersion {
        NodeVersion::parse(text).unwrap_or_else(|_| panic!("{text}"))
    }

    #[test]
    fn grammar() {
        for ok in [
            "0.2.3",
            " 1.0.0 ",
            "1.0.0-0",
            "1.0.0-rc.1+b.01",
            "0.0.0-0",
            "1.2.3+x-y",
        ] {
            assert!(NodeVersion::parse(ok).is_ok(), "{ok}");
        }
        for bad in [
            "",
            "v1.0.0",
            "1.0",
            "1.0.0.0",
            "01.0.0",
            "1.0.0-01",
            "1.0.0-",
            "1.0.0+",
            "1.0.0-a..b",
            "1.0.0 beta",
            "1.x.0",
            "1.0.0-a_b",
        ] {
            assert!(NodeVersion::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn precedence() {
        let order = [
            "1.0.0-alpha",
            "1.0.0-alpha.1",
            "1.0.0-alpha.beta",
            "1.0.0-beta",
            "1.0.0-beta.2",
            "1.0.0-beta.11",
            "1.0.0-rc.1",
            "1.0.0",
            "1.0.1",
            "1.1.0",
            "2.0.0",
        ];
        for pair in order.windows(2) {
            if let [a, b] = pair {
                assert!(v(a).cmp_precedence(&v(b)).is_lt(), "{a} < {b}");
            }
        }
        assert_eq!(v("1.0.0+a").cmp_precedence(&v("1.0.0+b")), Ordering::Equal);
        assert_ne!(v("1.0.0+a"), v("1.0.0+b"));
    }
}
