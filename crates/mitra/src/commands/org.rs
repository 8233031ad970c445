//! `mitra org add` and `mitra org add-member`: organisations managed by the operator of this machine.

use anyhow::Context;
use mitra_service::domain::OrgId;

use super::{closing, open, say};
use crate::cli::OrgCommand;
use crate::config::Config;

/// Organisation commands, run as the operator.
pub(crate) async fn run(config: &Config, command: OrgCommand) -> anyhow::Result<()> {
    let mitra = open(config).await?;
    closing(&mitra, async {
        mitra
            .load_reference()
            .await
            .context("cannot load the reference data")?;
        let operator = mitra_service::domain::Actor::Operator;
        match command {
            OrgCommand::Add {
                name,
                kind,
                country,
                city,
                name_zh,
                website,
            } => {
                let input = mitra_service::OrgInput {
                    kind,
                    name_en: name,
                    name_zh,
                    country,
                    city,
                    website,
                    description_en: String::new(),
                    description_zh: None,
                };
                let org = mitra.create_organisation(&operator, &input).await?;
                say(&format!(
                    "Registered organisation {} ({}), approved.",
                    org.id, org.profile.name_en
                ))
            }
            OrgCommand::AddMember { org, email, role } => {
                let id = OrgId::parse(&org)?;
                mitra.add_member(&operator, &id, &email, &role).await?;
                say(&format!("{email} is now {role} of {org}."))
            }
        }
    })
    .await
}
