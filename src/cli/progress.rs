//! A progress display on a terminal (indicatif), and the log writer that keeps log lines
//! from breaking it: each line is written with the display cleared and drawn again after.

use std::io::Write;
use std::sync::Mutex;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use tracing_subscriber::fmt::MakeWriter;

/// The display being shown, if any.
static ACTIVE: Mutex<Option<ProgressBar>> = Mutex::new(None);

/// Steps of a command, drawn on standard error when it is a terminal (hidden otherwise: cron
/// mails only the summary).
pub struct Progress {
    bar: ProgressBar,
}

impl Progress {
    pub fn new(steps: u64) -> Progress {
        let bar = ProgressBar::with_draw_target(Some(steps), ProgressDrawTarget::stderr());
        bar.set_style(
            ProgressStyle::with_template("[{bar:20}] {msg:40} {elapsed}")
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("#>-"),
        );
        bar.enable_steady_tick(Duration::from_millis(200));
        if let Ok(mut a) = ACTIVE.lock() {
            *a = Some(bar.clone());
        }
        Progress { bar }
    }

    pub fn step(&self, done: u64, what: &'static str) {
        self.bar.set_position(done);
        self.bar.set_message(what);
    }

    /// Rows of a phase: the bar's length becomes the phase's `total`.
    pub fn rows(&self, what: &str, done: u64, total: u64) {
        self.bar.set_length(total.max(1));
        self.bar.set_position(done);
        self.bar.set_message(format!("{what} {done}/{total}"));
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.bar.finish_and_clear();
        if let Ok(mut a) = ACTIVE.lock() {
            *a = None;
        }
    }
}

/// Writes log lines to standard error around the progress display.
#[derive(Clone, Copy, Default)]
pub struct LogWriter;

/// One log line, written when complete.
pub struct Line(Vec<u8>);

impl Write for Line {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Drop for Line {
    fn drop(&mut self) {
        let text = std::mem::take(&mut self.0);
        let write = || {
            let _ = std::io::stderr().lock().write_all(&text);
        };
        let bar = ACTIVE.lock().ok().and_then(|a| a.clone());
        match bar {
            Some(bar) => bar.suspend(write),
            None => write(),
        }
    }
}

impl<'a> MakeWriter<'a> for LogWriter {
    type Writer = Line;
    fn make_writer(&'a self) -> Line {
        Line(Vec::with_capacity(256))
    }
}
