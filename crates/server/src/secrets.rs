//! Secrets generated once into the data directory (mode 0600) when not configured.

use std::{
    fs,
    io::Write,
    os::unix::fs::{OpenOptionsExt, PermissionsExt},
    path::Path,
};

use base64::Engine;
use rand::RngCore;
use secrecy::SecretString;

/// Reads `<data_dir>/secrets/<name>`, creating it with 48 random bytes on first use.
pub fn load_or_generate(data_dir: &Path, name: &str) -> std::io::Result<SecretString> {
    let dir = data_dir.join("secrets");
    fs::create_dir_all(&dir)?;
    fs::set_permissions(&dir, fs::Permissions::from_mode(0o700))?;
    let path = dir.join(name);
    if let Ok(existing) = fs::read_to_string(&path) {
        let value = existing.trim();
        if !value.is_empty() {
            return Ok(SecretString::from(value.to_owned()));
        }
    }
    let mut bytes = [0u8; 48];
    rand::rng().fill_bytes(&mut bytes);
    let value = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
    let mut file = fs::OpenOptions::new().create(true).write(true).truncate(true).mode(0o600).open(&path)?;
    file.write_all(value.as_bytes())?;
    file.sync_all()?;
    tracing::info!(kind = "startup", secret = name, "generated a new secret in the data directory");
    Ok(SecretString::from(value))
}

#[cfg(test)]
mod tests {
    use secrecy::ExposeSecret;

    use super::*;

    #[test]
    fn a_generated_secret_is_private_and_stable_across_loads() -> std::io::Result<()> {
        let dir = tempfile::tempdir()?;
        let first = load_or_generate(dir.path(), "jwt_secret")?;
        let second = load_or_generate(dir.path(), "jwt_secret")?;
        assert_eq!(first.expose_secret(), second.expose_secret());
        assert!(first.expose_secret().len() >= 64);
        let mode = fs::metadata(dir.path().join("secrets/jwt_secret"))?.permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
        Ok(())
    }
}
