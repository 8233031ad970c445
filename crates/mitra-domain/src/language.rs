//! The languages Mitra's interface speaks, and how a request's preferences are matched to them.

use std::fmt;

use crate::ValidationError;

/// A language the user interface is fully translated into.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Language {
    /// English, the fallback.
    En,
    /// Simplified Chinese.
    ZhHans,
}

impl From<Language> for crate::entry::ContentLanguage {
    /// The entries' language an interface language reads.
    fn from(lang: Language) -> Self {
        match lang {
            Language::En => crate::entry::ContentLanguage::En,
            Language::ZhHans => crate::entry::ContentLanguage::ZhHans,
        }
    }
}

impl Language {
    /// Every supported interface language, in the order the language switch shows them.
    pub const ALL: [Language; 2] = [Language::En, Language::ZhHans];

    /// The BCP 47 tag (`en`, `zh-Hans`).
    pub fn tag(self) -> &'static str {
        match self {
            Language::En => "en",
            Language::ZhHans => "zh-Hans",
        }
    }

    /// The language's own name for itself, as shown in the language switch.
    pub fn autonym(self) -> &'static str {
        match self {
            Language::En => "English",
            Language::ZhHans => "简体中文",
        }
    }

    /// Parses an explicit choice (`?lang=`, a cookie). Accepts the tags case-insensitively and the common Chinese
    /// aliases (`zh`, `zh-CN`, `zh-SG`); refuses anything else with a message listing what is supported.
    pub fn parse(raw: &str) -> Result<Self, ValidationError> {
        Self::match_tag(raw).ok_or_else(|| {
            ValidationError::new(
                "lang",
                format!(
                    "unsupported language '{}'; supported: en, zh-Hans",
                    crate::ids::clip(raw)
                ),
            )
        })
    }

    fn match_tag(raw: &str) -> Option<Self> {
        let tag = raw.trim().to_ascii_lowercase();
        match tag.as_str() {
            "en" => Some(Language::En),
            "zh" | "zh-hans" | "zh-cn" | "zh-sg" | "zh-hans-cn" | "zh-hans-sg" => {
                Some(Language::ZhHans)
            }
            t if t.starts_with("en-") => Some(Language::En),
            _ => None,
        }
    }

    /// Picks the best supported language from an `Accept-Language` header, honouring q-values; `None` when nothing
    /// in it is supported. Malformed entries are skipped, never an error: the header is a hint.
    pub fn from_accept_language(header: &str) -> Option<Self> {
        let mut best: Option<(f32, Self)> = None;
        for part in header.split(',') {
            let mut pieces = part.split(';');
            let tag = pieces.next().unwrap_or("").trim();
            let q = pieces
                .find_map(|p| {
                    p.trim()
                        .strip_prefix("q=")
                        .and_then(|q| q.parse::<f32>().ok())
                })
                .unwrap_or(1.0);
            if q <= 0.0 {
                continue;
            }
            if let Some(lang) = Self::match_tag(tag)
                && best.is_none_or(|(best_q, _)| q > best_q)
            {
                best = Some((q, lang));
            }
        }
        best.map(|(_, lang)| lang)
    }
}

impl fmt::Display for Language {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.tag())
    }
}

#[cfg(test)]
mod tests {
    use super::Language;

    #[test]
    fn explicit_choices_accept_tags_and_chinese_aliases() {
        assert_eq!(Language::parse("zh-Hans"), Ok(Language::ZhHans));
        assert_eq!(Language::parse("ZH-cn"), Ok(Language::ZhHans));
        assert_eq!(Language::parse("en"), Ok(Language::En));
    }

    #[test]
    fn an_unsupported_language_is_refused_naming_the_parameter() {
        let err = Language::parse("xx").expect_err("xx is not supported");
        assert_eq!(err.field, "lang");
        assert!(err.reason.contains("zh-Hans"));
    }

    #[test]
    fn accept_language_honours_quality_values() {
        assert_eq!(
            Language::from_accept_language("th, zh-CN;q=0.8, en;q=0.5"),
            Some(Language::ZhHans)
        );
        assert_eq!(
            Language::from_accept_language("en-GB;q=0.9, zh;q=0.4"),
            Some(Language::En)
        );
        assert_eq!(Language::from_accept_language("th, vi"), None);
        assert_eq!(
            Language::from_accept_language("zh;q=0, en;q=0.1"),
            Some(Language::En)
        );
        assert_eq!(Language::from_accept_language(";;;,q=x"), None);
    }
}
