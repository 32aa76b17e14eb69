// A struct literal of Nexuma Core's heartbeat body: refused.
// `NodeHeartbeatDto::default().revision(3)` is the way.
use nodewire::nexuma::heartbeat::NodeHeartbeatDto;

fn main() {
    let _ = NodeHeartbeatDto { revision: Some(3), ..Default::default() };
}
