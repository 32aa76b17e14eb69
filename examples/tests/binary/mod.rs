//! An example server binary run as its own process, as the end-to-end tests start them: on a
//! loopback port it chose, known from the `listening on http://<address>[<base>] …` line it
//! prints once bound, and killed when the test drops it.

use std::io::{BufRead, BufReader, Read};
use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{Sender, channel};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// How long a binary may take to say where it listens.
const START_WITHIN: Duration = Duration::from_secs(30);

/// A server binary running in its own process, killed when dropped.
pub(crate) struct Running {
    /// The process.
    pub(crate) child: Child,
    /// The base URL it printed, without a trailing `/` (`http://127.0.0.1:40123/api`).
    pub(crate) url: String,
    /// The address it listens on.
    pub(crate) addr: SocketAddr,
    log: Arc<Mutex<String>>,
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Running {
    /// Starts `command` with stdin closed and stdout and stderr captured, and waits until it
    /// prints where it listens; fails with what it printed when it does not within
    /// 30 seconds, or exits first.
    pub(crate) fn start(command: &mut Command) -> Result<Self, String> {
        let program = command.get_program().to_string_lossy().into_owned();
        let mut child = command
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| format!("{program}: {e}"))?;
        let log = Arc::new(Mutex::new(String::new()));
        let (bound, printed) = channel();
        if let Some(out) = child.stdout.take() {
            capture(out, Arc::clone(&log), bound.clone());
        }
        if let Some(err) = child.stderr.take() {
            capture(err, Arc::clone(&log), bound);
        }
        let url = printed.recv_timeout(START_WITHIN);
        let mut running = Self {
            child,
            url: String::new(),
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            log,
        };
        let Ok(url) = url else {
            return Err(format!(
                "{program} never said where it listens:\n{}",
                running.log()
            ));
        };
        let authority = url.trim_start_matches("http://");
        let authority = authority.split('/').next().unwrap_or_default();
        running.addr = authority
            .parse()
            .map_err(|e| format!("{program} printed {url}: {e}"))?;
        running.url = url;
        Ok(running)
    }

    /// Everything the process printed so far, stdout and stderr.
    pub(crate) fn log(&self) -> String {
        self.log.lock().map(|l| l.clone()).unwrap_or_default()
    }
}

/// Copies `from` into `log` line by line; the URL of the first `listening on http://` line is
/// sent on `bound`.
fn capture(from: impl Read + Send + 'static, log: Arc<Mutex<String>>, bound: Sender<String>) {
    std::thread::spawn(move || {
        for line in BufReader::new(from).lines() {
            let Ok(line) = line else { return };
            if let Some(rest) = line.strip_prefix("listening on ")
                && rest.starts_with("http://")
            {
                let url = rest.split(' ').next().unwrap_or_default();
                let _ = bound.send(url.trim_end_matches('/').to_owned());
            }
            if let Ok(mut log) = log.lock() {
                log.push_str(&line);
                log.push('\n');
            }
        }
    });
}
