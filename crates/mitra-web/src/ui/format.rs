//! How pages write values for people — numbers, year ranges, names in the reader's language, query strings — in
//! one place, so every page writes them alike. Pure functions only: nothing here reads a request or the service.

use mitra_service::domain::entry::ContentLanguage;
use mitra_service::domain::{City, Country, CountryCode, Indicator, Language, Organisation};

/// A whole count as the reader's language writes it: digits grouped by the language's rules (ICU4X, CLDR).
pub fn group_digits(n: u64, lang: Language) -> String {
    localized(&n.to_string(), lang)
}

/// A statistic as the reader's language writes it (ICU4X, CLDR): up to three decimals, without trailing zeros, whole
/// numbers from 1 000 on with their digits grouped.
pub fn number(value: f64, lang: Language) -> String {
    if !value.is_finite() {
        return value.to_string();
    }
    localized(&plain_decimal(value), lang)
}

/// An amount of money as the reader's language writes it, with the currency's symbol where CLDR gives one for that
/// language and the currency's own number of decimals (ICU4X's currency formatter: `US$1,234,567.50` in Thai,
/// `1.234.567,50 US$` in Vietnamese, `฿1,200.00` for baht in Thai, `THB 1,200.00` in English, `၅,၀၀၀ K` for kyat in
/// Burmese). A code that is not three capital letters is written after the number as it is.
pub fn money(value: f64, currency: &str, lang: Language) -> String {
    use icu_decimal::DecimalFormatter;
    use icu_experimental::dimension::currency::CurrencyType;
    use icu_experimental::dimension::currency::formatter::CurrencyFormatter;
    // A formatter is made for one language and one currency; those asked for are kept, per thread, as the other
    // formatters are (a page shows a handful of currencies).
    type Formatters = std::collections::HashMap<
        (Language, CurrencyType),
        Option<CurrencyFormatter<DecimalFormatter>>,
    >;
    thread_local! {
        static FORMATTERS: std::cell::RefCell<Formatters> = std::cell::RefCell::default();
    }
    let plain = || format!("{} {currency}", number(value, lang));
    let Some(code) = (currency.len() == 3 && currency.bytes().all(|b| b.is_ascii_uppercase()))
        .then(|| CurrencyType::try_from_str(currency).ok())
        .flatten()
    else {
        return plain();
    };
    let Ok(decimal) = plain_decimal(value).parse::<icu_decimal::input::Decimal>() else {
        return plain();
    };
    FORMATTERS.with(|formatters| {
        let mut formatters = formatters.borrow_mut();
        let formatter = formatters.entry((lang, code)).or_insert_with(|| {
            CurrencyFormatter::try_new_symbol(
                (&numbers_locale(lang)?).into(),
                code,
                Default::default(),
            )
            .ok()
        });
        formatter
            .as_ref()
            .map_or_else(plain, |f| f.format_fixed_decimal(&decimal).to_string())
    })
}

/// The locale numbers and amounts are written in for a reader of `lang`: the language's own, but Tamil as Singapore
/// and Malaysia write it (grouped in thousands, not India's lakhs).
fn numbers_locale(lang: Language) -> Option<icu_locale_core::Locale> {
    let tag = if lang == Language::Ta {
        "ta-SG"
    } else {
        lang.tag()
    };
    tag.parse().ok()
}

/// `value` as a plain decimal (`-1234.5`): whole numbers without a fraction, others to three places at most.
fn plain_decimal(value: f64) -> String {
    if value.fract() == 0.0 && value.abs() < 1e15 {
        format!("{value:.0}")
    } else {
        let text = format!("{value:.3}");
        text.trim_end_matches('0').trim_end_matches('.').to_owned()
    }
}

/// One ICU4X formatter (or collator) per interface language, made from the language's locale, for one thread
/// (ICU4X's objects are not shared across threads); a language whose data ICU4X lacks is left out, and callers then
/// write plainly.
struct PerLanguage<T>(Vec<(Language, T)>);

impl<T> PerLanguage<T> {
    fn new(make: impl Fn(Language, &icu_locale_core::Locale) -> Option<T>) -> Self {
        Self(
            Language::ALL
                .iter()
                .filter_map(|&l| {
                    let locale: icu_locale_core::Locale = l.tag().parse().ok()?;
                    Some((l, make(l, &locale)?))
                })
                .collect(),
        )
    }

    fn get(&self, lang: Language) -> Option<&T> {
        self.0.iter().find(|(l, _)| *l == lang).map(|(_, t)| t)
    }
}

/// The decimal number written in `plain` (`-1234.5`) in `lang`'s digits and separators.
fn localized(plain: &str, lang: Language) -> String {
    use icu_decimal::DecimalFormatter;
    use icu_decimal::input::Decimal;
    thread_local! {
        static FORMATTERS: PerLanguage<DecimalFormatter> = PerLanguage::new(|l, _| {
            DecimalFormatter::try_new((&numbers_locale(l)?).into(), Default::default()).ok()
        });
    }
    let Ok(decimal) = plain.parse::<Decimal>() else {
        return plain.to_owned();
    };
    FORMATTERS.with(|formatters| {
        formatters
            .get(lang)
            .map_or_else(|| plain.to_owned(), |f| f.format(&decimal).to_string())
    })
}

/// A city's name for a reader of `lang`: in that language where Mitra knows it (the city's own names, then the
/// shipped names in `data/cities/city_names.csv`), in English otherwise.
pub fn city_name(city: &City, lang: Language) -> &str {
    mitra_service::city_names().display_name(city, lang).0
}

/// The language [`city_name`] is in for a reader of `lang`.
pub fn city_name_language(city: &City, lang: Language) -> Language {
    mitra_service::city_names().display_name(city, lang).1
}

/// `items` as one list in the reader's language (ICU4X, CLDR): `flood, drainage and sponge city`, `洪水、排水和海绵城市`.
pub fn list(items: &[String], lang: Language) -> String {
    use icu_list::ListFormatter;
    use icu_list::options::ListFormatterOptions;
    thread_local! {
        static FORMATTERS: PerLanguage<ListFormatter> = PerLanguage::new(|_, locale| {
            ListFormatter::try_new_and(locale.into(), ListFormatterOptions::default()).ok()
        });
    }
    FORMATTERS.with(|formatters| {
        formatters
            .get(lang)
            .map_or_else(|| items.join(", "), |f| f.format(items.iter()).to_string())
    })
}

/// Sorts `items` by the names `name` gives, as a dictionary in the reader's language orders them (ICU4X collation,
/// CLDR): Chinese by pinyin, Thai by its consonants with vowels written before them set aside, accents after letters.
pub fn sort_by_name<T>(items: &mut [T], name: impl Fn(&T) -> &str, lang: Language) {
    use icu_collator::options::CollatorOptions;
    use icu_collator::{Collator, CollatorBorrowed};
    thread_local! {
        static COLLATORS: PerLanguage<CollatorBorrowed<'static>> = PerLanguage::new(|_, locale| {
            Collator::try_new(locale.into(), CollatorOptions::default()).ok()
        });
    }
    COLLATORS.with(|collators| match collators.get(lang) {
        Some(collator) => items.sort_by(|a, b| collator.compare(name(a), name(b))),
        None => items.sort_by(|a, b| name(a).cmp(name(b))),
    });
}

/// A number as people type it: `12000000`, `31.5` (no `.0`, no exponent for whole amounts), for forms and for
/// values an entry's authors wrote.
pub fn plain_number(value: f64) -> String {
    if value.fract() == 0.0 && value.abs() < 1e15 {
        format!("{value:.0}")
    } else {
        value.to_string()
    }
}

/// A span of years: `2019`, `2019–2022`, `2019–`, `–2022`, or nothing.
pub fn year_range(from: Option<i32>, to: Option<i32>) -> String {
    match (from, to) {
        (Some(from), Some(to)) if from == to => from.to_string(),
        (Some(from), Some(to)) => format!("{from}–{to}"),
        (Some(from), None) => format!("{from}–"),
        (None, Some(to)) => format!("–{to}"),
        (None, None) => String::new(),
    }
}

/// Percent-encodes a query value.
pub fn encode(value: &str) -> String {
    let mut out = String::new();
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A query string of `pairs`, form-encoded as browsers send them (`q=air+quality&kind=practice`).
pub fn query_string(pairs: &[(String, String)]) -> String {
    serde_urlencoded::to_string(pairs).unwrap_or_default()
}

/// The content language closest to the reader's interface language.
pub fn content_language(lang: Language) -> ContentLanguage {
    lang.into()
}

/// The name of the country with `code` for a reader of `lang`, from `countries`; the code itself if it is not there.
pub fn country_name(countries: &[Country], code: CountryCode, lang: Language) -> String {
    countries
        .iter()
        .find(|c| c.code == code)
        .map_or_else(|| code.to_string(), |c| country_display(c, lang))
}

/// A country's name for a reader of `lang`: from Unicode CLDR in the languages of ASEAN, else Chinese or English.
pub fn country_display(country: &Country, lang: Language) -> String {
    mitra_service::country_names()
        .display_name(country, lang)
        .to_owned()
}

/// An organisation's name for a reader of `lang`: the Chinese name for Chinese readers when there is one.
pub fn org_name(org: &Organisation, lang: Language) -> String {
    match (lang, &org.profile.name_zh) {
        (Language::ZhHans, Some(zh)) => zh.clone(),
        _ => org.profile.name_en.clone(),
    }
}

/// The name of an organisation as a thread or listing names it, for a reader of `lang`: the Chinese name for
/// Chinese readers when there is one.
pub fn org_ref_name(org: &mitra_service::OrgName, lang: Language) -> String {
    match (lang, &org.name_zh) {
        (Language::ZhHans, Some(zh)) => zh.clone(),
        _ => org.name_en.clone(),
    }
}

/// An indicator's title in the reader's language, with the language tag it is in.
pub struct Title {
    /// The title.
    pub text: String,
    /// The BCP 47 tag of the language it is in.
    pub tag: &'static str,
    /// Whether it is not in the reader's language.
    pub foreign: bool,
    /// Whether it is a machine translation (a Chinese title of a standard without a public Chinese text).
    pub machine: bool,
}

impl Title {
    /// The title of `indicator` for a reader of `lang`: the standard's own Chinese title for Chinese readers where
    /// it has one, else a machine translation marked as such; English otherwise.
    pub fn of(indicator: &Indicator, lang: Language) -> Self {
        let (text, actual) = indicator.display_title(lang);
        if actual != lang
            && lang == Language::ZhHans
            && let Some(zh) = mitra_service::indicator_translations().title_zh(indicator)
        {
            return Self {
                text: zh.to_owned(),
                tag: Language::ZhHans.tag(),
                foreign: false,
                machine: true,
            };
        }
        Self {
            text: text.to_owned(),
            tag: actual.tag(),
            foreign: actual != lang,
            machine: false,
        }
    }

    /// The title of the indicator with id `id`, found or not: an indicator the catalogue lacks is named by its id.
    pub fn of_id(indicator: Option<&Indicator>, id: &str, lang: Language) -> Self {
        match indicator {
            Some(i) => Self::of(i, lang),
            None => Self {
                text: id.to_owned(),
                tag: "en",
                foreign: lang != Language::En,
                machine: false,
            },
        }
    }
}

/// The name of theme `theme` of standard `standard` for a reader of `lang`, and the language tag it is in: a machine
/// translation for Chinese readers where there is one (the caller marks it), the source's English otherwise.
pub fn theme_name(standard: &str, theme: &str, lang: Language) -> (String, &'static str, bool) {
    match lang {
        Language::ZhHans => match mitra_service::indicator_translations().theme_zh(standard, theme)
        {
            Some(zh) => (zh.to_owned(), Language::ZhHans.tag(), true),
            None => (theme.to_owned(), "en", false),
        },
        _ => (theme.to_owned(), "en", false),
    }
}

/// A moment to the minute, in the reader's time zone `zone` (IANA; UTC when it is not one) and as the reader's
/// language writes dates and times (ICU4X, CLDR: `Dec 3, 2026, 6:05 PM`, `2026年12月3日 18:05`, Thai in the
/// Buddhist era), with the zone named: `Dec 3, 2026, 6:05 PM (Asia/Bangkok)`.
pub fn minute(at: time::OffsetDateTime, zone: &str, lang: Language) -> String {
    let (zone, tz) = match jiff::tz::TimeZone::get(zone) {
        Ok(tz) => (zone, tz),
        Err(_) => ("UTC", jiff::tz::TimeZone::UTC),
    };
    let civil = jiff::Timestamp::from_second(at.unix_timestamp())
        .unwrap_or(jiff::Timestamp::UNIX_EPOCH)
        .to_zoned(tz)
        .datetime();
    let written = date_time(
        (i32::from(civil.year()), civil.month(), civil.day()),
        Some((civil.hour(), civil.minute())),
        lang,
    );
    format!("{written} ({zone})")
}

/// A calendar date (`2026-12-03`) as the reader's language writes it; a text that is not one, as it is.
pub fn date(iso: &str, lang: Language) -> String {
    match jiff::civil::Date::strptime("%Y-%m-%d", iso) {
        Ok(d) => date_time((i32::from(d.year()), d.month(), d.day()), None, lang),
        Err(_) => iso.to_owned(),
    }
}

/// One language's formatters of dates, and of dates with a time of day.
type DateFormatters = (
    icu_datetime::DateTimeFormatter<icu_datetime::fieldsets::YMD>,
    icu_datetime::DateTimeFormatter<icu_datetime::fieldsets::YMDT>,
);

/// A date, and a time of day when given, written by ICU4X's formatter for `lang`, in its default calendar.
fn date_time(day: (i32, i8, i8), time: Option<(i8, i8)>, lang: Language) -> String {
    use icu_calendar::{Date, Iso};
    use icu_datetime::fieldsets::{YMD, YMDT};
    use icu_datetime::options::TimePrecision;
    use icu_datetime::{DateTimeFormatter, DateTimeFormatterPreferences};
    use icu_time::{DateTime, Time};
    thread_local! {
        static FORMATTERS: PerLanguage<DateFormatters> = PerLanguage::new(|_, locale| {
            let prefs = DateTimeFormatterPreferences::from(locale);
            let dates = DateTimeFormatter::try_new(prefs, YMD::medium()).ok()?;
            let times = DateTimeFormatter::try_new(
                prefs,
                YMDT::medium().with_time_precision(TimePrecision::Minute),
            )
            .ok()?;
            Some((dates, times))
        });
    }
    let (year, month, day_of_month) = day;
    let plain = match time {
        Some((h, m)) => format!("{year:04}-{month:02}-{day_of_month:02} {h:02}:{m:02}"),
        None => format!("{year:04}-{month:02}-{day_of_month:02}"),
    };
    let Ok(date) = Date::try_new_iso(year, month.unsigned_abs(), day_of_month.unsigned_abs())
    else {
        return plain;
    };
    FORMATTERS.with(|formatters| {
        let Some((dates, times)) = formatters.get(lang) else {
            return plain.clone();
        };
        match time {
            None => dates.format(&date).to_string(),
            Some((h, m)) => match Time::try_new(h.unsigned_abs(), m.unsigned_abs(), 0, 0) {
                Ok(time) => times.format(&DateTime::<Iso> { date, time }).to_string(),
                Err(_) => plain.clone(),
            },
        }
    })
}

/// The size of a file, for people.
pub fn file_size(bytes: u64, l: &crate::ui::Layout) -> String {
    let (value, unit) = if bytes >= 1024 * 1024 {
        (bytes as f64 / (1024.0 * 1024.0), "MiB")
    } else if bytes >= 1024 {
        (bytes as f64 / 1024.0, "KiB")
    } else {
        return l.ta("attachment-bytes", &[("count", bytes.to_string())]);
    };
    format!("{value:.1} {unit}")
}

/// A file's kind, for people: `PDF`, `PNG`, `Excel`.
pub fn file_kind(content_type: &str) -> &'static str {
    match content_type.split(';').next().unwrap_or_default() {
        "application/pdf" => "PDF",
        "image/png" => "PNG",
        "image/jpeg" => "JPEG",
        "image/webp" => "WebP",
        "text/csv" => "CSV",
        "text/plain" => "Text",
        t if t.ends_with("wordprocessingml.document") => "Word",
        t if t.ends_with("spreadsheetml.sheet") => "Excel",
        t if t.ends_with("presentationml.presentation") => "PowerPoint",
        _ => "File",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_sorted_as_the_readers_language_sorts_them() {
        let mut chinese = vec!["南宁", "昆明", "成都", "北京"];
        sort_by_name(&mut chinese, |s| s, Language::ZhHans);
        assert_eq!(
            chinese,
            ["北京", "成都", "昆明", "南宁"],
            "by pinyin: Beijing, Chengdu, Kunming, Nanning"
        );
        let mut vietnamese = vec!["Đà Nẵng", "Huế", "Cần Thơ", "Dĩ An"];
        sort_by_name(&mut vietnamese, |s| s, Language::Vi);
        assert_eq!(
            vietnamese,
            ["Cần Thơ", "Dĩ An", "Đà Nẵng", "Huế"],
            "đ after d"
        );
    }

    #[test]
    fn moments_are_written_in_the_readers_zone_and_language() {
        let at = time::macros::datetime!(2026-12-03 11:05 UTC);
        let bangkok = minute(at, "Asia/Bangkok", Language::En);
        assert!(
            bangkok.contains("2026")
                && bangkok.contains("6:05")
                && bangkok.ends_with("(Asia/Bangkok)"),
            "{bangkok}"
        );
        assert_eq!(
            minute(at, "UTC", Language::ZhHans),
            "2026年12月3日 11:05 (UTC)"
        );
        let thai = minute(at, "Asia/Bangkok", Language::Th);
        assert!(
            thai.contains("2569") && thai.contains("18:05"),
            "the Buddhist era: {thai}"
        );
        assert!(minute(at, "Mars/Olympus", Language::En).ends_with("(UTC)"));
        assert_ne!(date("2026-12-03", Language::Vi), "2026-12-03");
        assert_eq!(date("not a date", Language::En), "not a date");
    }

    #[test]
    fn lists_are_joined_as_each_language_joins_them() {
        let items = ["a".to_owned(), "b".to_owned(), "c".to_owned()];
        assert_eq!(list(&items, Language::En), "a, b, and c");
        assert_eq!(list(&items, Language::ZhHans), "a、b和c");
        assert_eq!(list(&items[..1], Language::Th), "a");
    }

    #[test]
    fn digits_are_grouped_in_threes() {
        let en = Language::En;
        assert_eq!(group_digits(0, en), "0");
        assert_eq!(group_digits(999, en), "999");
        assert_eq!(group_digits(1000, en), "1,000");
        assert_eq!(group_digits(10_539_000, en), "10,539,000");
    }

    #[test]
    fn amounts_of_money_carry_the_symbol_and_pattern_of_the_readers_language() {
        assert_eq!(money(1_234_567.5, "USD", Language::En), "$1,234,567.50");
        assert_eq!(money(1_234_567.5, "USD", Language::Th), "US$1,234,567.50");
        assert_eq!(money(1_200.0, "THB", Language::Th), "฿1,200.00");
        assert_eq!(money(1_200.0, "THB", Language::En), "THB\u{a0}1,200.00");
        assert_eq!(
            money(1_234_567.5, "USD", Language::Vi),
            "1.234.567,50\u{a0}US$"
        );
        assert_eq!(money(5_000.0, "CNY", Language::ZhHans), "¥5,000.00");
        assert_eq!(money(5_000.0, "MMK", Language::My), "၅,၀၀၀\u{a0}K");
        // Grouped in thousands in Tamil too, as `number` does.
        assert_eq!(
            money(1_234_567.0, "USD", Language::Ta),
            "US$\u{a0}1,234,567.00"
        );
        // A code CLDR does not know keeps its code; one that is not a code is written after the number.
        assert_eq!(money(10.0, "XYZ", Language::En), "XYZ\u{a0}10.00");
        assert_eq!(money(10.0, "usd$", Language::En), "10 usd$");
    }

    #[test]
    fn numbers_read_naturally() {
        let en = Language::En;
        assert_eq!(number(10539000.0, en), "10,539,000");
        assert_eq!(number(21.50, en), "21.5");
        assert_eq!(number(0.0, en), "0");
        assert_eq!(number(1.23456, en), "1.235");
        assert_eq!(number(-1234.5, en), "-1,234.5");
        // Each language's own separators (CLDR): Vietnamese and Indonesian group with dots and mark decimals
        // with a comma.
        assert_eq!(number(10539415.0, Language::Vi), "10.539.415");
        assert_eq!(number(21.5, Language::Id), "21,5");
        assert_eq!(group_digits(10_539_415, Language::Th), "10,539,415");
        assert_eq!(group_digits(10_539_415, Language::Ta), "10,539,415");
        assert_eq!(plain_number(12_000_000.0), "12000000");
        assert_eq!(plain_number(31.5), "31.5");
    }

    #[test]
    fn year_ranges_and_query_values_are_written_for_people_and_urls() {
        assert_eq!(year_range(Some(2019), Some(2019)), "2019");
        assert_eq!(year_range(Some(2019), Some(2022)), "2019–2022");
        assert_eq!(year_range(None, Some(2022)), "–2022");
        assert_eq!(year_range(None, None), "");
        assert_eq!(encode("a b&c/é"), "a%20b%26c%2F%C3%A9");
        assert_eq!(
            query_string(&[("q".into(), "air quality".into())]),
            "q=air+quality"
        );
    }
}
