//! The JavaScript consumer of `schemas/` (tests/frontend): ajv validates every fixture of every
//! crate's manifest against its exported schema, json-schema-to-typescript generates a `.d.ts`
//! per protocol, and `tsc --strict --noEmit` compiles them with a file that uses them on
//! fixtures. Needs Node 20+ and npm; installs the pinned packages with `npm ci` when
//! `tests/frontend/node_modules` is missing.

#[path = "../../../tests/node.rs"]
mod node;

use node::node;

#[test]
fn javascript_consumer_validates_fixtures_and_compiles_types() -> Result<(), String> {
    let dir = node::package("frontend")?;

    let validated = node(&dir, &["validate-fixtures.mjs"], &[])?;
    println!("{validated}");
    assert!(validated.contains(" passed, 0 failed"), "{validated}");

    let generated = node(&dir, &["generate-types.mjs"], &[])?;
    println!("{generated}");
    for protocol in ["core", "nodepass", "kernel", "dash", "telemt"] {
        assert!(
            dir.join("generated")
                .join(format!("{protocol}.d.ts"))
                .is_file(),
            "no {protocol}.d.ts"
        );
    }

    let tsc = dir.join("node_modules/typescript/bin/tsc");
    let tsc = tsc.to_str().ok_or("path")?;
    node(
        &dir,
        &[tsc, "-p", "tsconfig.json", "--strict", "--noEmit"],
        &[],
    )?;
    Ok(())
}
