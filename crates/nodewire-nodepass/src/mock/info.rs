//! `/info` and `/tcping`.

use bytes::Bytes;
use http::StatusCode;

use super::{MockMaster, Outcome, respond};
use crate::envelope::{error_response, json_response};
use crate::info::MasterInfo;
use crate::url::Compat;

impl MockMaster {
    /// `GET /info`.
    pub(super) fn get_info(&self) -> Outcome {
        respond(StatusCode::OK, &self.info())
    }

    /// `POST /info`: the master alias, which the API-key instance shows too.
    pub(super) fn update_info(&mut self, alias: String) -> Outcome {
        self.config.alias = alias.clone();
        if let Some(key) = self.instances.iter_mut().find(|i| i.is_api_key()) {
            key.alias = alias;
        }
        respond(StatusCode::OK, &self.info())
    }

    /// Builds the `/tcping` answer from the HTTP layer's dial: the latency, or the dial error
    /// text (Go's reads `dial tcp 127.0.0.1:1: connect: connection refused`).
    pub fn tcping_response(
        target: &str,
        result: Result<std::time::Duration, String>,
    ) -> http::Response<Bytes> {
        let value = match result {
            Ok(latency) => crate::tcping::TCPingResult {
                target: target.to_owned(),
                connected: true,
                latency: i64::try_from(latency.as_millis()).unwrap_or(i64::MAX),
                error: None,
            },
            Err(error) => crate::tcping::TCPingResult {
                target: target.to_owned(),
                connected: false,
                latency: 0,
                error: Some(error),
            },
        };
        json_response(StatusCode::OK, &value)
            .unwrap_or_else(|e| error_response(StatusCode::INTERNAL_SERVER_ERROR, &e.to_string()))
    }

    pub(super) fn info(&self) -> MasterInfo {
        MasterInfo {
            alias: self.config.alias.clone(),
            arch: go_arch().to_owned(),
            cpu: -1,
            crt: self.config.settings.crt.clone(),
            diskr: 0,
            diskw: 0,
            key: self.config.settings.key.clone(),
            log: self.config.settings.log.clone(),
            mem_total: 0,
            mem_used: 0,
            // As on a master's very first start (see `MasterInfo::mid`).
            mid: String::new(),
            name: self.config.name.clone(),
            netrx: 0,
            nettx: 0,
            noc: match self.config.compat {
                Compat::V1_14_0 => None,
                _ => std::thread::available_parallelism()
                    .ok()
                    .map(|n| n.get() as u64),
            },
            os: std::env::consts::OS.to_owned(),
            swap_total: 0,
            swap_used: 0,
            sysup: 0,
            tls: self.config.settings.tls.clone(),
            uptime: self.started.elapsed().as_secs(),
            ver: self.config.version.clone(),
        }
    }
}

fn go_arch() -> &'static str {
    match std::env::consts::ARCH {
        "x86_64" => "amd64",
        "x86" => "386",
        "aarch64" => "arm64",
        "powerpc64" => "ppc64",
        "loongarch64" => "loong64",
        other => other,
    }
}
