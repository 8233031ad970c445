//! Enrolment in training entries: any signed-in account enrols; the first `seats` enrolments hold a seat and the
//! rest form the waiting list, in the order they enrolled, so a withdrawal moves the list up by itself.

use mitra_domain::access::SignedIn;
use mitra_domain::entry::Details;
use mitra_domain::{AccountId, Actor, EntryId, Reason, ValidationError};
use mitra_store::{Enrolment, StoredEntry};
use time::OffsetDateTime;

use crate::{Mitra, ServiceError};

/// A training's seats and waiting list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Seats {
    /// Seats offered.
    pub seats: u32,
    /// Seats held.
    pub taken: usize,
    /// Enrolments waiting for a seat.
    pub waiting: usize,
}

/// Where one account stands in a training.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    /// It holds a seat.
    Seat,
    /// It waits; 1 is next in line.
    Waiting(usize),
}

/// An enrolment as its organiser sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Enrolled {
    /// The enrolment.
    pub enrolment: Enrolment,
    /// Where it stands.
    pub standing: Standing,
}

fn standing(place: usize, seats: u32) -> Standing {
    if place < seats as usize {
        Standing::Seat
    } else {
        Standing::Waiting(place - seats as usize + 1)
    }
}

fn seats_of(stored: &StoredEntry) -> Result<u32, ServiceError> {
    match &stored.entry.details {
        Details::Training { seats, .. } => Ok(*seats),
        _ => Err(ServiceError::NotFound {
            entity: "training",
            id: stored.entry.id.to_string(),
        }),
    }
}

/// The signed-in account that enrols or withdraws, with the handle its writes go through.
pub(crate) fn enrolling_account(actor: &Actor) -> Result<(SignedIn, AccountId), ServiceError> {
    let signed_in = actor.signed_in()?;
    let account = signed_in.account().cloned().ok_or_else(|| {
        ServiceError::from(ValidationError::new(
            "account",
            Reason::operator_cannot_enrol(),
        ))
    })?;
    Ok((signed_in, account))
}

impl Mitra {
    /// Enrols the signed-in account in training `id` (again enrolling keeps its place), unless the training has
    /// ended; says where it stands.
    pub async fn enrol(
        &self,
        actor: &Actor,
        id: &EntryId,
    ) -> Result<(Seats, Standing), ServiceError> {
        let (signed_in, account) = enrolling_account(actor)?;
        let stored = self.entry_for(actor, id).await?;
        let seats = seats_of(&stored)?;
        if let Details::Training { ends, .. } = &stored.entry.details
            && ends
                .to_utc()
                .is_some_and(|end| end < OffsetDateTime::now_utc())
        {
            return Err(ValidationError::new("entry", Reason::training_ended()).into());
        }
        self.store
            .enrol(&stored.entry.id, &account, signed_in.stamp())
            .await?;
        let (seats, standing) = self.standing_in(actor, &stored.entry.id, seats).await?;
        Ok((
            seats,
            standing.ok_or(ServiceError::Conflict(Reason::enrolment_withdrawn()))?,
        ))
    }

    /// Withdraws the signed-in account from training `id`; `false` when it was not enrolled.
    pub async fn withdraw(&self, actor: &Actor, id: &EntryId) -> Result<bool, ServiceError> {
        let (signed_in, account) = enrolling_account(actor)?;
        seats_of(&self.store.find_entry(id).await?)?;
        Ok(self.store.withdraw(id, &account, signed_in.stamp()).await?)
    }

    /// The seats of training `id`, and where the actor stands if it is enrolled.
    pub async fn enrolment(
        &self,
        actor: &Actor,
        id: &EntryId,
    ) -> Result<(Seats, Option<Standing>), ServiceError> {
        let stored = self.entry_for(actor, id).await?;
        let seats = seats_of(&stored)?;
        self.standing_in(actor, &stored.entry.id, seats).await
    }

    /// The seats of training `id`, which offers `seats`, and where the actor stands.
    async fn standing_in(
        &self,
        actor: &Actor,
        id: &EntryId,
        seats: u32,
    ) -> Result<(Seats, Option<Standing>), ServiceError> {
        let list = self.store.list_enrolments(id).await?;
        let me = actor.account().map(|a| &a.id);
        let standing = list
            .iter()
            .position(|e| Some(&e.account) == me)
            .map(|place| standing(place, seats));
        let taken = list.len().min(seats as usize);
        Ok((
            Seats {
                seats,
                taken,
                waiting: list.len() - taken,
            },
            standing,
        ))
    }

    /// Everyone enrolled in training `id`, in order, for those who may edit it.
    pub async fn enrolments(
        &self,
        actor: &Actor,
        id: &EntryId,
    ) -> Result<Vec<Enrolled>, ServiceError> {
        let stored = self.entry(id).await?;
        self.entry_writer(actor, &stored).await?;
        let seats = seats_of(&stored)?;
        Ok(self
            .store
            .list_enrolments(&stored.entry.id)
            .await?
            .into_iter()
            .enumerate()
            .map(|(place, enrolment)| Enrolled {
                enrolment,
                standing: standing(place, seats),
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::{Standing, standing};

    #[test]
    fn the_first_seats_hold_a_seat_and_the_rest_wait_in_line() {
        assert_eq!(standing(0, 2), Standing::Seat);
        assert_eq!(standing(1, 2), Standing::Seat);
        assert_eq!(standing(2, 2), Standing::Waiting(1));
        assert_eq!(standing(4, 2), Standing::Waiting(3));
    }
}
