//! `mitra serve`: prepares the database (migrations, reference data, the demonstration on request) and the search
//! index, then serves the web application and the API, with the background work of a node, until told to stop.

use anyhow::Context;
use mitra_service::Mitra;
use tokio::net::TcpListener;

use super::{open, say, search_dir};
use crate::config::Config;

/// A future that completes on Ctrl-C or SIGTERM. The signal handlers are installed now, before the server says it
/// is listening, so that a signal sent as soon as it does stops it cleanly.
fn shutdown_signal() -> impl std::future::Future<Output = ()> + Send + 'static {
    #[cfg(unix)]
    let signals = {
        use tokio::signal::unix::{SignalKind, signal};
        (
            signal(SignalKind::interrupt()).ok(),
            signal(SignalKind::terminate()).ok(),
        )
    };
    async move {
        #[cfg(unix)]
        {
            let (mut interrupt, mut terminate) = signals;
            let interrupted = async {
                match interrupt.as_mut() {
                    Some(s) => drop(s.recv().await),
                    None => std::future::pending().await,
                }
            };
            let terminated = async {
                match terminate.as_mut() {
                    Some(s) => drop(s.recv().await),
                    None => std::future::pending().await,
                }
            };
            tokio::select! {
                () = interrupted => {},
                () = terminated => {},
            }
        }
        #[cfg(not(unix))]
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
        tracing::info!("server.shutting_down");
    }
}

/// How often `serve` deletes expired sessions and e-mailed links.
const PURGE_EVERY: std::time::Duration = std::time::Duration::from_secs(3600);

/// Deletes expired sessions and links now and then every [`PURGE_EVERY`] (each node does; deleting is idempotent).
fn purge_periodically(mitra: &Mitra) -> tokio::task::JoinHandle<()> {
    let mitra = mitra.clone();
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(PURGE_EVERY);
        loop {
            tick.tick().await;
            match mitra.purge_expired().await {
                Ok((sessions, links)) => {
                    tracing::info!(purge.sessions = sessions, purge.links = links, "purge.done");
                }
                Err(error) => tracing::warn!(error = %error, "purge.failed"),
            }
        }
    })
}

/// How often `serve` sends the notification mail that is due.
const MAIL_EVERY: std::time::Duration = std::time::Duration::from_secs(300);

/// Marks partnerships dormant that had no activity for `dormant_after_months`, then sends the notification mail
/// that is due, every [`MAIL_EVERY`]. Several nodes may: a partnership moves only from the status it was read at,
/// and each mail is claimed before it is sent, so only one of them does each.
fn mail_periodically(mitra: &Mitra, dormant_after_months: u32) -> tokio::task::JoinHandle<()> {
    let mitra = mitra.clone();
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(MAIL_EVERY);
        loop {
            tick.tick().await;
            match mitra
                .mark_dormant_partnerships_now(dormant_after_months)
                .await
            {
                Ok(0) => {}
                Ok(marked) => {
                    tracing::info!(partnerships.dormant = marked, "partnerships.dormancy")
                }
                Err(error) => tracing::warn!(error = %error, "partnerships.dormancy_failed"),
            }
            match mitra.send_due_mail_now().await {
                Ok(run) if run.mails > 0 => {
                    tracing::info!(
                        mail.sent = run.mails,
                        mail.notifications = run.notifications,
                        "notifications.mailed"
                    );
                }
                Ok(_) => {}
                Err(error) => tracing::warn!(error = %error, "notifications.mail_failed"),
            }
        }
    })
}

/// Options of `mitra serve` beyond the configuration.
pub(crate) struct ServeOptions<'a> {
    /// Load the demonstration data (once).
    pub(crate) demo: bool,
    /// Observation packs of the demonstration data to leave out.
    pub(crate) demo_exclude: &'a [String],
    /// Serve the demonstration on an address other machines can reach.
    pub(crate) allow_demo_on_network: bool,
}

/// Runs `mitra serve`: prepares the database and the search index, then serves until Ctrl-C or SIGTERM.
pub(crate) async fn run(mut config: Config, options: ServeOptions<'_>) -> anyhow::Result<()> {
    let ServeOptions {
        demo,
        demo_exclude,
        allow_demo_on_network,
    } = options;
    if demo && !config.bind.ip().is_loopback() && !allow_demo_on_network {
        anyhow::bail!(
            "--demo serves accounts whose passwords are published, and {} can be reached from other machines; \
             bind to 127.0.0.1, or add --allow-demo-on-network if everyone who can reach it may be a platform admin",
            config.bind
        );
    }
    let listener = TcpListener::bind(config.bind).await.with_context(|| {
        format!(
            "cannot listen on {} (is another program using it?)",
            config.bind
        )
    })?;
    let address = listener.local_addr()?;
    // Without a configured public URL, links (mail, feeds, calendars) point at the address actually bound, which
    // differs from the configured one when it asks for any free port (`--bind 127.0.0.1:0`).
    if config.mail.public_url == format!("http://{}", config.bind) {
        config.mail.public_url = format!("http://{address}");
    }
    let mitra = open(&config)
        .await?
        .with_search_dir(search_dir(&config))
        .with_metrics_token(config.metrics_token.clone())
        .with_page_cache_pages(config.page_cache_pages);
    let report = mitra
        .load_reference()
        .await
        .context("cannot load the reference data")?;
    if report.already_loaded {
        tracing::info!(
            reference.version = report.version,
            "reference.already_loaded"
        );
    } else {
        say(&format!(
            "Reference data v{}: {} cities, {} indicators, {} crosswalk relations ({} rows added, {} updated).",
            report.version,
            report.counts.0,
            report.counts.1,
            report.counts.2,
            report.changes.inserted,
            report.changes.updated
        ))?;
    }
    if demo {
        let demo = mitra
            .load_demo(demo_exclude)
            .await
            .context("cannot load the demo data")?;
        if demo.newly_loaded {
            say(
                "Demo data loaded. This is a demonstration instance: never use --demo in production.",
            )?;
        }
        tracing::warn!("serve.demo_mode");
    } else {
        let disabled = mitra
            .set_demo_accounts_enabled(false)
            .await
            .context("cannot disable the demo accounts")?;
        if disabled > 0 {
            say(&format!(
                "{disabled} demo account(s) are disabled, as this server runs without --demo: their sessions ended \
                 and their API tokens were revoked."
            ))?;
        }
    }
    let indexed = mitra
        .prepare_search()
        .await
        .context("cannot prepare the search index")?;
    tracing::info!(entries = indexed, "search.ready");
    if let Some(problem) = mitra.search_problem() {
        say(&format!("Warning: {problem}"))?;
    }
    let follower = mitra.follow_search_feed();
    let purger = purge_periodically(&mitra);
    let mailer = mail_periodically(&mitra, config.dormant_after_months);
    let shutdown = shutdown_signal();
    tracing::info!(address = %address, database = %config.database_url_redacted(), "server.started");
    say(&format!(
        "Mitra is listening on http://{address}  (Ctrl-C to stop)"
    ))?;
    let served = mitra_web::serve(listener, mitra.clone(), shutdown).await;
    // The requests in flight are done: stop following the feed, then close the database.
    follower.abort();
    purger.abort();
    mailer.abort();
    mitra.close().await;
    tracing::info!("server.stopped");
    served.context("server error")
}
