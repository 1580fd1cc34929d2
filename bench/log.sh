#!/bin/sh
# bench/log.sh - decision log benchmark: `nhigate-gate verify-log` and
# `nhigate-gate audit` over a 1,000,000-record log (issue target: each under
# 2 s, with memory that does not grow with the log).
#
# The log is generated once (python3, the chain computed with hashlib) and
# cached: records as nhg_report_decision_record writes them (all 17 control
# ids, subject, policy, counts), a mix of pass (most), block with one to
# three blocking findings, waived findings, an expired waiver now and then,
# errors and rare break-glass.  Appending through nhg_log_append would fsync
# a million times, so the generator writes the lines directly.
#
# Environment: BUILD (default build), NHG_BENCH_CACHE (default
# ${XDG_CACHE_HOME:-$HOME/.cache}/nhigate-bench), NHG_LOG_RECORDS (1000000),
# NHG_BENCH_RUNS (3).  Output: a Markdown table on stdout.  The log is read
# once before measuring, so the figures are for a log in the page cache.
set -eu

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-build}
case $BUILD in
/*) BIN=$BUILD/nhigate-gate ;;
*) BIN=$ROOT/$BUILD/nhigate-gate ;;
esac
CACHE=${NHG_BENCH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/nhigate-bench}
RECORDS=${NHG_LOG_RECORDS:-1000000}
RUNS=${NHG_BENCH_RUNS:-3}
LOG=$CACHE/decisions-$RECORDS.jsonl

say() { printf '%s\n' "bench/log.sh: $*" >&2; }
command -v python3 >/dev/null 2>&1 || { say "python3 is required"; exit 2; }
[ -x "$BIN" ] || { say "$BIN not found; run 'make build' first"; exit 2; }
mkdir -p "$CACHE"

if [ ! -s "$LOG" ]; then
	say "generating a $RECORDS-record decision log in $LOG"
	python3 - "$LOG.tmp" "$RECORDS" <<'PY'
import hashlib, json, random, sys, datetime
out, n = sys.argv[1], int(sys.argv[2])
rnd = random.Random(7)
CONTROLS = ["OWASP-NHI:NHI%d" % i for i in range(1, 11)] + \
    ["NIST-CSF:PR.AA-0%d" % i for i in range(1, 7)] + ["NIST-CSF:ID.RA-07"]
RULES = [("github-pat", ["OWASP-NHI:NHI2", "NIST-CSF:PR.AA-01"]),
         ("aws-access-key", ["OWASP-NHI:NHI2", "OWASP-NHI:NHI7"]),
         ("slack-webhook", ["OWASP-NHI:NHI2"]),
         ("private-key", ["OWASP-NHI:NHI2", "NIST-CSF:PR.AA-01"]),
         ("GHA-001", ["OWASP-NHI:NHI5", "NIST-CSF:PR.AA-05"]),
         ("GHA-004", ["OWASP-NHI:NHI3"]),
         ("GHA-007", ["OWASP-NHI:NHI7", "NIST-CSF:PR.AA-01"]),
         ("GL-002", ["OWASP-NHI:NHI4", "NIST-CSF:PR.AA-03"]),
         ("INV-001", ["OWASP-NHI:NHI1", "NIST-CSF:PR.AA-01"]),
         ("gcp-service-account", ["OWASP-NHI:NHI2", "OWASP-NHI:NHI9"])]
SEVS = ["critical", "high", "medium", "low"]
REPOS = ["acme/service-%02d" % i for i in range(40)]
ACTORS = ["dev%03d" % i for i in range(300)]
t0 = datetime.datetime(2026, 1, 1)
def hx(k): return "%064x" % rnd.getrandbits(256)
def finding(waiver=None):
    rule, ctl = rnd.choice(RULES)
    f = {"rule": rule, "fingerprint": hx(0), "severity": rnd.choice(SEVS[:2]),
         "path": "src/%s/config-%d.yaml" % (rule, rnd.randrange(50)), "controls": ctl}
    if waiver: f["waiver"] = waiver
    return f
prev = "0" * 64
with open(out, "wb") as fh:
    for i in range(n):
        r = rnd.random()
        dec = "pass"; block = []; waived = []; applied = []; expired = []; bg = None
        if r < 0.10:
            dec = "block"; block = [finding() for _ in range(rnd.randint(1, 3))]
        elif r < 0.11:
            dec = "error"
        elif r < 0.112:
            dec = "breakglass"; block = [finding()]
            bg = {"actor": rnd.choice(ACTORS), "reason": "INC-%d hotfix" % rnd.randrange(9999),
                  "accepted": True, "refused": None, "source": "NHIGATE_BREAKGLASS"}
        elif r < 0.16:
            w = "W-%d" % rnd.randrange(20); applied = [w]; waived = [finding(w)]
        if rnd.random() < 0.01:
            expired = ["W-%d" % (20 + rnd.randrange(5))]
        cnt = lambda fs: {s: sum(1 for f in fs if f["severity"] == s) for s in SEVS}
        fail = {c for f in block for c in f["controls"]}
        if expired: fail.add("NIST-CSF:ID.RA-07")
        rec = {"schema": "nhigate.decision/v1",
               "decision_id": "%08x-%04x-4%03x-a%03x-%012x" % (rnd.getrandbits(32), rnd.getrandbits(16),
                   rnd.getrandbits(12), rnd.getrandbits(12), rnd.getrandbits(48)),
               "timestamp": (t0 + datetime.timedelta(seconds=30 * i)).strftime("%Y-%m-%dT%H:%M:%SZ"),
               "decision": dec, "enforce": True, "would_block": dec in ("block", "breakglass"),
               "reasons": ["%d blocking finding(s)" % len(block)] if block else ["no blocking findings"],
               "subject": {"repository": rnd.choice(REPOS), "ref": "refs/heads/main",
                           "base": "%040x" % rnd.getrandbits(160), "head": "%040x" % rnd.getrandbits(160),
                           "actor": rnd.choice(ACTORS)},
               "policy": {"sha256": "ab" * 32, "profile": "strict", "block_on": "high"},
               "counts": {"blocking": cnt(block), "waived": cnt(waived),
                          "advisory": {"critical": 0, "high": 0, "medium": rnd.randrange(3), "low": 0},
                          "skipped": 0},
               "blocking": block, "waived": waived,
               "waivers": {"applied": applied, "expired": expired, "expiring": [], "stale": []},
               "breakglass": bg,
               "controls": {c: ("fail" if c in fail else "pass") for c in CONTROLS},
               "tool": {"name": "nhigate", "version": "0.1.0"}}
        line = ('{"prev":"%s",' % prev + json.dumps(rec, separators=(",", ":"))[1:]).encode()
        prev = hashlib.sha256(line).hexdigest()
        fh.write(line + b"\n")
PY
	mv "$LOG.tmp" "$LOG"
fi

BYTES=$(wc -c <"$LOG" | tr -d ' ')
cat "$LOG" >/dev/null   # warm the page cache: a cold read measures the disk
m() { python3 "$ROOT/bench/measure.py" --runs "$RUNS" --ok 0 -- "$@"; }
say "verify-log  (x$RUNS)"
V=$(m "$BIN" verify-log "$LOG")
say "audit --format json  (x$RUNS)"
A=$(m "$BIN" audit --log "$LOG" --format json)
say "audit --format md  (x$RUNS)"
D=$(m "$BIN" audit --log "$LOG" --format md)
# memory is flat when a tenth of the log costs the same
head -n $((RECORDS / 10)) "$LOG" >"$CACHE/decisions-tenth.jsonl"
V10=$(m "$BIN" verify-log "$CACHE/decisions-tenth.jsonl")
A10=$(m "$BIN" audit --log "$CACHE/decisions-tenth.jsonl" --format json)
rm -f "$CACHE/decisions-tenth.jsonl"
python3 - "$RECORDS" "$BYTES" "$V" "$A" "$D" "$V10" "$A10" <<'PY'
import json, sys
n, size = int(sys.argv[1]), int(sys.argv[2])
v, a, d, v10, a10 = (json.loads(x) for x in sys.argv[3:8])
print("## nhigate-gate decision log")
print()
print("%d records, %.0f MB (%.0f bytes a record); median of %d runs." % (n, size / 1e6, size / n, v["runs"]))
print()
print("| run | wall s | CPU s | peak RSS MB | RSS MB at a tenth of the log |")
print("|---|---:|---:|---:|---:|")
for name, x, y in (("verify-log", v, v10), ("audit --format json", a, a10), ("audit --format md", d, None)):
    print("| %s | %.3f | %.3f | %.1f | %s |" % (name, x["median_wall"], x["cpu"], x["max_rss_kb"] / 1024,
          "%.1f" % (y["max_rss_kb"] / 1024) if y else ""))
print()
ok = lambda x: "met" if x["median_wall"] < 2 else "missed"
worst = a if a["median_wall"] >= d["median_wall"] else d
print("Target (each under 2 s): verify-log %s, audit %s (the slower format)." % (ok(v), ok(worst)))
PY
