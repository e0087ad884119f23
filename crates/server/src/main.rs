//! Entry point of the `paygate` binary.

use std::process::ExitCode;

use clap::Parser;
use paygate_jobs::JobId;
use paygate_server::{
    cli::{self, Cli, Command, JobsAction, OperatorAction},
    platform::Platform,
    roles::{self, Role},
    shutdown, telemetry,
};

fn main() -> ExitCode {
    if let Err(error) = dotenvy::dotenv()
        && !error.not_found()
    {
        eprintln!("error: could not read .env: {error}");
        return ExitCode::from(2);
    }
    let cli = match cli::parse() {
        Ok(cli) => cli,
        Err(message) if message.starts_with("error:") => {
            eprintln!("{message}");
            return ExitCode::from(2);
        }
        // --help, --version and usage errors: clap's own rendering and exit code.
        Err(_) => Cli::parse(),
    };
    if let Err(error) = cli.config.validate() {
        eprintln!("error: {error}");
        return ExitCode::from(2);
    }
    // The demo narrates; its logs show only warnings unless PAYGATE_LOG asks for more.
    let demo_quiet = matches!(cli.command, Command::Demo { .. }) && std::env::var_os("PAYGATE_LOG").is_none();
    telemetry::init(cli.config.log_format, if demo_quiet { "warn" } else { &cli.config.log });
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("error: could not start the async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            tracing::error!(kind = "error", error = %format!("{error:#}"), "paygate stopped with an error");
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    let role = match cli.command {
        Command::Config => {
            println!("{:#?}", cli.config);
            return Ok(());
        }
        Command::Bot => Role::Bot,
        Command::Up => Role::All,
        Command::Serve => Role::Serve,
        Command::Worker => Role::Worker,
        Command::Migrate | Command::Jobs { .. } | Command::Operator { .. } | Command::Sandbox { .. } => {
            return admin(cli).await;
        }
        Command::Demo { fault_swap, keep, url } => {
            let options = paygate_server::demo::DemoOptions { fault_swap, keep, url };
            return paygate_server::demo::run(cli.config, options).await;
        }
    };
    let shutdown = shutdown::on_signals()?;
    let platform = Platform::start(cli.config).await?;
    roles::run(platform, role, shutdown).await
}

async fn admin(cli: Cli) -> anyhow::Result<()> {
    let platform = Platform::start(cli.config).await?;
    let pool = platform.app.pool.clone();
    let result = match cli.command {
        Command::Jobs { action: JobsAction::Attention { limit } } => {
            paygate_jobs::list_needing_attention(&pool, limit).await.map(|jobs| {
                for job in jobs {
                    println!(
                        "{}\t{}\tattempts {}/{}\t{}\t{}",
                        job.id,
                        job.kind,
                        job.attempts,
                        job.max_attempts,
                        job.updated_at,
                        job.last_error.unwrap_or_default()
                    );
                }
            })
        }
        Command::Jobs { action: JobsAction::Retry { id } } => paygate_jobs::retry(&pool, JobId(id)).await,
        Command::Jobs { action: JobsAction::Cancel { id } } => paygate_jobs::cancel(&pool, JobId(id)).await,
        Command::Operator { action: OperatorAction::Create { username, email } } => {
            let outcome = create_operator(&platform, &username, &email).await;
            platform.stop().await?;
            return outcome;
        }
        Command::Sandbox { action } => {
            let outcome = paygate_server::sandbox_cli::run(&platform, action).await;
            platform.stop().await?;
            return outcome;
        }
        _ => Ok(()), // migrate: Platform::start applied the migrations
    };
    platform.stop().await?;
    Ok(result?)
}

async fn create_operator(platform: &Platform, username: &str, email: &str) -> anyhow::Result<()> {
    let password = read_password()?;
    match paygate_app::accounts::users::create_operator(&platform.app, username, email, &password).await {
        Ok(user) => {
            println!("operator {} created ({})", user.username, user.id);
            Ok(())
        }
        Err(paygate_app::AppError::Validation(errors)) => anyhow::bail!("invalid operator: {errors}"),
        Err(error) => Err(error.into()),
    }
}

/// A prompt without echo on a terminal; the first line of stdin otherwise (for scripts).
fn read_password() -> anyhow::Result<String> {
    use std::io::IsTerminal;
    if std::io::stdin().is_terminal() {
        let first = rpassword::prompt_password("Operator password: ")?;
        let second = rpassword::prompt_password("Repeat it: ")?;
        anyhow::ensure!(first == second, "the passwords differ");
        Ok(first)
    } else {
        let mut line = String::new();
        std::io::stdin().read_line(&mut line)?;
        Ok(line.trim_end_matches(['\r', '\n']).to_owned())
    }
}
