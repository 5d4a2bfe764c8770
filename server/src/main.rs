//! `timeweave`: the Timeweave server and its admin commands. `timeweave --help` lists them.

use anyhow::Context;
use app::platform::config::Config;
use clap::{Parser, Subcommand};
use std::net::SocketAddr;

/// mimalloc rather than the system allocator: under load glibc's malloc spent about a
/// third of the server's time in allocation and arena locks (threads of sqlx's SQLite
/// workers allocate what Tokio's threads free). See docs/BENCHMARKS.md.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(name = "timeweave", version, about = "Timeweave: a community time bank.", long_about = None)]
struct Cli {
    /// A file of KEY=value lines (DATABASE_URL, SMTP_URL, ...) read before the environment
    /// defaults; variables already set in the environment win.
    #[arg(long, global = true)]
    config: Option<std::path::PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the site on LEPTOS_SITE_ADDR (default 127.0.0.1:3000) with the database in
    /// DATABASE_URL (default sqlite://data/timeweave.db). Migrates at start-up.
    Serve {
        /// Seed the demo network into an empty database, show the emails at /outbox and
        /// print the demo sign-in details.
        #[arg(long)]
        demo: bool,
    },
    /// Check the hour ledger: recompute every balance from the entries, the sums, the limits
    /// and the hash chain. Exits non-zero on any fault.
    Ledger {
        #[command(subcommand)]
        command: LedgerCommand,
    },
    /// What's on: the directory of groups, activities and services.
    Directory {
        #[command(subcommand)]
        command: DirectoryCommand,
    },
    /// Write a consistent backup of DATABASE_URL to FILE ("-": to standard output), safe
    /// while the server runs: compressed, with a manifest, sealed with
    /// TIMEWEAVE_BACKUP_PASSPHRASE when that is set.
    Backup { file: std::path::PathBuf },
    /// Restore a backup FILE ("-": from standard input) into a new, empty database of either
    /// engine, bring it up to date and verify the ledger. Also the move from SQLite to
    /// PostgreSQL: `timeweave backup - | timeweave restore - --into postgres://…`.
    Restore {
        file: std::path::PathBuf,
        /// The database to restore into (sqlite://FILE or postgres://…); it must be empty.
        #[arg(long)]
        into: String,
    },
    /// Manage site administrators.
    Admin {
        #[command(subcommand)]
        command: AdminCommand,
    },
}

#[derive(Subcommand)]
enum LedgerCommand {
    /// Verify the ledger of every network in DATABASE_URL.
    Verify,
}

#[derive(Subcommand)]
enum DirectoryCommand {
    /// Read an Open Referral UK (HSDS) JSON file of services into a network's What's on.
    /// Without --apply it only reports what it would add, what is there already, and each
    /// service it cannot take with the reason.
    Import {
        /// The JSON file: a page of services ({"contents": [...]}), a list, or one service.
        file: std::path::PathBuf,
        /// The network's id or name.
        #[arg(long)]
        network: String,
        /// The email of the builder or admin the entries are recorded as added by.
        #[arg(long)]
        by: String,
        /// Write the entries (otherwise a dry run).
        #[arg(long)]
        apply: bool,
    },
}

#[derive(Subcommand)]
enum AdminCommand {
    /// Make a token with which a partner organisation's system may submit referrals to
    /// POST /partner/v1/referrals. Prints the token once; only its hash is kept.
    PartnerToken {
        /// The organisation's name or id.
        #[arg(long)]
        organisation: String,
        /// What the token is for, e.g. "EMIS link".
        #[arg(long)]
        label: String,
    },
    /// Create a site admin (or make an existing account one) with a confirmed email.
    /// The password comes from TIMEWEAVE_ADMIN_PASSWORD, or a new one is made and printed.
    Create {
        #[arg(long)]
        email: String,
        #[arg(long, default_value = "Site admin")]
        name: String,
    },
    /// Print a new random secret key (64 hex characters) for TIMEWEAVE_SECRET_KEY.
    NewKey,
    /// After changing TIMEWEAVE_SECRET_KEY (with the old key in TIMEWEAVE_OLD_SECRET_KEYS):
    /// re-seal every stored secret with the new key. See docs/SECURITY.md.
    RotateSecrets,
}

fn load_config_file(path: &std::path::Path) -> anyhow::Result<()> {
    let text = std::fs::read_to_string(path).with_context(|| format!("reading config file {}", path.display()))?;
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (k, v) = line.split_once('=').with_context(|| format!("{}:{}: expected KEY=value", path.display(), n + 1))?;
        let (k, v) = (k.trim(), v.trim().trim_matches('"'));
        if std::env::var_os(k).is_none() {
            // Safe: called once at start-up before any thread reads the environment.
            unsafe { std::env::set_var(k, v) };
        }
    }
    Ok(())
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    // `TIMEWEAVE_LOG_FORMAT=json`: one JSON object per line, for a log collector.
    let filter = tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info,sqlx=warn".into());
    if std::env::var("TIMEWEAVE_LOG_FORMAT").is_ok_and(|f| f.trim().eq_ignore_ascii_case("json")) {
        tracing_subscriber::fmt().json().with_writer(std::io::stderr).with_env_filter(filter).init();
    } else {
        // Standard error: standard output may be a backup (`timeweave backup -`).
        tracing_subscriber::fmt().with_writer(std::io::stderr).with_env_filter(filter).init();
    }
    match run().await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("timeweave: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run() -> anyhow::Result<()> {
    let cli = Cli::parse();
    if let Some(path) = &cli.config {
        load_config_file(path)?;
    }
    let mut config = Config::from_env()?;
    let addr: SocketAddr = std::env::var("LEPTOS_SITE_ADDR")
        .unwrap_or_else(|_| "127.0.0.1:3000".into())
        .parse()
        .context("LEPTOS_SITE_ADDR must be an address like 127.0.0.1:3000")?;
    match cli.command {
        Command::Serve { demo } => {
            config.demo = false;
            let mut state = server::open_state(config, addr).await?;
            if demo {
                match app::demo::seed(&state.db, &state.config.keys).await.map_err(|e| anyhow::anyhow!("{e}"))? {
                    Some(logins) => {
                        println!("\nDemo network seeded. Everyone's password is: {}\n", app::demo::DEMO_PASSWORD);
                        for l in logins {
                            println!("  {:<45} {}", l.email, l.role);
                        }
                        println!("\n  Emails are kept at http://{addr}/outbox\n");
                    }
                    None => println!("\nThe database already has data; demo not seeded. Demo password: {}\n", app::demo::DEMO_PASSWORD),
                }
                // The outbox is public only in a database the demo itself created: a real
                // database started with --demo by mistake keeps its reset links private.
                let made_by_demo = app::demo::is_demo_database(&state.db).await.map_err(|e| anyhow::anyhow!("{e}"))?;
                if !made_by_demo {
                    println!("This database was not made by the demo: the outbox stays private (site admins only).\n");
                }
                let mut config = (*state.config).clone();
                config.demo = made_by_demo;
                state.config = std::sync::Arc::new(config);
            }
            let listener = tokio::net::TcpListener::bind(addr).await.with_context(|| format!("listening on {addr}"))?;
            tracing::info!("Timeweave listening on http://{addr}");
            server::serve(listener, state).await
        }
        Command::Ledger { command: LedgerCommand::Verify } => {
            let state = server::open_state(config, addr).await?;
            let report = app::ledger::store::verify(&state.db).await.map_err(|e| anyhow::anyhow!("{e}"))?;
            println!(
                "Checked {} networks, {} accounts, {} transfers, {} entries: legs balance, content hashes, \
                 hash chain, running and stored balances, limits, network totals.",
                report.networks, report.accounts, report.transfers, report.entries
            );
            if report.faults.is_empty() {
                println!("Ledger OK.");
                Ok(())
            } else {
                for f in &report.faults {
                    println!("FAULT: {f}");
                }
                anyhow::bail!("{} ledger faults found", report.faults.len())
            }
        }
        Command::Backup { file } => backup(&config, &file).await,
        Command::Restore { file, into } => restore(&config, &file, &into).await,
        Command::Directory { command: DirectoryCommand::Import { file, network, by, apply } } => {
            let state = server::open_state(config, addr).await?;
            directory_import(&state, &file, &network, &by, apply).await
        }
        Command::Admin { command: AdminCommand::PartnerToken { organisation, label } } => {
            let state = server::open_state(config, addr).await?;
            let token = app::referrals::api::create_partner_token(&state.db, &organisation, &label, None)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            println!("Partner token for {organisation} ({label}):\n{token}\nSend it as: Authorization: Bearer <token>");
            Ok(())
        }
        Command::Admin { command: AdminCommand::NewKey } => {
            println!("{}", app::platform::secrets::Keys::new_key_text());
            Ok(())
        }
        Command::Admin { command: AdminCommand::RotateSecrets } => {
            let state = server::open_state(config, addr).await?;
            let done = app::auth::second_factor::reseal_all(&state).await.map_err(|e| anyhow::anyhow!("{e}"))?;
            println!("Re-sealed {done} two-step secrets with key {}.", state.config.keys.current_id());
            Ok(())
        }
        Command::Admin { command: AdminCommand::Create { email, name } } => {
            let state = server::open_state(config, addr).await?;
            let (password, generated) = match std::env::var("TIMEWEAVE_ADMIN_PASSWORD") {
                Ok(p) if !p.is_empty() => (p, false),
                _ => (app::util::new_token()[..20].to_string(), true),
            };
            let created = app::demo::create_admin(&state.db, &email, &name, &password).await.map_err(|e| anyhow::anyhow!("{e}"))?;
            println!("{} site admin {email}.", if created { "Created" } else { "Promoted" });
            if generated {
                println!("Password: {password}\nChange it after signing in (Account page).");
            }
            Ok(())
        }
    }
}

/// `timeweave directory import`: reads the file, finds the network and the person, and
/// prints the report (`app::directory::import`).
async fn directory_import(
    state: &app::platform::state::AppState,
    file: &std::path::Path,
    network: &str,
    by: &str,
    apply: bool,
) -> anyhow::Result<()> {
    let text = std::fs::read_to_string(file).with_context(|| format!("reading {}", file.display()))?;
    let json: serde_json::Value = serde_json::from_str(&text).with_context(|| format!("{} is not JSON", file.display()))?;
    let networks = app::networks::store::network_choices(&state.db).await.map_err(|e| anyhow::anyhow!("{e}"))?;
    let Some(n) = networks.iter().find(|n| n.id == network || n.name.eq_ignore_ascii_case(network)) else {
        anyhow::bail!("no network called {network}");
    };
    let Some(who) = app::auth::store::find_account_by_email(&state.db, by).await.map_err(|e| anyhow::anyhow!("{e}"))? else {
        anyhow::bail!("no account with the email {by}");
    };
    let report = app::directory::import::import(&state.db, &n.id, &who.id, &json, apply).await.map_err(|e| anyhow::anyhow!("{e}"))?;
    let verb = if apply { "Added" } else { "Would add" };
    println!("{verb} {} entries to {}'s What's on:", report.added.len(), n.name);
    for a in &report.added {
        println!("  + {a}");
    }
    println!("Already there: {}", report.already.len());
    for a in &report.already {
        println!("  = {a}");
    }
    println!("Cannot take: {}", report.refused.len());
    for (name, reasons) in &report.refused {
        println!("  ! {name}: {}", reasons.join("; "));
    }
    if !apply {
        println!("Nothing written: run again with --apply to add them. Imported entries are for members only until a builder shares them.");
    }
    Ok(())
}

fn is_stdio(path: &std::path::Path) -> bool {
    path.as_os_str() == "-"
}

/// `timeweave backup FILE`: the summary goes to standard error when the backup itself goes
/// to standard output.
async fn backup(config: &Config, file: &std::path::Path) -> anyhow::Result<()> {
    use app::platform::backup;
    let started = std::time::Instant::now();
    let db = app::platform::db::Db::connect(&config.database_url).await?;
    let passphrase = config.backup.passphrase.as_deref();
    let manifest = if is_stdio(file) {
        let (manifest, mut out) = backup::backup(&db, std::io::BufWriter::new(std::io::stdout()), passphrase).await?;
        std::io::Write::flush(&mut out)?;
        manifest
    } else {
        backup::backup_to_file(&db, file, passphrase).await?
    };
    let rows: i64 = manifest.tables.iter().map(|t| t.rows).sum();
    let summary = format!(
        "Backed up {} tables, {rows} rows ({} members, {} transfers; schema {}, {} ledger chain heads) from {} in {:.1} s{}{}.",
        manifest.tables.len(),
        manifest.rows("users"),
        manifest.rows("transfers"),
        manifest.schema_version,
        manifest.ledger_heads.len(),
        manifest.engine,
        started.elapsed().as_secs_f64(),
        if is_stdio(file) { String::new() } else { format!(" to {}", file.display()) },
        if passphrase.is_some() { ", sealed with the passphrase" } else { "" },
    );
    if is_stdio(file) {
        eprintln!("{summary}");
    } else {
        println!("{summary}");
    }
    Ok(())
}

/// `timeweave restore FILE --into URL`: load, bring up to date, verify the ledger.
async fn restore(config: &Config, file: &std::path::Path, into: &str) -> anyhow::Result<()> {
    let started = std::time::Instant::now();
    let db = app::platform::db::Db::connect(into).await?;
    let passphrase = config.backup.passphrase.as_deref();
    let manifest = if is_stdio(file) {
        app::platform::backup::restore(&db, std::io::stdin(), passphrase).await?
    } else {
        let f = std::fs::File::open(file).with_context(|| format!("opening {}", file.display()))?;
        app::platform::backup::restore(&db, f, passphrase).await?
    };
    db.migrate().await?;
    let rows: i64 = manifest.tables.iter().map(|t| t.rows).sum();
    println!(
        "Restored {rows} rows in {} tables from a {} backup of {} (schema {}), in {:.1} s. Every table's count and the ledger's chain heads match the backup.",
        manifest.tables.len(),
        manifest.engine,
        app::util::format_date_time(manifest.made_at),
        manifest.schema_version,
        started.elapsed().as_secs_f64(),
    );
    let report = app::ledger::store::verify(&db).await.map_err(|e| anyhow::anyhow!("{e}"))?;
    if !report.faults.is_empty() {
        for f in &report.faults {
            println!("FAULT: {f}");
        }
        anyhow::bail!("{} ledger faults found in the restored database", report.faults.len());
    }
    println!("Ledger OK: {} transfers, {} entries, {} accounts checked.", report.transfers, report.entries, report.accounts);
    println!(
        "Two-step sign-in secrets are sealed with the old server's secret key: start the new one with the same \
         TIMEWEAVE_SECRET_KEY (or TIMEWEAVE_SECRET_KEY_FILE pointing at the old key file)."
    );
    Ok(())
}
