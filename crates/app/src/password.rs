//! Argon2id password hashing. Hashing is deliberately slow, so it runs on tokio's blocking pool,
//! never on a request thread.

use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::{Algorithm, Argon2, Params, Version};
use nb_domain::Password;
use tokio::sync::Semaphore;

use crate::AppError;

/// Argon2id cost parameters; the defaults are the argon2 crate's (19 MiB, 2 passes, 1 lane),
/// OWASP's recommended minimum.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HashParams {
    pub memory_kib: u32,
    pub iterations: u32,
    pub parallelism: u32,
}

impl Default for HashParams {
    fn default() -> Self {
        Self {
            memory_kib: Params::DEFAULT_M_COST,
            iterations: Params::DEFAULT_T_COST,
            parallelism: Params::DEFAULT_P_COST,
        }
    }
}

impl HashParams {
    /// These parameters, if Argon2 accepts them (checked at start-up, not at the first login).
    pub fn checked(self) -> Result<Self, AppError> {
        hasher(self).map(|_| self)
    }
}

fn hasher(p: HashParams) -> Result<Argon2<'static>, AppError> {
    let params = Params::new(p.memory_kib, p.iterations, p.parallelism, None)
        .map_err(|e| AppError::Internal(format!("argon2 parameters: {e}")))?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

/// Each Argon2 run takes its memory cost (19 MiB by default): at most this many run at once, the
/// rest wait their turn, so a burst of logins cannot exhaust memory.
static RUNNING: Semaphore = Semaphore::const_new(4);

async fn permit() -> Result<tokio::sync::SemaphorePermit<'static>, AppError> {
    RUNNING.acquire().await.map_err(|e| AppError::Internal(format!("hash permits: {e}")))
}

/// Hash a password into a PHC string (`$argon2id$v=19$...`).
pub async fn hash(password: &Password, params: HashParams) -> Result<String, AppError> {
    let _permit = permit().await?;
    let pw = password.expose().to_owned();
    tokio::task::spawn_blocking(move || {
        hasher(params)?
            .hash_password(pw.as_bytes())
            .map(|h| h.to_string())
            .map_err(|e| AppError::Internal(format!("hashing failed: {e}")))
    })
    .await
    .map_err(|e| AppError::Internal(format!("hashing task: {e}")))?
}

/// Check a password against a stored PHC string (its own parameters apply).
pub async fn verify(password: &Password, phc: &str) -> Result<bool, AppError> {
    let _permit = permit().await?;
    let pw = password.expose().to_owned();
    let phc = phc.to_owned();
    tokio::task::spawn_blocking(move || {
        let Ok(parsed) = PasswordHash::new(&phc) else { return false };
        Argon2::default().verify_password(pw.as_bytes(), &parsed).is_ok()
    })
    .await
    .map_err(|e| AppError::Internal(format!("verify task: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hash_and_verify() {
        let p = Password::new_for("a long enough secret", "ann", "a@b.co").unwrap();
        let h = hash(&p, HashParams::default()).await.unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify(&p, &h).await.unwrap());
        assert!(!verify(&Password::offered("wrong password"), &h).await.unwrap());
        assert!(!verify(&p, "not a hash").await.unwrap());
    }
}
