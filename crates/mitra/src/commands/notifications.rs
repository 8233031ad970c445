//! `mitra notifications mail`: sends the notification mail that is due now (each mail at once for those who asked
//! for that, daily and weekly digests when theirs are due), as `mitra serve` does every few minutes. For an
//! operator who runs it from cron, or sends the mail of an instance that is not serving.

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
