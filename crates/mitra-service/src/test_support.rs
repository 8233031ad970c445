//! Test support: the template database tests start from, and cheap password hashing, so that tests which sign in
//! many times do not spend their time in Argon2. Only compiled with the `test-support` feature; cheap hashing is off
//! even then until a test turns it on, so a binary built in the same run as the tests never hashes cheaply.

use std::sync::atomic::{AtomicBool, Ordering};

use crate::{Mitra, ServiceError};

/// Whether new password hashes use Argon2id's smallest parameters (8 KiB, 1 pass) instead of the recommended ones.
pub(crate) static FAST_PASSWORD_HASHING: AtomicBool = AtomicBool::new(false);

/// Makes every password hashed from now on in this process cheap to hash and to verify. For tests only.
pub fn use_fast_password_hashing() {
    FAST_PASSWORD_HASHING.store(true, Ordering::Relaxed);
}

/// Makes the empty database at `url` a template for tests: migrated, with the shipped reference data and, if
/// `demo`, the demo pack; then closes every connection to it, as copying a template requires.
pub async fn build_template(url: &str, demo: bool) -> Result<(), ServiceError> {
    let mitra = Mitra::open(url).await?;
    mitra.load_reference().await?;
    if demo {
        mitra.load_demo(&[]).await?;
    }
    mitra.close().await;
    Ok(())
}
