//! Every one of the 38 routes, both directions: the client-side request converts back into the
//! same endpoint value on the server side, and the mock's answer decodes and re-encodes
//! losslessly through the route's registered decoder.
#![cfg(feature = "mock")]

use std::collections::BTreeSet;

use bytes::Bytes;
use nodewire_common::Endpoint;
use nodewire_common::check::{Target, check};
use nodewire_common::server::RequestEnum;
use nodewire_telemt::config::ConfigPatch;
use nodewire_telemt::endpoints::*;
use nodewire_telemt::mock::{Body, MockConfig, MockTelemt, Outcome};
use nodewire_telemt::reload::ReloadRequest;
use nodewire_telemt::server::Request;
use nodewire_telemt::users::{CreateUserRequest, PatchUserRequest, Username};

type TestResult = Result<(), Box<dyn std::error::Error>>;

fn call<E: Endpoint>(e: &E) -> Result<http::Request<Bytes>, Box<dyn std::error::Error>> {
    Ok(e.try_into_http_request("http://127.0.0.1:9091")?)
}

#[test]
fn every_route_round_trips_through_the_mock() -> TestResult {
    let carol = Username::new("carol")?;
    let dave = Username::new("dave")?;
    let patch: ConfigPatch = serde_json::from_str(r#"{"general":{"log_level":"debug"}}"#)?;
    let requests: Vec<(http::Request<Bytes>, Request)> = vec![
        (call(&GetHealth)?, Request::GetHealth(GetHealth)),
        (
            call(&GetHealthReady)?,
            Request::GetHealthReady(GetHealthReady),
        ),
        (call(&GetSystemInfo)?, Request::GetSystemInfo(GetSystemInfo)),
        (
            call(&GetRuntimeGates)?,
            Request::GetRuntimeGates(GetRuntimeGates),
        ),
        (
            call(&GetRuntimeInitialization)?,
            Request::GetRuntimeInitialization(GetRuntimeInitialization),
        ),
        (
            call(&GetEffectiveLimits)?,
            Request::GetEffectiveLimits(GetEffectiveLimits),
        ),
        (
            call(&GetSecurityPosture)?,
            Request::GetSecurityPosture(GetSecurityPosture),
        ),
        (
            call(&GetSecurityWhitelist)?,
            Request::GetSecurityWhitelist(GetSecurityWhitelist),
        ),
        (
            call(&GetStatsSummary)?,
            Request::GetStatsSummary(GetStatsSummary),
        ),
        (
            call(&GetStatsZeroAll)?,
            Request::GetStatsZeroAll(GetStatsZeroAll),
        ),
        (
            call(&GetStatsUpstreams)?,
            Request::GetStatsUpstreams(GetStatsUpstreams),
        ),
        (
            call(&GetStatsMinimalAll)?,
            Request::GetStatsMinimalAll(GetStatsMinimalAll),
        ),
        (
            call(&GetStatsMeWriters)?,
            Request::GetStatsMeWriters(GetStatsMeWriters),
        ),
        (call(&GetStatsDcs)?, Request::GetStatsDcs(GetStatsDcs)),
        (
            call(&GetRuntimeMePoolState)?,
            Request::GetRuntimeMePoolState(GetRuntimeMePoolState),
        ),
        (
            call(&GetRuntimeMeQuality)?,
            Request::GetRuntimeMeQuality(GetRuntimeMeQuality),
        ),
        (
            call(&GetRuntimeUpstreamQuality)?,
            Request::GetRuntimeUpstreamQuality(GetRuntimeUpstreamQuality),
        ),
        (
            call(&GetRuntimeNatStun)?,
            Request::GetRuntimeNatStun(GetRuntimeNatStun),
        ),
        (
            call(&GetRuntimeMeSelftest)?,
            Request::GetRuntimeMeSelftest(GetRuntimeMeSelftest),
        ),
        (
            call(&GetRuntimeConnectionsSummary)?,
            Request::GetRuntimeConnectionsSummary(GetRuntimeConnectionsSummary),
        ),
        (
            call(&GetRuntimeEventsRecent { limit: Some(5) })?,
            Request::GetRuntimeEventsRecent(GetRuntimeEventsRecent { limit: Some(5) }),
        ),
        (
            call(&GetRuntimeTlsFingerprints::default())?,
            Request::GetRuntimeTlsFingerprints(GetRuntimeTlsFingerprints::default()),
        ),
        (
            call(&GetStatsUsersActiveIps)?,
            Request::GetStatsUsersActiveIps(GetStatsUsersActiveIps),
        ),
        (call(&ListUsers)?, Request::ListUsers(ListUsers)),
        (
            call(&CreateUser::new(
                CreateUserRequest::new(dave.clone()).data_quota_bytes(5),
            ))?,
            Request::CreateUser(CreateUser::new(
                CreateUserRequest::new(dave.clone()).data_quota_bytes(5),
            )),
        ),
        (call(&GetStatsUsers)?, Request::GetStatsUsers(GetStatsUsers)),
        (
            call(&GetStatsUsersQuota)?,
            Request::GetStatsUsersQuota(GetStatsUsersQuota),
        ),
        (
            call(&GetUser::new(carol.clone()))?,
            Request::GetUser(GetUser::new(carol.clone())),
        ),
        (
            call(&PatchUser::new(
                carol.clone(),
                PatchUserRequest::default().clear_max_tcp_conns(),
            ))?,
            Request::PatchUser(PatchUser::new(
                carol.clone(),
                PatchUserRequest::default().clear_max_tcp_conns(),
            )),
        ),
        (
            call(&RotateSecret::new(carol.clone()))?,
            Request::RotateSecret(RotateSecret::new(carol.clone())),
        ),
        (
            call(&EnableUser::new(carol.clone()))?,
            Request::EnableUser(EnableUser::new(carol.clone())),
        ),
        (
            call(&DisableUser::new(carol.clone()))?,
            Request::DisableUser(DisableUser::new(carol.clone())),
        ),
        (
            call(&ResetUserQuota::new(carol.clone()))?,
            Request::ResetUserQuota(ResetUserQuota::new(carol.clone())),
        ),
        (call(&GetConfig)?, Request::GetConfig(GetConfig)),
        (
            call(&PatchConfig::new(patch.clone()).reload(ReloadRequest::drain(5)?))?,
            Request::PatchConfig(PatchConfig::new(patch).reload(ReloadRequest::drain(5)?)),
        ),
        (
            call(&SubmitReload::new(ReloadRequest::instant()))?,
            Request::SubmitReload(SubmitReload::new(ReloadRequest::instant())),
        ),
        (
            call(&GetReloadStatus { reload_id: 1 })?,
            Request::GetReloadStatus(GetReloadStatus { reload_id: 1 }),
        ),
        (
            call(&DeleteUser::new(dave.clone()))?,
            Request::DeleteUser(DeleteUser::new(dave)),
        ),
    ];

    let mut mock = MockTelemt::new(MockConfig::default(), &["alice", "carol"]);
    let mut seen = BTreeSet::new();
    for (http_request, expected) in requests {
        // Server side: the same endpoint value comes back out of the HTTP request.
        let decoded = Request::from_http(&http_request, false)
            .map_err(|f| format!("{}: {f:?}", expected.name()))?;
        assert_eq!(decoded, expected);
        seen.insert(decoded.name());

        // The mock's answer decodes losslessly with the route's own decoder.
        let line = format!("{} {}", http_request.method(), http_request.uri().path());
        let (head, body) = http_request.into_parts();
        let response = match mock.handle("127.0.0.1".parse()?, &head, Body::Complete(body)) {
            Outcome::Respond(r) => r,
            Outcome::Drop => return Err("dropped".into()),
        };
        assert!(
            response.status().is_success(),
            "{line}: {}",
            response.status()
        );
        let outcome = check(
            nodewire_telemt::registry(),
            &Target::Response {
                line: &line,
                status: response.status().as_u16(),
            },
            response.body(),
        )?;
        assert!(outcome.ok, "{line}: {outcome:?}");
        assert!(
            !outcome.type_name.contains("ErrorResponse"),
            "{line}: {outcome:?}"
        );
    }
    let all: BTreeSet<&str> = nodewire_telemt::registry()
        .routes
        .iter()
        .map(|r| r.metadata.name)
        .collect();
    assert_eq!(seen, all);
    assert_eq!(all.len(), 38);
    Ok(())
}

/// Each route says which release added it (found by diffing the release tags); routes as old as
/// 3.4.11, the oldest release covered, say nothing.
#[test]
fn routes_know_their_first_release() {
    use nodewire_common::version::Release;
    // (name, the release the route's `HISTORY` names, the release that added it)
    let later = [
        route::<GetStatsUsersQuota>("3.4.13"),
        route::<GetRuntimeTlsFingerprints>("3.4.14"),
        route::<EnableUser>("3.4.14"),
        route::<DisableUser>("3.4.14"),
        route::<GetConfig>("3.4.16"),
        route::<PatchConfig>("3.4.16"),
        route::<SubmitReload>("3.4.25"),
        route::<GetReloadStatus>("3.4.25"),
    ];
    for (name, added, want) in later {
        assert_eq!(added, Some(want), "{name}");
    }
    let routes = &nodewire_telemt::registry().routes;
    let dated: Vec<_> = routes.iter().filter_map(|r| r.history.added).collect();
    assert_eq!(dated.len(), later.len(), "{dated:?}");
    for added in dated {
        assert!(added.parse::<Release>().is_ok(), "{added}");
    }
}

/// Route `E`'s name, the release its history says added it, and the release expected.
fn route<E: Endpoint>(want: &'static str) -> (&'static str, Option<&'static str>, &'static str) {
    (E::METADATA.name, E::HISTORY.added, want)
}
