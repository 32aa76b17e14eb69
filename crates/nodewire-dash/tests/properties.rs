//! Property tests: decoders and rules never panic on arbitrary input, and what the agent
//! writes reads back unchanged.

use nodewire_common::check::{Target, check};
use nodewire_dash::Timestamp;
use nodewire_dash::update::{RawManifest, UpdateManifest};
use proptest::prelude::*;

proptest! {
    #[test]
    fn go_timestamps_parse_back(secs in 0u64..253_402_300_799, nanos in 0u32..1_000_000_000) {
        let t = Timestamp::from_unix(secs, nanos);
        let parsed = Timestamp::parse(t.as_str());
        prop_assert_eq!(parsed.as_ref().map(Timestamp::as_str), Ok(t.as_str()));
        prop_assert!(!t.as_str().contains(".0Z"));
        let dt = parsed.ok().and_then(|p| p.to_datetime());
        prop_assert_eq!(dt.map(|d| d.timestamp_subsec_nanos()), Some(nanos));
    }

    #[test]
    fn timestamps_never_panic(text in ".{0,40}") {
        let _ = Timestamp::parse(text);
    }

    #[test]
    fn manifests_never_panic(
        id in ".{0,8}",
        version in ".{0,12}",
        url in "(https?|ftp|HTTP)?(://)?[a-z0-9:@\\[\\]%/. ]{0,24}",
        sha256 in "[0-9a-fA-Fg ]{0,70}",
        size in any::<i64>(),
    ) {
        let raw = RawManifest { id, version, url, sha256, size };
        if let Ok(m) = UpdateManifest::try_from(raw.clone()) {
            prop_assert!(m.size() >= 1);
            prop_assert_eq!(RawManifest::from(m), raw);
        }
    }

    #[test]
    fn targets_never_panic(url in "[a-zA-Z]{0,6}:?/{0,3}[a-z0-9.:@\\[\\]%!/?#= ]{0,40}") {
        if let Ok(t) = nodewire_dash::target::Target::parse(&url, false) {
            let _ = (t.metrics_url(), t.static_url(), t.identity_url());
        }
    }

    #[test]
    fn every_route_decoder_survives_any_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..256)) {
        let reg = nodewire_dash::registry();
        for line in ["POST /api/node/metrics", "POST /api/node/static", "POST /api/node/identity"] {
            let _ = check(reg, &Target::Request { line }, &bytes);
            for status in [200u16, 401, 413, 422] {
                let _ = check(reg, &Target::Response { line, status }, &bytes);
            }
        }
    }
}

#[test]
fn every_type_has_a_unique_name_and_a_schema() {
    let types = nodewire_dash::types();
    let mut names: Vec<&str> = types.iter().map(|t| t.name.as_ref()).collect();
    names.sort_unstable();
    let count = names.len();
    names.dedup();
    assert_eq!(names.len(), count, "duplicate type names");
    for required in [
        "NodeReport",
        "Static",
        "UpdateManifest",
        "IdentityResponse",
        "MetricsResponse",
        "IdentityRequest",
        "ErrorBody",
    ] {
        assert!(names.contains(&required), "{required}");
    }
    for (file, text) in nodewire_dash::registry().schema_files() {
        assert!(text.contains("\"$id\""), "{file}");
        assert!(
            serde_json::from_str::<serde_json::Value>(&text).is_ok(),
            "{file}"
        );
    }
}
