// A struct literal of telemt's create-user body: refused, because a later telemt release may
// add a field. `CreateUserRequest::new(username).max_tcp_conns(5)` is the way.
use nodewire::common::Patch;
use nodewire::telemt::users::{CreateUserRequest, Username};

fn main() {
    let Ok(username) = Username::new("bob") else { return };
    let base = CreateUserRequest::new(username);
    let _ = CreateUserRequest { max_tcp_conns: Patch::Value(5), ..base };
}
