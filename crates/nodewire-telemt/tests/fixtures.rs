//! What is particular to the telemt captures in `tests/fixtures/` (real payloads from a
//! telemt 3.4.25 server, and from 3.4.11 and 3.4.19 builds in `versions/`). That every capture
//! behaves as its entry says is checked for the five crates at once by the facade's
//! `tests/fixtures.rs`.

use std::path::PathBuf;

fn fixtures_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn versions_dir() -> PathBuf {
    fixtures_dir().join("versions")
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
