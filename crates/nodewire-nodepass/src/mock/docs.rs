//! `/openapi.json` and `/docs` (no key needed, any method).

use http::StatusCode;
use nodewire_common::server::text_response;

use super::{MockMaster, Outcome};
use crate::envelope::set_cors_headers;

impl MockMaster {
    /// `/openapi.json`: the master's API document, with this master's API base.
    pub(super) fn openapi(&self) -> Outcome {
        let spec = include_str!("openapi.json").replacen(
            "{\"url\": \"/api/v1\"}",
            &format!(
                "{{\"url\": {}}}",
                serde_json::to_string(&self.config.api_base).unwrap_or_default()
            ),
            1,
        );
        let mut r = text_response(StatusCode::OK, "application/json", spec);
        set_cors_headers(r.headers_mut());
        Outcome::Respond(r)
    }

    /// `/docs`: a short page of the mock's own that links the API document.
    pub(super) fn docs(&self) -> Outcome {
        let page = format!(
            "<!DOCTYPE html>\n<html><head><title>NodePass API (mock)</title></head><body>\
             <p>The API document is at <a href=\"{0}/openapi.json\">{0}/openapi.json</a>.</p>\
             </body></html>\n",
            self.config.api_base
        );
        let mut r = text_response(StatusCode::OK, "text/html", page);
        set_cors_headers(r.headers_mut());
        Outcome::Respond(r)
    }
}
