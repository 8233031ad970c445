//! The reference data shipped in the binary (`data/` at the repository root), and the demo pack.
//!
//! Loading is idempotent and versioned: the files' content hash is recorded, a start with the same files does no
//! work, and a release with changed or added rows upserts them (ids are stable once published). A bad row stops the
//! load with `file:line: field: reason` before anything is written.

use std::collections::HashSet;

use mitra_domain::access::AuditStamp;
use mitra_domain::reference::{self, ReferenceData, RowError, StandardCatalogue};
use mitra_domain::{Email, IndicatorKind, Reason, Standard, StandardId};
use mitra_store::ReferenceChanges;
use sha2::{Digest, Sha256};

use crate::{Mitra, ServiceError};

/// Version of the shipped reference data; raise it when the files change.
pub const REFERENCE_VERSION: i64 = 2;

/// The demo pack `serve --demo` loads.
const DEMO_PACK: &str = "foundation";
/// The demo pack with one account per role.
const DEMO_ACCOUNTS_PACK: &str = "accounts";
/// The demo pack of the demonstration solution provider and the example opportunities of both demo organisations.
const DEMO_OPPORTUNITIES_PACK: &str = "opportunities/examples";
/// The demonstration solution provider's name; it says it is not real.
const DEMO_PROVIDER_NAME: &str = "Demo organisation: solution provider (example)";
/// Example opportunities published by the demo organisations (`data/entries/demo_opportunities.json`).
const DEMO_OPPORTUNITIES: (&str, &str) = (
    "entries/demo_opportunities.json",
    include_str!("../../../data/entries/demo_opportunities.json"),
);
/// The password hash of a demo account while Mitra runs without `--demo`: not a hash, so no password matches it.
const DISABLED_DEMO_HASH: &str =
    "!disabled: a demo account of an instance that runs without --demo";
/// The demo pack of the second demonstration city government (Nanning), so that a partnership can be proposed,
/// accepted and worked on between two demo cities.
const DEMO_PARTNER_PACK: &str = "partnerships/partner-city";
/// The second demonstration city government's name; it says it is not real.
const DEMO_PARTNER_ORG_NAME: &str = "Demo organisation: Nanning city government (example)";
/// The demonstration organisation's name; it says it is not real.
const DEMO_ORG_NAME: &str = "Demo organisation: Bangkok city government (example)";

/// A demo pack of observations from open data: its id, file under `data/`, the licence of its values, and whether
/// it may be used commercially.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ObservationPack {
    /// The pack's id (`who-air-quality`).
    pub id: &'static str,
    /// Its file under `data/`.
    pub path: &'static str,
    /// Licence and attribution of the values.
    pub licence: &'static str,
    /// The file's text.
    text: &'static str,
}

macro_rules! observation_pack {
    ($id:literal, $path:literal, $licence:literal) => {
        ObservationPack {
            id: $id,
            path: $path,
            licence: $licence,
            text: include_str!(concat!("../../../data/", $path)),
        }
    };
}

/// The observation packs `serve --demo` loads, each once; `data/SOURCES.md` documents how each file was made.
pub const DEMO_OBSERVATION_PACKS: [ObservationPack; 4] = [
    observation_pack!(
        "population",
        "observations/population.csv",
        "UN DESA World Urbanization Prospects 2018, CC BY 3.0 IGO"
    ),
    observation_pack!(
        "land-area",
        "observations/land_area.csv",
        "Wikidata, CC0 1.0"
    ),
    observation_pack!(
        "who-air-quality",
        "observations/who_air_quality.csv",
        "WHO Ambient Air Quality Database 2022, CC BY-NC-SA 3.0 IGO: non-commercial use only; leave it out with \
         --demo-exclude who-air-quality"
    ),
    observation_pack!(
        "cdp-emissions",
        "observations/emissions.csv",
        "This data was collected in partnership by CDP and ICLEI – Local Governments for Sustainability; CDP Open \
         Data states no licence: leave it out with --demo-exclude cdp-emissions"
    ),
];

/// The demonstration accounts: e-mail, password, name, role. Documented in the README; never use `--demo` in
/// production.
pub const DEMO_ACCOUNTS: &[(&str, &str, &str, &str)] = &[
    (
        "admin@demo.mitra.invalid",
        "demo-password-admin",
        "Demo platform admin",
        "platform-admin",
    ),
    (
        "verifier@demo.mitra.invalid",
        "demo-password-verifier",
        "Demo verifier",
        "verifier",
    ),
    (
        "org-admin@demo.mitra.invalid",
        "demo-password-org-admin",
        "Demo organisation admin",
        "org-admin",
    ),
    (
        "editor@demo.mitra.invalid",
        "demo-password-editor",
        "Demo editor",
        "org-editor",
    ),
    (
        "member@demo.mitra.invalid",
        "demo-password-member",
        "Demo member",
        "org-member",
    ),
    (
        "provider@demo.mitra.invalid",
        "demo-password-provider",
        "Demo solution provider",
        "provider-admin",
    ),
    (
        "partner@demo.mitra.invalid",
        "demo-password-partner",
        "Demo partner city editor",
        "partner-city-editor",
    ),
];

macro_rules! data_file {
    ($path:literal) => {
        ($path, include_str!(concat!("../../../data/", $path)))
    };
}

/// The file at `$path` under `data/`, parsed by `$parse` the first time it is asked for and kept for the life of
/// the process. A file that does not parse gives the empty value; the shipped-data test keeps that from happening.
macro_rules! parsed_once {
    ($ty:ty, $path:literal, $parse:path) => {{
        static PARSED: std::sync::OnceLock<$ty> = std::sync::OnceLock::new();
        PARSED.get_or_init(|| {
            $parse($path, include_str!(concat!("../../../data/", $path))).unwrap_or_default()
        })
    }};
}
pub(crate) use parsed_once;

/// Every shipped file, by its path under `data/`.
const FILES: [(&str, &str); 18] = [
    data_file!("countries.csv"),
    data_file!("cities/cities.csv"),
    data_file!("cities/city_populations.csv"),
    data_file!("standards/iso37120_2014.csv"),
    data_file!("standards/u4ssc_kpis.csv"),
    data_file!("standards/gbt33356.csv"),
    data_file!("standards/mitra_indicators.csv"),
    data_file!("standards/indicator_directions.csv"),
    data_file!("standards/units.csv"),
    data_file!("standards/crosswalk.csv"),
    data_file!("standards/asean_ascn_focus_areas.csv"),
    data_file!("boundaries/countries-110m.geojson"),
    data_file!("profiles/tiers.toml"),
    data_file!("profiles/profile.toml"),
    data_file!("cities/city_aliases.csv"),
    data_file!("initiatives/ascn_city_priorities.csv"),
    data_file!("profiles/income_groups.csv"),
    data_file!("passwords/common-passwords.txt"),
];

/// The text of a shipped file.
pub(crate) fn file(path: &str) -> &'static str {
    FILES
        .iter()
        .find(|(p, _)| *p == path)
        .map_or("", |(_, text)| text)
}

/// The ids of the shipped ASCN focus areas (`built_infrastructure`…), for the API's contract; empty if the shipped
/// file could not be read, which the reference load reports.
pub fn shipped_focus_areas() -> Vec<String> {
    const PATH: &str = "standards/asean_ascn_focus_areas.csv";
    reference::parse_focus_areas(PATH, file(PATH))
        .map(|areas| areas.into_iter().map(|a| a.id).collect())
        .unwrap_or_default()
}

/// What a reference load did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReferenceReport {
    /// The version of the shipped data.
    pub version: i64,
    /// `true` when the same data was already loaded and nothing was done.
    pub already_loaded: bool,
    /// Rows inserted, updated, unchanged.
    pub changes: ReferenceChanges,
    /// Cities, indicators and crosswalk relations in the shipped data.
    pub counts: (usize, usize, usize),
}

/// What loading the demo pack did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoReport {
    /// `false` when the pack had been loaded before (nothing was done).
    pub newly_loaded: bool,
}

fn content_hash() -> String {
    let mut hasher = Sha256::new();
    for (path, text) in FILES {
        hasher.update(path.as_bytes());
        hasher.update([0]);
        hasher.update(text.as_bytes());
        hasher.update([0]);
    }
    hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn standard_id(raw: &str) -> StandardId {
    // The ids below are literals that satisfy the slug rule; a failure would be caught by the tests.
    StandardId::parse(raw).unwrap_or_else(|_| unreachable!("literal standard id {raw}"))
}

/// The label a file uses for its standard, from its first data row.
fn label_of(path: &str) -> Result<String, RowError> {
    let text = file(path);
    let mut reader = csv::ReaderBuilder::new().from_reader(text.as_bytes());
    reader
        .records()
        .next()
        .and_then(|r| r.ok())
        .and_then(|r| r.get(0).map(str::to_owned))
        .ok_or_else(|| RowError {
            file: path.into(),
            line: 2,
            field: "standard".into(),
            reason: "no rows".into(),
        })
}

/// Parses and cross-checks every shipped file.
pub fn parse_shipped() -> Result<ReferenceData, RowError> {
    let iso = standard_id("iso37120-2014");
    let u4ssc = standard_id("u4ssc");
    let gbt = standard_id("gbt33356-2016");
    let own = standard_id("mitra");

    let iso_path = "standards/iso37120_2014.csv";
    let u4ssc_path = "standards/u4ssc_kpis.csv";
    let gbt_path = "standards/gbt33356.csv";
    let iso_indicators = reference::parse_iso37120_2014(iso_path, file(iso_path), &iso)?;
    let u4ssc_indicators = reference::parse_u4ssc(u4ssc_path, file(u4ssc_path), &u4ssc)?;
    let (gbt_indicators, gbt_without_code) =
        reference::parse_gbt33356(gbt_path, file(gbt_path), &gbt)?;
    let own_path = "standards/mitra_indicators.csv";
    let own_indicators = reference::parse_mitra_indicators(own_path, file(own_path), &own)?;

    let count =
        |list: &[mitra_domain::Indicator], kind| list.iter().filter(|i| i.kind == kind).count();
    let first_source = |list: &[mitra_domain::Indicator]| {
        list.first().map(|i| i.source.clone()).unwrap_or_default()
    };
    let standards = vec![
        Standard {
            id: iso.clone(),
            code: label_of(iso_path)?,
            title: label_of(iso_path)?,
            publisher: "ISO".into(),
            coverage_note: format!(
                "{} indicators ({} core, {} supporting); titles as labelled in the source ontology, units where its \
                 definitions state them.",
                iso_indicators.len(),
                count(&iso_indicators, IndicatorKind::Core),
                count(&iso_indicators, IndicatorKind::Supporting)
            ),
            source: first_source(&iso_indicators),
        },
        Standard {
            id: u4ssc.clone(),
            code: "U4SSC".into(),
            title: label_of(u4ssc_path)?,
            publisher: "ITU / U4SSC".into(),
            coverage_note: format!(
                "{} key performance indicators ({} core, {} advanced); codes and names only.",
                u4ssc_indicators.len(),
                count(&u4ssc_indicators, IndicatorKind::Core),
                count(&u4ssc_indicators, IndicatorKind::Advanced)
            ),
            source: first_source(&u4ssc_indicators),
        },
        Standard {
            id: gbt.clone(),
            code: "GB/T 33356-2016".into(),
            title: label_of(gbt_path)?,
            publisher: "SAC".into(),
            coverage_note: format!(
                "{} first-level indices, {} second-level indices and {} sub-items, as far as public reproductions \
                 list them; English titles are translations. {} items the source lists without a code are not \
                 loaded.",
                count(&gbt_indicators, IndicatorKind::Level1),
                count(&gbt_indicators, IndicatorKind::Level2),
                count(&gbt_indicators, IndicatorKind::SubItem),
                gbt_without_code
            ),
            source: first_source(&gbt_indicators),
        },
        Standard {
            id: own.clone(),
            code: "Mitra".into(),
            title: "Mitra city profile indicators".into(),
            publisher: "Mitra".into(),
            coverage_note: format!(
                "{} figures that describe a city (population, land area, density, GDP per capita) but belong to \
                 none of the standards above; defined by Mitra, not by a standards body.",
                own_indicators.len()
            ),
            source: "data/standards/mitra_indicators.csv".into(),
        },
    ];

    let mut indicators = iso_indicators;
    indicators.extend(u4ssc_indicators);
    indicators.extend(gbt_indicators);
    indicators.extend(own_indicators);
    let directions_path = "standards/indicator_directions.csv";
    reference::apply_directions(directions_path, file(directions_path), &mut indicators)?;
    let units_path = "standards/units.csv";
    reference::apply_units(units_path, file(units_path), &mut indicators)?;
    let known: HashSet<_> = indicators.iter().map(|i| i.id.clone()).collect();
    let catalogue = StandardCatalogue::default()
        .with("ISO 37120:2014", &iso)
        .with("U4SSC", &u4ssc)
        .with("GB/T 33356-2016", &gbt);
    let crosswalk_path = "standards/crosswalk.csv";
    let (crosswalk, _other_catalogues) =
        reference::parse_crosswalk(crosswalk_path, file(crosswalk_path), &catalogue, &known)?;

    let data = ReferenceData {
        countries: reference::parse_countries("countries.csv", file("countries.csv"))?,
        cities: reference::parse_cities("cities/cities.csv", file("cities/cities.csv"))?,
        populations: reference::parse_city_populations(
            "cities/city_populations.csv",
            file("cities/city_populations.csv"),
        )?,
        standards,
        indicators,
        crosswalk,
        focus_areas: reference::parse_focus_areas(
            "standards/asean_ascn_focus_areas.csv",
            file("standards/asean_ascn_focus_areas.csv"),
        )?,
    };
    data.check_references()?;
    Ok(data)
}

impl Mitra {
    /// Loads the shipped reference data unless this exact version is already loaded.
    pub async fn load_reference(&self) -> Result<ReferenceReport, ServiceError> {
        let data = parse_shipped()?;
        let hash = content_hash();
        let counts = (
            data.cities.len(),
            data.indicators.len(),
            data.crosswalk.len(),
        );
        let state = self.store.reference_state().await?;
        if state.as_ref().is_some_and(|s| s.content_hash == hash) {
            // A database made before partnerships were kept gets the recorded ties now.
            self.load_recorded_partnerships().await?;
            return Ok(ReferenceReport {
                version: REFERENCE_VERSION,
                already_loaded: true,
                changes: ReferenceChanges::default(),
                counts,
            });
        }
        let changes = self
            .store
            .apply_reference(&data, REFERENCE_VERSION, &hash)
            .await?;
        tracing::info!(
            reference.version = REFERENCE_VERSION,
            reference.inserted = changes.inserted,
            reference.updated = changes.updated,
            "reference.loaded"
        );
        let recorded = self.load_recorded_partnerships().await?;
        tracing::info!(partnerships.recorded = recorded, "reference.partnerships");
        Ok(ReferenceReport {
            version: REFERENCE_VERSION,
            already_loaded: false,
            changes,
            counts,
        })
    }

    /// Loads the demo packs once each: the foundation pack marks the instance as a demonstration (the pages say
    /// so), and the accounts pack adds one demonstration organisation and one account per role, with the passwords
    /// of [`DEMO_ACCOUNTS`].
    ///
    /// Then each observation pack of [`DEMO_OBSERVATION_PACKS`] not named in `exclude` is imported by the operator,
    /// once.
    pub async fn load_demo(&self, exclude: &[String]) -> Result<DemoReport, ServiceError> {
        if let Some(unknown) = exclude
            .iter()
            .find(|e| !DEMO_OBSERVATION_PACKS.iter().any(|p| p.id == e.as_str()))
        {
            let ids: Vec<&str> = DEMO_OBSERVATION_PACKS.iter().map(|p| p.id).collect();
            return Err(mitra_domain::ValidationError::new(
                "demo-exclude",
                Reason::not_one_of(mitra_domain::ids::clip(unknown), ids.join(", ")),
            )
            .into());
        }
        let mut newly_loaded = self
            .store
            .mark_demo_loaded(DEMO_PACK, &AuditStamp::system("demo"))
            .await?;
        let loaded = self.store.demo_packs().await?;
        if !loaded.iter().any(|p| p == DEMO_ACCOUNTS_PACK) {
            self.load_demo_accounts().await?;
            newly_loaded |= self
                .store
                .mark_demo_loaded(DEMO_ACCOUNTS_PACK, &AuditStamp::system("demo"))
                .await?;
        }
        for pack in DEMO_OBSERVATION_PACKS {
            let name = format!("observations/{}", pack.id);
            if exclude.iter().any(|e| e == pack.id) || loaded.contains(&name) {
                continue;
            }
            // Published statistics (UN, WHO, CDP, Wikidata), each row with its source: verified as loaded.
            self.import_observations_verified_by(
                &mitra_domain::Actor::Operator,
                &format!("demo:{}", pack.path),
                pack.text.as_bytes(),
                false,
                Some(&AuditStamp::system("demo")),
                &|_, _, _| {},
            )
            .await?;
            newly_loaded |= self
                .store
                .mark_demo_loaded(&name, &AuditStamp::system("demo"))
                .await?;
        }
        newly_loaded |= self.load_demo_entries().await?;
        if !loaded.iter().any(|p| p == DEMO_OPPORTUNITIES_PACK) {
            self.load_demo_opportunities().await?;
            newly_loaded |= self
                .store
                .mark_demo_loaded(DEMO_OPPORTUNITIES_PACK, &AuditStamp::system("demo"))
                .await?;
        }
        if !loaded.iter().any(|p| p == DEMO_PARTNER_PACK) {
            self.load_demo_partner_city().await?;
            newly_loaded |= self
                .store
                .mark_demo_loaded(DEMO_PARTNER_PACK, &AuditStamp::system("demo"))
                .await?;
        }
        self.set_demo_accounts_enabled(true).await?;
        Ok(DemoReport { newly_loaded })
    }

    /// Lets the demo accounts sign in with their published passwords (`serve --demo`), or stops them (`serve`
    /// without it): a demo account left working on an instance that is no longer a demonstration is an account
    /// anyone can use. Stopping one ends its sessions and revokes its API tokens. Returns how many accounts
    /// changed.
    pub async fn set_demo_accounts_enabled(&self, enabled: bool) -> Result<u32, ServiceError> {
        let mut changed = 0;
        for (email, password, ..) in DEMO_ACCOUNTS {
            let Some(credentials) = self.store.find_credentials(&Email::parse(email)?).await?
            else {
                continue;
            };
            let disabled = credentials.password_hash == DISABLED_DEMO_HASH;
            let hash = match (enabled, disabled) {
                (true, true) => crate::auth::hash_password(password)?,
                (false, false) => DISABLED_DEMO_HASH.to_owned(),
                _ => continue,
            };
            self.store
                .set_password_hash(&credentials.account.id, &hash, &AuditStamp::system("demo"))
                .await?;
            changed += 1;
        }
        Ok(changed)
    }

    async fn load_demo_accounts(&self) -> Result<(), ServiceError> {
        use mitra_domain::{Actor, MemberRole, PlatformRole};
        let operator = Actor::Operator;
        for (email, password, name, role) in DEMO_ACCOUNTS {
            let platform_role = match *role {
                "platform-admin" => Some(PlatformRole::PlatformAdmin),
                "verifier" => Some(PlatformRole::Verifier),
                _ => None,
            };
            match self
                .create_account(&operator, email, password, name, platform_role)
                .await
            {
                Ok(_) | Err(ServiceError::Conflict(_)) => {}
                Err(e) => return Err(e),
            }
        }
        let input = crate::OrgInput {
            kind: "city-government".into(),
            name_en: DEMO_ORG_NAME.into(),
            name_zh: Some("示例机构：曼谷市政府（演示）".into()),
            country: "TH".into(),
            city: Some("bangkok".into()),
            website: None,
            description_en: "A demonstration organisation for trying Mitra out. It is not the real city government."
                .into(),
            description_zh: Some("用于体验 Mitra 的演示机构，并非真实的市政府。".into()),
        };
        let org = match self.create_organisation(&operator, &input).await {
            Ok(org) => org.id,
            Err(ServiceError::Validation(_)) => mitra_domain::OrgId::from_name(DEMO_ORG_NAME)?,
            Err(e) => return Err(e),
        };
        for (email, _, _, role) in DEMO_ACCOUNTS {
            let member_role = match *role {
                "org-admin" => MemberRole::Admin,
                "org-editor" => MemberRole::Editor,
                "org-member" => MemberRole::Member,
                // The provider's account joins its own organisation with the example opportunities.
                _ => continue,
            };
            self.add_member(&operator, &org, email, member_role.as_str())
                .await?;
        }
        Ok(())
    }

    /// The demonstration solution provider with its admin, and the example opportunities of both demo
    /// organisations: so that expressing interest, and the conversation that follows, can be tried.
    async fn load_demo_opportunities(&self) -> Result<(), ServiceError> {
        let input = crate::OrgInput {
            kind: "startup".into(),
            name_en: DEMO_PROVIDER_NAME.into(),
            name_zh: Some("示例机构：解决方案服务商（演示）".into()),
            country: "CN".into(),
            city: None,
            website: None,
            description_en:
                "A demonstration solution provider for trying Mitra out. It is not a real company."
                    .into(),
            description_zh: Some("用于体验 Mitra 的演示服务商，并非真实企业。".into()),
        };
        self.demo_org_with_accounts(&input, "provider-admin", mitra_domain::MemberRole::Admin)
            .await?;
        #[derive(serde::Deserialize)]
        struct Published {
            org: String,
            entry: mitra_domain::Entry,
        }
        let (file, text) = DEMO_OPPORTUNITIES;
        let published: Vec<Published> = serde_json::from_str(text)
            .map_err(|e| ServiceError::Internal(anyhow::anyhow!("{file}: {e}")))?;
        for p in published {
            let org = mitra_domain::OrgId::parse(&p.org)?;
            p.entry.validate()?;
            self.store
                .put_entries(
                    &[(p.entry, mitra_domain::ModerationStatus::Approved)],
                    Some(&org),
                    &AuditStamp::system("demo"),
                )
                .await?;
        }
        Ok(())
    }

    /// The second demonstration city government (Nanning) with its editor: the other side of a partnership with the
    /// Bangkok demo organisation.
    async fn load_demo_partner_city(&self) -> Result<(), ServiceError> {
        let input = crate::OrgInput {
            kind: "city-government".into(),
            name_en: DEMO_PARTNER_ORG_NAME.into(),
            name_zh: Some("示例机构：南宁市政府（演示）".into()),
            country: "CN".into(),
            city: Some("nanning".into()),
            website: None,
            description_en:
                "A demonstration organisation for trying partnerships out. It is not the real city government."
                    .into(),
            description_zh: Some("用于体验城市伙伴关系的演示机构，并非真实的市政府。".into()),
        };
        self.demo_org_with_accounts(
            &input,
            "partner-city-editor",
            mitra_domain::MemberRole::Editor,
        )
        .await
    }

    /// A demonstration organisation (created once, by the operator) and the demo accounts of `role`, created if need
    /// be and made its members with `member_role`.
    async fn demo_org_with_accounts(
        &self,
        input: &crate::OrgInput,
        role: &str,
        member_role: mitra_domain::MemberRole,
    ) -> Result<(), ServiceError> {
        let operator = mitra_domain::Actor::Operator;
        let accounts = DEMO_ACCOUNTS.iter().filter(|(.., r)| *r == role);
        for (email, password, name, _) in accounts.clone() {
            match self
                .create_account(&operator, email, password, name, None)
                .await
            {
                Ok(_) | Err(ServiceError::Conflict(_)) => {}
                Err(e) => return Err(e),
            }
        }
        let org = match self.create_organisation(&operator, input).await {
            Ok(org) => org.id,
            Err(ServiceError::Validation(_)) => mitra_domain::OrgId::from_name(&input.name_en)?,
            Err(e) => return Err(e),
        };
        for (email, ..) in accounts {
            self.add_member(&operator, &org, email, member_role.as_str())
                .await?;
        }
        Ok(())
    }

    /// Whether any demo pack is loaded, so pages can warn that the data is for trying Mitra out.
    pub async fn is_demo(&self) -> Result<bool, ServiceError> {
        Ok(!self.store.demo_packs().await?.is_empty())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use mitra_domain::Network;

    #[test]
    fn the_shipped_reference_data_parses_and_is_consistent() {
        let data = parse_shipped().unwrap_or_else(|e| panic!("{e}"));
        let in_network = |n: Network| {
            data.cities
                .iter()
                .filter(|c| c.networks.contains(&n))
                .count()
        };
        assert_eq!(in_network(Network::AscnPilot2018), 26);
        assert_eq!(in_network(Network::Ascn2024), 5);
        assert_eq!(in_network(Network::ChinaPartner), 8);
        assert!(data.cities.len() >= 540, "{} cities", data.cities.len());
        let count = |standard: &str| {
            data.indicators
                .iter()
                .filter(|i| i.standard_id.as_str() == standard)
                .count()
        };
        assert_eq!(count("iso37120-2014"), 100);
        assert_eq!(count("u4ssc"), 91);
        assert!(count("gbt33356-2016") > 30);
        assert_eq!(data.focus_areas.len(), 6);
        assert!(data.crosswalk.len() >= 50);
        assert_eq!(data.countries.len(), 11);
        // Every country has its name in every interface language besides English and Chinese.
        let names = crate::cities::country_names();
        for country in &data.countries {
            for language in mitra_domain::Language::ALL {
                if !matches!(
                    language,
                    mitra_domain::Language::En | mitra_domain::Language::ZhHans
                ) {
                    assert!(
                        names.name(country.code, language).is_some(),
                        "{} {language}",
                        country.code
                    );
                }
            }
        }
        // Every Chinese city's Chinese name the file has is the one cities.csv has (the file adds languages, it
        // does not contradict), and the file names cities in Thai, Burmese and Tamil beyond their own countries.
        let city_names = crate::cities::city_names();
        for city in &data.cities {
            if let (Some(zh), Some(named)) = (
                &city.name_zh,
                city_names.name(&city.id, mitra_domain::Language::ZhHans),
            ) {
                assert_eq!(zh, &named.name, "{}", city.id);
            }
        }
        for language in [
            mitra_domain::Language::Th,
            mitra_domain::Language::My,
            mitra_domain::Language::Ta,
        ] {
            assert!(city_names.coverage(language) >= 30, "{language}");
        }
        // Every ISO 37120 and U4SSC indicator has a Chinese title for its current English one.
        let translations = crate::standards::indicator_translations();
        for indicator in data
            .indicators
            .iter()
            .filter(|i| ["iso37120-2014", "u4ssc"].contains(&i.standard_id.as_str()))
        {
            assert!(
                translations.title_zh(indicator).is_some(),
                "{}",
                indicator.id
            );
        }
        // The public holidays parse, for the years the file says.
        assert_eq!(
            crate::partnerships::holiday_coverage().0,
            Some((2025, 2030))
        );
        // Every shipped city has its distance to the sea coast, and only those.
        let coast = crate::cities::coast_distances();
        assert_eq!(coast.len(), data.cities.len());
        assert!(data.cities.iter().all(|c| coast.km(&c.id).is_some()));
    }

    #[test]
    fn the_canonical_example_ids_exist() {
        let data = parse_shipped().unwrap_or_else(|e| panic!("{e}"));
        for city in [
            "kuala-lumpur",
            "ho-chi-minh-city",
            "nanning",
            "suzhou-jiangsu",
            "suzhou-anhui",
            "jinan",
            "hanoi",
        ] {
            assert!(
                data.cities.iter().any(|c| c.id.as_str() == city),
                "missing city {city}"
            );
        }
        for indicator in [
            "iso37120-2014:8.1",
            "u4ssc:EN:EN:AQ:1C",
            "gbt33356-2016:L1P1",
        ] {
            assert!(
                data.indicators.iter().any(|i| i.id.as_str() == indicator),
                "missing indicator {indicator}"
            );
        }
    }
}
