//! Parser for the solutions the documented initiatives show deployed (`initiatives/solutions.csv`): the demo's
//! solution entries. It reads the text it is given and opens no file.
//!
//! A row names one or more initiatives (`CHINA-01;COOP-04`), the provider, the maturity and what the maturity rests
//! on. The solution takes its texts, cities, sources and years from those initiatives alone: `deployed_in` is the
//! cities they document. A provider the initiatives do not name, an initiative that does not exist, or a solution
//! deployed in none of Mitra's cities stops the load.

use std::collections::BTreeSet;

use super::{CsvRows, RowError};
use crate::CityId;
use crate::entry::{ContentLanguage, Details, Entry, EntryId, EntryText, Maturity, SourceLink};

/// Every solution of `file` as a validated entry, in file order, built from `initiatives` (the parsed
/// `initiatives.csv`); `retrieved` is when the initiatives' sources were read.
pub fn parse_solutions(
    file: (&str, &str),
    initiatives: &[Entry],
    retrieved: &str,
) -> Result<Vec<Entry>, RowError> {
    let mut entries = Vec::new();
    let columns = ["id", "initiatives", "provider", "maturity", "basis"];
    CsvRows::new(file.0, file.1, &columns)?.for_each(|row| {
        let id = EntryId::parse(row.required("id")?).map_err(|e| row.invalid("id", e))?;
        if !id.as_str().starts_with("sol-") {
            return Err(row.error("id", "a solution's id starts with 'sol-'"));
        }
        let mut documented: Vec<&Entry> = Vec::new();
        for raw in row.required("initiatives")?.split(';').map(str::trim) {
            let found = initiatives
                .iter()
                .find(|e| e.id.as_str() == raw.to_lowercase())
                .ok_or_else(|| row.error("initiatives", &format!("{raw} is not an initiative")))?;
            documented.push(found);
        }
        let provider = row.required("provider")?;
        if !documented
            .iter()
            .any(|e| e.organisations.iter().any(|o| o == provider))
        {
            return Err(row.error(
                "provider",
                &format!("'{provider}' is not among the organisations its initiatives name"),
            ));
        }
        let maturity =
            Maturity::parse(row.required("maturity")?).map_err(|e| row.invalid("maturity", e))?;
        let basis = row.required("basis")?;
        let named: Vec<&str> = documented.iter().map(|e| e.id.as_str()).collect();
        let named = named.join(", ");

        let first = documented[0];
        let mut texts = Vec::new();
        for text in &first.texts {
            let Some(all) = documented
                .iter()
                .map(|e| e.text(text.lang))
                .collect::<Option<Vec<_>>>()
            else {
                continue;
            };
            let summary: Vec<&str> = all.iter().map(|t| t.summary.as_str()).collect();
            let body = match text.lang {
                ContentLanguage::En => format!(
                    "Shown for the demonstration as an example: a solution as the documented initiatives {named} \
                     show it deployed, not an offer from {provider}.\n\nMaturity ({}): {basis}",
                    maturity.tag()
                ),
                ContentLanguage::ZhHans => format!(
                    "本条目是演示示例：依据已记录的实践{named}中的部署情况整理的解决方案，并非{provider}的报价。\
                     成熟度的依据见英文文本。"
                ),
                _ => String::new(),
            };
            texts.push(EntryText {
                lang: text.lang,
                origin: text.origin,
                title: text.title.clone(),
                summary: summary.join(" "),
                body,
            });
        }
        let mut cities: Vec<CityId> = Vec::new();
        let mut organisations: Vec<String> = Vec::new();
        let mut sources: Vec<SourceLink> = Vec::new();
        for entry in &documented {
            for city in &entry.cities {
                if !cities.contains(city) {
                    cities.push(city.clone());
                }
            }
            for org in &entry.organisations {
                if !organisations.contains(org) {
                    organisations.push(org.clone());
                }
            }
            for source in &entry.sources {
                let source = SourceLink {
                    retrieved: Some(retrieved.to_owned()),
                    ..source.clone()
                };
                if !sources.contains(&source) {
                    sources.push(source);
                }
            }
        }
        if cities.is_empty() {
            return Err(row.error(
                "initiatives",
                &format!("{named} document no deployment in one of Mitra's cities"),
            ));
        }
        let union = |field: fn(&Entry) -> &BTreeSet<String>| -> BTreeSet<String> {
            documented.iter().flat_map(|e| field(e).iter().cloned()).collect()
        };
        let entry = Entry {
            id,
            texts,
            cities: cities.clone(),
            organisations,
            challenges: documented
                .iter()
                .flat_map(|e| e.challenges.iter().copied())
                .collect(),
            focus_areas: union(|e| &e.focus_areas),
            sdgs: documented
                .iter()
                .flat_map(|e| e.sdgs.iter().copied())
                .collect(),
            indicators: Vec::new(),
            tags: union(|e| &e.tags),
            year_from: documented.iter().filter_map(|e| e.year_from).min(),
            year_to: documented.iter().filter_map(|e| e.year_to).max(),
            sources,
            example: true,
            details: Details::Solution {
                provider: provider.to_owned(),
                maturity,
                deployed_in: cities,
                standards: Vec::new(),
            },
        };
        entry
            .validate()
            .map_err(|e| row.error(&e.field, &e.reason.to_string()))?;
        entries.push(entry);
        Ok(())
    })?;
    Ok(entries)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::entry::TextOrigin;

    fn initiative(
        id: &str,
        city: Option<&str>,
        organisations: &[&str],
        years: (i32, i32),
    ) -> Entry {
        Entry {
            id: EntryId::parse(id).expect("id"),
            texts: vec![
                EntryText {
                    lang: ContentLanguage::En,
                    origin: TextOrigin::Original,
                    title: format!("Title {id}"),
                    summary: format!("Summary {id}."),
                    body: String::new(),
                },
                EntryText {
                    lang: ContentLanguage::ZhHans,
                    origin: TextOrigin::MachineTranslation,
                    title: format!("标题 {id}"),
                    summary: format!("摘要 {id}。"),
                    body: String::new(),
                },
            ],
            cities: city
                .map(|c| CityId::parse(c).expect("city"))
                .into_iter()
                .collect(),
            organisations: organisations.iter().map(|o| (*o).to_owned()).collect(),
            challenges: BTreeSet::new(),
            focus_areas: BTreeSet::new(),
            sdgs: BTreeSet::new(),
            indicators: Vec::new(),
            tags: [format!("tag-{id}")].into(),
            year_from: Some(years.0),
            year_to: Some(years.1),
            sources: vec![SourceLink {
                title: format!("Source {id}"),
                url: Some(format!("https://news.example/{id}")),
                retrieved: None,
            }],
            example: false,
            details: Details::Practice {
                evidence: Vec::new(),
                outcome: None,
            },
        }
    }

    fn initiatives() -> Vec<Entry> {
        vec![
            initiative(
                "china-01",
                Some("hangzhou"),
                &["Hangzhou Municipal Government", "Alibaba Cloud"],
                (2016, 2019),
            ),
            initiative(
                "coop-04",
                Some("kuala-lumpur"),
                &["Alibaba Cloud"],
                (2018, 2018),
            ),
            initiative("china-19", None, &["Alibaba Group"], (2009, 2019)),
        ]
    }

    const HEADER: &str = "id,initiatives,provider,maturity,basis\n";

    #[test]
    fn a_solution_is_deployed_where_its_initiatives_document_it() {
        let file = format!(
            "{HEADER}sol-city-brain,CHINA-01;COOP-04,Alibaba Cloud,deployed,In use in Hangzhou since 2016.\n"
        );
        let entries = parse_solutions(
            ("initiatives/solutions.csv", &file),
            &initiatives(),
            "2026-11",
        )
        .expect("parsed");
        let entry = &entries[0];
        assert_eq!(entry.id.as_str(), "sol-city-brain");
        let Details::Solution {
            provider,
            maturity,
            deployed_in,
            ..
        } = &entry.details
        else {
            panic!("a solution");
        };
        assert_eq!(provider, "Alibaba Cloud");
        assert_eq!(*maturity, Maturity::Deployed);
        let ids: Vec<&str> = deployed_in.iter().map(CityId::as_str).collect();
        assert_eq!(ids, ["hangzhou", "kuala-lumpur"]);
        assert_eq!(entry.cities, *deployed_in);
        assert_eq!((entry.year_from, entry.year_to), (Some(2016), Some(2019)));
        assert_eq!(entry.sources.len(), 2);
        assert!(
            entry
                .sources
                .iter()
                .all(|s| s.retrieved.as_deref() == Some("2026-11"))
        );
        assert_eq!(entry.texts[0].title, "Title china-01");
        assert_eq!(entry.texts[0].summary, "Summary china-01. Summary coop-04.");
        assert!(
            entry.texts[0]
                .body
                .contains("Maturity (deployed): In use in Hangzhou since 2016.")
        );
        assert_eq!(entry.texts[1].origin, TextOrigin::MachineTranslation);
        assert!(entry.example);
    }

    #[test]
    fn a_provider_or_deployment_the_initiatives_do_not_document_is_refused() {
        let refused = |line: &str| {
            let file = format!("{HEADER}{line}\n");
            parse_solutions(
                ("initiatives/solutions.csv", &file),
                &initiatives(),
                "2026-11",
            )
            .expect_err("refused")
        };
        let error = refused("sol-city-brain,CHINA-01,Foxconn,deployed,Because.");
        assert_eq!((error.line, error.field.as_str()), (2, "provider"));
        let error = refused("sol-taobao,CHINA-19,Alibaba Group,scaled,Thousands of villages.");
        assert_eq!(
            error.field, "initiatives",
            "no city of Mitra's, no deployment to show"
        );
        let error = refused("sol-x,CHINA-99,Alibaba Cloud,deployed,Because.");
        assert_eq!(error.reason, "CHINA-99 is not an initiative");
        let error = refused("city-brain,CHINA-01,Alibaba Cloud,deployed,Because.");
        assert_eq!(error.field, "id");
        let error = refused("sol-city-brain,CHINA-01,Alibaba Cloud,widespread,Because.");
        assert_eq!(error.field, "maturity");
    }
}
