//! The two pieces of iCalendar (RFC 5545) writing that every calendar Mitra serves shares: escaping a TEXT value
//! and folding a content line. The event calendar of the knowledge exchange and the activity calendar of a
//! partnership both write through these.

/// Escapes a TEXT value (RFC 5545, 3.3.11): backslash, semicolon, comma and line breaks; other control characters
/// are dropped.
pub fn text(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    for c in raw.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Appends one content line, folded so that no line is longer than 75 octets (RFC 5545, 3.1), without splitting a
/// character, and ended by CRLF.
pub fn line(out: &mut String, line: &str) {
    let mut width = 0;
    for c in line.chars() {
        if width + c.len_utf8() > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += c.len_utf8();
    }
    out.push_str("\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped_and_lines_fold_between_characters() {
        assert_eq!(text("a,b;c\\d\r\ne\u{7}"), "a\\,b\\;c\\\\d\\ne");
        let mut out = String::new();
        line(&mut out, &format!("SUMMARY:{}", "长".repeat(40)));
        assert!(out.split("\r\n").all(|l| l.len() <= 75));
        assert_eq!(
            out.replace("\r\n ", ""),
            format!("SUMMARY:{}\r\n", "长".repeat(40))
        );
    }
}
