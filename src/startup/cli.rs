//! The command line: the platform's commands (`serve`, `migrate`, `import SOURCE LOCATION`,
//! `demo`) and the subcommands each context registers (`users` for access). The import
//! sources are the ones the contexts' importers read.

use std::path::{Path, PathBuf};

use clap::{Arg, ArgMatches, Command};

use super::web::{self, Transport, WebApp};
use super::{OWNER_POOL_SIZE, Platform, contexts};
use crate::adapters::config::{Config, SESSION_KEY_BYTES, SessionKeyError, session_key_bytes};
use crate::adapters::persistence::shared as persistence;
use crate::adapters::security::random_hex;
use crate::application::shared::Caller;

/// A source `tasi import` offers: `tasi import SOURCE LOCATION`.
#[derive(Debug, Clone, Copy)]
pub struct ImportSource {
    /// The source's name on the command line (`peskaas`, `pds-trips`).
    pub source: &'static str,
    /// What it is, for the help.
    pub about: &'static str,
    /// What LOCATION is: `DIR` or `FILE`.
    pub location: &'static str,
    /// What LOCATION holds, for the help.
    pub location_help: &'static str,
}

/// What a context's command needs: the configuration, and the platform of a command-line
/// process.
pub struct CliEnv {
    /// The configuration read from the environment.
    pub config: Config,
}

impl CliEnv {
    /// The platform of a command-line process: the database migrated, the owner's pool
    /// only.
    ///
    /// # Errors
    /// When the database cannot be reached or migrated.
    pub fn owner_platform(&self) -> anyhow::Result<Platform> {
        persistence::migrate(&self.config.database_url)?;
        let owner = persistence::connect(&self.config.database_url, OWNER_POOL_SIZE)?;
        Ok(Platform::new(None, Some(owner)))
    }
}

/// The import sources of every context, each once, in the contexts' order.
pub fn import_sources() -> Vec<ImportSource> {
    let mut out: Vec<ImportSource> = Vec::new();
    for c in contexts() {
        for s in c.import_sources() {
            if !out.iter().any(|o| o.source == s.source) {
                out.push(s);
            }
        }
    }
    out
}

/// The whole command line: the platform's commands and the contexts'.
pub fn command() -> Command {
    let mut import = Command::new("import")
        .about("Import data from files")
        .subcommand_required(true);
    for s in import_sources() {
        import = import.subcommand(
            Command::new(s.source).about(s.about).arg(
                Arg::new("location")
                    .value_name(s.location)
                    .help(s.location_help)
                    .required(true)
                    .value_parser(clap::value_parser!(PathBuf)),
            ),
        );
    }
    let mut cmd = Command::new("tasi")
        .version(env!("CARGO_PKG_VERSION"))
        .about("tasi: monitoring and analytics for small-scale fisheries.")
        .subcommand_required(true)
        .subcommand(
            Command::new("serve").about("Serve the web application on TASI_BIND (default 127.0.0.1:8080)"),
        )
        .subcommand(
            Command::new("migrate")
                .about("Create the database if it does not exist, then apply migrations"),
        )
        .subcommand(import)
        .subcommand(
            Command::new("demo")
                .about("Migrate, import the PeskAAS data (or a synthetic set), create a demo admin, serve")
                .arg(
                    Arg::new("data")
                        .long("data")
                        .value_name("DIR")
                        .help("PeskAAS directory to import (it must hold trips.csv)")
                        .default_value("../shared/data/peskaas")
                        .value_parser(clap::value_parser!(PathBuf)),
                )
                .arg(
                    Arg::new("synthetic")
                        .long("synthetic")
                        .action(clap::ArgAction::SetTrue)
                        .conflicts_with("data")
                        .help("Generate and import a synthetic demonstration set instead (labelled on every page)"),
                ),
        );
    for c in contexts() {
        for sub in c.commands() {
            cmd = cmd.subcommand(sub);
        }
    }
    cmd
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

/// Imports `location` of `source` as `by`, printing each line.
fn import(platform: &Platform, by: &str, source: &str, location: &Path) -> anyhow::Result<()> {
    let lines = platform.import(&Caller::system(by), source, location)?;
    for line in lines {
        println!("{line}");
    }
    Ok(())
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

/// Connections of `tasi serve`'s application pool (row-level security applies to them).
const APP_POOL_SIZE: u32 = persistence::DEFAULT_GATE as u32;

/// How many requests work on the database at once: four per processor, at least four and at
/// most the pool's size. More at once only queue inside PostgreSQL, where a backend
/// descheduled while it holds a buffer lock stalls the others: at 16 on this project's
/// 2-processor machine, 1 % of `/flags` requests took 150 to 400 ms (p50 22 ms); at 8, p99
/// was 34 to 38 ms for 7 % less throughput (`bench/load/run`). The PostgreSQL wiki's rule
/// of thumb ("Number Of Database Connections": cores × 2 + spindles) points the same way.
/// `TASI_DB_CONCURRENCY` sets it instead (1 to the pool's size), e.g. for a database on a
/// larger machine of its own.
fn db_concurrency() -> usize {
    if let Some(n) = std::env::var("TASI_DB_CONCURRENCY")
        .ok()
        .and_then(|v| v.trim().parse::<usize>().ok())
    {
        return n.clamp(1, APP_POOL_SIZE as usize);
    }
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    (cores * 4).clamp(4, APP_POOL_SIZE as usize)
}

/// Serves with the application role's pool (row-level security applies to it) and a small
/// owner pool for the relay and its subscribers.
async fn serve(config: &Config, owner: persistence::PgPool) -> anyhow::Result<()> {
    let key = session_key(config)?;
    let pool = persistence::connect(&config.app_database_url, APP_POOL_SIZE)?;
    persistence::size_gate(db_concurrency());
    persistence::check_app_role(&pool)?;
    let platform = Platform::new(Some(pool), Some(owner));
    let synthetic = contexts()
        .iter()
        .map(|c| c.holds_synthetic_data(&platform))
        .collect::<anyhow::Result<Vec<bool>>>()?
        .contains(&true);
    let listener = std::net::TcpListener::bind(&config.bind)?;
    let addr = listener.local_addr()?;
    tracing::info!(%addr, "serving");
    println!("tasi is serving on http://{addr}/");
    let transport = Transport {
        session_key: key,
        secure_cookies: config.secure_cookies,
        hsts: config.https(),
    };
    let app = WebApp::new(&platform, synthetic)?.with_public_url(config.public_url.clone());
    web::run(listener, app, transport)?.await?;
    Ok(())
}

/// Migrates, lets each context bring its demonstration data (the PeskAAS data at `data`,
/// or, without it, a synthetic set) and then prepare a visit (a demo admin), prints what they say (the
/// login among it) and serves.
async fn demo(env: &CliEnv, data: Option<&Path>) -> anyhow::Result<()> {
    // The demo serves plain http on this machine: Secure cookies would not come back,
    // unless TASI_SECURE_COOKIES says otherwise.
    let config = Config {
        secure_cookies: std::env::var("TASI_SECURE_COOKIES").is_ok_and(|v| v == "true"),
        session_key: Some(demo_session_key(&env.config)?),
        ..env.config.clone()
    };
    let platform = env.owner_platform()?;
    for c in contexts() {
        for line in c.demo_data(&platform, data)? {
            println!("{line}");
        }
    }
    for c in contexts() {
        for line in c.demo_visit(&platform)? {
            println!("{line}");
        }
    }
    let owner = platform
        .owner_pool()
        .cloned()
        .ok_or_else(|| anyhow::anyhow!("no owner pool"))?;
    serve(&config, owner).await
}

async fn run_command(matches: ArgMatches) -> anyhow::Result<()> {
    let env = CliEnv {
        config: Config::from_env(),
    };
    let Some((name, args)) = matches.subcommand() else {
        anyhow::bail!("give a command (tasi --help lists them)");
    };
    match name {
        "migrate" => {
            let applied = persistence::migrate(&env.config.database_url)?;
            println!("{} migration(s) applied", applied.len());
        }
        "serve" => {
            persistence::migrate(&env.config.database_url)?;
            let owner = persistence::connect(&env.config.database_url, OWNER_POOL_SIZE)?;
            serve(&env.config, owner).await?;
        }
        "import" => {
            let Some((source, args)) = args.subcommand() else {
                anyhow::bail!("give a source to import (tasi import --help lists them)");
            };
            let location = args
                .get_one::<PathBuf>("location")
                .ok_or_else(|| anyhow::anyhow!("give the location to import"))?;
            let platform = env.owner_platform()?;
            import(&platform, "cli", source, location)?;
        }
        "demo" => {
            let data = if args.get_flag("synthetic") {
                None
            } else {
                let dir = args
                    .get_one::<PathBuf>("data")
                    .cloned()
                    .unwrap_or_else(|| PathBuf::from("../shared/data/peskaas"));
                if !dir.join("trips.csv").is_file() {
                    anyhow::bail!(
                        "{}: no PeskAAS data here (no trips.csv); give --data DIR, or --synthetic \
                         for a generated demonstration set",
                        dir.display()
                    );
                }
                Some(dir)
            };
            demo(&env, data.as_deref()).await?;
        }
        other => {
            let ran = contexts()
                .into_iter()
                .find_map(|c| c.run_command(&env, other, args));
            match ran {
                Some(result) => result?,
                None => anyhow::bail!("no command `{other}`"),
            }
        }
    }
    Ok(())
}

/// Parses the command line and runs it; the process's exit code.
pub fn run() -> std::process::ExitCode {
    init_tracing();
    let matches = command().get_matches();
    match actix_web::rt::System::new().block_on(run_command(matches)) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_command_line_is_well_formed_and_offers_every_registered_source() {
        command().debug_assert();
        let sources: Vec<&str> = import_sources().iter().map(|s| s.source).collect();
        assert_eq!(sources, vec!["peskaas", "pds-trips", "pds-points"]);
        let m = command()
            .try_get_matches_from(["tasi", "import", "pds-points", "points.csv"])
            .unwrap_or_else(|e| panic!("{e}"));
        let (name, args) = m.subcommand().unwrap_or_else(|| panic!("no subcommand"));
        assert_eq!(name, "import");
        assert_eq!(args.subcommand_name(), Some("pds-points"));
        assert!(
            command()
                .try_get_matches_from(["tasi", "users", "add", "--email", "a@b.tl", "--admin"])
                .is_ok()
        );
    }

    #[test]
    fn every_importer_has_its_import_command_and_every_command_its_importer() {
        let mut importers = Platform::new(None, None).sources();
        let mut commands: Vec<&str> = import_sources().iter().map(|s| s.source).collect();
        importers.sort();
        commands.sort();
        assert_eq!(importers, commands);
    }
}
