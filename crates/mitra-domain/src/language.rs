//! The languages Mitra's interface speaks, and how a request's preferences are matched to them.

use std::fmt;

use crate::{Reason, ValidationError};

/// A language the user interface is translated into: English, Chinese and the languages of ASEAN.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Language {
    /// English, the fallback.
    En,
    /// Simplified Chinese.
    ZhHans,
    /// Indonesian.
    Id,
    /// Malay.
    Ms,
    /// Filipino.
    Fil,
    /// Vietnamese.
    Vi,
    /// Thai.
    Th,
    /// Khmer.
    Km,
    /// Lao.
    Lo,
    /// Burmese.
    My,
    /// Tamil.
    Ta,
}

impl From<Language> for crate::entry::ContentLanguage {
    /// The entries' language an interface language reads.
    fn from(lang: Language) -> Self {
        use crate::entry::ContentLanguage as C;
        match lang {
            Language::En => C::En,
            Language::ZhHans => C::ZhHans,
            Language::Id => C::Id,
            Language::Ms => C::Ms,
            Language::Fil => C::Fil,
            Language::Vi => C::Vi,
            Language::Th => C::Th,
            Language::Km => C::Km,
            Language::Lo => C::Lo,
            Language::My => C::My,
            Language::Ta => C::Ta,
        }
    }
}

impl Language {
    /// Every supported interface language, in the order the language switch shows them: English, Chinese, then the
    /// languages of ASEAN in Latin script, then those in their own scripts.
    pub const ALL: [Language; 11] = [
        Language::En,
        Language::ZhHans,
        Language::Id,
        Language::Ms,
        Language::Fil,
        Language::Vi,
        Language::Th,
        Language::Km,
        Language::Lo,
        Language::My,
        Language::Ta,
    ];

    /// The BCP 47 tag (`en`, `zh-Hans`, `th`).
    pub fn tag(self) -> &'static str {
        match self {
            Language::En => "en",
            Language::ZhHans => "zh-Hans",
            Language::Id => "id",
            Language::Ms => "ms",
            Language::Fil => "fil",
            Language::Vi => "vi",
            Language::Th => "th",
            Language::Km => "km",
            Language::Lo => "lo",
            Language::My => "my",
            Language::Ta => "ta",
        }
    }

    /// The language's own name for itself, as shown in the language switch.
    pub fn autonym(self) -> &'static str {
        crate::entry::ContentLanguage::from(self).autonym()
    }

    /// The language of a tag, as a name's or an entry's language is stored (`th`, `zh-Hans`); `None` for one the
    /// interface does not speak.
    pub fn of_tag(tag: &str) -> Option<Self> {
        Self::match_tag(tag)
    }

    /// Parses an explicit choice (`?lang=`, a cookie). Accepts the tags case-insensitively, with a region or script
    /// (`th-TH`, `zh-CN`, `zh-SG`, `ms-MY`), and the older codes `in` (Indonesian) and `tl` (Tagalog, read as
    /// Filipino); refuses anything else with a message listing what is supported.
    pub fn parse(raw: &str) -> Result<Self, ValidationError> {
        Self::match_tag(raw).ok_or_else(|| {
            ValidationError::new(
                "lang",
                Reason::not_one_of(
                    crate::ids::clip(raw),
                    Self::ALL.map(Language::tag).join(", "),
                ),
            )
        })
    }

    fn match_tag(raw: &str) -> Option<Self> {
        let tag = raw.trim().to_ascii_lowercase().replace('_', "-");
        let primary = tag.split('-').next().unwrap_or_default();
        // Every Chinese tag reads the Simplified interface: it is the only Chinese one, and nearer to a reader of
        // Traditional Chinese than English is.
        Some(match primary {
            "en" => Language::En,
            "zh" | "cmn" => Language::ZhHans,
            "id" | "in" => Language::Id,
            "ms" | "zsm" => Language::Ms,
            "fil" | "tl" => Language::Fil,
            "vi" => Language::Vi,
            "th" => Language::Th,
            "km" => Language::Km,
            "lo" => Language::Lo,
            "my" => Language::My,
            "ta" => Language::Ta,
            _ => return None,
        })
    }

    /// Picks the best supported language from an `Accept-Language` header, honouring q-values (the first listed
    /// wins among equals); `None` when nothing in it is supported. Malformed entries are skipped, never an error: the
    /// header is a hint.
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
            if q <= 0.0 || q.is_nan() {
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
    fn the_languages_of_asean_are_found_by_their_tags_regions_and_older_codes() {
        for (raw, lang) in [
            ("th-TH", Language::Th),
            ("vi", Language::Vi),
            ("in", Language::Id),
            ("id-ID", Language::Id),
            ("ms-MY", Language::Ms),
            ("ms_SG", Language::Ms),
            ("tl", Language::Fil),
            ("fil-PH", Language::Fil),
            ("km", Language::Km),
            ("lo-LA", Language::Lo),
            ("my-MM", Language::My),
            ("ta-SG", Language::Ta),
            ("zh-SG", Language::ZhHans),
            ("zh-Hant-TW", Language::ZhHans),
        ] {
            assert_eq!(Language::parse(raw), Ok(lang), "{raw}");
        }
        for lang in Language::ALL {
            assert_eq!(Language::parse(lang.tag()), Ok(lang));
        }
    }

    #[test]
    fn an_unsupported_language_is_refused_naming_the_parameter() {
        let err = Language::parse("xx").expect_err("xx is not supported");
        assert_eq!(err.field, "lang");
        assert!(err.reason.to_string().contains("zh-Hans"));
    }

    #[test]
    fn accept_language_honours_quality_values() {
        assert_eq!(
            Language::from_accept_language("de, zh-CN;q=0.8, en;q=0.5"),
            Some(Language::ZhHans)
        );
        assert_eq!(
            Language::from_accept_language("en-GB;q=0.9, zh;q=0.4"),
            Some(Language::En)
        );
        assert_eq!(Language::from_accept_language("th, vi"), Some(Language::Th));
        assert_eq!(Language::from_accept_language("de, fr;q=0.9"), None);
        assert_eq!(
            Language::from_accept_language("zh;q=0, en;q=0.1"),
            Some(Language::En)
        );
        assert_eq!(Language::from_accept_language(";;;,q=x"), None);
    }
}
