//! Request bodies read under a limit.

use bytes::{Bytes, BytesMut};
use http::header;

/// A request body as the HTTP layer read it.
///
/// A server reads at most its body limit; past it, it stops reading and hands over
/// [`Body::TooLarge`], so the protocol decides where in its order of checks the `413` comes
/// (routes without a body never fail on it).
///
/// ```
/// use nodewire_common::server::Body;
/// assert!(matches!(Body::within("{}".into(), 2), Body::Complete(_)));
/// assert!(matches!(Body::within("{}".into(), 1), Body::TooLarge));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Body {
    /// The whole body, within the limit.
    Complete(Bytes),
    /// The body exceeded the limit and was not read further.
    TooLarge,
}

impl Body {
    /// A body read whole: [`TooLarge`](Self::TooLarge) when it is longer than `limit` bytes.
    pub fn within(bytes: Bytes, limit: usize) -> Self {
        if bytes.len() > limit {
            Self::TooLarge
        } else {
            Self::Complete(bytes)
        }
    }

    /// `true` for a complete body without a byte (a too-large body is never empty).
    pub fn is_empty(&self) -> bool {
        matches!(self, Self::Complete(b) if b.is_empty())
    }

    /// Reads `body` until its end or until it passes `limit` bytes, whichever comes first;
    /// `Err` is the transport's error (the peer went away mid-body).
    ///
    /// ```
    /// # tokio::runtime::Runtime::new().unwrap().block_on(async {
    /// use nodewire_common::server::Body;
    /// let body = Body::collect(String::from("{\"a\":1}"), 1024).await;
    /// assert_eq!(body.ok(), Some(Body::Complete("{\"a\":1}".into())));
    /// let body = Body::collect(String::from("{\"a\":1}"), 3).await;
    /// assert_eq!(body.ok(), Some(Body::TooLarge));
    /// # });
    /// ```
    #[cfg(feature = "http-body")]
    #[cfg_attr(docsrs, doc(cfg(feature = "http-body")))]
    pub async fn collect<B>(body: B, limit: usize) -> Result<Self, B::Error>
    where
        B: http_body::Body,
    {
        use bytes::Buf;
        let mut body = std::pin::pin!(body);
        let mut collector = BodyCollector::new(limit);
        while let Some(frame) = std::future::poll_fn(|cx| body.as_mut().poll_frame(cx)).await {
            if let Ok(mut data) = frame?.into_data() {
                while data.has_remaining() && collector.push(data.chunk()) {
                    let n = data.chunk().len();
                    data.advance(n);
                }
                if collector.is_over() {
                    break;
                }
            }
        }
        Ok(collector.finish())
    }
}

/// Collects a body chunk by chunk under a limit (sans-IO): feed each chunk to
/// [`push`](Self::push) until it returns `false` or the body ends, then
/// [`finish`](Self::finish).
///
/// ```
/// use nodewire_common::server::{Body, BodyCollector};
/// let mut c = BodyCollector::new(4);
/// assert!(c.push(b"ab"));
/// assert!(c.push(b"cd"));
/// assert_eq!(c.finish(), Body::Complete("abcd".into()));
/// let mut c = BodyCollector::new(4);
/// assert!(c.push(b"abc"));
/// assert!(!c.push(b"de")); // stop reading
/// assert_eq!(c.finish(), Body::TooLarge);
/// ```
#[derive(Debug, Clone)]
pub struct BodyCollector {
    limit: usize,
    buffer: BytesMut,
    over: bool,
}

impl BodyCollector {
    /// A collector that takes at most `limit` bytes.
    pub fn new(limit: usize) -> Self {
        Self {
            limit,
            buffer: BytesMut::new(),
            over: false,
        }
    }

    /// Adds a chunk; `false` once the body passed the limit (read no further).
    pub fn push(&mut self, chunk: &[u8]) -> bool {
        if self.over {
            return false;
        }
        if chunk.len() > self.limit.saturating_sub(self.buffer.len()) {
            self.over = true;
            self.buffer = BytesMut::new();
            return false;
        }
        self.buffer.extend_from_slice(chunk);
        true
    }

    /// Whether the body passed the limit.
    pub fn is_over(&self) -> bool {
        self.over
    }

    /// The body read so far.
    pub fn finish(self) -> Body {
        if self.over {
            Body::TooLarge
        } else {
            Body::Complete(self.buffer.freeze())
        }
    }
}

/// The length a request head declares for its body: `Some(n)` from a valid
/// `Content-Length`, `None` when it declares none (chunked, or no body).
///
/// ```
/// let (head, ()) = http::Request::post("/").header("content-length", "12").body(()).unwrap().into_parts();
/// assert_eq!(nodewire_common::server::declared_length(&head), Some(12));
/// ```
pub fn declared_length(head: &http::request::Parts) -> Option<u64> {
    head.headers
        .get(header::CONTENT_LENGTH)?
        .to_str()
        .ok()?
        .trim()
        .parse()
        .ok()
}

/// `true` when the request head announces a body: a `Content-Length` above zero, or a
/// `Transfer-Encoding` (as Go's `r.ContentLength != 0` reads it).
pub fn declares_body(head: &http::request::Parts) -> bool {
    head.headers.contains_key(header::TRANSFER_ENCODING)
        || declared_length(head).is_some_and(|n| n > 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_limit_is_inclusive() {
        assert_eq!(
            Body::within(Bytes::from_static(b"abc"), 3),
            Body::Complete(Bytes::from_static(b"abc"))
        );
        assert_eq!(Body::within(Bytes::from_static(b"abcd"), 3), Body::TooLarge);
        let mut c = BodyCollector::new(3);
        for chunk in [&b"a"[..], b"", b"bc"] {
            assert!(c.push(chunk));
        }
        assert!(!c.is_over());
        assert!(!c.push(b"d"));
        assert!(!c.push(b""), "nothing is taken once over");
        assert_eq!(c.finish(), Body::TooLarge);
    }

    #[test]
    fn emptiness() {
        assert!(Body::Complete(Bytes::new()).is_empty());
        assert!(!Body::Complete(Bytes::from_static(b" ")).is_empty());
        assert!(!Body::TooLarge.is_empty());
        assert_eq!(BodyCollector::new(0).finish(), Body::Complete(Bytes::new()));
    }

    #[cfg(feature = "http-body")]
    mod collect {
        use std::pin::Pin;
        use std::task::{Context, Poll};

        use super::*;

        /// A body that yields its chunks one by one, then an error if asked.
        struct Chunks(Vec<&'static [u8]>, bool);

        impl http_body::Body for Chunks {
            type Data = Bytes;
            type Error = &'static str;

            fn poll_frame(
                mut self: Pin<&mut Self>,
                _: &mut Context<'_>,
            ) -> Poll<Option<Result<http_body::Frame<Bytes>, &'static str>>> {
                if self.0.is_empty() {
                    return Poll::Ready(self.1.then_some(Err("reset")));
                }
                let chunk = self.0.remove(0);
                Poll::Ready(Some(Ok(http_body::Frame::data(Bytes::from_static(chunk)))))
            }
        }

        #[tokio::test]
        async fn chunks_are_joined_under_the_limit() {
            let body = Body::collect(Chunks(vec![b"ab", b"", b"cd"], false), 4).await;
            assert_eq!(body, Ok(Body::Complete(Bytes::from_static(b"abcd"))));
            let body = Body::collect(Chunks(vec![b"ab", b"cde"], true), 4).await;
            assert_eq!(body, Ok(Body::TooLarge), "stops before the error");
            let body = Body::collect(Chunks(vec![b"ab"], true), 4).await;
            assert_eq!(body, Err("reset"));
        }
    }
}
