//! Parser for the funding programmes open to ASEAN and Chinese cities (`funding/funding_programmes.csv`), Mitra's
//! choice of which of them the demo shows (`funding/selection.csv`) and their Chinese translations
//! (`funding/translations.csv`): the demo's funding entries. It reads the text it is given and opens no file.
//!
//! Each programme the selection shows becomes the funding entry `fund-<nn>`, flagged as an example. Figures are
//! copied only where the file has them: an amount needs its currency, a currency needs an amount, and nothing is
//! converted or filled in. Each text says that the entry was compiled from public pages about the programme, when
//! they were read and that it was not checked since; a programme the selection flags opens with the reason, and a
//! programme without a country list says that this does not make every country eligible. The compiler's notes
//! (caveats) are kept in the English text.

use std::collections::{BTreeSet, HashMap};

use super::{CsvRows, Row, RowError, sources};
use crate::FocusArea;
use crate::entry::{
    Challenge, ContentLanguage, Details, Entry, EntryId, EntryText, Instrument, Money, TextOrigin,
};

/// The files, by their paths under `data/`.
pub struct FundingFiles<'a> {
    /// `funding/funding_programmes.csv`.
    pub programmes: (&'a str, &'a str),
    /// `funding/selection.csv`: `id, use, reason_en, reason_zh`, `use` being `show`, `flag` or `leave-out`.
    pub selection: (&'a str, &'a str),
    /// `funding/translations.csv`: `id, lang, title, summary`.
    pub translations: (&'a str, &'a str),
}

/// What the demo does with a programme.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Use {
    /// Shows it.
    Show,
    /// Shows it, opening with why it should be checked: `(English, Chinese)`.
    Flag(String, String),
    /// Leaves it out.
    LeaveOut,
}

fn selection(file: &str, text: &str) -> Result<HashMap<String, (u64, Use)>, RowError> {
    let mut out = HashMap::new();
    CsvRows::new(file, text, &["id", "use", "reason_en", "reason_zh"])?.for_each(|row| {
        let reasons = || -> Result<(String, String), RowError> {
            Ok((
                row.required("reason_en")?.to_owned(),
                row.required("reason_zh")?.to_owned(),
            ))
        };
        let choice = match row.required("use")? {
            "show" => Use::Show,
            "flag" => {
                let (en, zh) = reasons()?;
                Use::Flag(en, zh)
            }
            "leave-out" => {
                reasons()?;
                Use::LeaveOut
            }
            other => {
                return Err(row.error("use", &format!("'{other}' is not show, flag or leave-out")));
            }
        };
        let id = row.required("id")?.to_owned();
        if out.insert(id.clone(), (row.line, choice)).is_some() {
            return Err(row.error("id", &format!("{id} is chosen twice")));
        }
        Ok(())
    })?;
    Ok(out)
}

/// A translated title (empty where the programme has an official Chinese name) and summary, with its line.
struct Translation {
    line: u64,
    title: Option<String>,
    summary: String,
}

fn translations(file: &str, text: &str) -> Result<HashMap<String, Translation>, RowError> {
    let mut out = HashMap::new();
    CsvRows::new(file, text, &["id", "lang", "title", "summary"])?.for_each(|row| {
        let lang =
            ContentLanguage::parse(row.required("lang")?).map_err(|e| row.invalid("lang", e))?;
        if lang != ContentLanguage::ZhHans {
            return Err(row.error("lang", "only zh-Hans texts are composed for funding"));
        }
        let id = row.required("id")?.to_owned();
        let translation = Translation {
            line: row.line,
            title: row.optional("title").map(str::to_owned),
            summary: row.required("summary")?.to_owned(),
        };
        if out.insert(id.clone(), translation).is_some() {
            return Err(row.error("id", &format!("{id} is translated twice")));
        }
        Ok(())
    })?;
    Ok(out)
}

/// `a; b; c` as a list, empty items left out.
fn list(raw: &str) -> Vec<String> {
    raw.split(';')
        .map(str::trim)
        .filter(|item| !item.is_empty())
        .map(str::to_owned)
        .collect()
}

/// `1900000000` as `1,900,000,000`: whole amounts grouped in thousands, others as written.
fn grouped(amount: f64) -> String {
    if amount.fract() != 0.0 || !(0.0..1e15).contains(&amount) {
        return amount.to_string();
    }
    let digits = format!("{amount:.0}");
    let mut out = String::new();
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

/// The amounts of `columns` in the currency of `currency`: both or neither.
fn amounts(
    row: &Row<'_>,
    columns: &[&str],
    currency: &str,
) -> Result<Vec<Option<Money>>, RowError> {
    let mut out = Vec::new();
    for column in columns {
        out.push(row.number::<f64>(column)?);
    }
    let code = row.optional(currency);
    match (out.iter().any(Option::is_some), code) {
        (true, None) => Err(row.error(currency, "is required with an amount")),
        (false, Some(_)) => Err(row.error(currency, "is given without an amount")),
        _ => Ok(out
            .into_iter()
            .map(|amount| {
                amount.map(|amount| Money {
                    amount,
                    currency: code.unwrap_or_default().to_owned(),
                })
            })
            .collect()),
    }
}

/// Every programme the selection shows, as a validated entry, in file order.
pub fn parse_funding(
    files: &FundingFiles<'_>,
    focus_areas: &[FocusArea],
) -> Result<Vec<Entry>, RowError> {
    let mut chosen = selection(files.selection.0, files.selection.1)?;
    let mut translations = translations(files.translations.0, files.translations.1)?;
    let known_areas: BTreeSet<&str> = focus_areas.iter().map(|a| a.id.as_str()).collect();
    let mut entries = Vec::new();
    let (file, text) = files.programmes;
    let columns = [
        "id",
        "funder",
        "title_en",
        "title_zh",
        "instrument",
        "amount_min",
        "amount_max",
        "currency",
        "fund_size",
        "fund_size_currency",
        "countries",
        "sectors",
        "focus_areas",
        "challenges",
        "deadline",
        "application",
        "summary_en",
        "source",
        "retrieved",
        "notes",
    ];
    CsvRows::new(file, text, &columns)?.for_each(|row| {
        let raw_id = row.required("id")?;
        let choice = match chosen.remove(raw_id) {
            Some((_, choice)) => choice,
            None => {
                return Err(row.error(
                    "id",
                    &format!("{raw_id} has no row in {}", files.selection.0),
                ));
            }
        };
        let translation = translations.remove(raw_id);
        if choice == Use::LeaveOut {
            return Ok(());
        }
        let id = EntryId::parse(&raw_id.to_lowercase()).map_err(|e| row.invalid("id", e))?;
        let funder = row.required("funder")?;
        let instrument = Instrument::parse(row.required("instrument")?)
            .map_err(|e| row.invalid("instrument", e))?;
        let mut range = amounts(row, &["amount_min", "amount_max"], "currency")?.into_iter();
        let (amount_min, amount_max) = (range.next().flatten(), range.next().flatten());
        let fund_size = amounts(row, &["fund_size"], "fund_size_currency")?
            .into_iter()
            .next()
            .flatten();
        let countries = list(row.get("countries"));
        let focus: BTreeSet<String> = list(row.get("focus_areas")).into_iter().collect();
        if let Some(unknown) = focus.iter().find(|a| !known_areas.contains(a.as_str())) {
            return Err(row.error(
                "focus_areas",
                &format!("'{unknown}' is not an ASCN focus area id"),
            ));
        }
        let challenges = list(row.get("challenges"))
            .iter()
            .map(|c| Challenge::parse(c))
            .collect::<Result<BTreeSet<_>, _>>()
            .map_err(|e| row.invalid("challenges", e))?;
        let retrieved = row.required("retrieved")?;

        let mut body_en = Vec::new();
        let mut body_zh = Vec::new();
        if let Use::Flag(en, zh) = &choice {
            body_en.push(en.clone());
            body_zh.push(zh.clone());
        }
        body_en.push(format!(
            "Shown for the demonstration as an example: compiled from public pages about the programme, \
             retrieved {retrieved} (sources below), and not checked since. Amounts, eligibility and how to apply may have \
             changed; check with the funder before relying on them."
        ));
        body_zh.push(format!(
            "本条目是演示示例：依据有关该计划的公开网页整理，检索日期为{retrieved}（来源见下），此后未再核实。金额、\
             资格和申请方式可能已有变化，使用前请向资助方核实。资助方、申请方式和整理说明见英文文本。"
        ));
        body_en.push(format!("Funder: {funder}."));
        if let Some(application) = row.optional("application") {
            body_en.push(format!(
                "How to apply: {}.",
                application.trim_end_matches('.')
            ));
        }
        if let Some(size) = &fund_size {
            let size = format!("{} {}", size.currency, grouped(size.amount));
            body_en.push(format!(
                "Size stated by the sources: {size}; the notes say what it counts."
            ));
            body_zh.push(format!("来源所述的资金规模：{size}（所指含义见英文说明）。"));
        }
        if countries.is_empty() {
            body_en.push(
                "Eligible countries: the sources give no list; that does not make every country eligible."
                    .into(),
            );
            body_zh.push("合格国家：来源未列出名单；这并不表示所有国家都符合条件。".into());
        }
        if let Some(notes) = row.optional("notes") {
            body_en.push(format!("Notes from the compilation: {notes}"));
        }
        let mut texts = vec![EntryText {
            lang: ContentLanguage::En,
            origin: TextOrigin::Original,
            title: row.required("title_en")?.to_owned(),
            summary: row.required("summary_en")?.to_owned(),
            body: body_en.join("\n\n"),
        }];
        if let Some(zh) = translation {
            let title = match (row.optional("title_zh"), zh.title) {
                (Some(official), _) => official.to_owned(),
                (None, Some(translated)) => translated,
                (None, None) => {
                    return Err(RowError {
                        file: files.translations.0.to_owned(),
                        line: zh.line,
                        field: "title".into(),
                        reason: format!("{raw_id} has no official Chinese name to use instead"),
                    });
                }
            };
            texts.push(EntryText {
                lang: ContentLanguage::ZhHans,
                origin: TextOrigin::MachineTranslation,
                title,
                summary: zh.summary,
                body: body_zh.join("\n\n"),
            });
        }
        let entry = Entry {
            id,
            texts,
            cities: Vec::new(),
            organisations: Vec::new(),
            challenges,
            focus_areas: focus,
            sdgs: BTreeSet::new(),
            indicators: Vec::new(),
            tags: BTreeSet::new(),
            year_from: None,
            year_to: None,
            sources: sources(row.required("source")?, Some(retrieved)),
            example: true,
            details: Details::Funding {
                funder: funder.to_owned(),
                instrument,
                amount_min,
                amount_max,
                countries,
                sectors: list(row.get("sectors")),
                deadline: row.optional("deadline").map(str::to_owned),
            },
        };
        entry
            .validate()
            .map_err(|e| row.error(&e.field, &e.reason.to_string()))?;
        entries.push(entry);
        Ok(())
    })?;
    if let Some((id, (line, _))) = chosen.iter().min_by_key(|(_, (line, _))| *line) {
        return Err(RowError {
            file: files.selection.0.to_owned(),
            line: *line,
            field: "id".into(),
            reason: format!("{id} is not a programme"),
        });
    }
    if let Some((id, translation)) = translations.iter().min_by_key(|(_, t)| t.line) {
        return Err(RowError {
            file: files.translations.0.to_owned(),
            line: translation.line,
            field: "id".into(),
            reason: format!("{id} is not a programme"),
        });
    }
    Ok(entries)
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = "id,funder,title_en,title_zh,instrument,amount_min,amount_max,currency,fund_size,\
        fund_size_currency,countries,sectors,focus_areas,challenges,deadline,application,summary_en,source,\
        retrieved,notes\n";

    fn areas() -> Vec<FocusArea> {
        ["built_infrastructure", "quality_environment"]
            .iter()
            .map(|id| FocusArea {
                id: (*id).into(),
                name_en: (*id).into(),
                source: String::new(),
            })
            .collect()
    }

    fn parse(
        programmes: &str,
        selection: &str,
        translations: &str,
    ) -> Result<Vec<Entry>, RowError> {
        parse_funding(
            &FundingFiles {
                programmes: ("funding/funding_programmes.csv", programmes),
                selection: ("funding/selection.csv", selection),
                translations: ("funding/translations.csv", translations),
            },
            &areas(),
        )
    }

    fn row(id: &str, amounts: &str, countries: &str) -> String {
        format!(
            "{id},ADB,Fund {id},,grant,{amounts},,,{countries},water; drainage,quality_environment,energy,,\
             rolling,A fund.,\"ADB, Fund page, https://adb.example/{id}\",2026-12-03,Typical USD 500000\n"
        )
    }

    const SELECTION: &str = "id,use,reason_en,reason_zh\nFUND-01,show,,\n\
        FUND-02,flag,Status to confirm: the term ended.,状态待确认：期限已结束。\n\
        FUND-03,leave-out,No open call.,没有公开征集。\n";
    const TRANSLATIONS: &str = "id,lang,title,summary\nFUND-01,zh-Hans,基金一,一个基金。\n";

    #[test]
    fn shown_programmes_keep_only_the_figures_the_file_states() {
        let file = format!(
            "{HEADER}{}{}{}",
            row("FUND-01", ",5000000,USD", "KH;LA"),
            row("FUND-02", ",,", ""),
            row("FUND-03", ",,", "")
        );
        let entries = parse(&file, SELECTION, TRANSLATIONS).expect("parsed");
        assert_eq!(
            entries.iter().map(|e| e.id.as_str()).collect::<Vec<_>>(),
            ["fund-01", "fund-02"],
            "the programme left out is not shown"
        );
        let Details::Funding {
            amount_min,
            amount_max,
            countries,
            sectors,
            deadline,
            ..
        } = &entries[0].details
        else {
            panic!("funding");
        };
        assert_eq!(amount_min, &None, "no minimum stated, none shown");
        assert_eq!(
            amount_max,
            &Some(Money {
                amount: 5_000_000.0,
                currency: "USD".into()
            })
        );
        assert_eq!(countries, &["KH", "LA"]);
        assert_eq!(sectors, &["water", "drainage"]);
        assert_eq!(deadline, &None);
        assert!(matches!(
            &entries[1].details,
            Details::Funding {
                amount_min: None,
                amount_max: None,
                ..
            }
        ));
        let first = &entries[0];
        assert!(first.example);
        assert_eq!(first.sources[0].retrieved.as_deref(), Some("2026-12-03"));
        assert!(first.texts[0].body.contains("retrieved 2026-12-03"));
        assert!(
            first.texts[0]
                .body
                .contains("Notes from the compilation: Typical USD 500000")
        );
        assert!(!first.texts[0].body.contains("Eligible countries"));
        assert_eq!(first.texts[1].origin, TextOrigin::MachineTranslation);
        assert!(first.texts[1].body.contains("检索日期为2026-12-03"));
        let flagged = &entries[1];
        assert!(
            flagged.texts[0]
                .body
                .starts_with("Status to confirm: the term ended.")
        );
        assert!(
            flagged.texts[0]
                .body
                .contains("the sources give no list; that does not make every country eligible")
        );
        assert_eq!(flagged.texts.len(), 1, "no translation, no Chinese text");
    }

    #[test]
    fn an_official_chinese_name_is_kept() {
        let file = format!("{HEADER}{}", row("FUND-01", ",,", "CN"))
            .replace("Fund FUND-01,,", "Fund FUND-01,澜湄合作专项基金,");
        let translations = "id,lang,title,summary\nFUND-01,zh-Hans,,一个基金。\n";
        let entries = parse(
            &file,
            "id,use,reason_en,reason_zh\nFUND-01,show,,\n",
            translations,
        )
        .expect("parsed");
        assert_eq!(entries[0].texts[1].title, "澜湄合作专项基金");
    }

    #[test]
    fn amounts_and_choices_are_checked_with_file_line_and_field() {
        let selection = "id,use,reason_en,reason_zh\nFUND-01,show,,\n";
        let refused = |programmes: String, selection: &str| {
            parse(&programmes, selection, "id,lang,title,summary\n").expect_err("refused")
        };
        let error = refused(format!("{HEADER}{}", row("FUND-01", "1,5,", "")), selection);
        assert_eq!(
            (error.line, error.field.as_str()),
            (2, "currency"),
            "an amount needs its currency"
        );
        let error = refused(
            format!("{HEADER}{}", row("FUND-01", ",,USD", "")),
            selection,
        );
        assert_eq!(error.field, "currency", "a currency needs an amount");
        let error = refused(
            format!("{HEADER}{}", row("FUND-01", "5,1,USD", "")),
            selection,
        );
        assert_eq!(error.field, "amount_max");
        let error = refused(
            format!("{HEADER}{}", row("FUND-01", ",,", "")),
            "id,use,reason_en,reason_zh\n",
        );
        assert_eq!(
            (error.file.as_str(), error.field.as_str()),
            ("funding/funding_programmes.csv", "id"),
            "a programme nobody chose is not shown by default"
        );
        let error = refused(
            format!("{HEADER}{}", row("FUND-01", ",,", "")),
            "id,use,reason_en,reason_zh\nFUND-01,flag,,\n",
        );
        assert_eq!(
            (error.file.as_str(), error.field.as_str()),
            ("funding/selection.csv", "reason_en"),
            "a flag says why"
        );
        let error = refused(
            format!("{HEADER}{}", row("FUND-01", ",,", "")),
            "id,use,reason_en,reason_zh\nFUND-01,show,,\nFUND-09,show,,\n",
        );
        assert_eq!(
            (error.line, error.reason.as_str()),
            (3, "FUND-09 is not a programme")
        );
    }

    #[test]
    fn whole_amounts_are_grouped_in_thousands() {
        assert_eq!(grouped(1_900_000_000.0), "1,900,000,000");
        assert_eq!(grouped(73_000_000.0), "73,000,000");
        assert_eq!(grouped(500.0), "500");
        assert_eq!(grouped(2.5), "2.5");
    }
}
