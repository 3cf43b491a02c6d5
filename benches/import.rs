//! Benchmark: import of the full PeskAAS set into an empty database, against `psql \copy`
//! of the same files into plain tables on the same server.
//!
//! Run: `cargo bench --bench import` (release profile). Needs PostgreSQL at
//! `postgres://postgres@127.0.0.1:5432` (or `TASI_TEST_SERVER`), `psql` on PATH and the
//! data set at `../shared/data/peskaas` (or `TASI_BENCH_DATA`). Prints wall times (best and
//! median of `TASI_BENCH_RUNS`, default 5) and rows per second. Each run starts from empty
//! tables after a `CHECKPOINT`; each side pays for its own writes only.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use diesel::prelude::*;
use tasi::adapters::importers::landings::importer::PeskaasLandings;
use tasi::adapters::importers::landings::peskaas::SOURCE;
use tasi::adapters::persistence;
use tasi::application::shared::Caller;
use tasi::startup::{OWNER_POOL_SIZE, Platform};

const FILES: [&str; 5] = [
    "municipalities.geojson",
    "stations.csv",
    "species.csv",
    "trips.csv",
    "catches.csv",
];

fn server() -> String {
    std::env::var("TASI_TEST_SERVER")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".into())
}

fn admin(sql: &str) -> anyhow::Result<()> {
    let mut c = PgConnection::establish(&format!("{}/postgres", server()))?;
    diesel::sql_query(sql).execute(&mut c)?;
    Ok(())
}

fn fresh_db(name: &str) -> anyhow::Result<String> {
    admin(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))?;
    admin(&format!("CREATE DATABASE {name}"))?;
    Ok(format!("{}/{name}", server()))
}

fn rows_in(dir: &Path) -> anyhow::Result<u64> {
    let mut n = 0;
    for f in &FILES[1..] {
        n += std::fs::read_to_string(dir.join(f))?.lines().count() as u64 - 1;
    }
    Ok(n + 14) // the boundaries file's 14 features
}

fn stats(mut times: Vec<Duration>) -> (Duration, Duration) {
    times.sort();
    (times[0], times[times.len() / 2])
}

fn main() -> anyhow::Result<()> {
    let dir = std::env::var("TASI_BENCH_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|_| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/data/peskaas")
        });
    let runs: usize = std::env::var("TASI_BENCH_RUNS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(5);
    let rows = rows_in(&dir)?;
    println!("data: {} ({rows} rows in 5 files)", dir.display());

    // One migrated database, emptied before each run; a CHECKPOINT first, so that no run
    // pays for the WAL of the one before.
    let url = fresh_db("tasi_bench")?;
    persistence::shared::migrate(&url)?;
    let pool = persistence::shared::connect(&url, OWNER_POOL_SIZE)?;
    let platform = Platform::new(None, Some(pool.clone()));
    let importer = PeskaasLandings::new(platform.uow().clone(), SOURCE);
    let empty = |url: &str| -> anyhow::Result<()> {
        let mut c = PgConnection::establish(url)?;
        diesel::sql_query(
            "TRUNCATE geography.jurisdictions, landings.imports, landings.rejected_rows,
                      landings.species, landings.surveyed_landings, landings.catch_lines,
                      landings.quality_flags, landings.monthly_summaries,
                      landings.monthly_species_catch",
        )
        .execute(&mut c)?;
        diesel::sql_query("CHECKPOINT").execute(&mut c)?;
        Ok(())
    };

    // 1. tasi's import, in process, into the empty database.
    let mut tasi_times = Vec::new();
    for _ in 0..runs {
        empty(&url)?;
        let t = Instant::now();
        importer.import_dir(&Caller::system("bench"), &dir)?;
        platform.deliver();
        tasi_times.push(t.elapsed());
    }

    // 2. The `tasi import peskaas` command end to end (process start, migration check).
    let exe = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/release/tasi");
    let mut cli_times = Vec::new();
    if exe.exists() {
        for _ in 0..runs {
            empty(&url)?;
            let t = Instant::now();
            let ok = Command::new(&exe)
                .args(["import", "peskaas"])
                .arg(&dir)
                .env("DATABASE_URL", &url)
                .env("RUST_LOG", "warn")
                .output()?
                .status
                .success();
            anyhow::ensure!(ok, "tasi import failed");
            cli_times.push(t.elapsed());
        }
    }
    drop(pool);

    // 3. psql \copy of the same files into plain tables (all columns text).
    let copy_url = fresh_db("tasi_bench_copy")?;
    let mut script = String::new();
    let mut tables = Vec::new();
    for f in &FILES[1..] {
        let header = std::fs::read_to_string(dir.join(f))?
            .lines()
            .next()
            .unwrap_or_default()
            .to_string();
        let table = f.trim_end_matches(".csv");
        let cols: Vec<String> = header.split(',').map(|c| format!("\"{c}\" text")).collect();
        script.push_str(&format!("CREATE TABLE {table} ({});\n", cols.join(", ")));
        tables.push(table.to_string());
    }
    script.push_str("CREATE TABLE municipalities (doc text);\n");
    tables.push("municipalities".into());
    let setup = Command::new("psql")
        .args([&copy_url, "-q", "-c", &script])
        .output()?;
    anyhow::ensure!(setup.status.success(), "psql setup failed");
    let mut copy = Vec::new();
    for f in &FILES[1..] {
        copy.push(format!(
            "\\copy {} FROM '{}' WITH (FORMAT csv, HEADER true)",
            f.trim_end_matches(".csv"),
            dir.join(f).display()
        ));
    }
    copy.push(format!(
        "\\copy municipalities FROM '{}' WITH (FORMAT text, DELIMITER E'\\x01')",
        dir.join(FILES[0]).display()
    ));
    let mut copy_times = Vec::new();
    for _ in 0..runs {
        let mut c = PgConnection::establish(&copy_url)?;
        diesel::sql_query(format!("TRUNCATE {}", tables.join(", "))).execute(&mut c)?;
        diesel::sql_query("CHECKPOINT").execute(&mut c)?;
        drop(c);
        let t = Instant::now();
        let mut cmd = Command::new("psql");
        cmd.args([copy_url.as_str(), "-q", "-v", "ON_ERROR_STOP=1"]);
        for c in &copy {
            cmd.args(["-c", c]);
        }
        let out = cmd.output()?;
        copy_times.push(t.elapsed());
        anyhow::ensure!(
            out.status.success(),
            "psql copy failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    admin("DROP DATABASE IF EXISTS tasi_bench WITH (FORCE)")?;
    admin("DROP DATABASE IF EXISTS tasi_bench_copy WITH (FORCE)")?;

    let report = |name: &str, times: Vec<Duration>| -> f64 {
        let (best, median) = stats(times);
        println!(
            "{name:<28} best {:>7.3} s  median {:>7.3} s  {:>9.0} rows/s (median)",
            best.as_secs_f64(),
            median.as_secs_f64(),
            rows as f64 / median.as_secs_f64()
        );
        median.as_secs_f64()
    };
    let tasi = report("tasi import (in process)", tasi_times);
    if !cli_times.is_empty() {
        report("tasi import peskaas (CLI)", cli_times);
    }
    let copy = report("psql \\copy (plain tables)", copy_times);
    println!("ratio tasi / psql \\copy: {:.2}×", tasi / copy);
    Ok(())
}
