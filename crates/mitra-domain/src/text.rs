//! Text that people type: which characters a stored text may hold, and how text leaves Mitra safely for
//! programs that open it (spreadsheets, XML feed readers).

use std::borrow::Cow;

use crate::{Reason, ValidationError};

/// Whether `c` may appear in a stored text. XML 1.0 allows tab, line feed, carriage return and every character from
/// U+0020 but U+FFFE and U+FFFF, so that any text can go into an Atom feed; Mitra refuses the C1 controls and DEL as
/// well, which a person never means to type. Only a `multiline` text (a description, a body, a reason) takes line
/// breaks and tabs.
pub fn is_allowed(c: char, multiline: bool) -> bool {
    match c {
        '\t' | '\n' | '\r' => multiline,
        '\u{FFFE}' | '\u{FFFF}' => false,
        c => !c.is_control(),
    }
}

/// The characters [`is_allowed`] refuses in one-line text, as the body of a regular-expression class that
/// ECMA-262 (JSON Schema), Python and Rust read alike.
pub const REFUSED_ONE_LINE: &str = "\\x00-\\x1f\\x7f-\\x9f\\uFFFE\\uFFFF";

/// The characters [`is_allowed`] refuses in multi-line text, as [`REFUSED_ONE_LINE`].
pub const REFUSED_MULTILINE: &str = "\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f-\\x9f\\uFFFE\\uFFFF";

/// A pattern of the texts [`check_chars`] takes, for the API's contract; with `required`, of those that also say
/// something (a character other than a space), as a text that must not be empty once trimmed.
pub fn text_pattern(multiline: bool, required: bool) -> String {
    let refused = if multiline {
        REFUSED_MULTILINE
    } else {
        REFUSED_ONE_LINE
    };
    if required {
        format!("^[^{refused}]*[^\\s{refused}][^{refused}]*$")
    } else {
        format!("^[^{refused}]*$")
    }
}

/// Whether `c` may appear in an XML 1.0 document.
pub fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r') || (c >= ' ' && !matches!(c, '\u{FFFE}' | '\u{FFFF}'))
}

/// Checks that `value` holds only characters a stored text may hold (see [`is_allowed`]); the error names the field
/// and the character.
pub fn check_chars(field: &str, value: &str, multiline: bool) -> Result<(), ValidationError> {
    match value.chars().find(|c| !is_allowed(*c, multiline)) {
        None => Ok(()),
        Some('\t' | '\n' | '\r') => Err(ValidationError::new(field, Reason::one_line())),
        Some(c) => Err(ValidationError::new(
            field,
            Reason::not_text(format!("U+{:04X}", u32::from(c))),
        )),
    }
}

/// `text`, cut to `max` characters with an ellipsis, for quoting what someone typed in a message.
pub fn shorten(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        None => text.to_owned(),
        Some((at, _)) => format!("{}…", &text[..at]),
    }
}

/// `value` made safe for a spreadsheet cell: one that starts with `=`, `+`, `-`, `@`, a tab or a carriage return
/// gets a leading apostrophe, so that spreadsheet programs show it as text and never run it as a formula.
pub fn spreadsheet_safe(value: &str) -> Cow<'_, str> {
    if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        Cow::Owned(format!("'{value}"))
    } else {
        Cow::Borrowed(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_text_holds_no_control_characters_nor_what_xml_cannot_carry() {
        for bad in [
            "Bangkok\u{0}",
            "A\u{7}B",
            "\u{FFFF}",
            "x\u{FFFE}",
            "\u{85}",
            "\u{7F}",
        ] {
            assert!(check_chars("name", bad, true).is_err(), "{bad:?}");
        }
        assert!(check_chars("name", "曼谷 กรุงเทพฯ Hà Nội", false).is_ok());
        assert!(check_chars("description", "Two\nlines\tand a tab", true).is_ok());
        let one_line = check_chars("name", "Two\nlines", false).expect_err("one line");
        assert_eq!(one_line.field, "name");
        let not_text = check_chars("name", "a\u{FFFF}", false).expect_err("not text");
        assert!(
            not_text.reason.to_string().contains("U+FFFF"),
            "{}",
            not_text.reason
        );
    }

    #[test]
    fn xml_characters_are_those_of_xml_1_0() {
        assert!(
            ['\t', '\n', '\r', ' ', 'é', '曼', '\u{FFFD}', '\u{10000}']
                .iter()
                .all(|c| is_xml_char(*c))
        );
        assert!(
            !['\u{0}', '\u{1B}', '\u{FFFE}', '\u{FFFF}']
                .iter()
                .any(|c| is_xml_char(*c))
        );
    }

    #[test]
    fn cells_that_a_spreadsheet_would_run_are_defused() {
        for formula in ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"] {
            assert_eq!(spreadsheet_safe(formula), format!("'{formula}"));
        }
        assert_eq!(spreadsheet_safe("Bangkok"), "Bangkok");
        assert_eq!(spreadsheet_safe("a=b"), "a=b");
    }
}
