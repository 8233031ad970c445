//! `mitra user add` and `mitra user set-role`: accounts managed by the operator of this machine.

use anyhow::Context;

use super::{closing, open, say};
use crate::cli::UserCommand;
use crate::config::Config;

/// Reads a platform role as the command line spells it: `none` (or nothing) for no role.
fn platform_role(raw: &str) -> anyhow::Result<Option<mitra_service::domain::PlatformRole>> {
    match raw {
        "none" | "" => Ok(None),
        other => Ok(Some(
            mitra_service::domain::PlatformRole::parse(other)
                .map_err(|e| anyhow::anyhow!("{e}"))?,
        )),
    }
}

/// Account commands, run as the operator.
pub(crate) async fn run(config: &Config, command: UserCommand) -> anyhow::Result<()> {
    let mitra = open(config).await?;
    closing(&mitra, async {
        let operator = mitra_service::domain::Actor::Operator;
        match command {
            UserCommand::Add {
                email,
                role,
                name,
                password_stdin,
            } => {
                let role = platform_role(&role)?;
                let (password, generated) = if password_stdin {
                    let mut line = String::new();
                    std::io::stdin()
                        .read_line(&mut line)
                        .context("cannot read the password from standard input")?;
                    (line.trim_end_matches(['\r', '\n']).to_owned(), false)
                } else {
                    (mitra_service::one_time_password(), true)
                };
                let name = name.unwrap_or_else(|| email.split('@').next().unwrap_or("").to_owned());
                let account = mitra
                    .create_account(&operator, &email, &password, &name, role)
                    .await?;
                say(&format!(
                    "Created account {} ({}).",
                    account.email, account.id
                ))?;
                if generated {
                    say(&format!("One-time password: {password}"))?;
                    say("Sign in with it and change it; it is not shown again.")?;
                }
                Ok(())
            }
            UserCommand::SetRole { email, role } => {
                let account = mitra
                    .set_platform_role(&operator, &email, platform_role(&role)?)
                    .await?;
                say(&format!(
                    "{} now has the platform role {}.",
                    account.email,
                    account.platform_role.map_or("none", |r| r.as_str())
                ))
            }
        }
    })
    .await
}
