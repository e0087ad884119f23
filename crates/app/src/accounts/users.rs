//! Account use cases: sign-up, login, token refresh with reuse detection, logout, e-mail and password flows.

use chrono::{DateTime, Utc};
use paygate_domain::{
    account::{Email, Password, UserRole, Username},
    ids::{SessionId, UserId},
    validation::ValidationErrors,
};
use serde::{Deserialize, Serialize};
use serde_json::json;
use sqlx::PgConnection;

use crate::{
    App, AppError, AppResult,
    accounts::audit::{self, AuditAction},
    accounts::auth::{password, tokens},
    accounts::mail,
    rate_limit::Limit,
};

/// Where a request came from (for rate limits and the audit log).
#[derive(Debug, Clone, Default)]
pub struct Client {
    pub ip: Option<String>,
}

impl Client {
    /// The key of the per-address rate limits: the IP, or its /64 network for IPv6.
    pub fn rate_limit_key(&self) -> String {
        self.ip.as_deref().map_or_else(|| "unknown".to_owned(), crate::ip_key::rate_limit_key_str)
    }
}

/// An account as the API shows it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct UserView {
    pub id: uuid::Uuid,
    pub username: String,
    pub email: String,
    #[schema(example = "owner")]
    pub role: String,
    pub email_verified: bool,
    pub max_channels: i32,
    pub created_at: DateTime<Utc>,
}

impl From<paygate_db::users::UserRow> for UserView {
    fn from(row: paygate_db::users::UserRow) -> Self {
        Self {
            id: row.id,
            username: row.username,
            email: row.email,
            role: row.role,
            email_verified: row.email_verified_at.is_some(),
            max_channels: row.max_channels,
            created_at: row.created_at,
        }
    }
}

/// A signed-in session: the user with a fresh access token and refresh token.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AuthSession {
    pub user: UserView,
    pub access_token: String,
    pub refresh_token: String,
    /// Access token lifetime in seconds.
    pub expires_in: i64,
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct SignupInput {
    pub username: String,
    pub email: String,
    pub password: String,
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct LoginInput {
    /// Username or e-mail address.
    pub login: String,
    pub password: String,
}

/// Creates an owner account, signs it in and mails an e-mail verification link.
pub async fn signup(app: &App, input: SignupInput, client: &Client) -> AppResult<AuthSession> {
    let mut conn = app.pool.acquire().await?;
    Limit::signup_ip(&client.rate_limit_key()).acquire(&mut conn).await?;
    drop(conn);
    let (username, email, password) = parse_signup(&input)?;
    create_account(app, &username, &email, &password, UserRole::Owner, client).await
}

fn parse_signup(input: &SignupInput) -> Result<(Username, Email, Password), ValidationErrors> {
    let mut errors = ValidationErrors::new();
    let username = errors.check("username", Username::parse(&input.username));
    let email = errors.check("email", Email::parse(&input.email));
    let password = errors.check("password", Password::parse(&input.password));
    match (username, email, password) {
        (Some(u), Some(e), Some(p)) if errors.is_empty() => Ok((u, e, p)),
        _ => Err(errors),
    }
}

/// Inserts the account, its first session and the verification mail in one transaction.
async fn create_account(
    app: &App,
    username: &Username,
    email: &Email,
    password: &Password,
    role: UserRole,
    client: &Client,
) -> AppResult<AuthSession> {
    let hash = password::hash(password.expose().to_owned()).await?;
    let user_id = UserId::new();
    let mut tx = app.pool.begin().await?;
    let new = paygate_db::users::NewUser {
        id: user_id.as_uuid(),
        username: username.as_str(),
        email: email.as_str(),
        password_hash: &hash,
        role: role.as_str(),
    };
    if let Err(error) = paygate_db::users::insert(&mut tx, &new).await {
        return Err(if paygate_db::is_unique_violation(&error, Some("users_username_ci")) {
            AppError::conflict("username_taken", "this username is already registered")
        } else if paygate_db::is_unique_violation(&error, Some("users_email_ci")) {
            AppError::conflict("email_taken", "this e-mail address is already registered")
        } else {
            error.into()
        });
    }
    let (token, token_hash) = tokens::new_opaque_token();
    paygate_db::account_tokens::insert(
        &mut tx,
        &token_hash,
        user_id.as_uuid(),
        "verify_email",
        Utc::now() + crate::accounts::recovery::VERIFY_TTL,
    )
    .await?;
    mail::enqueue_verification(&mut tx, &app.settings, email.as_str(), &token).await?;
    let action = if role == UserRole::Operator { AuditAction::OperatorCreated } else { AuditAction::Signup };
    audit::record(
        &mut tx,
        Some(user_id),
        action,
        json!({"username": username.as_str()}),
        client.ip.as_deref(),
    )
    .await?;
    let session = start_session(app, &mut tx, user_id, role).await?;
    tx.commit().await?;
    tracing::info!(kind = "user", user_id = %user_id, role = role.as_str(), "account created");
    let user = load_user(app, user_id).await?;
    Ok(AuthSession { user, ..session })
}

/// Creates an operator account (from the command line).
pub async fn create_operator(app: &App, username: &str, email: &str, password: &str) -> AppResult<UserView> {
    let input = SignupInput { username: username.into(), email: email.into(), password: password.into() };
    let (username, email, password) = parse_signup(&input)?;
    let session =
        create_account(app, &username, &email, &password, UserRole::Operator, &Client::default()).await?;
    Ok(session.user)
}

/// Signs in with username or e-mail. Too many failures answer 429 even for the right password.
///
/// Every attempt first takes a slot in the account's and the address's failure buckets (atomically,
/// so parallel attempts cannot all pass the check); a successful one gives its slots back. The
/// password is checked with no database connection held.
pub async fn login(app: &App, input: LoginInput, client: &Client) -> AppResult<AuthSession> {
    let login = input.login.trim();
    let mut conn = app.pool.acquire().await?;
    let user = paygate_db::users::by_login(&mut conn, login).await?;
    let account_key = user.as_ref().map_or_else(|| login.to_owned(), |u| u.id.to_string());
    let account_limit = Limit::login_account(&account_key);
    let ip_limit = Limit::login_ip(&client.rate_limit_key());
    Limit::acquire_all(&mut conn, &[&account_limit, &ip_limit]).await?;
    drop(conn);
    let user_id = user.as_ref().map(|u| UserId::from_uuid(u.id));
    let matches = password::verify(user.as_ref().map(|u| u.password_hash.clone()), input.password).await?;
    let Some(user) = user.filter(|_| matches) else {
        let mut conn = app.pool.acquire().await?;
        audit::record(&mut conn, user_id, AuditAction::LoginFailed, json!({}), client.ip.as_deref()).await?;
        return Err(AppError::Unauthorized("invalid_credentials"));
    };
    let user_id = UserId::from_uuid(user.id);
    let role = UserRole::parse(&user.role).unwrap_or_default();
    let mut tx = app.pool.begin().await?;
    account_limit.clear(&mut tx).await?;
    ip_limit.release_one(&mut tx).await?;
    let session = start_session(app, &mut tx, user_id, role).await?;
    audit::record(&mut tx, Some(user_id), AuditAction::LoginSucceeded, json!({}), client.ip.as_deref())
        .await?;
    tx.commit().await?;
    tracing::info!(kind = "user", user_id = %user_id, "signed in");
    Ok(AuthSession { user: user.into(), ..session })
}

/// Opens a session with its first refresh token; the returned `user` is a placeholder the caller fills.
async fn start_session(
    app: &App,
    conn: &mut PgConnection,
    user: UserId,
    role: UserRole,
) -> AppResult<AuthSession> {
    let session = SessionId::new();
    paygate_db::sessions::create(conn, session.as_uuid(), user.as_uuid()).await?;
    issue_pair(app, conn, user, session, role).await
}

async fn issue_pair(
    app: &App,
    conn: &mut PgConnection,
    user: UserId,
    session: SessionId,
    role: UserRole,
) -> AppResult<AuthSession> {
    let (refresh_token, hash) = tokens::new_opaque_token();
    let ttl =
        chrono::Duration::from_std(app.settings.refresh_token_ttl).unwrap_or(chrono::Duration::days(30));
    paygate_db::sessions::insert_refresh_token(conn, &hash, session.as_uuid(), Utc::now() + ttl).await?;
    let (access_token, expires_in) =
        tokens::issue_access_token(&app.settings, user, session, role, Utc::now())?;
    let user = UserView {
        id: user.as_uuid(),
        username: String::new(),
        email: String::new(),
        role: role.as_str().to_owned(),
        email_verified: false,
        max_channels: 0,
        created_at: Utc::now(),
    };
    Ok(AuthSession { user, access_token, refresh_token, expires_in })
}

/// Trades a refresh token for a new pair. A token presented twice means it was stolen: the whole
/// session family is revoked and both holders must sign in again.
pub async fn refresh(app: &App, refresh_token: &str, client: &Client) -> AppResult<AuthSession> {
    let hash = tokens::hash_token(refresh_token);
    let mut tx = app.pool.begin().await?;
    let Some(row) = paygate_db::sessions::find_refresh_token_for_update(&mut tx, &hash).await? else {
        return Err(AppError::Unauthorized("invalid_refresh_token"));
    };
    let user_id = UserId::from_uuid(row.user_id);
    if row.used_at.is_some() {
        if paygate_db::sessions::revoke(&mut tx, row.session_id, "refresh token reused").await? {
            audit::record(
                &mut tx,
                Some(user_id),
                AuditAction::RefreshTokenReused,
                json!({"session_id": row.session_id}),
                client.ip.as_deref(),
            )
            .await?;
        }
        tx.commit().await?;
        tracing::warn!(kind = "warning", user_id = %user_id, "refresh token reused: session revoked");
        return Err(AppError::Unauthorized("refresh_token_reused"));
    }
    if row.session_revoked || row.expires_at <= Utc::now() {
        return Err(AppError::Unauthorized("invalid_refresh_token"));
    }
    paygate_db::sessions::mark_refresh_token_used(&mut tx, &hash).await?;
    let user = paygate_db::users::by_id(&mut tx, row.user_id)
        .await?
        .ok_or(AppError::Unauthorized("invalid_refresh_token"))?;
    let role = UserRole::parse(&user.role).unwrap_or_default();
    let session = issue_pair(app, &mut tx, user_id, SessionId::from_uuid(row.session_id), role).await?;
    tx.commit().await?;
    Ok(AuthSession { user: user.into(), ..session })
}

/// Revokes the session the refresh token belongs to; unknown tokens are ignored (204 either way).
pub async fn logout(app: &App, refresh_token: &str, client: &Client) -> AppResult<()> {
    let hash = tokens::hash_token(refresh_token);
    let mut tx = app.pool.begin().await?;
    if let Some(row) = paygate_db::sessions::find_refresh_token_for_update(&mut tx, &hash).await?
        && paygate_db::sessions::revoke(&mut tx, row.session_id, "logout").await?
    {
        let user = Some(UserId::from_uuid(row.user_id));
        audit::record(&mut tx, user, AuditAction::Logout, json!({}), client.ip.as_deref()).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// True when the session behind an access token is still active (logout revokes access tokens too).
pub async fn session_is_active(app: &App, session: SessionId) -> AppResult<bool> {
    let mut conn = app.pool.acquire().await?;
    Ok(paygate_db::sessions::is_active(&mut conn, session.as_uuid()).await?)
}

pub async fn load_user(app: &App, user: UserId) -> AppResult<UserView> {
    let mut conn = app.pool.acquire().await?;
    let row = paygate_db::users::by_id(&mut conn, user.as_uuid()).await?.ok_or(AppError::NotFound)?;
    Ok(row.into())
}
