//! Every telemt capture in `tests/fixtures/manifest.json` (real payloads from a telemt 3.4.25
//! server) decodes and re-encodes losslessly, or is refused with an error naming the field, as
//! its entry says.

use std::path::PathBuf;

use nodewire_common::check::verify_manifest;

fn fixtures_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

#[test]
fn every_capture_behaves_as_the_manifest_says() -> Result<(), Box<dyn std::error::Error>> {
    verify_manifest(nodewire_telemt::registry(), &fixtures_dir(), 100)?;
    Ok(())
}

fn versions_dir() -> PathBuf {
    fixtures_dir().join("versions")
}

/// Answers captured from real telemt 3.4.11 and 3.4.19 builds (`tests/fixtures/versions/`):
/// every one decodes and re-encodes losslessly with the 3.4.25 model.
#[test]
fn older_releases_decode_losslessly() -> Result<(), Box<dyn std::error::Error>> {
    verify_manifest(nodewire_telemt::registry(), &versions_dir(), 60)?;
    Ok(())
}

/// No user field that 3.4.11 lacks is required: its answers carry no `enabled` and no rate
/// limits, and re-encoding them adds neither.
#[test]
fn fields_newer_than_3_4_11_are_optional() -> Result<(), Box<dyn std::error::Error>> {
    use nodewire_telemt::Success;
    use nodewire_telemt::users::UserInfo;
    let bytes = std::fs::read(versions_dir().join("3.4.11/GET_v1_users.200.response.json"))?;
    let users: Success<Vec<UserInfo>> =
        nodewire_telemt::envelope::decode(http::StatusCode::OK, &http::HeaderMap::new(), &bytes)?;
    let user = users.data.first().ok_or("no user")?;
    assert_eq!(user.enabled, None);
    assert!(user.rate_limit_up_bps.is_absent() && user.rate_limit_down_bps.is_absent());
    let encoded = serde_json::to_value(user)?;
    for newer in ["enabled", "rate_limit_up_bps", "rate_limit_down_bps"] {
        assert!(encoded.get(newer).is_none(), "{newer} appeared: {encoded}");
    }

    // 3.4.19 sends them; they keep their values.
    let bytes = std::fs::read(versions_dir().join("3.4.19/GET_v1_users.200.response.json"))?;
    let users: Success<Vec<UserInfo>> =
        nodewire_telemt::envelope::decode(http::StatusCode::OK, &http::HeaderMap::new(), &bytes)?;
    let user = users.data.first().ok_or("no user")?;
    assert_eq!(user.enabled, Some(true));
    assert!(!user.rate_limit_up_bps.is_absent());
    Ok(())
}
