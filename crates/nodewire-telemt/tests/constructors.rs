//! Requests and responses built through constructors and setters encode exactly as the
//! server's bodies, so no caller needs a struct literal.

use std::num::NonZeroU64;

use nodewire_telemt::config::{EditableConfig, PatchConfigResponse};
use nodewire_telemt::health::{HealthData, HealthReadyData, NotReadyReason};
use nodewire_telemt::reload::{
    ReloadAccepted, ReloadFailurePolicy, ReloadMode, ReloadPhase, ReloadRequest, ReloadStatus,
};
use nodewire_telemt::security::SecurityWhitelistData;
use nodewire_telemt::stats::{ClassCount, SummaryData};
use nodewire_telemt::users::{
    AdTag, CreateUserRequest, Expiration, PatchUserRequest, RotateSecretRequest, UserInfo,
    UserSecret, Username,
};
use serde_json::Value;

type TestResult = Result<(), Box<dyn std::error::Error>>;

#[path = "../../../tests/wire.rs"]
mod wire;
use wire::same;

#[test]
fn patch_user_setters_send_values_and_nulls() -> TestResult {
    let patch = PatchUserRequest::default()
        .clear_user_ad_tag()
        .max_tcp_conns(0)
        .expiration_rfc3339(Expiration::new("2030-01-02T03:04:05.5Z")?)
        .clear_data_quota_bytes()
        .clear_rate_limit_up_bps()
        .rate_limit_down_bps(0)
        .max_unique_ips(2)
        .clear_enabled();
    same(
        &patch,
        r#"{"user_ad_tag":null,"max_tcp_conns":0,"expiration_rfc3339":"2030-01-02T03:04:05.5Z","data_quota_bytes":null,"rate_limit_up_bps":null,"rate_limit_down_bps":0,"max_unique_ips":2,"enabled":null}"#,
    )?;
    let other = PatchUserRequest::default()
        .secret(UserSecret::new("0123456789abcdef0123456789abcdef")?)
        .user_ad_tag(AdTag::new("0123456789abcdef0123456789abcdef")?)
        .clear_max_tcp_conns()
        .clear_expiration_rfc3339()
        .data_quota_bytes(5)
        .rate_limit_up_bps(1)
        .clear_rate_limit_down_bps()
        .clear_max_unique_ips()
        .enabled(false);
    same(
        &other,
        r#"{"secret":"0123456789abcdef0123456789abcdef","user_ad_tag":"0123456789abcdef0123456789abcdef","max_tcp_conns":null,"expiration_rfc3339":null,"data_quota_bytes":5,"rate_limit_up_bps":1,"rate_limit_down_bps":null,"max_unique_ips":null,"enabled":false}"#,
    )?;
    assert!(PatchUserRequest::default().is_empty());
    assert!(!other.is_empty());
    Ok(())
}

#[test]
fn create_user_and_rotate_secret() -> TestResult {
    let create = CreateUserRequest::new(Username::new("a.b-c_d")?)
        .secret(UserSecret::new("0123456789ABCDEF0123456789abcdef")?)
        .user_ad_tag(AdTag::new("0123456789abcdef0123456789abcdef")?)
        .max_tcp_conns(3)
        .expiration_rfc3339(Expiration::new("2031-06-01T00:00:00+03:00")?)
        .data_quota_bytes(1 << 30)
        .rate_limit_up_bps(NonZeroU64::MIN)
        .rate_limit_down_bps(NonZeroU64::MIN.saturating_add(1))
        .max_unique_ips(0)
        .enabled(true);
    same(
        &create,
        r#"{"username":"a.b-c_d","secret":"0123456789ABCDEF0123456789abcdef","user_ad_tag":"0123456789abcdef0123456789abcdef","max_tcp_conns":3,"expiration_rfc3339":"2031-06-01T00:00:00+03:00","data_quota_bytes":1073741824,"rate_limit_up_bps":1,"rate_limit_down_bps":2,"max_unique_ips":0,"enabled":true}"#,
    )?;
    same(&RotateSecretRequest::default(), "{}")?;
    same(
        &RotateSecretRequest::new(UserSecret::new("00112233445566778899aabbccddeeff")?),
        r#"{"secret":"00112233445566778899aabbccddeeff"}"#,
    )
}

#[test]
fn reload_request_and_answers() -> TestResult {
    same(
        &ReloadRequest::drain(30)?.failure_policy(ReloadFailurePolicy::Rollback),
        r#"{"mode":"drain","timeout_secs":30,"failure_policy":"rollback"}"#,
    )?;
    let accepted = ReloadAccepted::new(
        4,
        5,
        "3e",
        ReloadMode::Instant,
        ReloadFailurePolicy::KeepNew,
    );
    same(
        &accepted,
        r#"{"reload_id":4,"target_generation":5,"config_revision":"3e","state":"accepted","mode":"instant","failure_policy":"keep_new"}"#,
    )?;
    let mut status = ReloadStatus::new(accepted, 1_795_334_730);
    status.state = ReloadPhase::Succeeded;
    status.started_at_epoch_secs = Some(1_795_334_730);
    status.finished_at_epoch_secs = Some(1_795_334_731);
    same(
        &status,
        r#"{"reload_id":4,"target_generation":5,"config_revision":"3e","state":"succeeded","mode":"instant","failure_policy":"keep_new","requested_at_epoch_secs":1795334730,"started_at_epoch_secs":1795334730,"finished_at_epoch_secs":1795334731}"#,
    )?;
    let mut patched = PatchConfigResponse::new("3e");
    patched.changed = vec!["general".to_owned()];
    same(
        &patched,
        r#"{"revision":"3e","restart_required":false,"runtime_reload_required":false,"process_restart_required":false,"deferred_process_fields":[],"changed":["general"]}"#,
    )?;
    let config = EditableConfig::new(serde_json::from_str(r#"{"general":{"ad_tag":"x"}}"#)?);
    assert_eq!(
        config.section("general"),
        Some(&serde_json::json!({"ad_tag": "x"}))
    );
    Ok(())
}

// Filling a default value field by field is how code outside the crate builds a response
// type once new fields may be added to it.
#[allow(clippy::field_reassign_with_default)]
#[test]
fn responses_match_live_answers() -> TestResult {
    same(
        &HealthData::new(false),
        r#"{"status":"ok","read_only":false}"#,
    )?;
    same(
        &HealthReadyData::ready(1, 1),
        r#"{"ready":true,"status":"ready","admission_open":true,"healthy_upstreams":1,"total_upstreams":1}"#,
    )?;
    same(
        &HealthReadyData::not_ready(NotReadyReason::NoHealthyUpstreams, true, 0, 1),
        r#"{"ready":false,"status":"not_ready","reason":"no_healthy_upstreams","admission_open":true,"healthy_upstreams":0,"total_upstreams":1}"#,
    )?;
    same(
        &SecurityWhitelistData::new(1_795_334_725, vec!["127.0.0.0/8".to_owned()]),
        r#"{"generated_at_epoch_secs":1795334725,"enabled":true,"entries_total":1,"entries":["127.0.0.0/8"]}"#,
    )?;
    let mut summary = SummaryData::default();
    summary.uptime_seconds = 3600.5;
    summary.connections_bad_by_class = vec![ClassCount::new("probe", 7)];
    summary.configured_users = 3;
    same(
        &summary,
        r#"{"uptime_seconds":3600.5,"connections_total":0,"connections_bad_total":0,"connections_bad_by_class":[{"class":"probe","total":7}],"handshake_failures_by_class":[],"handshake_timeouts_total":0,"configured_users":3}"#,
    )?;
    // A new user as 3.4.25 reports it: every optional field present as `null`.
    let user: Value = serde_json::to_value(UserInfo::new("a"))?;
    assert_eq!(
        user,
        serde_json::from_str::<Value>(
            r#"{"username":"a","enabled":true,"in_runtime":false,"user_ad_tag":null,"max_tcp_conns":null,"expiration_rfc3339":null,"data_quota_bytes":null,"rate_limit_up_bps":null,"rate_limit_down_bps":null,"max_unique_ips":null,"current_connections":0,"active_unique_ips":0,"active_unique_ips_list":[],"recent_unique_ips":0,"recent_unique_ips_list":[],"total_octets":0,"links":{"classic":[],"secure":[],"tls":[],"tls_domains":[]}}"#
        )?
    );
    Ok(())
}
