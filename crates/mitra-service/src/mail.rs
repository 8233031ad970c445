//! Outgoing e-mail: one-time links for verification, password reset and invitations. Sent over SMTP when
//! configured; otherwise written to the log, so an operator can pass the link on by hand.

use std::sync::{Arc, Mutex};

use lettre::message::Mailbox;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use mitra_domain::Email;

use crate::ServiceError;

/// How Mitra sends e-mail.
#[derive(Clone)]
pub struct MailSettings {
    /// `smtp://user:password@host:587` (STARTTLS), `smtps://…:465` (TLS), or `None` to write mail to the log.
    pub smtp_url: Option<String>,
    /// The sender, `Mitra <mitra@example.org>`.
    pub from: String,
    /// The address users reach Mitra at, for links in mail (`https://mitra.example.org`).
    pub public_url: String,
}

impl std::fmt::Debug for MailSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MailSettings")
            .field("smtp_url", &self.smtp_url.as_ref().map(|_| "<set>"))
            .field("from", &self.from)
            .field("public_url", &self.public_url)
            .finish()
    }
}

impl Default for MailSettings {
    fn default() -> Self {
        Self {
            smtp_url: None,
            from: "Mitra <mitra@localhost>".into(),
            public_url: "http://127.0.0.1:8080".into(),
        }
    }
}

/// A message as it was sent (kept for the operator's log and for tests).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SentMail {
    /// Recipient.
    pub to: String,
    /// Subject line.
    pub subject: String,
    /// Plain-text body.
    pub body: String,
}

enum Transport {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    Log,
}

/// Sends mail and remembers the last few messages.
pub(crate) struct Mailer {
    transport: Transport,
    from: Mailbox,
    public_url: String,
    recent: Arc<Mutex<Vec<SentMail>>>,
}

/// How many sent messages are remembered.
const RECENT: usize = 50;

impl Mailer {
    pub(crate) fn new(settings: &MailSettings) -> Result<Self, ServiceError> {
        let from: Mailbox = settings.from.parse().map_err(|e| {
            ServiceError::Config(format!(
                "mail_from: '{}' is not a mailbox ({e})",
                settings.from
            ))
        })?;
        let transport = match &settings.smtp_url {
            None => Transport::Log,
            Some(url) => Transport::Smtp(
                AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
                    .map_err(|e| ServiceError::Config(format!("smtp_url: {e}")))?
                    .build(),
            ),
        };
        Ok(Self {
            transport,
            from,
            public_url: settings.public_url.trim_end_matches('/').to_owned(),
            recent: Arc::default(),
        })
    }

    /// The instance's public address, without a trailing slash.
    pub(crate) fn public_url(&self) -> &str {
        &self.public_url
    }

    /// An absolute link to `path` on this instance.
    pub(crate) fn link(&self, path: &str) -> String {
        format!("{}{path}", self.public_url)
    }

    /// Sends a plain-text message. Without SMTP the message goes to the log for the operator. With SMTP it is handed
    /// to a task and this returns at once: the caller's answer does not wait for the mail server (and its time
    /// does not tell whether a message went out); a failed delivery is logged.
    pub(crate) async fn send(
        &self,
        to: &Email,
        subject: &str,
        body: String,
    ) -> Result<(), ServiceError> {
        let sent = SentMail {
            to: to.to_string(),
            subject: subject.to_owned(),
            body,
        };
        match &self.transport {
            Transport::Log => {
                tracing::warn!(mail.to = %sent.to, mail.subject = %sent.subject, mail.body = %sent.body,
                    "mail.not_sent: no SMTP server is configured; pass this message on by hand");
            }
            Transport::Smtp(smtp) => {
                let to_box: Mailbox = sent
                    .to
                    .parse()
                    .map_err(|e| ServiceError::Internal(anyhow::anyhow!("bad recipient: {e}")))?;
                let message = Message::builder()
                    .from(self.from.clone())
                    .to(to_box)
                    .subject(subject)
                    .body(sent.body.clone())
                    .map_err(|e| {
                        ServiceError::Internal(anyhow::anyhow!("cannot build mail: {e}"))
                    })?;
                let (smtp, to, subject) = (smtp.clone(), sent.to.clone(), sent.subject.clone());
                tokio::spawn(async move {
                    match smtp.send(message).await {
                        Ok(_) => {
                            tracing::info!(mail.to = %to, mail.subject = %subject, "mail.sent")
                        }
                        Err(error) => {
                            tracing::error!(mail.to = %to, mail.subject = %subject, error = %error, "mail.failed");
                        }
                    }
                });
            }
        }
        if let Ok(mut recent) = self.recent.lock() {
            if recent.len() == RECENT {
                recent.remove(0);
            }
            recent.push(sent);
        }
        Ok(())
    }

    /// The messages sent most recently, oldest first.
    pub(crate) fn recent(&self) -> Vec<SentMail> {
        self.recent.lock().map(|r| r.clone()).unwrap_or_default()
    }
}
