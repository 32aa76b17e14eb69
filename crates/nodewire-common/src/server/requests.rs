//! The request enum: one variant per endpoint, and the routing that picks the variant.

use bytes::Bytes;
use http::Method;

use crate::FromRequestError;
use crate::endpoint::{Metadata, Protocol};
use crate::version::VersionHistory;

/// One endpoint of a [`RequestEnum`]: its route, and how a request becomes the enum's variant.
pub struct Arm<R> {
    /// The endpoint's method, path template and body kind.
    pub metadata: &'static Metadata,
    /// The releases that added (deprecated, removed) the route.
    pub history: VersionHistory,
    /// Decodes a request of this route into the enum's variant
    /// ([`Endpoint::try_from_http_request`](crate::Endpoint::try_from_http_request)).
    pub decoder: fn(&http::Request<Bytes>) -> Result<R, FromRequestError>,
    /// What the route refuses from the URI alone, before the body is read
    /// ([`Endpoint::admit`](crate::Endpoint::admit)).
    pub admitter: fn(&http::Uri) -> Result<(), FromRequestError>,
    /// Whether the upstream answers the route without the credential
    /// ([`Endpoint::PUBLIC`](crate::Endpoint::PUBLIC)): what a server checks before it decodes
    /// anything.
    pub public: bool,
}

impl<R> Arm<R> {
    /// Decodes `request` (already routed here) into the enum's variant.
    pub fn decode(&self, request: &http::Request<Bytes>) -> Result<R, FromRequestError> {
        (self.decoder)(request)
    }

    /// Runs the route's checks of the URI alone ([`Endpoint::admit`](crate::Endpoint::admit)),
    /// before the body is read.
    pub fn admit(&self, uri: &http::Uri) -> Result<(), FromRequestError> {
        (self.admitter)(uri)
    }
}

impl<R> std::fmt::Debug for Arm<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Arm")
            .field("name", &self.metadata.name)
            .field("method", &self.metadata.method)
            .field("path", &self.metadata.path)
            .field("public", &self.public)
            .finish_non_exhaustive()
    }
}

/// Where a request line leads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Routing<T> {
    /// A route matched method and path.
    Found(T),
    /// The path is known but not for this method; these methods are (for `Allow`).
    MethodNotAllowed(Vec<Method>),
    /// No route has this path.
    NotFound,
}

/// Finds the route of `method` and a normalized `path` among `routes`: the routes whose
/// template (or an alias) matches the path, the most specific ones first (literal segments
/// beat parameters), then the one with the method.
pub fn route<'a, T>(
    routes: &'a [T],
    metadata: impl Fn(&T) -> &Metadata,
    method: &Method,
    path: &str,
) -> Routing<&'a T> {
    let matched: Vec<(&T, usize)> = routes
        .iter()
        .filter(|r| metadata(r).match_path(path).is_some())
        .map(|r| (r, metadata(r).specificity()))
        .collect();
    let Some(best) = matched.iter().map(|(_, s)| *s).max() else {
        return Routing::NotFound;
    };
    let candidates = matched.into_iter().filter(|(_, s)| *s == best);
    let mut allow = Vec::new();
    for (route, _) in candidates {
        if metadata(route).method == *method {
            return Routing::Found(route);
        }
        allow.push(metadata(route).method.clone());
    }
    Routing::MethodNotAllowed(allow)
}

/// One decoded request of any route of a protocol: an enum with a variant per endpoint, made
/// with [`request_enum!`](crate::request_enum).
pub trait RequestEnum: Sized + 'static {
    /// The protocol of every endpoint.
    type Protocol: Protocol;
    /// Every endpoint, in the protocol's order.
    const ARMS: &'static [Arm<Self>];

    /// The decoded endpoint's metadata.
    fn metadata(&self) -> &'static Metadata;

    /// The decoded endpoint's name (`ListUsers`), for logs.
    fn name(&self) -> &'static str {
        self.metadata().name
    }

    /// `true` for routes that change state (any method but `GET`).
    fn is_mutating(&self) -> bool {
        self.metadata().method != Method::GET
    }

    /// Finds the endpoint of `method` and `path` (normalized by the protocol first).
    fn route(method: &Method, path: &str) -> Routing<&'static Arm<Self>> {
        let path = <Self::Protocol as Protocol>::normalize_path(path);
        route(Self::ARMS, |arm| arm.metadata, method, &path)
    }
}

/// Declares a protocol's request enum: one variant per endpoint type, named after it, and its
/// [`RequestEnum`] implementation. A server finds the variant of a request with
/// [`RequestEnum::route`] and decodes it with [`Arm::decode`].
///
/// ```
/// # use nodewire_common::{DecodeError, Protocol};
/// # pub struct Demo;
/// # impl Protocol for Demo {
/// #     const NAME: &'static str = "demo";
/// #     type Success<T> = T;
/// #     type Failure = DecodeError;
/// #     fn decode_response<T: serde::de::DeserializeOwned>(
/// #         _: http::StatusCode, _: &http::HeaderMap, body: &[u8],
/// #     ) -> Result<T, DecodeError> {
/// #         nodewire_common::error::from_slice(body)
/// #     }
/// #     fn encode_response<T: serde::Serialize>(
/// #         success: &T,
/// #     ) -> Result<http::Response<bytes::Bytes>, serde_json::Error> {
/// #         Ok(http::Response::new(serde_json::to_vec(success)?.into()))
/// #     }
/// # }
/// nodewire_common::get_endpoint!(Demo;
///     /// `GET /health`.
///     GetHealth, "/health", serde_json::Value, public "Load balancers call it without a key."
/// );
/// nodewire_common::get_endpoint!(Demo;
///     /// `GET /users/{id}` (a demo without the parameter).
///     GetUser, "/users/{id}", serde_json::Value
/// );
/// nodewire_common::request_enum! {
///     /// Any demo request.
///     pub enum Request { GetHealth, GetUser }
/// }
///
/// use nodewire_common::server::{RequestEnum, Routing};
/// let Routing::Found(arm) = Request::route(&http::Method::GET, "/health") else { panic!() };
/// assert!(arm.public);
/// let request = http::Request::get("/health").body(bytes::Bytes::new())?;
/// assert!(matches!(arm.decode(&request), Ok(Request::GetHealth(_))));
/// assert_eq!(
///     Request::route(&http::Method::POST, "/users/7").map_found(|a| a.metadata.name),
///     Routing::MethodNotAllowed(vec![http::Method::GET])
/// );
/// # Ok::<(), http::Error>(())
/// ```
#[macro_export]
macro_rules! request_enum {
    (
        $(#[$attr:meta])*
        $vis:vis enum $name:ident { $($e:ident),+ $(,)? }
    ) => {
        $crate::request_enum!(@define [$(#[$attr])*] $vis $name [$($e)+]);
    };
    (@define [$($attr:tt)*] $vis:vis $name:ident [$first:ident $($e:ident)*]) => {
        $($attr)*
        #[derive(Debug, Clone, PartialEq)]
        #[allow(clippy::large_enum_variant)]
        $vis enum $name {
            #[doc = concat!("[`", stringify!($first), "`]")]
            $first($first),
            $(
                #[doc = concat!("[`", stringify!($e), "`]")]
                $e($e),
            )*
        }

        impl $crate::server::RequestEnum for $name {
            type Protocol = <$first as $crate::Endpoint>::Protocol;
            const ARMS: &'static [$crate::server::Arm<Self>] = &[
                $crate::server::Arm {
                    metadata: &<$first as $crate::Endpoint>::METADATA,
                    history: <$first as $crate::Endpoint>::HISTORY,
                    decoder: |request| {
                        <$first as $crate::Endpoint>::try_from_http_request(request)
                            .map(Self::$first)
                    },
                    admitter: <$first as $crate::Endpoint>::admit,
                    public: <$first as $crate::Endpoint>::PUBLIC,
                },
                $(
                    $crate::server::Arm {
                        metadata: &<$e as $crate::Endpoint>::METADATA,
                        history: <$e as $crate::Endpoint>::HISTORY,
                        decoder: |request| {
                            <$e as $crate::Endpoint>::try_from_http_request(request).map(Self::$e)
                        },
                        admitter: <$e as $crate::Endpoint>::admit,
                        public: <$e as $crate::Endpoint>::PUBLIC,
                    },
                )*
            ];

            fn metadata(&self) -> &'static $crate::Metadata {
                match self {
                    Self::$first(_) => const { &<$first as $crate::Endpoint>::METADATA },
                    $(Self::$e(_) => const { &<$e as $crate::Endpoint>::METADATA },)*
                }
            }
        }
    };
}

impl<T> Routing<T> {
    /// Maps the found route.
    pub fn map_found<U>(self, f: impl FnOnce(T) -> U) -> Routing<U> {
        match self {
            Self::Found(t) => Routing::Found(f(t)),
            Self::MethodNotAllowed(allow) => Routing::MethodNotAllowed(allow),
            Self::NotFound => Routing::NotFound,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::BodyKind;

    const fn meta(method: Method, path: &'static str) -> Metadata {
        Metadata {
            name: "",
            method,
            path,
            aliases: &[],
            body: BodyKind::None,
            description: "",
        }
    }

    #[test]
    fn literal_segments_win_then_the_method() {
        let routes = [
            meta(Method::GET, "/v1/users/{id}"),
            meta(Method::PATCH, "/v1/users/{id}"),
            meta(Method::POST, "/v1/users/import"),
            meta(Method::GET, "/v1/users"),
        ];
        let find = |m: Method, p: &str| route(&routes, |r| r, &m, p).map_found(|r| r.path);
        assert_eq!(
            find(Method::GET, "/v1/users/a"),
            Routing::Found("/v1/users/{id}")
        );
        assert_eq!(
            find(Method::POST, "/v1/users/import"),
            Routing::Found("/v1/users/import")
        );
        // The literal route hides the parameter ones for its path.
        assert_eq!(
            find(Method::GET, "/v1/users/import"),
            Routing::MethodNotAllowed(vec![Method::POST])
        );
        assert_eq!(
            find(Method::DELETE, "/v1/users/a"),
            Routing::MethodNotAllowed(vec![Method::GET, Method::PATCH])
        );
        assert_eq!(find(Method::GET, "/v1/nope"), Routing::NotFound);
    }
}
