//! Parsers for the indicator standards, the crosswalk and the ASCN focus areas. Each standard keeps the layout its
//! source published; the parsers map them onto [`Indicator`].

use std::collections::{HashMap, HashSet};

use super::{CsvRows, RowError};
use crate::{
    Basis, CrosswalkEntry, Direction, FocusArea, Indicator, IndicatorId, IndicatorKind, Relation,
    StandardId,
};

/// The standards whose files ship with Mitra, by the label the crosswalk file uses for them.
#[derive(Debug, Clone, Default)]
pub struct StandardCatalogue {
    labels: HashMap<String, StandardId>,
}

impl StandardCatalogue {
    /// Maps the crosswalk's label for a standard (`ISO 37120:2014`) to its id.
    pub fn with(mut self, label: &str, id: &StandardId) -> Self {
        self.labels.insert(label.to_owned(), id.clone());
        self
    }

    fn id_for(&self, label: &str) -> Option<&StandardId> {
        self.labels.get(label.trim())
    }
}

fn indicator_id(
    row: &super::Row<'_>,
    standard: &StandardId,
    column: &str,
) -> Result<IndicatorId, RowError> {
    IndicatorId::new(standard, row.required(column)?).map_err(|e| row.invalid(column, e))
}

fn check_unique(
    row: &super::Row<'_>,
    seen: &mut HashSet<IndicatorId>,
    id: &IndicatorId,
) -> Result<(), RowError> {
    if seen.insert(id.clone()) {
        Ok(())
    } else {
        Err(row.error("id", &format!("{id} appears twice")))
    }
}

/// Where a flat (one-level) standard keeps its fields, and which kinds it uses.
struct FlatLayout {
    theme: &'static str,
    sub_theme: Option<&'static str>,
    kinds: &'static [(&'static str, IndicatorKind)],
}

/// The row's unit, if it states one: one Mitra knows, in its canonical spelling.
fn unit_of(row: &super::Row<'_>) -> Result<Option<String>, RowError> {
    row.optional("unit")
        .map(|raw| {
            crate::unit::Unit::parse(raw)
                .map(|u| u.symbol().to_owned())
                .ok_or_else(|| row.error("unit", &format!("'{raw}' is not a unit Mitra knows")))
        })
        .transpose()
}

/// Parses a one-level standard whose rows have `id`, `title`, `kind`, `unit`, `source` and the layout's theme columns.
fn parse_flat(
    file: &str,
    text: &str,
    standard: &StandardId,
    layout: &FlatLayout,
) -> Result<Vec<Indicator>, RowError> {
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    let mut required = vec!["id", "title", "kind", "unit", "source", layout.theme];
    required.extend(layout.sub_theme);
    CsvRows::new(file, text, &required)?.for_each(|row| {
        let id = indicator_id(row, standard, "id")?;
        check_unique(row, &mut seen, &id)?;
        let raw_kind = row.required("kind")?;
        let Some(&(_, kind)) = layout.kinds.iter().find(|(name, _)| *name == raw_kind) else {
            let names: Vec<_> = layout.kinds.iter().map(|(name, _)| *name).collect();
            return Err(row.error(
                "kind",
                &format!("'{raw_kind}' is not {}", names.join(" or ")),
            ));
        };
        out.push(Indicator {
            code: id.code().to_owned(),
            id,
            standard_id: standard.clone(),
            title_en: row.required("title")?.to_owned(),
            title_zh: None,
            title_en_is_translation: false,
            theme: row.required(layout.theme)?.to_owned(),
            sub_theme: layout
                .sub_theme
                .and_then(|c| row.optional(c))
                .map(str::to_owned),
            kind,
            unit: unit_of(row)?,
            unit_basis: None,
            parent_id: None,
            weight_percent: None,
            direction: None,
            position: out.len() as i64,
            source: row.required("source")?.to_owned(),
        });
        Ok(())
    })?;
    Ok(out)
}

/// Parses ISO 37120:2014 (`standard,id,title,theme,kind,unit,unit_basis,source`).
pub fn parse_iso37120_2014(
    file: &str,
    text: &str,
    standard: &StandardId,
) -> Result<Vec<Indicator>, RowError> {
    const LAYOUT: FlatLayout = FlatLayout {
        theme: "theme",
        sub_theme: None,
        kinds: &[
            ("core", IndicatorKind::Core),
            ("supporting", IndicatorKind::Supporting),
        ],
    };
    parse_flat(file, text, standard, &LAYOUT)
}

/// Parses the U4SSC KPIs (`id,title,dimension,sub_dimension,category,kind,unit,source`); the theme is the
/// dimension and the sub-theme the category.
pub fn parse_u4ssc(
    file: &str,
    text: &str,
    standard: &StandardId,
) -> Result<Vec<Indicator>, RowError> {
    const LAYOUT: FlatLayout = FlatLayout {
        theme: "dimension",
        sub_theme: Some("category"),
        kinds: &[
            ("core", IndicatorKind::Core),
            ("advanced", IndicatorKind::Advanced),
        ],
    };
    parse_flat(file, text, standard, &LAYOUT)
}

/// Parses GB/T 33356-2016 (`level,id,parent,title_zh,title_en_analyst_translation,weight_pct,source`). Rows the
/// source lists without a code cannot get a canonical id; they are counted and left out, never given a made-up code.
pub fn parse_gbt33356(
    file: &str,
    text: &str,
    standard: &StandardId,
) -> Result<(Vec<Indicator>, usize), RowError> {
    let mut out: Vec<Indicator> = Vec::new();
    let mut seen = HashSet::new();
    let mut without_code = 0;
    let required = [
        "level",
        "id",
        "parent",
        "title_zh",
        "title_en_analyst_translation",
        "weight_pct",
        "source",
    ];
    CsvRows::new(file, text, &required)?.for_each(|row| {
        if row.optional("id").is_none() {
            without_code += 1;
            return Ok(());
        }
        let id = indicator_id(row, standard, "id")?;
        check_unique(row, &mut seen, &id)?;
        let kind = match row.required("level")? {
            "1" => IndicatorKind::Level1,
            "2" => IndicatorKind::Level2,
            "3" => IndicatorKind::SubItem,
            other => return Err(row.error("level", &format!("'{other}' is not 1, 2 or 3"))),
        };
        let parent_id = row
            .optional("parent")
            .map(|p| IndicatorId::new(standard, p))
            .transpose()
            .map_err(|e| row.invalid("parent", e))?;
        if kind != IndicatorKind::Level1 && parent_id.is_none() {
            return Err(row.error("parent", "is empty for an indicator below the first level"));
        }
        let title_en = row.required("title_en_analyst_translation")?.to_owned();
        // The theme is the first-level index the row sits under.
        let theme = match &parent_id {
            None => title_en.clone(),
            Some(parent) => {
                let parent_row = out.iter().find(|i| &i.id == parent).ok_or_else(|| {
                    row.error("parent", &format!("{parent} is not listed before this row"))
                })?;
                if parent_row.kind == IndicatorKind::Level1 {
                    parent_row.title_en.clone()
                } else {
                    parent_row.theme.clone()
                }
            }
        };
        out.push(Indicator {
            code: id.code().to_owned(),
            id,
            standard_id: standard.clone(),
            title_en,
            title_zh: Some(row.required("title_zh")?.to_owned()),
            title_en_is_translation: true,
            theme,
            sub_theme: None,
            kind,
            unit: None,
            unit_basis: None,
            parent_id,
            weight_percent: row.number::<f64>("weight_pct")?,
            direction: None,
            position: out.len() as i64,
            source: row.required("source")?.to_owned(),
        });
        Ok(())
    })?;
    Ok((out, without_code))
}

/// Chinese titles and theme names of indicators whose standard has no public Chinese text
/// (`standards/indicator_titles_zh.csv`: `standard_id, code, kind, english, zh_hans`), machine-translated: shown to
/// Chinese readers and marked as machine translation. `english` is the source's wording, so that a row whose English
/// changed is not shown.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IndicatorTranslations {
    titles: std::collections::BTreeMap<(String, String), (String, String)>,
    themes: std::collections::BTreeMap<(String, String), String>,
}

impl IndicatorTranslations {
    /// The machine-translated Chinese title of `indicator`, when the file has one for its current English title.
    pub fn title_zh(&self, indicator: &crate::Indicator) -> Option<&str> {
        self.titles
            .get(&(indicator.standard_id.to_string(), indicator.code.clone()))
            .filter(|(english, _)| *english == indicator.title_en)
            .map(|(_, zh)| zh.as_str())
    }

    /// The machine-translated Chinese name of theme `theme` of standard `standard`.
    pub fn theme_zh(&self, standard: &str, theme: &str) -> Option<&str> {
        self.themes
            .get(&(standard.to_owned(), theme.to_owned()))
            .map(String::as_str)
    }
}

/// Parses the machine-translated Chinese titles and theme names of indicators.
pub fn parse_indicator_translations(
    file: &str,
    text: &str,
) -> Result<IndicatorTranslations, RowError> {
    let mut out = IndicatorTranslations::default();
    CsvRows::new(
        file,
        text,
        &["standard_id", "code", "kind", "english", "zh_hans"],
    )?
    .for_each(|row| {
        let standard = row.required("standard_id")?.to_owned();
        let english = row.required("english")?.to_owned();
        let zh = row.required("zh_hans")?.to_owned();
        match row.required("kind")? {
            "title" => {
                let code = row.required("code")?.to_owned();
                out.titles.insert((standard, code), (english, zh));
            }
            "theme" => {
                out.themes.insert((standard, english), zh);
            }
            _ => return Err(row.error("kind", "is neither `title` nor `theme`")),
        }
        Ok(())
    })?;
    Ok(out)
}

/// Parses Mitra's own indicators (`id,title,title_zh,theme,kind,unit,direction,definition,source`): figures that
/// describe a city but belong to none of the shipped standards. The definition is kept with the source.
pub fn parse_mitra_indicators(
    file: &str,
    text: &str,
    standard: &StandardId,
) -> Result<Vec<Indicator>, RowError> {
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    let required = [
        "id",
        "title",
        "title_zh",
        "theme",
        "kind",
        "unit",
        "direction",
        "definition",
        "source",
    ];
    CsvRows::new(file, text, &required)?.for_each(|row| {
        let id = indicator_id(row, standard, "id")?;
        check_unique(row, &mut seen, &id)?;
        if row.required("kind")? != "profile" {
            return Err(row.error("kind", "Mitra's own indicators are profile indicators"));
        }
        out.push(Indicator {
            code: id.code().to_owned(),
            id,
            standard_id: standard.clone(),
            title_en: row.required("title")?.to_owned(),
            title_zh: row.optional("title_zh").map(str::to_owned),
            title_en_is_translation: false,
            theme: row.required("theme")?.to_owned(),
            sub_theme: None,
            kind: IndicatorKind::Profile,
            unit: unit_of(row)?,
            unit_basis: None,
            parent_id: None,
            weight_percent: None,
            direction: row
                .optional("direction")
                .map(Direction::parse)
                .transpose()
                .map_err(|e| row.invalid("direction", e))?,
            position: out.len() as i64,
            source: format!(
                "{}: {}",
                row.required("source")?,
                row.required("definition")?
            ),
        });
        Ok(())
    })?;
    Ok(out)
}

/// Reads one of Mitra's per-indicator lists (`indicator` and `columns`): every row names a shipped indicator, once,
/// and `apply` sets what the row says on it. Returns the ids listed.
fn for_each_listed(
    file: &str,
    text: &str,
    columns: &[&str],
    indicators: &mut [Indicator],
    mut apply: impl FnMut(&super::Row<'_>, &mut Indicator) -> Result<(), RowError>,
) -> Result<HashSet<IndicatorId>, RowError> {
    let position: HashMap<IndicatorId, usize> = indicators
        .iter()
        .enumerate()
        .map(|(i, indicator)| (indicator.id.clone(), i))
        .collect();
    let mut seen = HashSet::new();
    let mut required = vec!["indicator"];
    required.extend_from_slice(columns);
    CsvRows::new(file, text, &required)?.for_each(|row| {
        let id = IndicatorId::parse(row.required("indicator")?)
            .map_err(|e| row.invalid("indicator", e))?;
        let Some(&at) = position.get(&id) else {
            return Err(row.error("indicator", &format!("{id} is not a shipped indicator")));
        };
        check_unique(row, &mut seen, &id)?;
        apply(row, &mut indicators[at])
    })?;
    Ok(seen)
}

/// Parses Mitra's list of which way indicators improve (`indicator,direction,basis`) and sets each listed
/// indicator's direction. Every listed indicator must exist, once.
pub fn apply_directions(
    file: &str,
    text: &str,
    indicators: &mut [Indicator],
) -> Result<usize, RowError> {
    let listed = for_each_listed(
        file,
        text,
        &["direction", "basis"],
        indicators,
        |row, indicator| {
            row.required("basis")?;
            indicator.direction = Some(
                Direction::parse(row.required("direction")?)
                    .map_err(|e| row.invalid("direction", e))?,
            );
            Ok(())
        },
    )?;
    Ok(listed.len())
}

/// Parses Mitra's list of indicator units (`indicator,unit,unit_basis,evidence`) and gives each indicator its unit, in
/// its canonical spelling, with where the unit comes from. Every indicator must be listed once, with a unit Mitra
/// knows; where a standard's own file states a unit, the list must name the same one.
pub fn apply_units(
    file: &str,
    text: &str,
    indicators: &mut [Indicator],
) -> Result<usize, RowError> {
    let listed = for_each_listed(
        file,
        text,
        &["unit", "unit_basis", "evidence"],
        indicators,
        |row, indicator| {
            let raw = row.required("unit")?;
            let unit = crate::unit::Unit::parse(raw)
                .ok_or_else(|| row.error("unit", &format!("'{raw}' is not a unit Mitra knows")))?;
            if let Some(stated) = &indicator.unit
                && stated != unit.symbol()
            {
                return Err(row.error(
                    "unit",
                    &format!(
                        "is {unit}, but the standard's file states {stated} for {}",
                        indicator.id
                    ),
                ));
            }
            indicator.unit = Some(unit.symbol().to_owned());
            indicator.unit_basis = Some(row.required("unit_basis")?.to_owned());
            Ok(())
        },
    )?;
    if let Some(missing) = indicators.iter().find(|i| !listed.contains(&i.id)) {
        return Err(RowError {
            file: file.to_owned(),
            line: 0,
            field: "indicator".into(),
            reason: format!(
                "{} has no unit: every indicator must declare one",
                missing.id
            ),
        });
    }
    Ok(listed.len())
}

/// Parses the ASCN focus areas (`id,focus_area,source`).
pub fn parse_focus_areas(file: &str, text: &str) -> Result<Vec<FocusArea>, RowError> {
    let mut out = Vec::new();
    CsvRows::new(file, text, &["id", "focus_area", "source"])?.for_each(|row| {
        let id = row.required("id")?;
        if !id.bytes().all(|b| b.is_ascii_lowercase() || b == b'_') {
            return Err(row.error("id", "must be lower-case letters and underscores"));
        }
        out.push(FocusArea {
            id: id.to_owned(),
            name_en: row.required("focus_area")?.to_owned(),
            source: row.required("source")?.to_owned(),
        });
        Ok(())
    })?;
    Ok(out)
}

/// Maps the crosswalk file's relation wording onto Mitra's four relations. Only `equivalent` allows recognition of a
/// value across standards; the file's `close` and `partial` matches are title similarities an analyst proposed, so
/// they are `related` until a verifier upgrades them, and a `component` is narrower than the indicator it is part of.
fn relation_from_source(wording: &str) -> Option<Relation> {
    let head = wording.split(['(', ' ']).next().unwrap_or("").trim();
    match head {
        "equivalent" => Some(Relation::Equivalent),
        "close" | "partial" | "related" => Some(Relation::Related),
        "component" => Some(Relation::Narrower),
        "broader" => Some(Relation::Broader),
        "narrower" => Some(Relation::Narrower),
        _ => None,
    }
}

/// Parses the crosswalk (`from_standard,from_id,…,to_standard,to_id,…,relation,basis,source`). Rows that point to
/// a catalogue Mitra does not hold (the SDG goals and targets) are counted and left out; a row between two held
/// standards must name indicators that exist.
pub fn parse_crosswalk(
    file: &str,
    text: &str,
    catalogue: &StandardCatalogue,
    known: &HashSet<IndicatorId>,
) -> Result<(Vec<CrosswalkEntry>, usize), RowError> {
    let mut out = Vec::new();
    let mut skipped = 0;
    let mut seen = HashSet::new();
    let required = [
        "from_standard",
        "from_id",
        "to_standard",
        "to_id",
        "relation",
        "basis",
        "source",
    ];
    CsvRows::new(file, text, &required)?.for_each(|row| {
        let (Some(from_standard), Some(to_standard)) = (
            catalogue.id_for(row.get("from_standard")),
            catalogue.id_for(row.get("to_standard")),
        ) else {
            skipped += 1;
            return Ok(());
        };
        let from = indicator_id(row, from_standard, "from_id")?;
        let to = indicator_id(row, to_standard, "to_id")?;
        for (column, id) in [("from_id", &from), ("to_id", &to)] {
            if !known.contains(id) {
                return Err(row.error(column, &format!("{id} is not a loaded indicator")));
            }
        }
        if !seen.insert((from.clone(), to.clone())) {
            return Err(row.error("to_id", &format!("{from} → {to} appears twice")));
        }
        let wording = row.required("relation")?;
        let relation = relation_from_source(wording).ok_or_else(|| {
            row.error(
                "relation",
                &format!("'{wording}' is not a relation Mitra knows"),
            )
        })?;
        let basis = Basis::parse(row.required("basis")?).map_err(|e| row.invalid("basis", e))?;
        out.push(CrosswalkEntry {
            from,
            to,
            relation,
            basis,
            note: wording.to_owned(),
            source: row.required("source")?.to_owned(),
        });
        Ok(())
    })?;
    Ok((out, skipped))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indicator_translations_refuse_an_unknown_kind_and_a_missing_translation() {
        let bad = parse_indicator_translations(
            "standards/indicator_titles_zh.csv",
            "standard_id,code,kind,english,zh_hans\niso37120-2014,5.1,heading,X,Y\n",
        )
        .expect_err("heading");
        assert_eq!((bad.line, bad.field.as_str()), (2, "kind"));
        let empty = parse_indicator_translations(
            "t.csv",
            "standard_id,code,kind,english,zh_hans\niso37120-2014,5.1,title,City's unemployment rate,\n",
        )
        .expect_err("no Chinese");
        assert_eq!((empty.line, empty.field.as_str()), (2, "zh_hans"));
    }

    fn iso() -> StandardId {
        StandardId::parse("iso37120-2014").expect("id")
    }

    #[test]
    fn iso_rows_become_indicators_with_canonical_ids() {
        let text = "standard,id,title,theme,kind,unit,unit_basis,source\n\
                    ISO 37120:2014,8.1,Fine particulate matter (PM2.5) concentration,Environment,core,,,src\n";
        let indicators = parse_iso37120_2014("iso.csv", text, &iso()).expect("valid");
        assert_eq!(indicators[0].id.as_str(), "iso37120-2014:8.1");
        assert_eq!(indicators[0].kind, IndicatorKind::Core);
    }

    #[test]
    fn every_indicator_declares_a_unit_mitra_knows_with_its_basis() {
        let text = "standard,id,title,theme,kind,unit,unit_basis,source\n\
                    ISO,8.1,PM2.5,Environment,core,,,src\n\
                    ISO,5.1,Unemployment,Economy,core,%,title,src\n";
        let indicators = parse_iso37120_2014("iso.csv", text, &iso()).expect("valid");
        let units = |rows: &str| {
            let mut copy = indicators.clone();
            apply_units(
                "units.csv",
                &format!("indicator,unit,unit_basis,evidence\n{rows}"),
                &mut copy,
            )
            .map(|_| copy)
            .map_err(|e| e.to_string())
        };
        let both = units(
            "iso37120-2014:8.1,ug/m3,WCCD,quote\niso37120-2014:5.1,Percentage,definition,quote\n",
        )
        .expect("valid");
        assert_eq!(
            (both[0].unit.as_deref(), both[0].unit_basis.as_deref()),
            (Some("µg/m³"), Some("WCCD")),
            "the unit in its canonical spelling, with its basis"
        );
        for (rows, problem) in [
            (
                "iso37120-2014:5.1,%,definition,q\n",
                "units.csv:0: indicator: iso37120-2014:8.1 has no unit: every indicator must declare one",
            ),
            (
                "iso37120-2014:8.1,furlongs,x,q\niso37120-2014:5.1,%,d,q\n",
                "units.csv:2: unit: 'furlongs' is not a unit Mitra knows",
            ),
            (
                "iso37120-2014:8.1,ug/m3,,q\niso37120-2014:5.1,%,d,q\n",
                "units.csv:2: unit_basis: is empty",
            ),
            (
                "iso37120-2014:8.1,ug/m3,x,q\niso37120-2014:5.1,per 1 000,d,q\n",
                "units.csv:3: unit: is per 1 000 population, but the standard's file states % for iso37120-2014:5.1",
            ),
        ] {
            assert_eq!(units(rows).expect_err(problem), problem);
        }
    }

    #[test]
    fn an_unknown_kind_is_reported_with_its_line() {
        let text = "standard,id,title,theme,kind,unit,unit_basis,source\nISO,5.1,T,Economy,optional,%,t,s\n";
        let err = parse_iso37120_2014("standards/iso.csv", text, &iso()).expect_err("bad kind");
        assert_eq!(
            err.to_string(),
            "standards/iso.csv:2: kind: 'optional' is not core or supporting"
        );
    }

    #[test]
    fn gbt_rows_without_a_code_are_counted_not_invented() {
        let text = "standard,level,id,parent,title_zh,title_en_analyst_translation,weight_pct,source,id_basis\n\
                    G,1,L1,,惠民服务,Citizen services,37,s,b\n\
                    G,2,L1P1,L1,政务服务,Government services,8,s,b\n\
                    G,2,,L2,城市管理,City management,,s,b\n\
                    G,3,L1P1-A1,L1P1,一站式,One-stop,,s,b\n";
        let std = StandardId::parse("gbt33356-2016").expect("id");
        let (indicators, without_code) = parse_gbt33356("g.csv", text, &std).expect("valid");
        assert_eq!(without_code, 1);
        assert_eq!(indicators.len(), 3);
        assert_eq!(indicators[2].theme, "Citizen services");
        assert_eq!(
            indicators[2].parent_id.as_ref().map(|p| p.as_str()),
            Some("gbt33356-2016:L1P1")
        );
    }

    #[test]
    fn crosswalk_rows_map_relations_and_skip_foreign_catalogues() {
        let u4ssc = StandardId::parse("u4ssc").expect("id");
        let catalogue = StandardCatalogue::default()
            .with("ISO 37120:2014", &iso())
            .with("U4SSC", &u4ssc);
        let a = IndicatorId::new(&iso(), "8.1").expect("id");
        let b = IndicatorId::new(&u4ssc, "EN: EN: AQ: 1C").expect("id");
        let known: HashSet<_> = [a.clone(), b.clone()].into_iter().collect();
        let text = "from_standard,from_id,from_title,to_standard,to_id,to_title,relation,basis,source\n\
                    ISO 37120:2014,8.1,PM2.5,U4SSC,EN: EN: AQ: 1C,Air,component (PM2.5),derived,s\n\
                    U4SSC,EN: EN: AQ: 1C,Air,SDG goal,11,,related (sdgo:hasGoal),source,s\n";
        let (entries, skipped) = parse_crosswalk("x.csv", text, &catalogue, &known).expect("valid");
        assert_eq!(skipped, 1);
        assert_eq!(entries[0].relation, Relation::Narrower);
        assert_eq!((&entries[0].from, &entries[0].to), (&a, &b));

        let bad = "from_standard,from_id,from_title,to_standard,to_id,to_title,relation,basis,source\n\
                   ISO 37120:2014,99.9,X,U4SSC,EN: EN: AQ: 1C,Air,equivalent,derived,s\n";
        let err = parse_crosswalk("x.csv", bad, &catalogue, &known).expect_err("unknown indicator");
        assert_eq!((err.line, err.field.as_str()), (2, "from_id"));
    }
}
