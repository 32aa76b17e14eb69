//! Core's registry and the particular cases of its captures. That every capture in
//! `tests/fixtures/manifest.json` behaves as its entry says is checked for the five crates at
//! once by the facade's `tests/fixtures.rs`.

use serde_json::Value;

#[test]
fn every_wire_type_is_registered_with_a_schema() {
    let registry = nodewire_core::registry();
    assert_eq!(registry.protocol, "core");
    assert_eq!(registry.routes.len(), 8);
    for name in [
        "RegisterNodeDto",
        "RegisterNodeResponse",
        "NodeHeartbeatDto",
        "HeartbeatResponse",
        "NodeUsageDto",
        "UsageEntryDto",
        "NodeOutboundUsageDto",
        "OutboundUsageItem",
        "SessionEventsDto",
        "SessionEventEntryDto",
        "VpnProtocol",
        "SessionEventType",
        "NodeConfig",
        "NodeConfigAppliedDto",
        "NodeErrorDto",
        "OkResponse",
        "ErrorResponse",
    ] {
        assert!(registry.find_type(name).is_some(), "{name}");
    }
    let files = registry.schema_files();
    assert_eq!(files.len(), registry.types.len());
    for (file, text) in files {
        let schema: Value = serde_json::from_str(&text).unwrap_or_default();
        assert_eq!(
            schema["$id"],
            format!("https://github.com/nodewire/nodewire/schemas/core/{file}")
        );
    }
}

/// Found by the `core` fuzz target: a number too large for `u64` inside an opaque JSON object
/// is kept as the nearest `f64`, and that float must survive encode → decode unchanged
/// (serde_json's `float_roundtrip` parser; the default one may be off by one unit).
#[test]
fn opaque_objects_keep_large_numbers_through_a_round_trip() -> Result<(), Box<dyn std::error::Error>>
{
    use nodewire_core::config::MtProtoServiceConfig;
    let body = format!(r#"{{"byteDown":5126{}}}"#, "6".repeat(102));
    let first: MtProtoServiceConfig = serde_json::from_str(&body)?;
    let again: MtProtoServiceConfig = serde_json::from_str(&serde_json::to_string(&first)?)?;
    assert_eq!(first, again);
    let value = serde_json::to_value(&again)?;
    assert_eq!(value["byteDown"].as_f64(), Some(5.126666666666666e105));
    Ok(())
}
