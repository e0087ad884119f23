//! Owner account values: username, e-mail, password and role, each parsed once at the boundary.

mod email;
mod password;
mod role;
mod username;

pub use email::{Email, EmailError};
pub use password::{Password, PasswordError};
pub use role::{UnknownRole, UserRole};
pub use username::{Username, UsernameError};
