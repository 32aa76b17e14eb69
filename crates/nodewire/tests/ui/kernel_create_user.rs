// A struct literal of the kernel's create-user body: refused.
// `UserCreateRequest::new(id, username, password).tags(["vip"])` is the way.
use nodewire::kernel::users::UserCreateRequest;

fn main() {
    let base = UserCreateRequest::new("vip-001", "bob", "pw");
    let _ = UserCreateRequest { tags: Some(vec!["vip".to_owned()]), ..base };
}
