//! `Client::call` reads a success and a failure the same way for any protocol: the status,
//! the data and the revision (here from the `ETag`, for a protocol without one in its body),
//! and `ClientError::{status, message}`.
#![cfg(all(feature = "client", feature = "serve"))]

use std::convert::Infallible;

use http::StatusCode;
use nodewire_common::server::{Limits, RequestBody, serve};

mod support;

use support::Demo;

nodewire_common::get_endpoint!(Demo;
    /// `GET /thing`: a list of numbers.
    GetThing, "/thing", Vec<u32>
);
nodewire_common::get_endpoint!(Demo;
    /// `GET /missing`: never there.
    GetMissing, "/missing", Vec<u32>
);

async fn answer(request: http::Request<RequestBody>) -> Result<http::Response<String>, Infallible> {
    let mut response = http::Response::new(String::new());
    if request.uri().path() == "/thing" {
        *response.body_mut() = "[1,2,3]".to_owned();
        response
            .headers_mut()
            .insert(http::header::ETAG, http::HeaderValue::from_static("\"v7\""));
    } else {
        *response.status_mut() = StatusCode::NOT_FOUND;
        *response.body_mut() = "no such thing".to_owned();
    }
    Ok(response)
}

#[tokio::test]
async fn one_answer_shape_and_one_failure_shape() -> Result<(), Box<dyn std::error::Error>> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}", listener.local_addr()?);
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(serve(
        listener,
        Limits::default(),
        tower::service_fn(answer),
        async {
            let _ = stopped.await;
        },
    ));
    let client = nodewire_common::client::Client::new(url)?;

    let answered = client.call(&GetThing).await?;
    assert_eq!(answered.status, StatusCode::OK);
    assert_eq!(answered.data, [1, 2, 3]);
    assert_eq!(answered.revision(), Some("\"v7\""));

    match client.call(&GetMissing).await {
        Err(e) => {
            assert_eq!(e.message().as_deref(), Some("404 Not Found: no such thing"));
            assert!(e.api().is_some());
        }
        Ok(other) => panic!("{other:?}"),
    }
    let _ = stop.send(());
    server.await??;
    Ok(())
}
