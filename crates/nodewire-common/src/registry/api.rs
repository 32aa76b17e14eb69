//! What a protocol's API is as a whole, beyond its routes: its name and release, where it is
//! served by default and how a caller proves who it is. The OpenAPI export reads it.

/// A protocol's API as a whole ([`RegistryProtocol::API`](super::RegistryProtocol::API)).
#[derive(Debug, Clone, Copy)]
pub struct ApiDescription {
    /// The API's title (`telemt control API`).
    pub title: &'static str,
    /// The upstream release the crate models (`3.4.25`), or the document's own version.
    pub version: &'static str,
    /// A paragraph on what the API is, in the upstream's terms.
    pub description: &'static str,
    /// Where the upstream serves it by default, API base included (`http://127.0.0.1:9091`);
    /// the first one is the default.
    pub servers: &'static [Server],
    /// The ways a caller proves who it is; any one of them is enough. Empty when the API has
    /// no credential.
    pub security: &'static [SecurityScheme],
}

impl ApiDescription {
    /// A description with only a title and a version: no server, no credential.
    pub const fn new(title: &'static str, version: &'static str) -> Self {
        Self {
            title,
            version,
            description: "",
            servers: &[],
            security: &[],
        }
    }
}

/// One base URL an API is served at.
#[derive(Debug, Clone, Copy)]
pub struct Server {
    /// The base URL, API prefix included (`http://127.0.0.1:9090/api/v1`).
    pub url: &'static str,
    /// Where this default comes from.
    pub description: &'static str,
}

/// One way of proving who the caller is.
#[derive(Debug, Clone, Copy)]
pub struct SecurityScheme {
    /// The scheme's key in the OpenAPI document (`apiKey`, `basic`).
    pub name: &'static str,
    /// How the credential is sent.
    pub kind: SecurityKind,
    /// How the upstream checks it.
    pub description: &'static str,
}

/// How a credential is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecurityKind {
    /// A key in the named request header, compared as sent.
    Header(&'static str),
    /// HTTP Basic authentication (`Authorization: Basic …`).
    Basic,
    /// A bearer token (`Authorization: Bearer …`).
    Bearer,
}
