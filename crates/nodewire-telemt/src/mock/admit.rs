//! The checks before the body: what telemt refuses from the request head alone, in its order.

use std::net::IpAddr;

use bytes::Bytes;
use http::StatusCode;
use nodewire_common::BodyKind;
use nodewire_common::server::{RequestEnum, Routing, text_response};
use nodewire_common::version::VersioningDecision;

use super::{GrayAction, HYPHEN_ALIASES_SINCE, MockTelemt, Outcome};
use crate::server::{ApiFailure, Request, check_authorization};

/// A request [`MockTelemt::admit`] let through: what the body phase needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Admitted {
    reads_body: bool,
}

impl Admitted {
    /// Whether the route reads a body (`POST /v1/users`, `PATCH /v1/users/{u}`,
    /// `…/rotate-secret`, `PATCH /v1/config`, `POST /v1/system/reload`). telemt never reads
    /// the body of any other route, so a server passes those an empty
    /// [`Body::Complete`](super::Body::Complete).
    pub fn reads_body(self) -> bool {
        self.reads_body
    }
}

/// Why a request is refused before its body.
enum Refusal {
    /// The peer is outside the whitelist: `gray_action` decides.
    Gray,
    /// An error envelope.
    Failure(ApiFailure),
}

impl MockTelemt {
    /// Runs, from the request head alone, the checks telemt makes before it reads the body,
    /// in its order: the source-IP whitelist (its `gray_action`), the `Authorization` value,
    /// the configured release's routes, then [`Request::admit`] (username validation, routing
    /// with `405` + `Allow`, read-only mode, the `?reload=` query of `PATCH /v1/config`).
    ///
    /// `Err` is the answer to send (or [`Outcome::Drop`]) without reading the body; it takes a
    /// request id, as every request telemt handles does. `Ok` takes none: pass the request on
    /// to [`handle`](Self::handle), which repeats these pure checks and counts it once.
    ///
    /// ```
    /// use nodewire_common::Secret;
    /// use nodewire_telemt::mock::{MockConfig, MockTelemt, Outcome};
    /// let config = MockConfig { auth_header: Secret::new("Bearer k"), ..MockConfig::default() };
    /// let mut mock = MockTelemt::new(config, &["alice"]);
    /// let (head, _) = http::Request::post("/v1/users").body(())?.into_parts();
    /// let refusal = mock.admit([127, 0, 0, 1].into(), &head).err();
    /// let Some(Outcome::Respond(answer)) = refusal else { return Err("admitted".into()) };
    /// assert_eq!(answer.status(), http::StatusCode::UNAUTHORIZED);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    // The refusal is the answer itself, as `handle` gives it, made once per refused request.
    #[allow(clippy::result_large_err)]
    pub fn admit(
        &mut self,
        peer: IpAddr,
        head: &http::request::Parts,
    ) -> Result<Admitted, Outcome> {
        match self.check_head(peer, head) {
            Ok(admitted) => Ok(admitted),
            Err(refusal) => {
                self.request_id += 1;
                Err(self.refuse(refusal, self.request_id))
            }
        }
    }

    /// [`admit`](Self::admit)'s checks for a request already counted as `request_id`.
    #[allow(clippy::result_large_err)]
    pub(super) fn admit_counted(
        &self,
        peer: IpAddr,
        head: &http::request::Parts,
        request_id: u64,
    ) -> Result<Admitted, Outcome> {
        self.check_head(peer, head)
            .map_err(|refusal| self.refuse(refusal, request_id))
    }

    /// telemt's answer to a request whose body stream broke while it was read (bad chunk
    /// framing, a connection closed mid-body): `400 bad_request` "Invalid request body". It
    /// takes a request id, as the request reached the handler.
    pub fn invalid_body(&mut self) -> http::Response<Bytes> {
        self.request_id += 1;
        ApiFailure::invalid_request_body().into_response(self.request_id)
    }

    /// The checks before the body, in telemt's order.
    fn check_head(&self, peer: IpAddr, head: &http::request::Parts) -> Result<Admitted, Refusal> {
        if !self.whitelisted(peer) {
            return Err(Refusal::Gray);
        }
        check_authorization(&head.headers, &self.config.auth_header).map_err(Refusal::Failure)?;
        self.check_release(head).map_err(Refusal::Failure)?;
        let arm = Request::admit(&head.method, &head.uri, self.config.read_only)
            .map_err(Refusal::Failure)?;
        Ok(Admitted {
            reads_body: arm.metadata.body != BodyKind::None,
        })
    }

    /// The answer to a refusal.
    fn refuse(&self, refusal: Refusal, request_id: u64) -> Outcome {
        match refusal {
            Refusal::Failure(failure) => Outcome::Respond(failure.into_response(request_id)),
            Refusal::Gray => match self.config.gray_action {
                GrayAction::Drop => Outcome::Drop,
                GrayAction::Ok200 => Outcome::Respond(text_response(
                    StatusCode::OK,
                    "text/html; charset=utf-8",
                    Bytes::new(),
                )),
                GrayAction::Api => {
                    Outcome::Respond(ApiFailure::forbidden().into_response(request_id))
                }
            },
        }
    }

    /// `404 Route not found` for a route (or alias) newer than the configured release.
    fn check_release(&self, head: &http::request::Parts) -> Result<(), ApiFailure> {
        let path = crate::normalize_path(head.uri.path());
        let release = &self.config.release;
        if let Routing::Found(arm) = Request::route(&head.method, path) {
            if let VersioningDecision::Unsupported { .. } = arm.history.decision_for(release) {
                return Err(ApiFailure::route_not_found());
            }
            let by_alias =
                nodewire_common::endpoint::match_template(arm.metadata.path, path).is_none();
            if by_alias && *release < super::release(HYPHEN_ALIASES_SINCE) {
                return Err(ApiFailure::route_not_found());
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use http::header;
    use nodewire_common::Secret;

    use super::*;
    use crate::envelope::{ErrorCode, ErrorResponse};
    use crate::mock::{Body, MockConfig};
    use crate::testing::TestResult;

    const LOCAL: IpAddr = IpAddr::V4(std::net::Ipv4Addr::LOCALHOST);
    const REMOTE: IpAddr = IpAddr::V4(std::net::Ipv4Addr::new(192, 0, 2, 7));
    const AUTH: &str = "Bearer k";

    fn mock(config: MockConfig) -> MockTelemt {
        MockTelemt::new(
            MockConfig {
                auth_header: Secret::new(AUTH),
                ..config
            },
            &["alice"],
        )
    }

    fn head(method: &str, uri: &str, auth: bool) -> Result<http::request::Parts, http::Error> {
        let mut request = http::Request::builder().method(method).uri(uri);
        if auth {
            request = request.header(header::AUTHORIZATION, AUTH);
        }
        Ok(request.body(())?.into_parts().0)
    }

    /// The envelope and `Allow` of a refusal.
    struct Refused {
        status: StatusCode,
        body: ErrorResponse,
        allow: Option<String>,
    }

    fn refused(outcome: Result<Admitted, Outcome>) -> Option<Refused> {
        let Err(Outcome::Respond(response)) = outcome else {
            return None;
        };
        Some(Refused {
            status: response.status(),
            allow: response
                .headers()
                .get(header::ALLOW)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned),
            body: serde_json::from_slice(response.body()).ok()?,
        })
    }

    #[test]
    fn refusals_follow_telemts_order_before_the_body() -> TestResult {
        let mut m = mock(MockConfig {
            gray_action: GrayAction::Api,
            ..MockConfig::default()
        });
        // The whitelist comes first, then the Authorization value, then routing.
        let r = refused(m.admit(REMOTE, &head("PUT", "/v1/nope", false)?)).ok_or("admitted")?;
        assert_eq!(r.body.error.code, ErrorCode::Forbidden);
        let r = refused(m.admit(LOCAL, &head("PUT", "/v1/nope", false)?)).ok_or("admitted")?;
        assert_eq!(r.body.error.code, ErrorCode::Unauthorized);
        let r = refused(m.admit(LOCAL, &head("PUT", "/v1/nope", true)?)).ok_or("admitted")?;
        assert_eq!(r.body.error.code, ErrorCode::NotFound);
        // Username validation on /v1/users/{u} comes before the 405.
        let r =
            refused(m.admit(LOCAL, &head("POST", "/v1/users/bad$", true)?)).ok_or("admitted")?;
        assert_eq!(r.status, StatusCode::BAD_REQUEST);
        // PATCH /v1/config checks its query before the body.
        let r =
            refused(m.admit(LOCAL, &head("PATCH", "/v1/config?foo=1", true)?)).ok_or("admitted")?;
        assert_eq!(r.body.error.message, "unknown query parameter: foo");
        // Admitted: whether the route reads a body.
        let admitted = m.admit(LOCAL, &head("POST", "/v1/users", true)?);
        assert_eq!(admitted.ok().map(Admitted::reads_body), Some(true));
        let admitted = m.admit(LOCAL, &head("GET", "/v1/users/alice", true)?);
        assert_eq!(admitted.ok().map(Admitted::reads_body), Some(false));
        Ok(())
    }

    #[test]
    fn read_only_and_release_refuse_before_the_body() -> TestResult {
        let mut m = mock(MockConfig {
            read_only: true,
            release: "3.4.11".parse()?,
            ..MockConfig::default()
        });
        let r = refused(m.admit(LOCAL, &head("POST", "/v1/users", true)?)).ok_or("admitted")?;
        assert_eq!(r.body.error.code, ErrorCode::ReadOnly);
        // On an action route the username comes before read-only mode.
        let r = refused(m.admit(LOCAL, &head("POST", "/v1/users/a$/reset-quota", true)?))
            .ok_or("admitted")?;
        assert_eq!(r.status, StatusCode::BAD_REQUEST);
        // A route newer than the release does not exist.
        let r =
            refused(m.admit(LOCAL, &head("POST", "/v1/system/reload", true)?)).ok_or("admitted")?;
        assert_eq!(r.body.error.message, "Route not found");
        Ok(())
    }

    #[test]
    fn every_405_carries_allow() -> TestResult {
        let mut m = mock(MockConfig::default());
        let methods = [
            "GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "TRACE",
        ];
        let mut seen = 0;
        for arm in Request::ARMS {
            for template in
                std::iter::once(arm.metadata.path).chain(arm.metadata.aliases.iter().copied())
            {
                let path = template.replace("{username}", "alice").replace("{id}", "1");
                for method in methods {
                    let outcome = m.admit(LOCAL, &head(method, &path, true)?);
                    let Some(r) = refused(outcome) else { continue };
                    if r.status != StatusCode::METHOD_NOT_ALLOWED {
                        continue;
                    }
                    seen += 1;
                    assert_eq!(
                        r.body.error.code,
                        ErrorCode::MethodNotAllowed,
                        "{method} {path}"
                    );
                    assert_eq!(
                        r.body.error.message, "Unsupported HTTP method for this route",
                        "{method} {path}"
                    );
                    let allow = r.allow.ok_or(format!("{method} {path}: no Allow"))?;
                    assert!(
                        allow.split(", ").any(|m| m == arm.metadata.method.as_str()),
                        "{method} {path}: Allow {allow}"
                    );
                    assert!(
                        !allow.split(", ").any(|m| m == method),
                        "{method} {path}: {allow}"
                    );
                }
            }
        }
        assert!(seen > 200, "{seen} refusals with 405");
        Ok(())
    }

    #[test]
    fn each_request_takes_one_request_id() -> TestResult {
        let mut m = mock(MockConfig::default());
        let r = refused(m.admit(LOCAL, &head("GET", "/v1/users", false)?)).ok_or("admitted")?;
        assert_eq!(r.body.request_id, 1);
        let get = head("GET", "/v1/users", true)?;
        assert!(m.admit(LOCAL, &get).is_ok());
        assert!(matches!(
            m.handle(LOCAL, &get, Body::Complete(Bytes::new())),
            Outcome::Respond(r) if r.status() == StatusCode::OK
        ));
        let r = refused(m.admit(LOCAL, &head("GET", "/v1/nope", true)?)).ok_or("admitted")?;
        assert_eq!(r.body.request_id, 3);
        let broken: ErrorResponse = serde_json::from_slice(m.invalid_body().body())?;
        assert_eq!(
            (broken.request_id, broken.error.message.as_str()),
            (4, "Invalid request body")
        );
        Ok(())
    }

    #[test]
    fn gray_actions() -> TestResult {
        let mut m = mock(MockConfig::default());
        assert!(matches!(
            m.admit(REMOTE, &head("GET", "/v1/health", true)?),
            Err(Outcome::Drop)
        ));
        let mut m = mock(MockConfig {
            gray_action: GrayAction::Ok200,
            ..MockConfig::default()
        });
        let Err(Outcome::Respond(r)) = m.admit(REMOTE, &head("GET", "/v1/health", true)?) else {
            return Err("not answered".into());
        };
        assert_eq!(r.status(), StatusCode::OK);
        assert_eq!(
            r.headers()[header::CONTENT_TYPE],
            "text/html; charset=utf-8"
        );
        assert!(r.body().is_empty());
        Ok(())
    }

    #[test]
    fn too_large_only_where_a_body_is_read() -> TestResult {
        let mut m = mock(MockConfig::default());
        let post = head("POST", "/v1/users", true)?;
        let Outcome::Respond(r) = m.handle(LOCAL, &post, Body::TooLarge) else {
            return Err("dropped".into());
        };
        let body: ErrorResponse = serde_json::from_slice(r.body())?;
        assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);
        assert_eq!(body.error.message, "Body exceeds 65536 bytes");
        let get = head("GET", "/v1/health", true)?;
        let Outcome::Respond(r) = m.handle(LOCAL, &get, Body::TooLarge) else {
            return Err("dropped".into());
        };
        assert_eq!(r.status(), StatusCode::OK);
        // A bad username is refused before the body, too large or not.
        let patch = head("PATCH", "/v1/users/bad$", true)?;
        let Outcome::Respond(r) = m.handle(LOCAL, &patch, Body::TooLarge) else {
            return Err("dropped".into());
        };
        assert_eq!(r.status(), StatusCode::BAD_REQUEST);
        Ok(())
    }

    #[test]
    fn quoted_input_is_bounded() -> TestResult {
        let mut m = mock(MockConfig::default());
        let key = "k".repeat(10_000);
        let r = refused(m.admit(LOCAL, &head("PATCH", &format!("/v1/config?{key}=1"), true)?))
            .ok_or("admitted")?;
        let message = r.body.error.message;
        assert!(
            message.starts_with("unknown query parameter: kkk"),
            "{message}"
        );
        assert!(message.chars().count() <= 100, "{message}");
        let section = "s".repeat(10_000);
        let patch = head("PATCH", "/v1/config", true)?;
        let body = format!("{{\"{section}\":{{}}}}");
        let Outcome::Respond(r) = m.handle(LOCAL, &patch, Body::Complete(body.into())) else {
            return Err("dropped".into());
        };
        let body: ErrorResponse = serde_json::from_slice(r.body())?;
        assert_eq!(body.error.code, ErrorCode::SectionNotEditable);
        assert!(
            body.error.message.chars().count() <= 100,
            "{}",
            body.error.message
        );
        Ok(())
    }
}
