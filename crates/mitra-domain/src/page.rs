//! Cursor pagination: a page is "up to `limit` items after this key", and the cursor handed to clients is an opaque
//! token for that key, so it stays valid when rows are added before it.

use crate::{Reason, ValidationError};

/// Items per page when the client does not say.
pub const DEFAULT_LIMIT: u32 = 50;
/// The largest page a client may ask for.
pub const MAX_LIMIT: u32 = 500;

/// A request for one page of a list ordered by a text key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageRequest {
    /// How many items at most.
    pub limit: u32,
    /// Only items whose key sorts after this one.
    pub after: Option<String>,
}

impl Default for PageRequest {
    fn default() -> Self {
        Self {
            limit: DEFAULT_LIMIT,
            after: None,
        }
    }
}

impl PageRequest {
    /// Parses the `limit` and `cursor` query parameters.
    pub fn parse(limit: Option<&str>, cursor: Option<&str>) -> Result<Self, ValidationError> {
        let limit = match limit.map(str::trim).filter(|l| !l.is_empty()) {
            None => DEFAULT_LIMIT,
            Some(raw) => match raw.parse::<u32>() {
                Ok(n) if (1..=MAX_LIMIT).contains(&n) => n,
                _ => {
                    return Err(ValidationError::new(
                        "limit",
                        Reason::whole_number_between(1, MAX_LIMIT),
                    ));
                }
            },
        };
        let after = match cursor.filter(|c| !c.is_empty()) {
            None => None,
            Some(raw) => Some(Cursor::decode(raw)?.0),
        };
        Ok(Self { limit, after })
    }
}

impl PageRequest {
    /// The request to send to the store: one item more than asked, which tells whether another page follows.
    pub fn probe(&self) -> PageRequest {
        PageRequest {
            limit: self.limit + 1,
            after: self.after.clone(),
        }
    }

    /// Cuts what a [`PageRequest::probe`] returned down to this page and returns the cursor of the next page,
    /// made from the last item's key; `None` on the last page.
    pub fn finish<T>(&self, items: &mut Vec<T>, key: impl Fn(&T) -> String) -> Option<String> {
        if items.len() <= self.limit as usize {
            return None;
        }
        items.truncate(self.limit as usize);
        items.last().map(|item| Cursor::encode(&key(item)))
    }
}

/// The opaque token for a position in a list: the last key of the previous page, hex-encoded behind a version tag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cursor(pub String);

const CURSOR_PREFIX: &str = "k1";

/// The cursors Mitra hands out, as a JSON Schema pattern for the API's contract: every list's keys are printable
/// ASCII, so each byte is two hex digits from `20` to `7f`, and [`Cursor::decode`] takes every string it matches.
pub const CURSOR_PATTERN: &str = "^k1([2-7][0-9a-f]){1,200}$";

impl Cursor {
    /// Encodes `key` as a cursor token.
    pub fn encode(key: &str) -> String {
        let mut out = String::with_capacity(CURSOR_PREFIX.len() + key.len() * 2);
        out.push_str(CURSOR_PREFIX);
        for b in key.bytes() {
            out.push_str(&format!("{b:02x}"));
        }
        out
    }

    /// Decodes a token made by [`Cursor::encode`]; anything else is refused naming the `cursor` parameter.
    pub fn decode(token: &str) -> Result<Self, ValidationError> {
        let bad = || ValidationError::new("cursor", Reason::not_a_cursor());
        let hex = token.strip_prefix(CURSOR_PREFIX).ok_or_else(bad)?;
        // Hex digits only: a pair is then always two whole characters of `hex`.
        if hex.is_empty()
            || !hex.len().is_multiple_of(2)
            || hex.len() > 400
            || !hex.bytes().all(|b| b.is_ascii_hexdigit())
        {
            return Err(bad());
        }
        let bytes = (0..hex.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&hex[i..i + 2], 16))
            .collect::<Result<Vec<u8>, _>>()
            .map_err(|_| bad())?;
        String::from_utf8(bytes).map(Cursor).map_err(|_| bad())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cursor_round_trips_its_key() {
        let token = Cursor::encode("ho-chi-minh-city");
        assert_eq!(
            Cursor::decode(&token),
            Ok(Cursor("ho-chi-minh-city".into()))
        );
    }

    #[test]
    fn a_forged_or_damaged_cursor_is_refused_naming_the_parameter() {
        // `k1a斅` once panicked: its first pair of bytes ends inside 斅.
        for bad in [
            "abc", "k1", "k1zz", "k1abc", "k1ff", "k1a斅", "k1\t斅E", "k1+f",
        ] {
            assert_eq!(Cursor::decode(bad).expect_err(bad).field, "cursor");
        }
    }

    #[test]
    fn a_probe_one_longer_than_the_page_yields_the_next_cursor() {
        let page = PageRequest {
            limit: 2,
            after: None,
        };
        assert_eq!(page.probe().limit, 3);
        let mut full = vec!["a", "b", "c"];
        assert_eq!(
            page.finish(&mut full, |s| s.to_string()),
            Some(Cursor::encode("b"))
        );
        assert_eq!(full, ["a", "b"]);
        let mut last = vec!["a", "b"];
        assert_eq!(page.finish(&mut last, |s| s.to_string()), None);
        assert_eq!(last, ["a", "b"]);
    }

    #[test]
    fn limits_outside_the_allowed_range_are_refused() {
        assert_eq!(
            PageRequest::parse(None, None).expect("default").limit,
            DEFAULT_LIMIT
        );
        assert_eq!(
            PageRequest::parse(Some("500"), None).expect("max").limit,
            500
        );
        for bad in ["0", "501", "-1", "ten"] {
            assert_eq!(
                PageRequest::parse(Some(bad), None).expect_err(bad).field,
                "limit"
            );
        }
    }
}
