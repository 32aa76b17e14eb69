//! What the API refuses at compile time, each file in `tests/ui/` one case with the error
//! it must give (its `.stderr`):
//!
//! - Wire types are `#[non_exhaustive]`: code outside nodewire cannot build them with a struct
//!   literal (which would stop compiling the day an upstream release adds a field), only with
//!   their constructors and setters. `<protocol>_<type>.rs` writes a literal of one protocol's
//!   request type and is refused with `E0639`.
//! - A stream route cannot be sent: `Client::send` reads one whole answer, so it takes only
//!   endpoints whose `Exchange` is `Unary`. `nodepass_send_events.rs` sends NodePass's
//!   `/events` and is refused with the message that names `Client::stream`.

#![cfg(all(feature = "full", feature = "client"))]

#[test]
fn what_the_api_refuses_does_not_compile() {
    trybuild::TestCases::new().compile_fail("tests/ui/*.rs");
}
