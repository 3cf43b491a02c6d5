//! The `tasi` command: the composition root. Wires adapters to use cases for each
//! sub-command (serve, migrate, import, users, demo).

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use tasi::adapters::config::Config;
use tasi::adapters::http::{self, AppState};
use tasi::adapters::importers::landings::peskaas::SOURCE as PESKAAS;
use tasi::adapters::importers::{
    landings::synthetic,
    run::{
        TrackImportError, assess_pds_tracks, import_pds_points, import_pds_trips,
        import_peskaas_dir, import_peskaas_tracks,
    },
    tracking::tracked_trips,
};
use tasi::adapters::persistence::access::users::{
    DieselAuditLog, DieselJurisdictionDirectory, DieselUserRepository,
};
use tasi::adapters::persistence::shared as persistence;
use tasi::adapters::persistence::spatial_catch::models::DieselSpatialCatch;
use tasi::adapters::security::{
    hasher::Argon2idHasher, password_strength::ZxcvbnStrength, random_hex,
};
use tasi::application::access::{
    AuditEvent, AuditLog, NewGrants, NewUser, UserRepository, add_user,
};
use tasi::application::landings::import_landings::ImportReport;
use tasi::application::spatial_catch::refresh::refresh_spatial_catch;
use tasi::application::tracking::import_trips::TripImportReport;
use tasi::domain::access::{Email, Role, User};
use tasi::domain::shared::JurisdictionPath;

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
    /// catches.csv.
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

fn print_report(report: &ImportReport) {
    for t in &report.tables {
        println!(
            "{}: {} read, {} imported, {} unchanged, {} rejected",
            t.table, t.read, t.imported, t.unchanged, t.rejected
        );
    }
    let rejected: u64 = report.tables.iter().map(|t| t.rejected).sum();
    if rejected > 0 {
        println!("rejected rows are listed at /imports/{}", report.import_id);
    }
}

fn import(pool: &persistence::PgPool, dir: &Path, source: &str, by: &str) -> anyhow::Result<()> {
    let audit = DieselAuditLog::new(pool.clone());
    match import_peskaas_dir(pool, dir, source, by) {
        Ok(report) => {
            print_report(&report);
            let mut event = AuditEvent::new(by, "import")
                .with("source", source)
                .with("location", dir.display())
                .with("import_id", report.import_id);
            for t in &report.tables {
                event = event.with(
                    &t.table,
                    format!(
                        "{} read, {} imported, {} unchanged, {} rejected",
                        t.read, t.imported, t.unchanged, t.rejected
                    ),
                );
            }
            audit.record(&event)?;
            if dir.join(tracked_trips::FILE).exists() {
                import_tracks(pool, dir, by)?;
            }
            Ok(())
        }
        Err(e) => {
            let event = AuditEvent::new(by, "import.failed")
                .with("location", dir.display())
                .with("error", &e);
            audit.record(&event)?;
            Err(e.into())
        }
    }
}

/// Imports the PeskAAS tracked trips of `dir`, prints and audits the outcome.
fn import_tracks(pool: &persistence::PgPool, dir: &Path, by: &str) -> anyhow::Result<()> {
    report_tracks(
        pool,
        &dir.join(tracked_trips::FILE),
        "peskaas tracked trips",
        by,
        import_peskaas_tracks(pool, dir, by),
    )
}

/// Prints and audits the outcome of a tracks import, then rebuilds the spatial-catch models.
fn report_tracks(
    pool: &persistence::PgPool,
    location: &Path,
    source: &str,
    by: &str,
    outcome: Result<TripImportReport, TrackImportError>,
) -> anyhow::Result<()> {
    let audit = DieselAuditLog::new(pool.clone());
    match outcome {
        Ok(r) => {
            let c = &r.counts;
            let line = format!(
                "{} read, {} imported, {} unchanged, {} rejected",
                c.read, c.imported, c.unchanged, c.rejected
            );
            println!("{}: {line} ({} flagged invalid)", c.table, r.invalid);
            audit.record(
                &AuditEvent::new(by, "import")
                    .with("source", source)
                    .with("location", location.display())
                    .with("import_id", r.import_id)
                    .with(&c.table, line),
            )?;
            let store = DieselSpatialCatch::new(pool.clone());
            let m = refresh_spatial_catch(&store)?;
            let pct =
                |v: Option<f64>| v.map_or("n/a".to_string(), |v| format!("{:.1}%", v * 100.0));
            println!(
                "matches: {} surveyed landings matched to tracked trips; against the source's {} links: precision {}, recall {}",
                m.matches.len(),
                m.reference_links,
                pct(m.agreement.precision),
                pct(m.agreement.recall)
            );
            println!(
                "imputation: {} unmatched trips took gear and habitat from their nearest matched trip; leave-one-out accuracy over {} donors: gear {}, habitat {}",
                m.imputations.len(),
                m.accuracy.n,
                pct(m.accuracy.gear),
                pct(m.accuracy.habitat)
            );
            Ok(())
        }
        Err(e) => {
            audit.record(
                &AuditEvent::new(by, "import.failed")
                    .with("location", location.display())
                    .with("error", &e),
            )?;
            Err(e.into())
        }
    }
}

/// Imports a PDS points file, prints its counts and records it in the audit log; the
/// source ids of the trips it holds positions of.
fn import_points(pool: &persistence::PgPool, file: &Path, by: &str) -> anyhow::Result<Vec<String>> {
    let audit = DieselAuditLog::new(pool.clone());
    match import_pds_points(pool, file, by) {
        Ok(report) => {
            let c = &report.counts;
            println!(
                "positions: {} read, {} imported, {} rejected",
                c.read, c.imported, c.rejected
            );
            if c.replaced > 0 {
                println!("{} positions of earlier imports replaced", c.replaced);
            }
            let event = AuditEvent::new(by, "import")
                .with("source", "pds")
                .with("location", file.display())
                .with("import_id", report.import_id)
                .with(
                    &c.file,
                    format!(
                        "{} read, {} imported, {} rejected, {} replaced",
                        c.read, c.imported, c.rejected, c.replaced
                    ),
                );
            audit.record(&event)?;
            Ok(report.trip_ids)
        }
        Err(e) => {
            let event = AuditEvent::new(by, "import.failed")
                .with("location", file.display())
                .with("error", &e);
            audit.record(&event)?;
            Err(e.into())
        }
    }
}

/// Adds a user through the use case, and records it in the audit log.
fn save_user(
    pool: &persistence::PgPool,
    email: &Email,
    password: &str,
    grants: &NewGrants,
) -> anyhow::Result<User> {
    let users = DieselUserRepository::new(pool.clone());
    let directory = DieselJurisdictionDirectory::new(pool.clone());
    let new = NewUser {
        email,
        password,
        grants,
    };
    let user = add_user(
        &users,
        &directory,
        &Argon2idHasher::new()?,
        &ZxcvbnStrength,
        &new,
        "cli",
    )?;
    let granted = users.grants_of(user.id)?;
    let mut event = AuditEvent::new("cli", "user.saved").with("user", email);
    for g in &granted.0 {
        event = event.with(&format!("grant {}", g.jurisdiction), g.role);
    }
    DieselAuditLog::new(pool.clone()).record(&event)?;
    Ok(user)
}

/// Serves with the application role's pool (row-level security applies to it) and a small
/// owner pool for the read-model projector.
async fn serve(config: &Config, owner: persistence::PgPool) -> anyhow::Result<()> {
    let pool = persistence::connect(&config.app_database_url, 16)?;
    persistence::check_app_role(&pool)?;
    let synthetic = {
        let p = pool.clone();
        actix_web::web::block(move || {
            use diesel::prelude::*;
            let mut c = p.get()?;
            #[derive(QueryableByName)]
            struct E {
                #[diesel(sql_type = diesel::sql_types::Bool)]
                e: bool,
            }
            let r: E = diesel::sql_query(
                "SELECT EXISTS (SELECT 1 FROM landings.surveyed_landings WHERE source = 'synthetic') AS e",
            )
            .get_result(&mut c)?;
            anyhow::Ok(r.e)
        })
        .await??
    };
    let listener = std::net::TcpListener::bind(&config.bind)?;
    let addr = listener.local_addr()?;
    tracing::info!(%addr, "serving");
    println!("tasi is serving on http://{addr}/");
    let transport = http::Transport {
        secure_cookies: config.secure_cookies,
        hsts: config.https(),
    };
    let state = AppState::new(pool, owner, synthetic)?.with_public_url(config.public_url.clone());
    http::run(listener, state, transport)?.await?;
    Ok(())
}

fn read_password() -> anyhow::Result<String> {
    let mut s = String::new();
    std::io::stdin().read_to_string(&mut s)?;
    Ok(s.trim_end_matches(['\n', '\r']).to_string())
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    let config = Config::from_env();
    match cli.command {
        Command::Migrate => {
            let applied = persistence::migrate(&config.database_url)?;
            println!("{} migration(s) applied", applied.len());
        }
        Command::Serve => {
            persistence::migrate(&config.database_url)?;
            let owner = persistence::connect(&config.database_url, 2)?;
            serve(&config, owner).await?;
        }
        Command::Import {
            source: ImportSource::Peskaas { dir },
        } => {
            persistence::migrate(&config.database_url)?;
            let pool = persistence::connect(&config.database_url, 2)?;
            import(&pool, &dir, PESKAAS, "cli")?;
        }
        Command::Import {
            source: ImportSource::PdsTrips { file },
        } => {
            persistence::migrate(&config.database_url)?;
            let pool = persistence::connect(&config.database_url, 2)?;
            let outcome = import_pds_trips(&pool, &file, "cli");
            let written = outcome
                .as_ref()
                .map(|r| r.written.clone())
                .unwrap_or_default();
            let assessed = assess_pds_tracks(&pool, &written)?;
            if assessed > 0 {
                println!("{assessed} trips assessed on their stored positions");
            }
            report_tracks(&pool, &file, "pds trips", "cli", outcome)?;
        }
        Command::Import {
            source: ImportSource::PdsPoints { file },
        } => {
            persistence::migrate(&config.database_url)?;
            let pool = persistence::connect(&config.database_url, 2)?;
            let trips = import_points(&pool, &file, "cli")?;
            let assessed = assess_pds_tracks(&pool, &trips)?;
            println!("{assessed} tracked trips assessed on their positions");
            if assessed > 0 {
                let m = refresh_spatial_catch(&DieselSpatialCatch::new(pool.clone()))?;
                println!(
                    "spatial catch rebuilt: {} matches, {} trips imputed",
                    m.matches.len(),
                    m.imputations.len()
                );
            }
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
            persistence::migrate(&config.database_url)?;
            let pool = persistence::connect(&config.database_url, 2)?;
            let user = save_user(&pool, &email, &password, &grants)?;
            let granted = DieselUserRepository::new(pool).grants_of(user.id)?;
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
                ..config
            };
            persistence::migrate(&config.database_url)?;
            let pool = persistence::connect(&config.database_url, 2)?;
            if data.join("trips.csv").exists() {
                println!("importing {}", data.display());
                import(&pool, &data, PESKAAS, "demo")?;
            } else {
                let dir = std::env::temp_dir().join("tasi-synthetic");
                println!(
                    "{} not found: generating a SYNTHETIC data set in {}",
                    data.display(),
                    dir.display()
                );
                synthetic::write(&dir, 3000, chrono::Utc::now().date_naive())?;
                import(&pool, &dir, synthetic::SOURCE, "demo")?;
            }
            let email = Email::parse("admin@tasi.demo")?;
            let password = random_hex(9).map_err(|e| anyhow::anyhow!("{e}"))?;
            save_user(&pool, &email, &password, &NewGrants::AdminEverywhere)?;
            println!("log in as {email} with password {password}");
            serve(&config, pool).await?;
        }
    }
    Ok(())
}

fn main() -> ExitCode {
    init_tracing();
    let cli = Cli::parse();
    let runtime = match actix_web::rt::System::new().block_on(async { run(cli).await }) {
        Ok(()) => return ExitCode::SUCCESS,
        Err(e) => e,
    };
    eprintln!("error: {runtime:#}");
    ExitCode::FAILURE
}
