//! Receiving a callback as the panel does, in two phases: [`Webhook::admit`] decides what the
//! request head alone decides, before a byte of the body is read; [`Webhook::receive`] runs
//! every check on the whole request.

use std::net::IpAddr;
use std::time::SystemTime;

use bytes::Bytes;
use http::{HeaderMap, Method, StatusCode, header};
use nodewire_common::{Endpoint, FromRequestError, Metadata};

use super::guard::Admission;
use super::{
    PostKernelEvent, PostKernelServiceEvent, PostKernelTraffic, Webhook, WebhookConfig,
    WebhookFailure,
};

/// One webhook route: its metadata, the first key of its Go struct (what go-zero reports
/// missing when it does not read the body, contract §7.2), and its decoder.
type WebhookRoute = (
    Metadata,
    &'static str,
    fn(&http::Request<Bytes>) -> Result<Webhook, FromRequestError>,
);

static WEBHOOK_ROUTES: [WebhookRoute; 3] = [
    (PostKernelEvent::METADATA, "event", |r| {
        PostKernelEvent::try_from_http_request(r).map(Webhook::NodeEvent)
    }),
    (PostKernelTraffic::METADATA, "records", |r| {
        PostKernelTraffic::try_from_http_request(r).map(Webhook::Traffic)
    }),
    (PostKernelServiceEvent::METADATA, "event", |r| {
        PostKernelServiceEvent::try_from_http_request(r).map(Webhook::ServiceEvent)
    }),
];

/// go-zero's router: the route of `path`, 404 for another path, 405 (with `Allow: POST`)
/// for another method.
fn route_of(method: &Method, path: &str) -> Result<&'static WebhookRoute, WebhookFailure> {
    let Some(route) = WEBHOOK_ROUTES
        .iter()
        .find(|(m, _, _)| m.match_path(path).is_some())
    else {
        return Err(WebhookFailure::new(StatusCode::NOT_FOUND, "not found"));
    };
    if route.0.method != method {
        return Err(WebhookFailure::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "method not allowed",
        ));
    }
    Ok(route)
}

/// Whether `Content-Type` labels the body JSON, as go-zero's `withJsonBody` decides it
/// (`rest/httpx/requests.go`, contract §7.2: `strings.Contains(Content-Type,
/// "application/json")`, case-sensitive), with one difference: only the media type, the text
/// before the first `;`, is searched. go-zero searches the parameters too, so it parses
/// `text/plain; x=application/json`, a type a browser sends cross-site without asking first
/// (a CORS "simple" request): a forged callback. Here that type is refused as go-zero refuses
/// `text/plain`.
fn labelled_json(headers: &HeaderMap) -> bool {
    headers.get(header::CONTENT_TYPE).is_some_and(|value| {
        let text = String::from_utf8_lossy(value.as_bytes());
        text.split(';')
            .next()
            .is_some_and(|media_type| media_type.contains("application/json"))
    })
}

/// go-zero's answer to a body it does not parse: every field of the Go struct is missing, so
/// it names the first (400 `invalid request: field "event" is not set`).
fn not_parsed(first_field: &str) -> WebhookFailure {
    WebhookFailure::new(
        StatusCode::BAD_REQUEST,
        format!("invalid request: field \"{first_field}\" is not set"),
    )
}

/// The guard's rules the head decides (403, 401), then go-zero's Content-Type rule (400),
/// unless a signature still has to be checked against the body: the panel checks the
/// signature first, so the Content-Type rule waits for it then.
fn guard_head(
    route: &WebhookRoute,
    headers: &HeaderMap,
    peer: Option<IpAddr>,
    config: &WebhookConfig,
    now: SystemTime,
) -> Result<Admission, WebhookFailure> {
    let admission = config.admit(headers, peer, now)?;
    if admission == Admission::Passed && !labelled_json(headers) {
        return Err(not_parsed(route.1));
    }
    Ok(admission)
}

impl Webhook {
    /// Decodes a callback with only the shared-token check (no address or signature rules):
    /// [`receive`](Self::receive) with [`WebhookConfig::with_token`].
    pub fn from_http(
        request: &http::Request<Bytes>,
        token: Option<&nodewire_common::Secret>,
    ) -> Result<Self, WebhookFailure> {
        Self::receive(
            request,
            None,
            &WebhookConfig::with_token(token.cloned()),
            SystemTime::now(),
        )
    }

    /// The checks the request head decides, in the panel's order, so that a callback
    /// refused by them is refused before its body is read:
    ///
    /// 1. the route: 404 for another path, 405 with `Allow: POST` for another method
    ///    (go-zero's router);
    /// 2. a declared `Content-Length` over `body_limit`: 413 without a body (go-zero's
    ///    `MaxBytesHandler`, [`payload_too_large`]);
    /// 3. the guard of `config` as far as it needs no body: the address (403), then the
    ///    signature header's form and timestamp, or the shared token (401)
    ///    ([`guard`](super::guard); `peer` is the TCP peer address, used when
    ///    `X-Forwarded-For` has no address; `now` is the clock signatures are compared with);
    /// 4. go-zero's Content-Type rule (400 `invalid request: field "event" is not set` when
    ///    the body is not labelled `application/json`), unless a signature decides: the panel
    ///    checks it first, and its HMAC needs the body.
    ///
    /// Then read the body (413 past the limit, [`unreadable_body`] when its framing is
    /// broken) and call [`receive`](Self::receive), which runs these checks again (they are
    /// pure) and then the rest: the signature's HMAC, the Content-Type rule, the body.
    ///
    /// ```
    /// use std::time::SystemTime;
    /// use nodewire_kernel::webhooks::{Webhook, WebhookConfig};
    /// let config = WebhookConfig::with_token(Some("t0ken".into()));
    /// let (head, _) = http::Request::post("/api/v1/kernel/traffic")
    ///     .header("content-type", "text/plain; x=application/json")
    ///     .header("x-znp-webhook-token", "t0ken")
    ///     .body(())
    ///     .unwrap()
    ///     .into_parts();
    /// let refused = Webhook::admit(&head, None, &config, 1 << 20, SystemTime::now()).unwrap_err();
    /// assert_eq!(refused.status, 400);
    /// assert_eq!(refused.message, "invalid request: field \"records\" is not set");
    /// ```
    pub fn admit(
        head: &http::request::Parts,
        peer: Option<IpAddr>,
        config: &WebhookConfig,
        body_limit: usize,
        now: SystemTime,
    ) -> Result<(), WebhookFailure> {
        let route = route_of(&head.method, head.uri.path())?;
        let limit = u64::try_from(body_limit).unwrap_or(u64::MAX);
        if nodewire_common::server::declared_length(head).is_some_and(|n| n > limit) {
            return Err(payload_too_large());
        }
        guard_head(route, &head.headers, peer, config, now).map(|_| ())
    }

    /// Receives a whole callback in the panel's order: the checks of [`admit`](Self::admit)
    /// but the body limit (the caller's), then the signature's HMAC when a signature decides
    /// (401), then go-zero's Content-Type rule (400 also for an empty body), then the body
    /// (400 `invalid request: …`, naming the field and quoting at most a short piece of the
    /// input).
    pub fn receive(
        request: &http::Request<Bytes>,
        peer: Option<IpAddr>,
        config: &WebhookConfig,
        now: SystemTime,
    ) -> Result<Self, WebhookFailure> {
        let route = route_of(request.method(), request.uri().path())?;
        let (_, first_field, decode) = route;
        let admission = guard_head(route, request.headers(), peer, config, now)?;
        if admission == Admission::SignaturePending {
            config.verify_body(request.headers(), request.body())?;
        }
        if request.body().is_empty() || !labelled_json(request.headers()) {
            return Err(not_parsed(first_field));
        }
        decode(request).map_err(|e| {
            WebhookFailure::new(
                StatusCode::BAD_REQUEST,
                format!(
                    "invalid request: {}",
                    crate::server::input_error(&e.to_string())
                ),
            )
        })
    }
}

/// go-zero's `413` for a body over the limit (`rest/handler/maxbyteshandler.go`): no body.
pub fn payload_too_large() -> WebhookFailure {
    WebhookFailure::new(StatusCode::PAYLOAD_TOO_LARGE, "request entity too large")
}

/// The panel's `400` for a body it cannot read (broken framing, a connection closed
/// mid-body): `{"message":"invalid webhook payload"}` (`webhookmiddleware.go:63-69`).
pub fn unreadable_body() -> WebhookFailure {
    WebhookFailure::new(StatusCode::BAD_REQUEST, "invalid webhook payload")
}
