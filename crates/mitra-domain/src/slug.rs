//! Slugs: the readable, stable identifiers used for cities in URLs, the API and imports.

use unicode_normalization::UnicodeNormalization;

/// Turns a name into a slug: diacritics stripped, lower-case ASCII letters and digits, apostrophes dropped, every
/// other run of characters turned into one `-` (`"Hà Nội"` → `"ha-noi"`, `"Xi'an"` → `"xian"`).
pub fn slugify(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut pending_dash = false;
    for c in name.nfkd() {
        if unicode_normalization::char::is_combining_mark(c) || c == '\'' || c == '’' {
            continue;
        }
        // Letters that do not decompose into a base letter plus a mark.
        let c = match c {
            'đ' | 'Đ' => 'd',
            'ø' | 'Ø' => 'o',
            'ł' | 'Ł' => 'l',
            'ı' => 'i',
            other => other,
        };
        if c.is_ascii_alphanumeric() {
            if pending_dash && !out.is_empty() {
                out.push('-');
            }
            pending_dash = false;
            out.push(c.to_ascii_lowercase());
        } else {
            pending_dash = true;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::slugify;

    #[test]
    fn names_with_spaces_become_dashed_lower_case() {
        assert_eq!(slugify("Kuala Lumpur"), "kuala-lumpur");
        assert_eq!(slugify("Ho Chi Minh City"), "ho-chi-minh-city");
    }

    #[test]
    fn diacritics_and_apostrophes_are_dropped() {
        assert_eq!(slugify("Hà Nội"), "ha-noi");
        assert_eq!(slugify("Đà Nẵng"), "da-nang");
        assert_eq!(slugify("Xi'an"), "xian");
        assert_eq!(slugify("Ürümqi"), "urumqi");
    }

    #[test]
    fn punctuation_runs_collapse_and_ends_are_trimmed() {
        assert_eq!(slugify("  Suzhou, Jiangsu  "), "suzhou-jiangsu");
        assert_eq!(slugify("Phnum Pénh (Phnom Penh)"), "phnum-penh-phnom-penh");
    }
}
