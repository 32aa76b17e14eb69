//! Error types shared by every protocol crate.

mod api;

use std::fmt;

pub use api::{ApiError, ErrorBody, allow_header};

/// A JSON body that could not be decoded into its typed model, or that decoded but failed
/// validation.
///
/// `path` is the JSON path of the fault (`data[3].username`, `.` for the document root), so an
/// error always says *where* as well as *what*.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub struct DecodeError {
    /// JSON path of the value that failed, as printed by `serde_path_to_error` (`.` for the root).
    pub path: String,
    /// What is wrong.
    pub message: String,
    /// 1-based line of the fault in the input, when known (0 otherwise).
    pub line: usize,
    /// 1-based column of the fault in the input, when known (0 otherwise).
    pub column: usize,
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "at `{}`: {}", self.path, self.message)?;
        if self.line > 0 {
            write!(f, " (line {}, column {})", self.line, self.column)?;
        }
        Ok(())
    }
}

impl DecodeError {
    /// An error at the document root.
    pub fn root(message: impl Into<String>) -> Self {
        Self {
            path: ".".to_owned(),
            message: message.into(),
            line: 0,
            column: 0,
        }
    }

    /// An error at the given JSON path.
    pub fn at(path: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            path: path.into(),
            message: message.into(),
            line: 0,
            column: 0,
        }
    }
}

/// Decodes `bytes` as JSON into `T`, recording the JSON path of any fault.
///
/// ```
/// #[derive(Debug, serde::Deserialize)]
/// struct User { name: String }
/// let err = nodewire_common::error::from_slice::<Vec<User>>(br#"[{"name":"a"},{"name":1}]"#)
///     .unwrap_err();
/// assert_eq!(err.path, "[1].name");
/// ```
///
/// A body that decodes costs one UTF-8 check of the whole body and one plain `serde_json`
/// pass over it as text (so no string is checked again on its own); only a body that fails is
/// decoded a second time with path tracking, to name where it fails.
pub fn from_slice<'de, T: serde::Deserialize<'de>>(bytes: &'de [u8]) -> Result<T, DecodeError> {
    let plain = match std::str::from_utf8(bytes) {
        Ok(text) => serde_json::from_str(text),
        // Invalid UTF-8 inside a value the model ignores is not an error for serde_json.
        Err(_) => serde_json::from_slice(bytes),
    };
    match plain {
        Ok(value) => Ok(value),
        Err(_) => from_slice_tracked(bytes),
    }
}

/// [`from_slice`] with the JSON path tracked all the way (the error path).
fn from_slice_tracked<'de, T: serde::Deserialize<'de>>(bytes: &'de [u8]) -> Result<T, DecodeError> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value = match serde_path_to_error::deserialize(&mut de) {
        Ok(value) => value,
        Err(err) => return Err(path_error(err)),
    };
    de.end().map_err(|e| json_error(".".to_owned(), &e))?;
    Ok(value)
}

/// Decodes a JSON value into `T`, recording the JSON path of any fault.
pub fn from_value<T: serde::de::DeserializeOwned>(
    value: serde_json::Value,
) -> Result<T, DecodeError> {
    serde_path_to_error::deserialize(value).map_err(path_error)
}

/// The start of a failure body that is not the upstream's error body (a proxy's page, a
/// router's plain-text 404), for the `Unexpected { status, text }` failure every protocol
/// crate has: lossy UTF-8, at most 1024 bytes, cut at a character boundary.
///
/// ```
/// assert_eq!(nodewire_common::error::body_text(b"404 page not found\n"), "404 page not found\n");
/// assert_eq!(nodewire_common::error::body_text(&[b'x'; 2000]).len(), 1024);
/// ```
pub fn body_text(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let mut end = text.len().min(1024);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text.get(..end).unwrap_or_default().to_owned()
}

fn path_error(err: serde_path_to_error::Error<serde_json::Error>) -> DecodeError {
    let path = err.path().to_string();
    json_error(path, err.inner())
}

fn json_error(path: String, err: &serde_json::Error) -> DecodeError {
    // serde_json appends " at line L column C" to its messages; keep the message clean and
    // carry the position separately.
    let mut message = err.to_string();
    let suffix = format!(" at line {} column {}", err.line(), err.column());
    if message.ends_with(&suffix) {
        message.truncate(message.len() - suffix.len());
    }
    if err.is_eof() && err.line() == 1 && err.column() == 0 {
        message = "empty body: a JSON value is required".to_owned();
    }
    DecodeError {
        path,
        message,
        line: err.line(),
        column: err.column(),
    }
}

/// A request that could not be built from an endpoint value (client side).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum IntoRequestError {
    /// The base URL given to the client is not a usable absolute URL.
    #[error("invalid base URL `{url}`: {reason}")]
    BaseUrl {
        /// The base URL as given.
        url: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The request body could not be serialized.
    #[error("cannot serialize the request body: {0}")]
    Body(#[from] serde_json::Error),
    /// The request could not be built as asked (a header value that is not one, say).
    #[error("invalid request: {0}")]
    Invalid(String),
    /// The call broke a rule of its route ([`Endpoint::validate_outgoing`]); nothing was built.
    ///
    /// [`Endpoint::validate_outgoing`]: crate::Endpoint::validate_outgoing
    #[error("invalid request: {0}")]
    Validation(InvalidRequest),
    /// The assembled `http::Request` was rejected by the `http` crate.
    #[error("cannot build the HTTP request: {0}")]
    Http(#[from] http::Error),
}

/// An incoming HTTP request that does not match an endpoint (server side).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FromRequestError {
    /// The method differs from the endpoint's.
    #[error("method {got} does not match {expected}")]
    Method {
        /// The endpoint's method.
        expected: http::Method,
        /// The request's method.
        got: http::Method,
    },
    /// The path does not match the endpoint's template.
    #[error("path `{0}` does not match this route")]
    Path(String),
    /// A path parameter failed validation.
    #[error("path parameter `{name}`: {message}")]
    PathParam {
        /// The template name of the parameter.
        name: &'static str,
        /// What is wrong with it.
        message: String,
    },
    /// The query string failed validation.
    #[error("query: {0}")]
    Query(String),
    /// A header failed validation.
    #[error("header `{name}`: {message}")]
    Header {
        /// The header name.
        name: &'static str,
        /// What is wrong with it.
        message: String,
    },
    /// The body could not be decoded.
    #[error("body {0}")]
    Body(#[from] DecodeError),
    /// The request decoded but broke a rule the upstream server checks
    /// ([`Endpoint::validate`]); its text is the same as the decoding error for that part.
    ///
    /// [`Endpoint::validate`]: crate::Endpoint::validate
    #[error(transparent)]
    Validation(#[from] InvalidRequest),
}

/// A call that breaks a rule of its route: which part of the request, where in it, and what
/// is wrong. [`Endpoint::validate`](crate::Endpoint::validate) and
/// [`Endpoint::validate_outgoing`](crate::Endpoint::validate_outgoing) return it; the text
/// reads as [`FromRequestError`]'s for the same part (``query: …``, ``body at `users[0].name`: …``).
///
/// ```
/// use nodewire_common::{DecodeError, InvalidRequest};
/// let e = InvalidRequest::Body(DecodeError::at("users[0].metadata.plan", "must be a string"));
/// assert_eq!(e.to_string(), "body at `users[0].metadata.plan`: must be a string");
/// let e = InvalidRequest::query("interval", "`interval` must be 1 to 60 seconds, got 0");
/// assert_eq!(e.to_string(), "query: `interval` must be 1 to 60 seconds, got 0");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum InvalidRequest {
    /// A path parameter.
    #[error("path parameter `{name}`: {message}")]
    PathParam {
        /// The template name of the parameter.
        name: &'static str,
        /// What is wrong with it.
        message: String,
    },
    /// A query parameter.
    #[error("query: {message}")]
    Query {
        /// The parameter's name.
        name: &'static str,
        /// What is wrong with it, naming the parameter as the upstream does.
        message: String,
    },
    /// A header.
    #[error("header `{name}`: {message}")]
    Header {
        /// The header name.
        name: &'static str,
        /// What is wrong with it.
        message: String,
    },
    /// The body: the JSON path of the fault and what is wrong there.
    #[error("body {0}")]
    Body(DecodeError),
}

impl InvalidRequest {
    /// A query parameter `name` that breaks a rule.
    pub fn query(name: &'static str, message: impl Into<String>) -> Self {
        Self::Query {
            name,
            message: message.into(),
        }
    }

    /// A body that breaks a rule at the JSON path `path` (`.` for the whole body).
    pub fn body(path: impl Into<String>, message: impl Into<String>) -> Self {
        Self::Body(DecodeError::at(path, message))
    }
}
