//! What `open_enum!` refuses at compile time, each file in `tests/ui/open_enum/` one case
//! with the error it must give (its `.stderr`):
//!
//! - `no_label.rs`: a variant with no written label in an enum without `rename_all`;
//! - `redundant_label.rs`: a written label that the enum's `rename_all` rule already gives;
//! - `unknown_rule.rs`: a `rename_all` rule serde does not have (nor `dot.case`);
//! - `duplicate_label.rs`: a written label that a derived one already uses;
//! - `other_attribute.rs`: a serde attribute on a variant (labels are the macro's job).

#[test]
fn what_open_enum_refuses_does_not_compile() {
    trybuild::TestCases::new().compile_fail("tests/ui/open_enum/*.rs");
}
