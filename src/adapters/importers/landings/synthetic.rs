//! A synthetic data set in the PeskAAS format, for a demo on a machine without the real
//! data. Every page says the data is synthetic; nothing here describes a real fishery.

use std::fmt::Write as _;
use std::path::Path;

/// The source name under which synthetic landings are stored.
pub const SOURCE: &str = "synthetic";

/// A small deterministic generator (64-bit LCG, Knuth's MMIX constants).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> f64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }

    fn pick(&mut self, n: usize) -> usize {
        ((self.next() * n as f64) as usize).min(n.saturating_sub(1))
    }
}

/// Writes the five PeskAAS files of a synthetic set into `dir`: three municipalities with
/// square boundaries, six landing sites, twelve species, `landings` surveyed landings over
/// the 24 months before `end` with one to three catch lines each.
///
/// # Errors
/// When a file cannot be written.
pub fn write(dir: &Path, landings: usize, end: chrono::NaiveDate) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let munis = [
        ("Aileu Bay", 125.0),
        ("Beacon Coast", 125.5),
        ("Coral Point", 126.0),
    ];
    let mut geo = String::from(r#"{"type":"FeatureCollection","features":["#);
    for (i, (name, lon)) in munis.iter().enumerate() {
        if i > 0 {
            geo.push(',');
        }
        let _ = write!(
            geo,
            r#"{{"type":"Feature","properties":{{"municipality":"{name}"}},"geometry":{{"type":"Polygon","coordinates":[[[{lon},-8.5],[{},-8.5],[{},-8.9],[{lon},-8.9],[{lon},-8.5]]]}}}}"#,
            lon + 0.45,
            lon + 0.45
        );
    }
    geo.push_str("]}");
    std::fs::write(dir.join("municipalities.geojson"), geo)?;

    let mut stations = String::from(
        "station_code,municipality,median_start_lat,median_start_lon,tracked_trips,surveyed_trips\n",
    );
    for i in 0..6 {
        let _ = writeln!(
            stations,
            "{},{},-8.6,{},0,0",
            i + 1,
            munis[i / 2].0,
            munis[i / 2].1 + 0.2
        );
    }
    std::fs::write(dir.join("stations.csv"), stations)?;

    let names = [
        "Long tom",
        "Mackerel scad",
        "Flying fish",
        "Tuna",
        "Snapper",
        "Grouper",
        "Parrotfish",
        "Sardine",
        "Jack",
        "Emperor",
        "Squid",
        "Octopus",
    ];
    let mut species =
        String::from("species_code,common_name,tetum_name\n0,NOCATCH,LA HETAN IKAN\n");
    for (i, n) in names.iter().enumerate() {
        let _ = writeln!(species, "{},{n},", i + 1);
    }
    std::fs::write(dir.join("species.csv"), species)?;

    let mut rng = Lcg(20_161_101);
    let mut trips = String::from(
        "trip_id,date,station_code,habitat_code,boat_code,has_PDS,IMEI,gear_code,mesh,trip_hours,men,women,children,rel_effort,trip_effort,catch_value,rank_code,all_boats,all_gleaners,flag_code,note\n",
    );
    let mut catches =
        String::from("trip_id,species_code,length,nfish,weight_g,food_sale,flag_code,note\n");
    for t in 0..landings {
        let id = 1_000_000 + t as i64;
        let days_back = (rng.next() * 730.0) as i64 + 1;
        let date = end - chrono::Duration::days(days_back);
        let boat = 1 + rng.pick(2);
        let hours = if boat == 1 {
            2.0 + rng.next() * 4.0
        } else {
            4.0 + rng.next() * 8.0
        };
        let fishers = 1 + rng.pick(3);
        let effort = hours * fishers as f64;
        let _ = writeln!(
            trips,
            "{id},{date},{},{},{boat},0,0000000,{},,{hours:.1},{fishers},0,0,{fishers},{effort:.1},{:.0},3,4,,0,",
            1 + rng.pick(6),
            1 + rng.pick(4),
            1 + rng.pick(3),
            5.0 + rng.next() * 40.0
        );
        for _ in 0..1 + rng.pick(3) {
            let n = 1 + rng.pick(30);
            let w = n as f64 * (80.0 + rng.next() * 400.0);
            let _ = writeln!(
                catches,
                "{id},{},{},{n},{w:.1},{},0,",
                1 + rng.pick(names.len()),
                10 + rng.pick(40),
                ["food", "sale", "both"][rng.pick(3)]
            );
        }
    }
    std::fs::write(dir.join("trips.csv"), trips)?;
    std::fs::write(dir.join("catches.csv"), catches)?;
    Ok(())
}
