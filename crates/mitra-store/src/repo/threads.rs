//! What the threads of expressions of interest and of partnerships share in the store: a message appended at its
//! thread's next position, and the notifications that tell accounts what happened. Both kinds write through these.

use mitra_domain::interest::{InterestId, NotificationKind};
use mitra_domain::partnership::PartnershipId;
use mitra_domain::{AccountId, OrgId};
use time::OffsetDateTime;

use super::journal::WriteTx;
use crate::StoreError;

/// A kind of thread: its messages' table and the column that names the thread.
#[derive(Debug, Clone, Copy)]
pub(super) enum Thread<'a> {
    /// An expression of interest (`interest_messages`, `interest_id`).
    Interest(&'a InterestId),
    /// A partnership (`partnership_messages`, `partnership_id`).
    Partnership(&'a PartnershipId),
}

impl Thread<'_> {
    fn table_and_key(self) -> (&'static str, &'static str, String) {
        match self {
            Thread::Interest(id) => ("interest_messages", "interest_id", id.to_string()),
            Thread::Partnership(id) => ("partnership_messages", "partnership_id", id.to_string()),
        }
    }
}

/// Appends a message written for `side` to `thread` inside `tx`, at the next position; returns the position.
pub(super) async fn append_message(
    tx: &mut WriteTx,
    thread: Thread<'_>,
    side: &str,
    author: Option<&AccountId>,
    body: &str,
    now: OffsetDateTime,
) -> Result<i64, StoreError> {
    let (table, key, id) = thread.table_and_key();
    let position: i64 = sqlx::query_scalar(&format!(
        "select coalesce(max(position), 0) + 1 from {table} where {key} = $1"
    ))
    .bind(&id)
    .fetch_one(&mut **tx)
    .await?;
    sqlx::query(&format!(
        "insert into {table} ({key}, position, side, author, body, created_at) values ($1, $2, $3, $4, $5, $6)"
    ))
    .bind(&id)
    .bind(position)
    .bind(side)
    .bind(author.map(AccountId::as_str))
    .bind(body)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(position)
}

/// Writes one notification of `kind` about `thread` from `from` (`None`: Mitra itself, or the operator) for each of
/// `accounts` inside `tx`.
pub(super) async fn notify(
    tx: &mut WriteTx,
    accounts: &[AccountId],
    kind: NotificationKind,
    thread: Thread<'_>,
    from: Option<&OrgId>,
    now: OffsetDateTime,
) -> Result<(), StoreError> {
    let (_, key, id) = thread.table_and_key();
    for account in accounts {
        sqlx::query(&format!(
            "insert into notifications (account_id, kind, {key}, from_org, created_at) values ($1, $2, $3, $4, $5)"
        ))
        .bind(account.as_str())
        .bind(kind.as_str())
        .bind(&id)
        .bind(from.map(OrgId::as_str))
        .bind(now)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}
