#![no_main]
//! NodePass URL parse and normalize: `normalize` (three master settings, both master
//! versions), `InstanceUrl::parse`, `MasterUrl::parse`, `Process::parse`. Never a panic; the
//! stored `url` normalizes to itself (or, when Go cannot parse what it wrote, is its own
//! `config`), and a parsed `InstanceUrl` re-parses from its canonical text to the same value.

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use nodewire_nodepass::url::{
    CertificateFiles, Compat, Environment, InstanceUrl, MasterSettings, MasterUrl, Process,
    normalize_text,
};

static SETTINGS: OnceLock<Vec<MasterSettings>> = OnceLock::new();

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let settings = SETTINGS.get_or_init(|| {
        let mut all = vec![MasterSettings::default()];
        for master in [
            "master://127.0.0.1:9090?log=info&tls=1",
            "master://127.0.0.1:9090?log=debug&tls=2&crt=/m/crt.pem&key=/m/key.pem",
        ] {
            if let Ok(m) = MasterUrl::parse(master) {
                all.push(MasterSettings::from_master(&m, CertificateFiles::Load));
            }
        }
        all
    });
    for s in settings {
        for compat in [Compat::V2_0_0B10, Compat::V1_14_0] {
            if let Ok(stored) = normalize_text(s, text, compat) {
                match normalize_text(s, &stored.url, compat) {
                    Ok(again) => {
                        assert_eq!(again.url, stored.url, "url of {text:?}");
                        assert_eq!(again.config, stored.config, "config of {text:?}");
                    }
                    // Go writes some hosts (a non-ASCII IPv6 zone) in a form its own parser
                    // refuses; the master then keeps the stored `url` as the `config`.
                    Err(_) => assert_eq!(stored.config, stored.url, "config of {text:?}"),
                }
            }
        }
    }
    if let Ok(url) = InstanceUrl::parse(text) {
        let canonical = url.to_string();
        let again = InstanceUrl::parse(&canonical)
            .unwrap_or_else(|e| panic!("canonical {canonical:?} of {text:?} does not parse: {e}"));
        assert_eq!(again, url, "canonical {canonical:?} of {text:?}");
        assert_eq!(again.to_string(), canonical);
    }
    let _ = MasterUrl::parse(text);
    let _ = Process::parse(text, &Environment::default());
});
