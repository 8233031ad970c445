//! `mitra notifications mail`: sends the notification mail that is due now (each mail at once for those who asked
//! for that, daily and weekly digests when theirs are due), as `mitra serve` does every few minutes. For an
//! operator who runs it from cron, or sends the mail of an instance that is not serving. `mitra notifications
//! dormancy` marks partnerships dormant after months without activity, as `mitra serve` also does.

use super::{open, say};
use crate::config::Config;

/// Runs `mitra notifications mail`.
pub(crate) async fn mail(config: &Config) -> anyhow::Result<()> {
    let mitra = open(config).await?;
    let run = mitra.send_due_mail_now().await;
    mitra.close().await;
    let run = run?;
    say(&format!(
        "Sent {} mail(s) carrying {} notification(s).",
        run.mails, run.notifications
    ))
}

/// Runs `mitra notifications dormancy`.
pub(crate) async fn dormancy(config: &Config) -> anyhow::Result<()> {
    let mitra = open(config).await?;
    let marked = mitra
        .mark_dormant_partnerships_now(config.dormant_after_months)
        .await;
    mitra.close().await;
    let marked = marked?;
    say(&format!(
        "Marked {marked} partnership(s) dormant after {} months without activity.",
        config.dormant_after_months
    ))
}
