//! Names from a snapshot or a source tree are attacker-chosen bytes. Printed
//! raw, a newline splits one error into two lines a script will misread, and
//! an escape sequence drives the operator's terminal. Every name shown to a
//! person or a log goes through [`one_line`].

use std::borrow::Cow;
use std::fmt::Write;

/// `s` with control characters (C0, DEL, C1) and backslashes escaped as
/// `\n`, `\r`, `\t`, `\\` or `\u{..}`, so it stays one inert line.
pub fn one_line(s: &str) -> Cow<'_, str> {
    escaped(s, true)
}

/// As [`one_line`], leaving backslashes as they are: for text already
/// formatted by something else (a log line), which is read, not parsed.
pub fn controls_escaped(s: &str) -> Cow<'_, str> {
    escaped(s, false)
}

fn escaped(s: &str, backslash: bool) -> Cow<'_, str> {
    if !s
        .chars()
        .any(|c| c.is_control() || (backslash && c == '\\'))
    {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\\' if backslash => out.push_str("\\\\"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::one_line;

    #[test]
    fn control_characters_cannot_break_a_line_or_reach_the_terminal() {
        assert_eq!(one_line("plain name.txt"), "plain name.txt");
        let hostile = "a\nerror: fake\r\u{1b}]0;owned\u{7}\u{9b}2J\\";
        let shown = one_line(hostile);
        assert!(!shown.chars().any(|c| c.is_control()), "{shown}");
        assert_eq!(
            shown,
            "a\\nerror: fake\\r\\u{1b}]0;owned\\u{7}\\u{9b}2J\\\\"
        );
    }
}
