//! An incremental `text/event-stream` decoder: bytes in, events out, correct whatever the
//! chunk boundaries (the WHATWG "interpreting an event stream" rules).
//!
//! ```
//! use nodewire_common::sse::Decoder;
//! let mut decoder = Decoder::new();
//! let mut events = decoder.push(b"retry: 3000\nevent: instance\nda");
//! assert!(events.is_empty());
//! events.extend(decoder.push(b"ta: {\"type\":\"initial\"}\n\n: comment\n\n"));
//! assert_eq!(events.len(), 1);
//! assert_eq!(events[0].event, "instance");
//! assert_eq!(events[0].data, "{\"type\":\"initial\"}");
//! assert_eq!(decoder.retry(), Some(3000));
//! ```
//!
//! Lines end in CRLF, LF or CR (a CR at the end of one chunk and an LF at the start of the next
//! count once); a leading UTF-8 BOM is skipped; lines starting with `:` are comments; `data`
//! lines join with `\n`; an event is dispatched at a blank line and only if it has data; `retry`
//! takes ASCII digits only; an `id` containing NUL is ignored. Invalid UTF-8 is replaced with
//! U+FFFD. A line longer than the decoder's limit is an error, so a hostile peer cannot make it
//! buffer without bound.

/// One dispatched event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    /// The event type (`message` when the stream gave none).
    pub event: String,
    /// The data lines, joined with `\n`.
    pub data: String,
    /// The last event id seen so far in the stream, if any.
    pub id: Option<String>,
}

/// A stream that breaks the decoder's limits.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A line (or an event's accumulated data) exceeded the limit.
    #[error("event stream line or event exceeds {limit} bytes (at byte {offset})")]
    TooLong {
        /// The limit in bytes.
        limit: usize,
        /// Bytes consumed before the fault.
        offset: u64,
    },
}

/// The incremental decoder.
#[derive(Debug, Clone)]
pub struct Decoder {
    line: Vec<u8>,
    data: String,
    event: String,
    has_data: bool,
    last_id: Option<String>,
    retry: Option<u64>,
    started: bool,
    skip_lf: bool,
    limit: usize,
    offset: u64,
}

impl Default for Decoder {
    fn default() -> Self {
        Self::new()
    }
}

impl Decoder {
    /// A decoder with a 16 MiB limit per line and per event.
    pub fn new() -> Self {
        Self::with_limit(16 * 1024 * 1024)
    }

    /// A decoder with the given limit in bytes per line and per event.
    pub fn with_limit(limit: usize) -> Self {
        Self {
            line: Vec::new(),
            data: String::new(),
            event: String::new(),
            has_data: false,
            last_id: None,
            retry: None,
            started: false,
            skip_lf: false,
            limit,
            offset: 0,
        }
    }

    /// The last `retry:` value (milliseconds), if the stream sent one.
    pub fn retry(&self) -> Option<u64> {
        self.retry
    }

    /// The last event id, to send as `Last-Event-ID` when reconnecting.
    pub fn last_event_id(&self) -> Option<&str> {
        self.last_id.as_deref()
    }

    /// Feeds a chunk and returns the events it completed. Panics never; oversized lines are
    /// reported by [`try_push`](Self::try_push) and dropped here.
    pub fn push(&mut self, chunk: &[u8]) -> Vec<Event> {
        let mut events = Vec::new();
        let _ = self.feed(chunk, &mut events);
        events
    }

    /// Feeds a chunk; an error when a line or event exceeds the limit (the stream should be
    /// abandoned).
    pub fn try_push(&mut self, chunk: &[u8]) -> Result<Vec<Event>, Error> {
        let mut events = Vec::new();
        self.feed(chunk, &mut events)?;
        Ok(events)
    }

    /// Ends the stream: a final line without a terminator is processed, but an event not yet
    /// closed by a blank line is discarded, as the standard requires.
    pub fn finish(&mut self) -> Vec<Event> {
        let mut events = Vec::new();
        if !self.line.is_empty() {
            let line = std::mem::take(&mut self.line);
            self.process_line(&line, &mut events);
        }
        self.data.clear();
        self.event.clear();
        self.has_data = false;
        events
    }

    fn feed(&mut self, mut chunk: &[u8], events: &mut Vec<Event>) -> Result<(), Error> {
        if !self.started {
            // Skip a UTF-8 BOM, even when split across chunks.
            const BOM: &[u8] = b"\xEF\xBB\xBF";
            let have = self.line.len();
            let mut probe = self.line.clone();
            probe.extend(chunk.iter().take(3 - have.min(3)));
            if probe.len() < 3 && BOM.starts_with(&probe) {
                self.line = probe;
                self.offset += chunk.len() as u64;
                return Ok(());
            }
            self.started = true;
            if probe.starts_with(BOM) {
                let consumed = 3 - have;
                self.line.clear();
                chunk = chunk.get(consumed..).unwrap_or_default();
                self.offset += consumed as u64;
            }
        }
        for &byte in chunk {
            self.offset += 1;
            if self.skip_lf {
                self.skip_lf = false;
                if byte == b'\n' {
                    continue;
                }
            }
            match byte {
                b'\n' | b'\r' => {
                    self.skip_lf = byte == b'\r';
                    let line = std::mem::take(&mut self.line);
                    self.process_line(&line, events);
                    if self.data.len() > self.limit {
                        self.data.clear();
                        self.has_data = false;
                        return Err(Error::TooLong {
                            limit: self.limit,
                            offset: self.offset,
                        });
                    }
                }
                _ => {
                    if self.line.len() >= self.limit {
                        self.line.clear();
                        return Err(Error::TooLong {
                            limit: self.limit,
                            offset: self.offset,
                        });
                    }
                    self.line.push(byte);
                }
            }
        }
        Ok(())
    }

    fn process_line(&mut self, line: &[u8], events: &mut Vec<Event>) {
        if line.is_empty() {
            if self.has_data {
                let event = if self.event.is_empty() {
                    "message".to_owned()
                } else {
                    std::mem::take(&mut self.event)
                };
                events.push(Event {
                    event,
                    data: std::mem::take(&mut self.data),
                    id: self.last_id.clone(),
                });
            }
            self.data.clear();
            self.event.clear();
            self.has_data = false;
            return;
        }
        if line.first() == Some(&b':') {
            return;
        }
        let text = String::from_utf8_lossy(line);
        let (field, value) = match text.find(':') {
            Some(i) => {
                let (f, v) = text.split_at(i);
                let v = v.get(1..).unwrap_or_default();
                (f, v.strip_prefix(' ').unwrap_or(v))
            }
            None => (text.as_ref(), ""),
        };
        match field {
            "event" => self.event = value.to_owned(),
            "data" => {
                if self.has_data {
                    self.data.push('\n');
                }
                self.data.push_str(value);
                self.has_data = true;
            }
            "id" if !value.contains('\0') => self.last_id = Some(value.to_owned()),
            "retry" if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) => {
                self.retry = value.parse().ok();
            }
            _ => {}
        }
    }
}

/// Decodes a whole stream at once (for captured files).
pub fn decode_all(bytes: &[u8]) -> Result<Vec<Event>, Error> {
    let mut decoder = Decoder::new();
    let mut events = decoder.try_push(bytes)?;
    events.extend(decoder.finish());
    Ok(events)
}

#[cfg(test)]
mod tests {
    use super::*;

    const STREAM: &[u8] = b"\xEF\xBB\xBFretry: 2500\r\n: keepalive\r\nid: 7\r\nevent: instance\r\ndata: {\"a\":1}\r\ndata: {\"b\":2}\r\n\r\ndata:x\rdata\r\revent: log\ndata: plain\n\nevent: empty\n\ndata: tail";

    fn expected() -> Vec<Event> {
        vec![
            Event {
                event: "instance".into(),
                data: "{\"a\":1}\n{\"b\":2}".into(),
                id: Some("7".into()),
            },
            Event {
                event: "message".into(),
                data: "x\n".into(),
                id: Some("7".into()),
            },
            Event {
                event: "log".into(),
                data: "plain".into(),
                id: Some("7".into()),
            },
        ]
    }

    #[test]
    fn whole_stream() -> Result<(), Error> {
        assert_eq!(decode_all(STREAM)?, expected());
        Ok(())
    }

    #[test]
    fn every_split_gives_the_same_events() {
        for split in 0..=STREAM.len() {
            let (a, b) = STREAM.split_at(split);
            let mut d = Decoder::new();
            let mut events = d.push(a);
            events.extend(d.push(b));
            events.extend(d.finish());
            assert_eq!(events, expected(), "split at {split}");
            assert_eq!(d.retry(), Some(2500));
        }
        let mut d = Decoder::new();
        let mut events = Vec::new();
        for byte in STREAM {
            events.extend(d.push(std::slice::from_ref(byte)));
        }
        assert_eq!(events, expected());
    }

    #[test]
    fn limits_hold() {
        let mut d = Decoder::with_limit(8);
        assert!(d.try_push(b"data: 0123456789").is_err());
        let mut d = Decoder::with_limit(8);
        assert!(d.try_push(b"data: 0\ndata: 1234\n").is_err());
    }
}
