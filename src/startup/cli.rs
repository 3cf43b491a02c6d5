//! The command line: `serve`, `migrate`, `import SOURCE LOCATION`, `users add`, `demo`.

use std::io::Read;
use std::path::{Path, PathBuf};

use clap::{Parser, Subcommand};

use super::web::{self, Transport, WebApp};
use super::{OWNER_POOL_SIZE, Platform};
use crate::adapters::config::{Config, SESSION_KEY_BYTES, SessionKeyError, session_key_bytes};
use crate::adapters::importers::landings::importer::{PeskaasLandings, report_lines};
use crate::adapters::importers::landings::synthetic;
use crate::adapters::persistence::access::users::DieselJurisdictionDirectory;
use crate::adapters::persistence::shared as persistence;
use crate::adapters::security::{
    hasher::Argon2idHasher, password_strength::ZxcvbnStrength, random_hex,
};
use crate::application::access::{Credentials, NewGrants, NewUser, add_user};
use crate::application::shared::Caller;
use crate::domain::access::{Email, Role, User};
use crate::domain::shared::JurisdictionPath;

/// tasi: monitoring and analytics for small-scale fisheries.
#[derive(Parser)]
#[command(version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the web application on TASI_BIND (default 127.0.0.1:8080).
    Serve,
    /// Create the database if it does not exist, then apply migrations.
    Migrate,
    /// Import data from files.
    Import {
        #[command(subcommand)]
        source: ImportSource,
    },
    /// Manage users.
    Users {
        #[command(subcommand)]
        action: UsersAction,
    },
    /// Migrate, import the PeskAAS data (or a synthetic set), create a demo admin, serve.
    Demo {
        /// PeskAAS directory to import; a synthetic set is generated when it does not exist.
        #[arg(long, default_value = "../shared/data/peskaas")]
        data: PathBuf,
    },
}

#[derive(Subcommand)]
enum ImportSource {
    /// The PeskAAS tables: municipalities.geojson, stations.csv, species.csv, trips.csv,
    /// catches.csv (and tracked_trips.csv when present).
    Peskaas {
        /// The directory holding the files.
        dir: PathBuf,
    },
    /// A Pelagic Data Systems trips export (CSV: Trip, Started, Ended, Boat, …, IMEI).
    PdsTrips {
        /// The CSV file.
        file: PathBuf,
    },
    /// A Pelagic Data Systems points export (CSV: Time, Boat, Trip, Lat, Lng, Speed (M/S),
    /// Range (Meters), Heading, …). Re-importing a file replaces its trips' positions.
    PdsPoints {
        /// The points file.
        file: PathBuf,
    },
}

impl ImportSource {
    fn source_and_location(&self) -> (&'static str, &Path) {
        match self {
            ImportSource::Peskaas { dir } => ("peskaas", dir),
            ImportSource::PdsTrips { file } => ("pds-trips", file),
            ImportSource::PdsPoints { file } => ("pds-points", file),
        }
    }
}

#[derive(Subcommand)]
enum UsersAction {
    /// Add a user (or reset an existing user's password and add a grant); the password is
    /// read from standard input (at least 12 characters).
    Add {
        /// The user's e-mail, used to log in.
        #[arg(long)]
        email: String,
        /// Make the user an admin of every country (the first admin).
        #[arg(long, conflicts_with_all = ["role", "jurisdiction"])]
        admin: bool,
        /// The role to grant: viewer, officer, analyst or admin.
        #[arg(long, requires = "jurisdiction")]
        role: Option<String>,
        /// Where the role holds, as a path: `Timor-Leste/Atauro`.
        #[arg(long, requires = "role")]
        jurisdiction: Option<String>,
    },
}

fn init_tracing() {
    use tracing_subscriber::{EnvFilter, fmt};
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let json = std::env::var("TASI_LOG_FORMAT").is_ok_and(|v| v == "json");
    if json {
        fmt()
            .with_env_filter(filter)
            .json()
            .with_writer(std::io::stderr)
            .init();
    } else {
        fmt()
            .with_env_filter(filter)
            .with_writer(std::io::stderr)
            .init();
    }
}

/// The platform of a command-line process: migrated, on the owner's pool only.
fn owner_platform(config: &Config) -> anyhow::Result<Platform> {
    persistence::migrate(&config.database_url)?;
    let owner = persistence::connect(&config.database_url, OWNER_POOL_SIZE)?;
    Ok(Platform::new(None, Some(owner)))
}

/// Imports `location` of `source` as `by`, printing each line.
fn import(platform: &Platform, by: &str, source: &str, location: &Path) -> anyhow::Result<()> {
    let lines = platform.import(&Caller::system(by), source, location)?;
    for line in lines {
        println!("{line}");
    }
    Ok(())
}

/// Adds a user through the use case.
fn save_user(
    platform: &Platform,
    by: &str,
    email: &Email,
    password: &str,
    grants: &NewGrants,
) -> anyhow::Result<User> {
    let owner = platform
        .owner_pool()
        .ok_or_else(|| anyhow::anyhow!("adding a user needs the owner's connections"))?;
    let directory = DieselJurisdictionDirectory::new(owner.clone());
    let hasher = Argon2idHasher::new()?;
    let user = add_user(
        platform.uow().as_ref(),
        &directory,
        Credentials {
            hasher: &hasher,
            strength: &ZxcvbnStrength,
        },
        &Caller::system(by),
        &NewUser {
            email,
            password,
            grants,
        },
    )?;
    Ok(user)
}

/// The key that signs session cookies, from `TASI_SESSION_KEY`.
///
/// # Errors
/// [`SessionKeyError`] when it is missing or not 128 hex characters.
fn session_key(config: &Config) -> anyhow::Result<actix_web::cookie::Key> {
    let text = config
        .session_key
        .as_deref()
        .ok_or(SessionKeyError::Missing)?;
    let bytes = session_key_bytes(text)?;
    Ok(actix_web::cookie::Key::try_from(bytes.as_slice())?)
}

/// Where the demo keeps its session key between runs: `TASI_DEMO_KEY_FILE`, else
/// `.tasi/session-key` in the working directory (beside the demo's other local state).
fn demo_key_file() -> PathBuf {
    std::env::var("TASI_DEMO_KEY_FILE")
        .ok()
        .filter(|v| !v.trim().is_empty())
        .map_or_else(|| PathBuf::from(".tasi").join("session-key"), PathBuf::from)
}

/// The demo's session key: `TASI_SESSION_KEY` when set, else the one kept in
/// [`demo_key_file`], made (from the operating system's random source) and written there,
/// readable by its owner only, on the first run.
fn demo_session_key(config: &Config) -> anyhow::Result<String> {
    if let Some(k) = &config.session_key {
        return Ok(k.clone());
    }
    let file = demo_key_file();
    if let Ok(text) = std::fs::read_to_string(&file) {
        session_key_bytes(&text).map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
        return Ok(text.trim().to_string());
    }
    let key = random_hex(SESSION_KEY_BYTES).map_err(|e| anyhow::anyhow!("{e}"))?;
    if let Some(dir) = file.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    write_private(&file, &key)?;
    println!("session key written to {}", file.display());
    Ok(key)
}

/// Writes `text` to `file`, readable and writable by its owner only.
fn write_private(file: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(file)?.write_all(text.as_bytes())
}

/// Serves with the application role's pool (row-level security applies to it) and a small
/// owner pool for the relay and its subscribers.
async fn serve(config: &Config, owner: persistence::PgPool) -> anyhow::Result<()> {
    let key = session_key(config)?;
    let pool = persistence::connect(&config.app_database_url, 16)?;
    persistence::check_app_role(&pool)?;
    let synthetic = {
        let p = pool.clone();
        actix_web::web::block(move || {
            crate::adapters::persistence::landings::queries::holds_synthetic_data(&p)
        })
        .await??
    };
    let listener = std::net::TcpListener::bind(&config.bind)?;
    let addr = listener.local_addr()?;
    tracing::info!(%addr, "serving");
    println!("tasi is serving on http://{addr}/");
    let transport = Transport {
        session_key: key,
        secure_cookies: config.secure_cookies,
        hsts: config.https(),
    };
    let platform = Platform::new(Some(pool), Some(owner));
    let app = WebApp::new(&platform, synthetic)?.with_public_url(config.public_url.clone());
    web::run(listener, app, transport)?.await?;
    Ok(())
}

fn read_password() -> anyhow::Result<String> {
    let mut s = String::new();
    std::io::stdin().read_to_string(&mut s)?;
    Ok(s.trim_end_matches(['\n', '\r']).to_string())
}

async fn run_command(cli: Cli) -> anyhow::Result<()> {
    let config = Config::from_env();
    match cli.command {
        Command::Migrate => {
            let applied = persistence::migrate(&config.database_url)?;
            println!("{} migration(s) applied", applied.len());
        }
        Command::Serve => {
            persistence::migrate(&config.database_url)?;
            let owner = persistence::connect(&config.database_url, OWNER_POOL_SIZE)?;
            serve(&config, owner).await?;
        }
        Command::Import { source } => {
            let platform = owner_platform(&config)?;
            let (source, location) = source.source_and_location();
            import(&platform, "cli", source, location)?;
        }
        Command::Users {
            action:
                UsersAction::Add {
                    email,
                    admin,
                    role,
                    jurisdiction,
                },
        } => {
            let email = Email::parse(&email)?;
            let grants = match (admin, role, jurisdiction) {
                (true, _, _) => NewGrants::AdminEverywhere,
                (false, Some(role), Some(path)) => {
                    NewGrants::On(Role::parse(&role)?, JurisdictionPath::parse(&path)?)
                }
                _ => anyhow::bail!("give --admin, or --role ROLE with --jurisdiction PATH"),
            };
            let password = read_password()?;
            let platform = owner_platform(&config)?;
            let user = save_user(&platform, "cli", &email, &password, &grants)?;
            let owner = platform
                .owner_pool()
                .ok_or_else(|| anyhow::anyhow!("no owner pool"))?;
            let granted =
                crate::adapters::persistence::access::users::DieselAccounts::new(owner.clone());
            let granted =
                crate::application::access::ports::Accounts::grants_of(&granted, user.id)?;
            let list: Vec<String> = granted
                .0
                .iter()
                .map(|g| format!("{} on {}", g.role, g.jurisdiction))
                .collect();
            println!("user {} saved: {}", user.email, list.join(", "));
        }
        Command::Demo { data } => {
            // The demo serves plain http on this machine: Secure cookies would not come back,
            // unless TASI_SECURE_COOKIES says otherwise.
            let config = Config {
                secure_cookies: std::env::var("TASI_SECURE_COOKIES").is_ok_and(|v| v == "true"),
                session_key: Some(demo_session_key(&config)?),
                ..config
            };
            let platform = owner_platform(&config)?;
            if data.join("trips.csv").exists() {
                println!("importing {}", data.display());
                import(&platform, "demo", "peskaas", &data)?;
            } else {
                let dir = std::env::temp_dir().join("tasi-synthetic");
                println!(
                    "{} not found: generating a SYNTHETIC data set in {}",
                    data.display(),
                    dir.display()
                );
                synthetic::write(&dir, 3000, chrono::Utc::now().date_naive())?;
                let report = PeskaasLandings::new(platform.uow().clone(), synthetic::SOURCE)
                    .import_dir(&Caller::system("demo"), &dir)?;
                platform.deliver();
                for line in report_lines(&report) {
                    println!("{line}");
                }
            }
            let email = Email::parse("admin@tasi.demo")?;
            let password = random_hex(9).map_err(|e| anyhow::anyhow!("{e}"))?;
            save_user(
                &platform,
                "demo",
                &email,
                &password,
                &NewGrants::AdminEverywhere,
            )?;
            println!("log in as {email} with password {password}");
            let owner = platform
                .owner_pool()
                .cloned()
                .ok_or_else(|| anyhow::anyhow!("no owner pool"))?;
            serve(&config, owner).await?;
        }
    }
    Ok(())
}

/// Parses the command line and runs it; the process's exit code.
pub fn run() -> std::process::ExitCode {
    init_tracing();
    let cli = Cli::parse();
    match actix_web::rt::System::new().block_on(run_command(cli)) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
