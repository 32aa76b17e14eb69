//! The macros that declare the common shapes of a route as an [`Endpoint`](crate::Endpoint):
//! [`get_endpoint!`](crate::get_endpoint), [`body_endpoint!`](crate::body_endpoint),
//! [`path_endpoint!`](crate::path_endpoint) and
//! [`path_body_endpoint!`](crate::path_body_endpoint), over
//! [`route_metadata!`](crate::route_metadata); and [`endpoint_head!`](crate::endpoint_head)
//! for an implementation written by hand.

/// Builds a route's [`Metadata`](crate::Metadata) from the type's name, the method (an
/// associated constant of `http::Method`), the path template, the [`BodyKind`](crate::BodyKind)
/// variant and the description, then, optionally, `aliases [...]`.
///
/// ```
/// const METADATA: nodewire_common::Metadata = nodewire_common::route_metadata!(
///     GetHealth, GET, "/v1/health", None, "Liveness.", aliases ["/health"]
/// );
/// assert_eq!(METADATA.name, "GetHealth");
/// assert_eq!(METADATA.method, http::Method::GET);
/// assert_eq!(METADATA.aliases, &["/health"]);
/// assert_eq!(METADATA.body, nodewire_common::BodyKind::None);
/// ```
#[macro_export]
macro_rules! route_metadata {
    ($name:ident, $method:ident, $path:expr, $body:ident, $description:expr $(, aliases [$($alias:literal),* $(,)?])? $(,)?) => {
        $crate::Metadata {
            name: stringify!($name),
            method: $crate::__private::http::Method::$method,
            path: $path,
            aliases: &[$($($alias),*)?],
            body: $crate::BodyKind::$body,
            description: $description,
        }
    };
}

/// The head of an [`Endpoint`](crate::Endpoint) implementation written by hand, in one call:
/// the protocol, the exchange (`Unary`, or `Streaming` for an event stream or a WebSocket),
/// the request and response types, then the route's [`Metadata`](crate::Metadata) as
/// [`route_metadata!`](crate::route_metadata) takes it. The items the route writes itself
/// (its other facts and hooks) follow it in the `impl` block.
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
/// use nodewire_common::endpoint::{IncomingParts, NoBody};
/// use nodewire_common::{Endpoint, FromRequestError};
///
/// /// `GET /v1/users?limit=`: the first `limit` users.
/// pub struct ListUsers {
///     /// How many.
///     pub limit: u32,
/// }
///
/// impl Endpoint for ListUsers {
///     nodewire_common::endpoint_head!(Demo, Unary, NoBody => Vec<String>,
///         ListUsers, GET, "/v1/users", None, "The first `limit` users.");
///
///     fn query(&self) -> Option<String> {
///         Some(format!("limit={}", self.limit))
///     }
///
///     fn from_parts(parts: IncomingParts<'_, NoBody>) -> Result<Self, FromRequestError> {
///         let limit = parts.query.and_then(|q| q.strip_prefix("limit="));
///         let limit = limit.and_then(|l| l.parse().ok()).unwrap_or(10);
///         Ok(Self { limit })
///     }
/// }
///
/// let request = ListUsers { limit: 3 }.try_into_http_request("http://h").unwrap();
/// assert_eq!(request.uri(), "http://h/v1/users?limit=3");
/// assert_eq!(ListUsers::METADATA.name, "ListUsers");
/// ```
#[macro_export]
macro_rules! endpoint_head {
    ($protocol:ty, $exchange:ident, $req:ty => $resp:ty, $($metadata:tt)*) => {
        type Protocol = $protocol;
        type Exchange = $crate::endpoint::$exchange;
        type Request = $req;
        type Response = $resp;
        const METADATA: $crate::Metadata = $crate::route_metadata!($($metadata)*);
    };
}

/// The description of a route: the given one, else its doc comment.
#[doc(hidden)]
#[macro_export]
macro_rules! __route_description {
    ([$($doc:literal),*]) => {
        concat!($($doc),*)
    };
    ([$($doc:literal),*] $description:expr) => {
        $description
    };
}

/// The optional facts of a route (`SUCCESS`, `HISTORY`, `RESPONSE`, `PARAMETERS`, `PUBLIC`,
/// `SUCCESS_OR_ERROR`) and its `Exchange`: an absent fact keeps the
/// [`Endpoint`](crate::Endpoint) default; a `stream` body makes the route
/// [`Streaming`](crate::endpoint::Streaming), any other [`Unary`](crate::endpoint::Unary).
#[doc(hidden)]
#[macro_export]
macro_rules! __route_facts {
    ([$($success:expr)?] [$($since:literal)?] [$($response:expr)?] [] $($rest:tt)*) => {
        type Exchange = $crate::endpoint::Unary;
        $(const RESPONSE: $crate::ResponseBody = $response;)?
        $crate::__route_facts!(@ [$($success)?] [$($since)?] $($rest)*);
    };
    ([$($success:expr)?] [$($since:literal)?] [] [$stream:expr] $($rest:tt)*) => {
        type Exchange = $crate::endpoint::Streaming;
        const RESPONSE: $crate::ResponseBody = $stream;
        $crate::__route_facts!(@ [$($success)?] [$($since)?] $($rest)*);
    };
    (@ [$($success:expr)?] [$($since:literal)?] [$([$($parameter:expr),*])?] [$($public:literal)?] [$($either:expr)?]) => {
        $(const SUCCESS: &'static [$crate::__private::http::StatusCode] = $success;)?
        $(const SUCCESS_OR_ERROR: &'static [$crate::__private::http::StatusCode] = $either;)?
        $(const HISTORY: $crate::version::VersionHistory =
            $crate::version::VersionHistory::added_in($since);)?
        $(const PARAMETERS: &'static [$crate::endpoint::Parameter] = &[$($parameter),*];)?
        $(
            #[doc = $public]
            const PUBLIC: bool = true;
        )?
    };
}

/// The associated types, metadata and facts of a route declared by the macros above: the
/// protocol, `request => response`, then the metadata as [`route_metadata!`] takes it but with
/// `[docs] [description?]` for the description, then the facts as `__route_facts!` takes them.
#[doc(hidden)]
#[macro_export]
macro_rules! __route_head {
    ($protocol:ty, $req:ty => $resp:ty, $name:ident, $method:ident, $path:literal, $body:ident,
        [$($doc:literal),*] [$($description:expr)?] [$($alias:literal),*]; $($facts:tt)*) => {
        type Protocol = $protocol;
        type Request = $req;
        type Response = $resp;
        const METADATA: $crate::Metadata = $crate::route_metadata!(
            $name, $method, $path, $body,
            $crate::__route_description!([$($doc),*] $($description)?),
            aliases [$($alias),*]
        );
        $crate::__route_facts!($($facts)*);
    };
}

/// The `body` accessor and, with a check, the `validate_outgoing` of a route with a body.
#[doc(hidden)]
#[macro_export]
macro_rules! __route_body {
    ($req:ty; $($validate:ident)?) => {
        fn body(&self) -> Option<&$req> {
            Some(&self.body)
        }

        $(
            fn validate_outgoing(&self) -> Result<(), $crate::InvalidRequest> {
                <Self as $crate::Endpoint>::validate(self)?;
                $validate(&self.body)
            }
        )?
    };
}

/// Declares a `GET` route without parameters or body: a unit struct under the upstream's
/// operation name, documented by the doc comment given, whose response is `$resp`. After the
/// response type come, in this order and each optional, `description "<text>"` (the route's
/// description when it is not the doc comment), `since "<release>"` (the release that
/// added the route) and either `response <ResponseBody>` (a body other than JSON) or
/// `stream <ResponseBody>` (an event stream or a WebSocket: the route is then
/// [`Streaming`](crate::endpoint::Streaming), and implements
/// [`StreamEndpoint`](crate::stream::StreamEndpoint) by hand), then
/// `parameters [<Parameter>, …]` (its [`Endpoint::PARAMETERS`](crate::Endpoint::PARAMETERS):
/// here query parameters, or a typed `{name}` of an alias), `public "<doc>"` (the upstream
/// answers it without the credential: [`Endpoint::PUBLIC`](crate::Endpoint::PUBLIC), with
/// that doc saying why) and `success_or_error <&[StatusCode]>` (statuses whose body may be
/// either: [`Endpoint::SUCCESS_OR_ERROR`](crate::Endpoint::SUCCESS_OR_ERROR)). Every other
/// route is [`Unary`](crate::endpoint::Unary).
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
///     /// `GET /v1/health`: liveness.
///     GetHealth, "/v1/health", ["/health"], serde_json::Value
/// );
/// nodewire_common::get_endpoint!(Demo;
///     /// `GET /docs`: the API's documentation page.
///     GetDocs, "/docs", String, description "The docs.", since "1.2.0",
///     response nodewire_common::ResponseBody::text("text/html"),
///     public "Served before the credential check."
/// );
/// nodewire_common::get_endpoint!(Demo;
///     /// `GET /ready`: `503` with the same body when not ready.
///     GetReady, "/ready", bool, success_or_error &[http::StatusCode::SERVICE_UNAVAILABLE]
/// );
/// nodewire_common::get_endpoint!(Demo;
///     /// `GET /ticks`: a tick count every second, as Server-Sent Events.
///     Ticks, "/ticks", Vec<u64>, stream nodewire_common::ResponseBody::event_stream::<u64>()
/// );
/// use nodewire_common::Endpoint;
/// use nodewire_common::endpoint::Exchange;
/// assert_eq!(GetHealth::METADATA.path, "/v1/health");
/// assert_eq!(GetHealth::METADATA.aliases, &["/health"]);
/// assert_eq!(GetDocs::RESPONSE.media_type(), Some("text/html"));
/// assert!(!<GetDocs as Endpoint>::Exchange::STREAMING);
/// assert!(GetDocs::PUBLIC && !GetHealth::PUBLIC);
/// assert_eq!(GetDocs::METADATA.description, "The docs.");
/// assert_eq!(GetReady::SUCCESS_OR_ERROR, &[http::StatusCode::SERVICE_UNAVAILABLE]);
/// assert!(<Ticks as Endpoint>::Exchange::STREAMING);
/// assert!(Ticks::RESPONSE.is_stream());
/// ```
#[macro_export]
macro_rules! get_endpoint {
    ($protocol:ty; $(#[doc = $doc:literal])* $name:ident, $path:literal, [$($alias:literal),* $(,)?], $resp:ty $(, description $description:expr)? $(, since $since:literal)? $(, response $response:expr)? $(, stream $stream:expr)? $(, parameters [$($parameter:expr),* $(,)?])? $(, public $public:literal)? $(, success_or_error $either:expr)? $(,)?) => {
        $(#[doc = $doc])*
        #[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
        pub struct $name;

        impl $crate::Endpoint for $name {
            $crate::__route_head!($protocol, $crate::endpoint::NoBody => $resp,
                $name, GET, $path, None, [$($doc),*] [$($description)?] [$($alias),*];
                [] [$($since)?] [$($response)?] [$($stream)?]
                [$([$($parameter),*])?] [$($public)?] [$($either)?]);

            fn from_parts(
                _: $crate::endpoint::IncomingParts<'_, $crate::endpoint::NoBody>,
            ) -> Result<Self, $crate::FromRequestError> {
                Ok(Self)
            }
        }
    };
    ($protocol:ty; $(#[doc = $doc:literal])* $name:ident, $path:literal, $resp:ty $(, $($rest:tt)*)?) => {
        $crate::get_endpoint!($protocol; $(#[doc = $doc])* $name, $path, [], $resp $(, $($rest)*)?);
    };
}

/// Declares a route with a required JSON body and no path parameters: a struct `$name` with
/// the public field `body` and `$name::new(body)`, documented by the doc comment given (also
/// the route's description unless `description "<text>"` follows the response type), sent with
/// the method given (`POST`, `PUT`, …). After the response type (and that description) come,
/// in this order and each optional, `success <&[StatusCode]>` (the
/// success statuses, `200` when absent), `since "<release>"`, `response <ResponseBody>` or
/// `stream <ResponseBody>`, `parameters [<Parameter>, …]`, `public "<doc>"` (as in
/// [`get_endpoint!`](crate::get_endpoint)) and `validate <fn>`: a function `fn(&Req) -> Result<(), InvalidRequest>` that
/// [`Endpoint::validate_outgoing`](crate::Endpoint::validate_outgoing) runs after
/// [`Endpoint::validate`](crate::Endpoint::validate).
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
/// fn named(body: &serde_json::Value) -> Result<(), nodewire_common::InvalidRequest> {
///     match body.get("name") {
///         Some(_) => Ok(()),
///         None => Err(nodewire_common::InvalidRequest::body(".name", "required")),
///     }
/// }
/// nodewire_common::body_endpoint!(Demo;
///     /// `POST /v1/users`: create a user.
///     CreateUser, POST, "/v1/users", serde_json::Value, serde_json::Value,
///     success &[http::StatusCode::CREATED], since "1.1.0", validate named
/// );
/// use nodewire_common::Endpoint;
/// assert_eq!(CreateUser::METADATA.body, nodewire_common::BodyKind::Required);
/// assert_eq!(CreateUser::SUCCESS, &[http::StatusCode::CREATED]);
/// let call = CreateUser::new(serde_json::json!({ "name": "ada" }));
/// let request = call.try_into_http_request("http://h").unwrap();
/// assert_eq!(request.body().as_ref(), br#"{"name":"ada"}"#);
/// assert!(CreateUser::new(serde_json::json!({})).try_into_http_request("http://h").is_err());
/// ```
#[macro_export]
macro_rules! body_endpoint {
    ($protocol:ty; $(#[doc = $doc:literal])* $name:ident, $method:ident, $path:literal, $req:ty, $resp:ty $(, description $description:expr)? $(, success $success:expr)? $(, since $since:literal)? $(, response $response:expr)? $(, stream $stream:expr)? $(, parameters [$($parameter:expr),* $(,)?])? $(, public $public:literal)? $(, validate $validate:ident)? $(,)?) => {
        $(#[doc = $doc])*
        #[derive(Debug, Clone, PartialEq)]
        pub struct $name {
            /// The body.
            pub body: $req,
        }

        impl $name {
            /// The call with `body`.
            pub fn new(body: $req) -> Self {
                Self { body }
            }
        }

        impl $crate::Endpoint for $name {
            $crate::__route_head!($protocol, $req => $resp,
                $name, $method, $path, Required, [$($doc),*] [$($description)?] [];
                [$($success)?] [$($since)?] [$($response)?] [$($stream)?]
                [$([$($parameter),*])?] [$($public)?] []);
            $crate::__route_body!($req; $($validate)?);

            fn from_parts(
                parts: $crate::endpoint::IncomingParts<'_, $req>,
            ) -> Result<Self, $crate::FromRequestError> {
                Ok(Self { body: $crate::endpoint::require_body(parts.body)? })
            }
        }
    };
}

/// Declares a route with one path parameter and no body: a struct `$name` (`Eq`, like its
/// parameter) whose one public field holds the parameter, documented by the doc comment given,
/// and its constructor `new(field: impl Into<Type>)`.
/// The field is written `<attributes> name: Type = parse` or `… = parse(args…)`: the server
/// side reads it with `parse(&parts, args…)` (`parts` being the
/// [`IncomingParts`](crate::endpoint::IncomingParts)), the client side sends
/// `field.as_str()`. After the response type come, in this order and each optional,
/// `description "<text>"` (the route's description when it is not the doc comment),
/// `success <&[StatusCode]>`, `since "<release>"`, `response <ResponseBody>` or
/// `stream <ResponseBody>`, `parameters [<Parameter>, …]` (the typed parameter, as in
/// [`get_endpoint!`](crate::get_endpoint); a `{name}` not declared is a string) and
/// `public "<doc>"`.
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
/// use nodewire_common::endpoint::IncomingParts;
/// fn param(
///     parts: &IncomingParts<'_, impl Sized>,
///     name: &'static str,
/// ) -> Result<String, nodewire_common::FromRequestError> {
///     Ok(parts.params.require(name)?.to_owned())
/// }
/// nodewire_common::path_endpoint!(Demo;
///     /// `DELETE /v1/users/{id}`: remove a user (`204`).
///     DeleteUser, DELETE, "/v1/users/{id}",
///     /// The user id.
///     id: String = param("id"), (),
///     description "Remove a user.",
///     success &[http::StatusCode::NO_CONTENT], response nodewire_common::ResponseBody::Empty,
///     parameters [nodewire_common::endpoint::Parameter::path::<String>("id", "The user id.")]
/// );
/// use nodewire_common::Endpoint;
/// assert_eq!(DeleteUser::PARAMETERS[0].name, "id");
/// let call = DeleteUser::new("vip/1".to_owned());
/// let request = call.try_into_http_request("http://h").unwrap();
/// assert_eq!(request.uri(), "http://h/v1/users/vip%2F1");
/// assert_eq!(request.method(), http::Method::DELETE);
/// assert_eq!(DeleteUser::METADATA.description, "Remove a user.");
/// ```
#[macro_export]
macro_rules! path_endpoint {
    ($protocol:ty; $(#[doc = $doc:literal])* $name:ident, $method:ident, $path:literal, $(#[$fattr:meta])* $field:ident: $fty:ty = $parse:ident $(($($arg:expr),* $(,)?))?, $resp:ty $(, description $description:expr)? $(, success $success:expr)? $(, since $since:literal)? $(, response $response:expr)? $(, stream $stream:expr)? $(, parameters [$($parameter:expr),* $(,)?])? $(, public $public:literal)? $(,)?) => {
        $(#[doc = $doc])*
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub struct $name {
            $(#[$fattr])*
            pub $field: $fty,
        }

        impl $name {
            #[doc = concat!("The call for `", stringify!($field), "`.")]
            pub fn new($field: impl Into<$fty>) -> Self {
                Self { $field: $field.into() }
            }
        }

        impl $crate::Endpoint for $name {
            $crate::__route_head!($protocol, $crate::endpoint::NoBody => $resp,
                $name, $method, $path, None, [$($doc),*] [$($description)?] [];
                [$($success)?] [$($since)?] [$($response)?] [$($stream)?]
                [$([$($parameter),*])?] [$($public)?] []);

            fn path_params(&self) -> Vec<&str> {
                vec![self.$field.as_str()]
            }

            fn from_parts(
                parts: $crate::endpoint::IncomingParts<'_, $crate::endpoint::NoBody>,
            ) -> Result<Self, $crate::FromRequestError> {
                Ok(Self { $field: $parse(&parts $($(, $arg)*)?)? })
            }
        }
    };
}

/// Declares a route with one path parameter and a required JSON body: as
/// [`path_endpoint!`](crate::path_endpoint) (the parameter, then the request and response
/// types, and the same options), plus the public field `body`, as in
/// [`body_endpoint!`](crate::body_endpoint) (with its optional `validate <fn>` last). The
/// struct derives `Debug`, `Clone` and `PartialEq`; its constructor is
/// `new(field: impl Into<Type>, body)`.
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
/// use nodewire_common::endpoint::IncomingParts;
/// fn id(parts: &IncomingParts<'_, impl Sized>) -> Result<String, nodewire_common::FromRequestError> {
///     Ok(parts.params.require("id")?.to_owned())
/// }
/// nodewire_common::path_body_endpoint!(Demo;
///     /// `PATCH /v1/users/{id}`: update a user.
///     PatchUser, PATCH, "/v1/users/{id}",
///     /// The user id.
///     id: String = id, serde_json::Value, serde_json::Value
/// );
/// use nodewire_common::Endpoint;
/// let call = PatchUser::new("ada", serde_json::json!({ "up": 1 }));
/// let request = call.try_into_http_request("http://h").unwrap();
/// assert_eq!(request.uri(), "http://h/v1/users/ada");
/// assert_eq!(request.body().as_ref(), br#"{"up":1}"#);
/// ```
#[macro_export]
macro_rules! path_body_endpoint {
    ($protocol:ty; $(#[doc = $doc:literal])* $name:ident, $method:ident, $path:literal, $(#[$fattr:meta])* $field:ident: $fty:ty = $parse:ident $(($($arg:expr),* $(,)?))?, $req:ty, $resp:ty $(, description $description:expr)? $(, success $success:expr)? $(, since $since:literal)? $(, response $response:expr)? $(, stream $stream:expr)? $(, parameters [$($parameter:expr),* $(,)?])? $(, public $public:literal)? $(, validate $validate:ident)? $(,)?) => {
        $(#[doc = $doc])*
        #[derive(Debug, Clone, PartialEq)]
        pub struct $name {
            $(#[$fattr])*
            pub $field: $fty,
            /// The body.
            pub body: $req,
        }

        impl $name {
            #[doc = concat!("The call for `", stringify!($field), "` with `body`.")]
            pub fn new($field: impl Into<$fty>, body: $req) -> Self {
                Self { $field: $field.into(), body }
            }
        }

        impl $crate::Endpoint for $name {
            $crate::__route_head!($protocol, $req => $resp,
                $name, $method, $path, Required, [$($doc),*] [$($description)?] [];
                [$($success)?] [$($since)?] [$($response)?] [$($stream)?]
                [$([$($parameter),*])?] [$($public)?] []);
            $crate::__route_body!($req; $($validate)?);

            fn path_params(&self) -> Vec<&str> {
                vec![self.$field.as_str()]
            }

            fn from_parts(
                parts: $crate::endpoint::IncomingParts<'_, $req>,
            ) -> Result<Self, $crate::FromRequestError> {
                let $field = $parse(&parts $($(, $arg)*)?)?;
                Ok(Self { $field, body: $crate::endpoint::require_body(parts.body)? })
            }
        }
    };
}

/// Declares a protocol: its unit struct (`Debug`, `Clone`, `Copy`, `Default`) and its
/// [`Protocol`](crate::Protocol) impl. One line gives its name, its success shape and its
/// failure; the response decoding and the success encoding are the functions named (each
/// crate's `envelope::decode` and `envelope::encode`). A function given with leading arguments (`encode = envelope::encode(StatusCode::OK)`) is called with
/// them first. Doc comments before `decode` or `encode` document that method; the items
/// after them (`normalize_path`, `is_route_not_found`) go into the impl as they are.
///
/// ```
/// use http::{HeaderMap, StatusCode};
/// use nodewire_common::{DecodeError, Protocol};
///
/// fn decode<T: serde::de::DeserializeOwned>(
///     _: StatusCode,
///     _: &HeaderMap,
///     body: &[u8],
/// ) -> Result<T, DecodeError> {
///     nodewire_common::error::from_slice(body)
/// }
///
/// fn encode<T: serde::Serialize>(
///     status: StatusCode,
///     success: &T,
/// ) -> Result<http::Response<bytes::Bytes>, serde_json::Error> {
///     let mut response = http::Response::new(serde_json::to_vec(success)?.into());
///     *response.status_mut() = status;
///     Ok(response)
/// }
///
/// nodewire_common::protocol! {
///     /// A demo protocol: bare JSON.
///     pub struct Demo("demo"): Success<T> = T, Failure = DecodeError;
///     decode = decode;
///     /// `200` with the JSON.
///     encode = encode(StatusCode::OK);
///
///     fn normalize_path(path: &str) -> std::borrow::Cow<'_, str> {
///         path.to_ascii_lowercase().into()
///     }
/// }
///
/// let n: u32 = Demo::decode_response(StatusCode::OK, &HeaderMap::new(), b"7").unwrap();
/// assert_eq!((Demo::NAME, n), ("demo", 7));
/// assert_eq!(Demo::encode_response(&n).unwrap().body().as_ref(), b"7");
/// assert_eq!(Demo::normalize_path("/A"), "/a");
/// ```
#[macro_export]
macro_rules! protocol {
    (
        $(#[$meta:meta])*
        $vis:vis struct $name:ident($label:literal): Success<$t:ident> = $success:ty, Failure = $failure:ty;
        $(#[$decode_meta:meta])*
        decode = $($decode:ident)::+ $(($($decode_arg:expr),+))?;
        $(#[$encode_meta:meta])*
        encode = $($encode:ident)::+ $(($($encode_arg:expr),+))?;
        $($item:item)*
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, Default)]
        $vis struct $name;

        impl $crate::Protocol for $name {
            const NAME: &'static str = $label;
            type Success<$t> = $success;
            type Failure = $failure;

            $(#[$decode_meta])*
            fn decode_response<$t: $crate::__private::serde::de::DeserializeOwned>(
                status: $crate::__private::http::StatusCode,
                headers: &$crate::__private::http::HeaderMap,
                body: &[u8],
            ) -> ::core::result::Result<$success, $failure> {
                $($decode)::+($($($decode_arg,)+)? status, headers, body)
            }

            $(#[$encode_meta])*
            fn encode_response<$t: $crate::__private::serde::Serialize>(
                success: &$success,
            ) -> ::core::result::Result<
                $crate::__private::http::Response<$crate::__private::bytes::Bytes>,
                $crate::__private::serde_json::Error,
            > {
                $($encode)::+($($($encode_arg,)+)? success)
            }

            $($item)*
        }
    };
}
