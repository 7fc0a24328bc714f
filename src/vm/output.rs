//! Buffered standard output and error, flushed in order so interleaving stays correct.

use std::io::Write;

pub struct Output {
    buf: Vec<u8>,
    /// Tests and the REPL capture output instead of writing to the process's stdout.
    pub capture: Option<Vec<u8>>,
}

impl Default for Output {
    fn default() -> Self {
        Output {
            buf: Vec::with_capacity(8192),
            capture: None,
        }
    }
}

impl Output {
    pub fn write_out(&mut self, s: &str) {
        if let Some(c) = &mut self.capture {
            c.extend_from_slice(s.as_bytes());
            return;
        }
        self.buf.extend_from_slice(s.as_bytes());
        if self.buf.len() > 1 << 16 {
            self.flush();
        }
    }

    pub fn write_err(&mut self, s: &str) {
        self.flush();
        let mut e = std::io::stderr().lock();
        let _ = e.write_all(s.as_bytes());
        let _ = e.flush();
    }

    /// Writes an error report (traceback or syntax error), coloured when stderr is a terminal.
    pub fn write_report(&mut self, s: &str) {
        if super::colour::stderr_wants_colour() {
            self.write_err(&super::colour::colourize_report(s));
        } else {
            self.write_err(s);
        }
    }

    pub fn flush(&mut self) {
        if !self.buf.is_empty() {
            let mut o = std::io::stdout().lock();
            let _ = o.write_all(&self.buf);
            let _ = o.flush();
            self.buf.clear();
        }
    }
}
