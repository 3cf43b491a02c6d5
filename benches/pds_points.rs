//! Benchmark: import of a PDS points file of 10,000,000 rows (or `TASI_BENCH_POINTS`) by
//! `tasi`, in process, end to end (parse, validate, partitions, binary COPY, the
//! `(trip_source_id, at)` index, commit), against `psql -c "\copy …"` of the same file into a
//! plain, unindexed table of text and numeric columns on the same server.
//!
//! Run: `cargo bench --bench pds_points` (release profile). Needs PostgreSQL at
//! `postgres://postgres@127.0.0.1:5432` (or `TASI_TEST_SERVER`) and `psql` on PATH.
//!
//! The file is generated once into the system's temporary directory
//! (`tasi-bench-pds/points-N.csv`) and reused: about 2,000 trips per 10 M points (one per
//! 5,000 points) of ~400 boats, a fix every 5–10 s along a random walk inside
//! −9.4…−8.1° latitude, 124.0…127.3° longitude (Timor-Leste's waters), trips starting
//! over 75 days from 2024-01-01 (three months), rows grouped by trip as PDS exports them.
//!
//! Prints the wall time of each side (best of `TASI_BENCH_RUNS`, default 1, each from an
//! empty table after a `CHECKPOINT`), points per second, their ratio, and the process's peak
//! resident memory (`VmHWM`), which stays flat whatever the file's length: the import
//! streams.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use diesel::prelude::*;
use tasi::adapters::importers::tracking::importer::TrackImports;
use tasi::adapters::persistence;
use tasi::application::shared::Caller;
use tasi::application::tracking::import_positions::PositionImportContext;
use tasi::startup::Platform;

/// Imports the points file `file` through `pool` (the owner's), as the command line does.
fn import_pds_points(
    pool: &persistence::shared::PgPool,
    file: &Path,
    by: &str,
) -> anyhow::Result<tasi::application::tracking::import_positions::PositionImportReport> {
    let platform = Platform::new(None, Some(pool.clone()));
    let (report, _) = TrackImports::new(platform.uow().clone()).pds_points(
        &Caller::system(by),
        file,
        &PositionImportContext::now(by),
    )?;
    Ok(report)
}

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

fn sql(url: &str, sql: &str) -> anyhow::Result<()> {
    let mut c = PgConnection::establish(url)?;
    diesel::sql_query(sql).execute(&mut c)?;
    Ok(())
}

/// SplitMix64: a small deterministic generator, so that every run writes the same file.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Uniform in lo..=hi.
    fn between(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.next() % (hi - lo + 1)
    }
}

const COMMUNITIES: [&str; 6] = ["Atauro", "Dili", "Liquica", "Manatuto", "Baucau", "Lautem"];

/// Writes `points` rows of the PDS points format to `path` (via a temporary name).
fn generate(path: &Path, points: u64) -> anyhow::Result<()> {
    let partial = path.with_extension("partial");
    let mut w = BufWriter::with_capacity(1 << 20, File::create(&partial)?);
    writeln!(
        w,
        "Time,Boat,Trip,Lat,Lng,Speed (M/S),Range (Meters),Heading,Boat Name,Community"
    )?;
    let trips = (points / 5_000).max(1);
    let start = chrono::NaiveDate::from_ymd_opt(2024, 1, 1)
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .ok_or_else(|| anyhow::anyhow!("start date"))?
        .and_utc()
        .timestamp();
    let span = 75 * 86_400;
    let mut rng = Rng(20_240_101);
    let mut written = 0;
    for trip in 0..trips {
        let n = (points - written) / (trips - trip);
        let boat = 2_000 + rng.between(0, 399);
        let community = COMMUNITIES[(boat % 6) as usize];
        let mut t = start + (span * trip / trips) as i64 + rng.between(0, 3_600) as i64;
        let (mut lat, mut lon) = (-8.1 - rng.unit() * 1.3, 124.0 + rng.unit() * 3.3);
        let (home_lat, home_lon) = (lat, lon);
        let mut heading = rng.between(0, 359) as f64;
        for _ in 0..n {
            t += rng.between(5, 10) as i64;
            heading = (heading + rng.unit() * 40.0 - 20.0).rem_euclid(360.0);
            let speed = rng.unit() * 6.0;
            let step = speed * 7.5 / 111_000.0;
            lat = (lat + step * heading.to_radians().cos()).clamp(-9.4, -8.1);
            lon = (lon + step * heading.to_radians().sin()).clamp(124.0, 127.3);
            let range = ((lat - home_lat).hypot(lon - home_lon) * 111_000.0).round();
            let time = chrono::DateTime::from_timestamp(t, 0)
                .ok_or_else(|| anyhow::anyhow!("time {t}"))?;
            writeln!(
                w,
                "{},{boat},{},{lat:.6},{lon:.6},{speed:.2},{range},{},Boat {boat},{community}",
                time.format("%Y-%m-%d %H:%M:%S"),
                300_000 + trip,
                heading.round() as u32 % 360,
            )?;
        }
        written += n;
    }
    w.flush()?;
    drop(w);
    std::fs::rename(&partial, path)?;
    Ok(())
}

/// The process's peak resident set size, kB (`VmHWM` of `/proc/self/status`).
fn peak_rss_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0)
}

/// Empties the positions: drops the month partitions, truncates the rest.
fn empty_positions(url: &str) -> anyhow::Result<()> {
    sql(
        url,
        "DO $$ DECLARE p record; BEGIN
           FOR p IN SELECT c.oid::regclass AS name FROM pg_inherits i
                    JOIN pg_class c ON c.oid = i.inhrelid
                    WHERE i.inhparent = 'tracking.positions'::regclass
                      AND c.relname <> 'positions_default'
           LOOP EXECUTE format('DROP TABLE %s', p.name); END LOOP; END $$",
    )?;
    sql(
        url,
        "TRUNCATE tracking.positions, tracking.rejected_rows, tracking.imports",
    )?;
    sql(url, "CHECKPOINT")
}

/// `TASI_BENCH_COMPARE=1`: the measurements behind two design choices, on the same file.
/// (1) What an import marker would cost: after a COPY, deleting "the rows of this file's
/// trips not written by this import" visits every row just written (stood for here by a
/// filter on a column that no row matches). (2) The index maintained during the COPY
/// instead of built after it: the same import with the months' partitions (and so their
/// indexes) created beforehand, so that every row goes through the indexed parent.
fn compare_designs(
    url: &str,
    pool: &persistence::shared::PgPool,
    file: &Path,
    points: u64,
) -> anyhow::Result<()> {
    let t = Instant::now();
    sql(
        url,
        "SELECT count(*) FROM tracking.positions
         WHERE trip_source_id = ANY((SELECT array_agg(DISTINCT trip_source_id)
                                     FROM tracking.positions)::text[])
           AND speed_mps < 0",
    )?;
    println!(
        "compare: visiting the rows of the file's trips after the COPY (marker check): {:.2} s",
        t.elapsed().as_secs_f64()
    );
    empty_positions(url)?;
    for m in 1..=4 {
        sql(
            url,
            &format!(
                "CREATE TABLE tracking.positions_2024_{m:02} PARTITION OF tracking.positions
                 FOR VALUES FROM ('2024-{m:02}-01+00') TO ('2024-{:02}-01+00')",
                m + 1
            ),
        )?;
    }
    sql(url, "CHECKPOINT")?;
    let t = Instant::now();
    import_pds_points(pool, file, "bench")?;
    let during = t.elapsed().as_secs_f64();
    println!(
        "compare: index maintained during the COPY (partitions made beforehand): {during:.2} s \
         ({:.0} points/s)",
        points as f64 / during
    );
    Ok(())
}

fn main() -> anyhow::Result<()> {
    let points: u64 = std::env::var("TASI_BENCH_POINTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000_000);
    let runs: usize = std::env::var("TASI_BENCH_RUNS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(1)
        .max(1);
    let dir = std::env::temp_dir().join("tasi-bench-pds");
    std::fs::create_dir_all(&dir)?;
    let file: PathBuf = dir.join(format!("points-{points}.csv"));
    if !file.exists() {
        let t = Instant::now();
        generate(&file, points)?;
        println!(
            "generated {} in {:.1} s",
            file.display(),
            t.elapsed().as_secs_f64()
        );
    }
    let bytes = std::fs::metadata(&file)?.len();
    println!(
        "data: {} ({points} points, {:.0} MB)",
        file.display(),
        bytes as f64 / 1e6
    );
    let rss_before = peak_rss_kb();

    // 1. tasi's import, in process, into an empty database.
    let url = fresh_db("tasi_bench_pds")?;
    persistence::shared::migrate(&url)?;
    let pool = persistence::shared::connect(&url, 2)?;
    let mut tasi = Vec::new();
    let mut imported = 0;
    for _ in 0..runs {
        empty_positions(&url)?;
        let t = Instant::now();
        let report = import_pds_points(&pool, &file, "bench")?;
        tasi.push(t.elapsed());
        imported = report.counts.imported;
        anyhow::ensure!(
            report.counts.read == points && report.counts.rejected == 0,
            "unexpected counts: {:?}",
            report.counts
        );
    }
    let rss_after = peak_rss_kb();
    if std::env::var("TASI_BENCH_COMPARE").is_ok_and(|v| v == "1") {
        compare_designs(&url, &pool, &file, points)?;
    }
    drop(pool);

    // 2. psql \copy of the same file into a plain table (text and numeric, no index).
    let copy_url = fresh_db("tasi_bench_pds_copy")?;
    sql(
        &copy_url,
        "CREATE TABLE points (time text, boat text, trip text, lat numeric, lng numeric,
                              speed numeric, range numeric, heading numeric,
                              boat_name text, community text)",
    )?;
    let mut copy = Vec::new();
    for _ in 0..runs {
        sql(&copy_url, "TRUNCATE points")?;
        sql(&copy_url, "CHECKPOINT")?;
        let t = Instant::now();
        let out = Command::new("psql")
            .args([copy_url.as_str(), "-q", "-v", "ON_ERROR_STOP=1", "-c"])
            .arg(format!(
                "\\copy points FROM '{}' WITH (FORMAT csv, HEADER true)",
                file.display()
            ))
            .output()?;
        copy.push(t.elapsed());
        anyhow::ensure!(
            out.status.success(),
            "psql copy failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    admin("DROP DATABASE IF EXISTS tasi_bench_pds WITH (FORCE)")?;
    admin("DROP DATABASE IF EXISTS tasi_bench_pds_copy WITH (FORCE)")?;

    let best = |times: &[Duration]| times.iter().min().copied().unwrap_or_default();
    let (t_tasi, t_copy) = (best(&tasi).as_secs_f64(), best(&copy).as_secs_f64());
    println!(
        "tasi import pds-points (in process)  {t_tasi:>8.2} s  {:>10.0} points/s  ({imported} imported)",
        points as f64 / t_tasi
    );
    println!(
        "psql \\copy (plain text/numeric)      {t_copy:>8.2} s  {:>10.0} points/s",
        points as f64 / t_copy
    );
    println!("ratio tasi / psql \\copy: {:.2}x", t_tasi / t_copy);
    println!(
        "peak RSS (VmHWM): {:.1} MB before the import, {:.1} MB after it",
        rss_before as f64 / 1024.0,
        rss_after as f64 / 1024.0
    );
    Ok(())
}
