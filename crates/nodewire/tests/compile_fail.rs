//! Wire types are `#[non_exhaustive]`: code outside nodewire cannot build them with a struct
//! literal (which would stop compiling the day an upstream release adds a field), only with
//! their constructors and setters. Each file in `tests/ui/` writes a literal of one protocol's
//! request type and must be refused with `E0639`.

#![cfg(feature = "full")]

#[test]
fn struct_literals_of_wire_types_are_refused() {
    trybuild::TestCases::new().compile_fail("tests/ui/*.rs");
}
