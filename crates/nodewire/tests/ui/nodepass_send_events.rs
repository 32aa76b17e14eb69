// The NodePass master's `/events` is a stream: `send`, which reads one whole answer, refuses it.
// `client.stream(&SubscribeEvents)` is the way.
use nodewire::common::client::Client;
use nodewire::nodepass::endpoints::SubscribeEvents;

fn main() {
    let Ok(client) = Client::new("http://127.0.0.1:9090/api/v1") else { return };
    let _events = client.send(&SubscribeEvents);
}
