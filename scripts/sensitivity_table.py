#!/usr/bin/env python3
"""The table of scripts/bench-sensitivity.sh: reads the gates it ran (runs.tsv: kind, preset,
planted factor, threshold, the gate's --json output, wall seconds) and their raw samples from
the database, and judges the same samples by three rules: blasbench's verdicts (from the gate's
JSON; A/A re-judged at the planted runs' threshold with `compare --pair a=b`), asv's (ratio of
medians beyond the factor and Mann-Whitney p < 0.002) and Google Benchmark compare.py's
(Mann-Whitney U, alpha 0.05, a slower or faster median).
Usage: sensitivity_table.py BLASBENCH DB RUNS_TSV"""
import json
import math
import sqlite3
import statistics
import subprocess
import sys


def mann_whitney_p(a, b):
    """Two-sided, normal approximation with tie and continuity corrections (R's
    wilcox.test(exact = FALSE), scipy's mannwhitneyu(method='asymptotic'))."""
    na, nb = len(a), len(b)
    if not na or not nb:
        return 1.0
    allv = sorted([(v, 0) for v in a] + [(v, 1) for v in b])
    n = na + nb
    rank_a, ties, i = 0.0, 0.0, 0
    while i < n:
        j = i
        while j < n and allv[j][0] == allv[i][0]:
            j += 1
        t, mid = j - i, (i + 1 + j) / 2
        ties += t ** 3 - t
        rank_a += sum(mid for q in range(i, j) if allv[q][1] == 0)
        i = j
    u = rank_a - na * (na + 1) / 2
    var = na * nb / 12 * ((n + 1) - ties / (n * (n - 1)))
    if var <= 0:
        return 1.0
    z = max(0.0, (abs(u - na * nb / 2) - 0.5) / math.sqrt(var))
    return math.erfc(z / math.sqrt(2))


def samples(db, run):
    """{key without alias: {alias: [seconds]}} of the run's ok cells."""
    out = {}
    q = ("SELECT c.cell_key, b.alias, s.seconds FROM cell c JOIN backend b ON b.id = c.backend_id"
         " JOIN sample s ON s.cell_id = c.id WHERE c.run_id = ? AND c.status = 'ok'")
    for key, alias, sec in db.execute(q, (run,)):
        out.setdefault(key.split('|', 1)[1], {}).setdefault(alias, []).append(sec)
    return out


def anchor_verdicts(cells, thr):
    """{key: (asv verdict, compare.py verdict)}, each 'regression', 'improvement' or ''."""
    out = {}
    for key, sides in cells.items():
        a, b = sides.get('a'), sides.get('b')
        if not a or not b:
            continue
        ratio = statistics.median(b) / statistics.median(a)
        p = mann_whitney_p(a, b)
        asv = ('regression' if ratio > 1 + thr and p < 0.002 else
               'improvement' if ratio < 1 / (1 + thr) and p < 0.002 else '')
        gb = ('regression' if p < 0.05 and ratio > 1 else
              'improvement' if p < 0.05 and ratio < 1 else '')
        out[key] = (asv, gb)
    return out


def ours(doc):
    """{key without alias: verdict} from a compare/gate JSON document."""
    return {c['workload'] + '|t=%d' % c['threads']: c['verdict'] for c in doc['cells']
            if c.get('base_alias') and c.get('candidate_alias')}


def key_of(k):
    # samples() keys are "workload|t=N[|omp=R]"; ours() builds "workload|t=N"
    return '|'.join(k.split('|')[:2])


def main():
    bb, dbpath, runs_tsv = sys.argv[1:4]
    db = sqlite3.connect(dbpath)
    rules = ('blasbench', 'asv', 'compare.py')
    tally = {}  # (metric, rule) -> [hits, total]

    def add(metric, rule, hit):
        t = tally.setdefault((metric, rule), [0, 0])
        t[0] += bool(hit)
        t[1] += 1

    walls, conclusive = {}, {}
    for line in open(runs_tsv):
        kind, preset, slow, thr, path, secs = line.rstrip('\n').split('\t')
        thr = float(thr) / 100
        doc = json.load(open(path))
        run = doc['candidate']['run']
        cells = samples(db, run)
        verdict = ours(doc)
        anchors = anchor_verdicts(cells, thr)
        if kind == 'aa':
            walls.setdefault(preset, []).append(float(secs))
            half = json.loads(subprocess.run(
                [bb, 'compare', '--db', dbpath, '--pair', 'a=b', '--threshold', '2.5', '--json',
                 str(run)], capture_output=True, text=True).stdout)
            verdict_half = ours(half)
            anchors_half = anchor_verdicts(cells, 0.025)
        for key, (asv, gb) in anchors.items():
            v = verdict.get(key_of(key), '')
            gemm = key.startswith('dgemm') or key.startswith('sgemm')
            if kind == 'aa':
                m = 'A/A cells called regression/improvement, %s preset @5%%' % preset
                add(m, 'blasbench', v in ('regression', 'improvement'))
                add(m, 'asv', asv)
                add(m, 'compare.py', gb)
                m = 'A/A cells called regression/improvement, all presets @2.5%'
                vh = verdict_half.get(key_of(key), '')
                add(m, 'blasbench', vh in ('regression', 'improvement'))
                add(m, 'asv', anchors_half[key][0])
                add(m, 'compare.py', anchors_half[key][1])
                m = 'cells conclusive @5%%, %s preset' % preset
                add(m, 'blasbench', v in ('regression', 'improvement', 'unchanged'))
            elif gemm:
                m = 'planted %d%% found (dgemm/sgemm cells @%.1f%%)' % (
                    round((float(slow) - 1) * 100), thr * 100)
                add(m, 'blasbench', v == 'regression')
                add(m, 'asv', asv == 'regression')
                add(m, 'compare.py', gb == 'regression')
            else:
                m = 'planted runs: other cells called regression/improvement'
                add(m, 'blasbench', v in ('regression', 'improvement'))
                add(m, 'asv', asv)
                add(m, 'compare.py', gb)
    metrics = []
    for (m, _r) in tally:
        if m not in metrics:
            metrics.append(m)
    metrics.sort(key=lambda m: (not m.startswith('A/A'), not m.startswith('planted 5'),
                                not m.startswith('planted 1'), m))
    width = max(len(m) for m in metrics) if metrics else 10
    print('%-*s  %-18s  %-18s  %-18s' % (width, 'MEASURE', *rules))
    for m in metrics:
        row = []
        for r in rules:
            t = tally.get((m, r))
            row.append('%d/%d (%.1f%%)' % (t[0], t[1], 100.0 * t[0] / t[1]) if t and t[1] else '-')
        print('%-*s  %-18s  %-18s  %-18s' % (width, m, *row))
    for p, w in walls.items():
        print('%-*s  %-18s' % (width, 'wall time of an A/A gate, %s preset (mean s)' % p,
                               '%.0f (%d gate%s)' % (sum(w) / len(w), len(w),
                                                     '' if len(w) == 1 else 's')))


if __name__ == '__main__':
    main()
