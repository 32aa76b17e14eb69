#![no_main]
//! Dash update manifests: a metrics response decoded, its manifest validated in the agent's
//! order, a round of manifests planned, the download request built. Never a panic; a valid
//! manifest re-validates from its own wire form to the same value.

use libfuzzer_sys::fuzz_target;
use nodewire_common::Secret;
use nodewire_dash::update::{MetricsResponse, RawManifest, UpdateManifest, UpdatePlan};

fuzz_target!(|data: &[u8]| {
    let Ok(response) = serde_json::from_slice::<MetricsResponse>(data) else {
        return;
    };
    let wire = serde_json::to_vec(&response).expect("a MetricsResponse encodes");
    let again: MetricsResponse =
        serde_json::from_slice(&wire).expect("a MetricsResponse re-encoding decodes");
    assert_eq!(again, response, "MetricsResponse is not a fixed point");
    let Some(raw) = response.update else {
        return;
    };
    let mut plan = UpdatePlan::default();
    let secret = Secret::new(" key ");
    plan.add("1.0.0", Some(&raw), &secret);
    plan.add(&raw.version, Some(&raw), &secret);
    let _ = plan.decide();
    if let Ok(manifest) = UpdateManifest::try_from(raw.clone()) {
        let back = RawManifest::from(manifest.clone());
        let again = UpdateManifest::try_from(back.clone())
            .unwrap_or_else(|e| panic!("{back:?} of a valid manifest is invalid: {e}"));
        assert_eq!(again, manifest);
        let wire = serde_json::to_vec(&manifest).expect("a manifest encodes");
        let decoded: UpdateManifest =
            serde_json::from_slice(&wire).expect("a valid manifest's wire form validates");
        assert_eq!(decoded, manifest);
        let _ = manifest.verifier();
        let _ = manifest.download_request(&secret);
    }
});
