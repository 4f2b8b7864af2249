//! Where log lines go: standard error, one line per event whatever the
//! event carries. A field can hold a name from a snapshot, a source tree
//! or a storage listing (attacker-chosen bytes); the formatter writes each
//! event in one call, so every control character before its final newline
//! came from data and is escaped here, for every event of every command,
//! instead of at each call site that might log a name. The formatter's own
//! colours are off for the same reason: any escape byte is then data.

use std::io::{self, Write};

/// A `MakeWriter` for tracing-subscriber writing escaped lines to stderr.
#[derive(Clone, Copy, Default)]
pub struct OneLineStderr;

impl Write for OneLineStderr {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        io::stderr().lock().write_all(&escape_event(buf))?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        io::stderr().flush()
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for OneLineStderr {
    type Writer = OneLineStderr;
    fn make_writer(&'a self) -> Self::Writer {
        *self
    }
}

/// One formatted event with every control character but its final newline
/// escaped (`\n`, `\u{1b}`, ...); backslashes already in it are kept, since
/// the formatter itself writes some (quoted strings) and a log is read, not parsed.
pub fn escape_event(buf: &[u8]) -> Vec<u8> {
    let (body, newline) = match buf.strip_suffix(b"\n") {
        Some(b) => (b, true),
        None => (buf, false),
    };
    let text = String::from_utf8_lossy(body);
    let mut out = cairn_core::escape::controls_escaped(&text).into_owned();
    if newline {
        out.push('\n');
    }
    out.into_bytes()
}

#[cfg(test)]
mod tests {
    use super::escape_event;

    #[test]
    fn a_hostile_name_in_a_log_field_stays_on_one_inert_line() {
        let event =
            "WARN snapshot damaged; skipped name=a\nERROR fake\r\u{1b}]0;owned\u{7}\u{9b}2J\n";
        let out = String::from_utf8(escape_event(event.as_bytes())).unwrap();
        assert_eq!(out.matches('\n').count(), 1, "{out}");
        assert!(out.ends_with('\n'));
        assert!(
            !out.trim_end_matches('\n').chars().any(char::is_control),
            "{out}"
        );
        assert!(
            out.contains("a\\nERROR fake\\r\\u{1b}]0;owned\\u{7}\\u{9b}2J"),
            "{out}"
        );
    }

    #[test]
    fn invalid_utf8_is_replaced_not_passed_through() {
        let out = escape_event(b"name=\xff\x1b[2J\n");
        assert_eq!(String::from_utf8(out).unwrap(), "name=\u{fffd}\\u{1b}[2J\n");
    }
}
