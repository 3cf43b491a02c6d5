#!/usr/bin/env python3
"""Writes an N-fold copy of a PeskAAS directory for the load benchmark (issue 9).

    python3 bench/load/tenfold.py SRC DEST [N=10]

trips.csv, catches.csv and tracked_trips.csv are repeated N times; copy k (from 0) adds
k * 100,000,000 to every trip id (trip_id, the tracked trips' PDS_trip, their matched
trip_id and donor_tripid), so each copy is a new set of landings and trips on the same
dates, sites, boats and species. The other files (stations, species, municipalities, the
fleet census, the README) are copied as they are.
"""
import csv
import os
import shutil
import sys

OFFSET = 100_000_000
ID_COLUMNS = {
    "trips.csv": ["trip_id"],
    "catches.csv": ["trip_id"],
    "tracked_trips.csv": ["PDS_trip", "trip_id", "donor_tripid"],
}


def shifted(value: str, k: int) -> str:
    value = value.strip()
    if not value:
        return value
    return str(int(float(value)) + k * OFFSET)


def main() -> None:
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    src, dest = sys.argv[1], sys.argv[2]
    n = int(sys.argv[3]) if len(sys.argv) > 3 else 10
    os.makedirs(dest, exist_ok=True)
    for name in sorted(os.listdir(src)):
        path = os.path.join(src, name)
        if name not in ID_COLUMNS:
            shutil.copyfile(path, os.path.join(dest, name))
            continue
        with open(path, newline="", encoding="utf-8") as f:
            reader = csv.reader(f)
            header = next(reader)
            rows = list(reader)
        columns = [header.index(c) for c in ID_COLUMNS[name] if c in header]
        with open(os.path.join(dest, name), "w", newline="", encoding="utf-8") as f:
            writer = csv.writer(f, lineterminator="\n")
            writer.writerow(header)
            for k in range(n):
                for row in rows:
                    out = list(row)
                    for c in columns:
                        if c < len(out):
                            out[c] = shifted(out[c], k)
                    writer.writerow(out)
        print(f"{name}: {len(rows)} rows x {n}")


if __name__ == "__main__":
    main()
