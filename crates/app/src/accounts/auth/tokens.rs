//! JWT access tokens (HS256, short-lived) and opaque random tokens stored only as SHA-256 hashes.

use base64::Engine;
use chrono::{DateTime, Utc};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use paygate_domain::{
    account::UserRole,
    ids::{SessionId, UserId},
};
use rand::RngCore;
use secrecy::ExposeSecret;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::{AppError, Settings};

/// What an access token asserts.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AccessClaims {
    pub sub: UserId,
    pub sid: SessionId,
    pub role: String,
    pub iat: i64,
    pub exp: i64,
}

impl AccessClaims {
    pub fn role(&self) -> UserRole {
        UserRole::parse(&self.role).unwrap_or_default()
    }
}

/// Signs an access token issued at `now`; returns it with its lifetime in seconds.
pub fn issue_access_token(
    settings: &Settings,
    user: UserId,
    session: SessionId,
    role: UserRole,
    now: DateTime<Utc>,
) -> Result<(String, i64), AppError> {
    let ttl = i64::try_from(settings.access_token_ttl.as_secs()).unwrap_or(900);
    let claims = AccessClaims {
        sub: user,
        sid: session,
        role: role.as_str().to_owned(),
        iat: now.timestamp(),
        exp: now.timestamp() + ttl,
    };
    let key = EncodingKey::from_secret(settings.jwt_secret.expose_secret().as_bytes());
    let token = jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &key)
        .map_err(|e| AppError::Internal(anyhow::anyhow!("signing an access token failed: {e}")))?;
    Ok((token, ttl))
}

/// Checks signature and expiry (no leeway: one issuer, one clock).
pub fn verify_access_token(settings: &Settings, token: &str) -> Result<AccessClaims, AppError> {
    let key = DecodingKey::from_secret(settings.jwt_secret.expose_secret().as_bytes());
    let mut validation = Validation::new(Algorithm::HS256);
    validation.leeway = 0;
    validation.set_required_spec_claims(&["exp", "sub"]);
    match jsonwebtoken::decode::<AccessClaims>(token, &key, &validation) {
        Ok(data) => Ok(data.claims),
        Err(error) => match error.kind() {
            jsonwebtoken::errors::ErrorKind::ExpiredSignature => Err(AppError::Unauthorized("token_expired")),
            _ => Err(AppError::Unauthorized("invalid_token")),
        },
    }
}

/// A fresh random token (256 bits, URL-safe) and the hash under which it is stored.
pub fn new_opaque_token() -> (String, [u8; 32]) {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    let token = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
    let hash = hash_token(&token);
    (token, hash)
}

/// The stored form of an opaque token.
pub fn hash_token(token: &str) -> [u8; 32] {
    Sha256::digest(token.trim().as_bytes()).into()
}

#[cfg(test)]
mod tests {
    use secrecy::SecretString;

    use super::*;

    fn settings() -> Settings {
        Settings::new("http://localhost".parse().unwrap(), SecretString::from("x".repeat(40)))
    }

    #[test]
    fn a_fresh_token_verifies_and_carries_its_claims() {
        let (user, session) = (UserId::new(), SessionId::new());
        let (token, ttl) =
            issue_access_token(&settings(), user, session, UserRole::Operator, Utc::now()).unwrap();
        assert_eq!(ttl, 900);
        let claims = verify_access_token(&settings(), &token).unwrap();
        assert_eq!((claims.sub, claims.sid, claims.role()), (user, session, UserRole::Operator));
    }

    #[test]
    fn expired_tampered_and_foreign_tokens_are_rejected() {
        let s = settings();
        let old = Utc::now() - chrono::Duration::minutes(16);
        let (expired, _) =
            issue_access_token(&s, UserId::new(), SessionId::new(), UserRole::Owner, old).unwrap();
        assert!(matches!(verify_access_token(&s, &expired), Err(AppError::Unauthorized("token_expired"))));
        let (token, _) =
            issue_access_token(&s, UserId::new(), SessionId::new(), UserRole::Owner, Utc::now()).unwrap();
        let tampered = format!("{token}x");
        assert!(matches!(verify_access_token(&s, &tampered), Err(AppError::Unauthorized("invalid_token"))));
        let other = Settings::new("http://localhost".parse().unwrap(), SecretString::from("y".repeat(40)));
        assert!(verify_access_token(&other, &token).is_err());
        assert!(verify_access_token(&s, "not.a.jwt").is_err());
    }

    #[test]
    fn opaque_tokens_are_unique_and_hash_stably() {
        let (a, hash_a) = new_opaque_token();
        let (b, _) = new_opaque_token();
        assert_ne!(a, b);
        assert_eq!(hash_token(&a), hash_a);
        assert!(a.len() >= 43);
    }
}
