#!/usr/bin/env python3
"""An independent re-implementation of rule set `peskaas-2020` (DOMAIN.md), written from
the PeskAAS application's `app.R` (shaunpwilkinson/peskAAS) and not from tasi's code: the
oracle of tests/reference_summary.rs. Standard library only.

Usage: peskaas_2020_summary.py DATA_DIR [--today YYYY-MM-DD]
Prints the monthly summary CSV (the header of tasi's /landings/summary.csv) to stdout.

As app.R: caps apply to trip_hours and trip_effort separately (0 -> 3; above 72 h /
144 fisher-hours capped); "no fisher-hours" means empty; habitat 5 -> 2, 6 -> 5, 7 -> 6;
a trip is dropped when a catch line lacks species, length, count, weight or flag, or has a
flag other than 0, 4, 5; when its station has no municipality; when habitat, gear or
effort is missing; when its date is before 2016-09-01, unparsable or after today; when
catch / effort > 100 kg; summaries over canoes (1) and motor boats (2).
"""
import csv, sys, math, datetime, collections, os

args = sys.argv[1:]
if not args:
    sys.exit(__doc__)
data = args[0]
today = datetime.date.today()
if '--today' in args:
    today = datetime.date.fromisoformat(args[args.index('--today') + 1])
excl_neg = False

MIN_DATE = datetime.date(2016, 9, 1)


def num(s):
    s = (s or '').strip()
    if s == '' or s.upper() == 'NA':
        return None
    try:
        v = float(s)
    except ValueError:
        return None
    return v if math.isfinite(v) else None


def code(s):
    v = num(s)
    return int(v) if v is not None and v == int(v) else None


def date(s):
    try:
        return datetime.date.fromisoformat((s or '').strip())
    except ValueError:
        return None


stations = {}
with open(os.path.join(data, 'stations.csv'), newline='') as f:
    for r in csv.DictReader(f):
        stations[code(r['station_code'])] = r['municipality'].strip() or None

trips = []
with open(os.path.join(data, 'trips.csv'), newline='') as f:
    for r in csv.DictReader(f):
        trips.append(r)

lines = collections.defaultdict(list)
with open(os.path.join(data, 'catches.csv'), newline='') as f:
    for r in csv.DictReader(f):
        lines[r['trip_id'].strip()].append(r)

counts = collections.OrderedDict((k, 0) for k in [
    '3a catch line without species/length/count/weight',
    '3b catch line flag not in {0,4,5}',
    '3c no municipality (station unknown)',
    '3d no habitat',
    '3e no gear',
    '3f no fisher-hours',
    '3g date before 2016-09-01 / unparsable / future',
    '5 catch/fisher-hours > 100 kg',
    '6 not canoe/motor boat (or habitat/gear code out of range)',
])
independent = collections.Counter()

kept = []
for t in trips:
    tid = t['trip_id'].strip()
    # rule 1: caps (independent for hours and effort; hours unused downstream)
    hours = num(t['trip_hours'])
    if hours is not None:
        if hours == 0: hours = 3.0
        elif hours > 72: hours = 72.0
    eff = num(t['trip_effort'])
    if eff is not None:
        if eff == 0: eff = 3.0
        elif eff > 144: eff = 144.0
    # rule 2: habitat recode
    hab = code(t['habitat_code'])
    if hab == 5: hab = 2
    elif hab == 6: hab = 5
    elif hab == 7: hab = 6
    gear = code(t['gear_code'])
    boat = code(t['boat_code'])
    muni = stations.get(code(t['station_code']))
    d = date(t['date'])
    cl = lines.get(tid, [])
    fails = []
    if any(num(c['species_code']) is None or num(c['length']) is None or
           num(c['nfish']) is None or num(c['weight_g']) is None or
           code(c['flag_code']) is None for c in cl):
        fails.append(0)
    if any(code(c['flag_code']) not in (None, 0, 4, 5) for c in cl):
        fails.append(1)
    if muni is None: fails.append(2)
    if hab is None: fails.append(3)
    if gear is None: fails.append(4)
    if eff is None or (excl_neg and eff < 0): fails.append(5)
    if d is None or d < MIN_DATE or d > today: fails.append(6)
    keys = list(counts)
    for k in fails:
        independent[keys[k]] += 1
    if fails:
        counts[keys[fails[0]]] += 1
        continue
    # rule 4: catch
    kg = math.fsum(num(c['weight_g']) for c in cl) / 1000.0
    # rule 5
    if kg / eff > 100:
        counts[keys[7]] += 1; independent[keys[7]] += 1
        continue
    # rule 6 scope
    if boat not in (1, 2) or hab not in range(1, 7) or gear not in range(1, 10):
        counts[keys[8]] += 1; independent[keys[8]] += 1
        continue
    kept.append(dict(date=d, month=d.strftime('%Y-%m'), muni=muni,
                     boat='canoe' if boat == 1 else 'motor', eff=eff, kg=kg))

groups = collections.defaultdict(list)
for k in kept:
    groups[('national', '', '', k['month'])].append(k)
    groups[('municipality', k['muni'], '', k['month'])].append(k)
    groups[('boat_type', '', k['boat'], k['month'])].append(k)

order = {'national': 0, 'municipality': 1, 'boat_type': 2}
out_rows = []
for key in sorted(groups, key=lambda g: (order[g[0]], g[1], g[2], g[3])):
    g = groups[key]
    eff = math.fsum(x['eff'] for x in g)
    kg = math.fsum(x['kg'] for x in g)
    cpue = kg / eff if eff != 0 else 0.0
    out_rows.append([key[0], key[1], key[2], key[3], len(g),
                     len(set(x['date'] for x in g)),
                     '%.2f' % eff, '%.4f' % kg, '%.6f' % cpue])

header = ['scope', 'municipality', 'boat_type', 'month', 'landings', 'fishing_days',
          'effort_fisher_hours', 'catch_kg', 'cpue']
w = csv.writer(sys.stdout, lineterminator='\n')
w.writerow(header)
w.writerows(out_rows)
