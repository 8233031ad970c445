//! `mitra assess`: a city's conformity assessment for a standard, as readable text or as the API's JSON.

use anyhow::Context;
use mitra_service::domain::{CityId, StandardId};

use super::{closing, open, say};
use crate::cli::OutputFormat;
use crate::config::Config;

/// Prints the assessment of `city` against `standard` in `year` (the latest with data by default).
pub(crate) async fn run(
    config: &Config,
    city: &str,
    standard: &str,
    year: Option<&str>,
    format: OutputFormat,
) -> anyhow::Result<()> {
    let mitra = open(config).await?;
    closing(&mitra, async {
        mitra
            .load_reference()
            .await
            .context("cannot load the reference data")?;
        let city = CityId::parse(city)?;
        let standard = StandardId::parse(standard)?;
        let report = mitra.assess(&city, &standard, year).await?;
        let view = report.view(mitra_service::domain::Language::En);
        if let OutputFormat::Json = format {
            return say(&serde_json::to_string_pretty(&view)?);
        }
        let title = |id: &str| {
            report
                .indicators
                .values()
                .find(|i| i.id.as_str() == id)
                .map_or(String::new(), |i| i.title_en.clone())
        };
        let mut out = vec![
            format!(
                "{} ({}) — {}, {}",
                report.city.name_en,
                report.city.id,
                view.scheme_title,
                view.year
                    .map_or("no data".to_owned(), |y| format!("year {y}"))
            ),
            view.scheme_note.clone(),
            String::new(),
            format!(
                "Level reached: {}",
                view.level.as_ref().map_or("none", |l| l.name.as_str())
            ),
        ];
        for (kind, (valid, total)) in &view.counts {
            out.push(format!(
                "  {kind}: {valid} of {total} indicators with a valid value"
            ));
        }
        match &view.next_level {
            None => out.push("This is the highest level of the scheme.".into()),
            Some(next) => {
                out.push(format!("Next level: {}", next.name));
                for gap in &next.missing {
                    out.push(format!(
                        "  {} more {} indicator(s), any {} of these {}:",
                        gap.needed,
                        gap.kind,
                        gap.needed,
                        gap.indicators.len()
                    ));
                    for id in &gap.indicators {
                        out.push(format!("    {id}  {}", title(id)));
                    }
                }
            }
        }
        let recognised: Vec<_> = view
            .items
            .iter()
            .filter(|i| i.recognised_from.is_some())
            .collect();
        if !recognised.is_empty() {
            out.push("Recognised through the crosswalk:".into());
            for item in recognised {
                out.push(format!(
                    "  {} ← {} = {}",
                    item.indicator,
                    item.recognised_from.as_deref().unwrap_or_default(),
                    item.value
                ));
            }
        }
        for (heading, list) in [("Invalid", &view.invalid), ("Warnings", &view.warnings)] {
            if !list.is_empty() {
                out.push(format!("{heading}:"));
                for f in list {
                    out.push(format!(
                        "  {}{}",
                        f.indicator
                            .as_deref()
                            .map_or(String::new(), |i| format!("{i}: ")),
                        f.reason
                    ));
                }
            }
        }
        say(&out.join("\n"))
    })
    .await
}
