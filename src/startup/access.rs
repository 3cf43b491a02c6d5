//! The access context's module: login, the admin pages, the login guard's state, and the
//! `tasi users add` command.

use std::io::Read;
use std::sync::Arc;

use clap::{Arg, ArgAction, ArgMatches, Command};

use super::cli::CliEnv;
use super::web::{self, AppData};
use super::{Context, Platform, app_pool};
use crate::adapters::http::access::{self as pages, AccessPages};
use crate::adapters::http::shared::routes::{Endpoint, NavEntry};
use crate::adapters::persistence::access::users::{
    DieselAccounts, DieselAdminQueries, DieselJurisdictionDirectory, append_audit,
};
use crate::adapters::persistence::shared::AuditWriter;
use crate::adapters::security::{
    hasher::Argon2idHasher, password_strength::ZxcvbnStrength, random_hex,
};
use crate::application::access::ports::Accounts;
use crate::application::access::{Credentials, NewGrants, NewUser, add_user};
use crate::application::shared::Caller;
use crate::domain::access::{Email, Role, User};
use crate::domain::shared::JurisdictionPath;

/// The access context.
pub struct Access;

/// The module, as the list of contexts names it.
pub static CONTEXT: Access = Access;

impl Context for Access {
    fn name(&self) -> &'static str {
        "access"
    }

    fn endpoints(&self) -> Vec<Endpoint> {
        pages::endpoints()
    }

    fn navigation(&self) -> Vec<NavEntry> {
        pages::navigation()
    }

    fn http_data(&self, platform: &Platform) -> anyhow::Result<Vec<AppData>> {
        let pool = app_pool(platform)?;
        Ok(vec![web::data(AccessPages {
            accounts: Arc::new(DieselAccounts::new(pool.clone())),
            directory: Arc::new(DieselJurisdictionDirectory::new(pool.clone())),
            admin: Arc::new(DieselAdminQueries::new(pool)),
        })])
    }

    fn commands(&self) -> Vec<Command> {
        vec![
            Command::new("users")
                .about("Manage users")
                .subcommand_required(true)
                .subcommand(
                    Command::new("add")
                        .about(
                            "Add a user (or reset an existing user's password and add a grant); \
                             the password is read from standard input (at least 12 characters)",
                        )
                        .arg(
                            Arg::new("email")
                                .long("email")
                                .required(true)
                                .help("The user's e-mail, used to log in"),
                        )
                        .arg(
                            Arg::new("admin")
                                .long("admin")
                                .action(ArgAction::SetTrue)
                                .conflicts_with_all(["role", "jurisdiction"])
                                .help("Make the user an admin of every country (the first admin)"),
                        )
                        .arg(
                            Arg::new("role")
                                .long("role")
                                .requires("jurisdiction")
                                .help("The role to grant: viewer, officer, analyst or admin"),
                        )
                        .arg(
                            Arg::new("jurisdiction")
                                .long("jurisdiction")
                                .requires("role")
                                .help("Where the role holds, as a path: `Timor-Leste/Atauro`"),
                        ),
                ),
        ]
    }

    fn audit_log(&self) -> Option<AuditWriter> {
        Some(append_audit)
    }

    fn demo_visit(&self, platform: &Platform) -> anyhow::Result<Vec<String>> {
        let (email, password) = demo_admin(platform)?;
        Ok(vec![format!("log in as {email} with password {password}")])
    }

    fn run_command(
        &self,
        env: &CliEnv,
        command: &str,
        args: &ArgMatches,
    ) -> Option<anyhow::Result<()>> {
        match (command, args.subcommand()) {
            ("users", Some(("add", add))) => Some(users_add(env, add)),
            _ => None,
        }
    }
}

/// `tasi users add`: the user and their grants, the password read from standard input.
fn users_add(env: &CliEnv, args: &ArgMatches) -> anyhow::Result<()> {
    let text = |name: &str| args.get_one::<String>(name).cloned();
    let email = Email::parse(&text("email").unwrap_or_default())?;
    let grants = match (args.get_flag("admin"), text("role"), text("jurisdiction")) {
        (true, _, _) => NewGrants::AdminEverywhere,
        (false, Some(role), Some(path)) => {
            NewGrants::On(Role::parse(&role)?, JurisdictionPath::parse(&path)?)
        }
        _ => anyhow::bail!("give --admin, or --role ROLE with --jurisdiction PATH"),
    };
    let mut password = String::new();
    std::io::stdin().read_to_string(&mut password)?;
    let password = password.trim_end_matches(['\n', '\r']).to_string();
    let platform = env.owner_platform()?;
    let user = save_user(&platform, "cli", &email, &password, &grants)?;
    let owner = platform
        .owner_pool()
        .ok_or_else(|| anyhow::anyhow!("no owner pool"))?;
    let granted = DieselAccounts::new(owner.clone()).grants_of(user.id)?;
    let list: Vec<String> = granted
        .0
        .iter()
        .map(|g| format!("{} on {}", g.role, g.jurisdiction))
        .collect();
    println!("user {} saved: {}", user.email, list.join(", "));
    Ok(())
}

/// Adds (or resets) the user `email` with `password` and `grants`, as `by`.
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
    let hasher = Argon2idHasher::new()?;
    Ok(add_user(
        platform.uow().as_ref(),
        &DieselJurisdictionDirectory::new(owner.clone()),
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
    )?)
}

/// The demo's admin (`admin@tasi.demo`, admin of every country) with a fresh random
/// password: the e-mail and the password to print.
///
/// # Errors
/// When the password cannot be made or the user saved.
fn demo_admin(platform: &Platform) -> anyhow::Result<(Email, String)> {
    let email = Email::parse("admin@tasi.demo")?;
    let password = random_hex(9).map_err(|e| anyhow::anyhow!("{e}"))?;
    save_user(platform, "demo", &email, &password, &NewGrants::AdminEverywhere)?;
    Ok((email, password))
}
