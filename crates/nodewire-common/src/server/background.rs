//! [`Background`]: a server on its own tokio task, stopped gracefully on request or when
//! dropped.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use tokio::sync::oneshot;
use tokio::task::{JoinError, JoinHandle};

/// A server running on its own tokio task.
///
/// [`spawn`](Self::spawn) hands the server a [`Shutdown`] future;
/// [`stop`](Self::stop) resolves it and waits for the server to finish, and dropping the
/// handle resolves it without waiting. Tests and example binaries use it to run a mock, a
/// receiver or a whole node in the background and stop it by themselves.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// use nodewire_common::server::{Background, Limits, RequestBody, serve};
///
/// let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
/// let service = tower::service_fn(|_: http::Request<RequestBody>| async {
///     Ok::<_, std::convert::Infallible>(http::Response::new(String::from("ok")))
/// });
/// let server = Background::spawn(|shutdown| serve(listener, Limits::default(), service, shutdown));
/// server.stop().await
/// # }
/// ```
#[derive(Debug)]
pub struct Background<E = std::io::Error> {
    stop: Option<oneshot::Sender<()>>,
    task: JoinHandle<Result<(), E>>,
}

/// Resolves when the [`Background`] that handed it out is stopped or dropped.
#[derive(Debug)]
pub struct Shutdown(oneshot::Receiver<()>);

impl Future for Shutdown {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        // A sent value and a dropped sender both mean "stop".
        Pin::new(&mut self.0).poll(cx).map(|_| ())
    }
}

impl<E: From<JoinError> + Send + 'static> Background<E> {
    /// Spawns `server(shutdown)` on the current tokio runtime; the server should finish
    /// gracefully once `shutdown` resolves.
    pub fn spawn<F>(server: impl FnOnce(Shutdown) -> F) -> Self
    where
        F: Future<Output = Result<(), E>> + Send + 'static,
    {
        let (stop, stopped) = oneshot::channel();
        Self {
            stop: Some(stop),
            task: tokio::spawn(server(Shutdown(stopped))),
        }
    }

    /// Asks the server to stop and waits for it: its own result, or the task's panic or
    /// cancellation as an `E`.
    pub async fn stop(mut self) -> Result<(), E> {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        (&mut self.task).await?
    }
}

impl<E> Drop for Background<E> {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn stop_resolves_the_shutdown_and_returns_the_result() {
        let server = Background::spawn(|shutdown| async {
            shutdown.await;
            Err(std::io::Error::other("closed"))
        });
        let err = server.stop().await.unwrap_err();
        assert_eq!(err.to_string(), "closed");
    }

    #[tokio::test]
    async fn dropping_resolves_the_shutdown() {
        let (done, finished) = oneshot::channel();
        let server = Background::<std::io::Error>::spawn(|shutdown| async {
            shutdown.await;
            let _ = done.send(());
            Ok(())
        });
        drop(server);
        assert!(finished.await.is_ok());
    }

    #[tokio::test]
    async fn a_panicking_server_is_an_error() {
        let server = Background::<std::io::Error>::spawn(|_| async { panic!("boom") });
        assert!(server.stop().await.is_err());
    }
}
