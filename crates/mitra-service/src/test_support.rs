//! Test support: cheap password hashing, so that tests which sign in many times do not spend their time in Argon2.
//! Only compiled with the `test-support` feature, and even then off until a test turns it on: a binary built in the
//! same run as the tests never hashes cheaply.

use std::sync::atomic::{AtomicBool, Ordering};

/// Whether new password hashes use Argon2id's smallest parameters (8 KiB, 1 pass) instead of the recommended ones.
pub(crate) static FAST_PASSWORD_HASHING: AtomicBool = AtomicBool::new(false);

/// Makes every password hashed from now on in this process cheap to hash and to verify. For tests only.
pub fn use_fast_password_hashing() {
    FAST_PASSWORD_HASHING.store(true, Ordering::Relaxed);
}
