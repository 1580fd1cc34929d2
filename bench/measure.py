#!/usr/bin/env python3
"""Run one command N times and print its cost as JSON.

    measure.py [--runs N] [--stdout FILE] [--cwd DIR] [--ok RC,...] [--poll S] -- CMD ARG...

Prints one JSON object:
    {"runs": N, "median_wall": s, "walls": [s...], "user": s, "sys": s,
     "cpu": s, "max_rss_kb": kb, "max_rss_anon_kb": kb, "max_rss_file_kb": kb,
     "rc": rc}
median_wall, user, sys and cpu are medians over the runs (user+sys of the
command and every process it waited for); max_rss_kb is the largest peak
resident set of the command or any of its descendants over all runs.  These
figures come from wait4(2), so each run is accounted on its own.
max_rss_anon_kb / max_rss_file_kb split the command's own resident set into
anonymous (heap, private) and file-backed pages (mmapped files such as git
packs or the scanned file); they are sampled from /proc every --poll seconds
(a shorter peak can be missed) and are null where /proc is not available.

The command's stdout goes to FILE (the last run's output is kept) or to
/dev/null; its stderr is passed through.  A run whose exit status is not in
--ok (default 0) makes measure.py exit 2 after printing the JSON.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import threading
import time


def proc_rss(pid):
    """(RssAnon, RssFile) in kB of a running process, from /proc (Linux), or None."""
    try:
        with open("/proc/%d/status" % pid) as f:
            v = {}
            for line in f:
                k = line.split(":", 1)[0]
                if k in ("RssAnon", "RssFile"):
                    v[k] = int(line.split()[1])
            return v.get("RssAnon"), v.get("RssFile")
    except (OSError, ValueError):
        return None


def run_once(cmd, cwd, out_path, poll):
    """One run: wall time, rusage of the command (and the children it waited
    for), and the largest anonymous / file-backed resident sizes of the command
    itself, sampled every `poll` seconds from /proc by a second thread while
    this one blocks in wait4(2), so the wall time is not rounded to the poll."""
    out = open(out_path, "wb") if out_path else open(os.devnull, "wb")
    peak = {"anon": None, "file": None}
    done = threading.Event()

    def sampler(pid):
        while not done.is_set():
            r = proc_rss(pid)
            if r and r[0] is not None and not done.is_set():
                peak["anon"] = max(peak["anon"] or 0, r[0])
                peak["file"] = max(peak["file"] or 0, r[1] or 0)
            done.wait(poll)

    try:
        t0 = time.perf_counter()
        p = subprocess.Popen(cmd, cwd=cwd, stdout=out)
        th = threading.Thread(target=sampler, args=(p.pid,), daemon=True)
        th.start()
        _, status, ru = os.wait4(p.pid, 0)
        wall = time.perf_counter() - t0
        done.set()
        th.join()
        p.returncode = os.waitstatus_to_exitcode(status)
    finally:
        out.close()
    return wall, ru.ru_utime, ru.ru_stime, ru.ru_maxrss, p.returncode, peak["anon"], peak["file"]


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--stdout", default=None)
    ap.add_argument("--cwd", default=None)
    ap.add_argument("--ok", default="0", help="comma-separated accepted exit codes")
    ap.add_argument("--poll", type=float, default=0.01, help="seconds between /proc samples")
    ap.add_argument("cmd", nargs=argparse.REMAINDER)
    a = ap.parse_args()
    cmd = a.cmd[1:] if a.cmd and a.cmd[0] == "--" else a.cmd
    if not cmd:
        ap.error("no command")
    ok = {int(x) for x in a.ok.split(",") if x != ""}
    walls, users, syss, cpus, rss, rcs = [], [], [], [], 0, []
    anon = filed = None
    for _ in range(max(1, a.runs)):
        w, u, s, m, rc, an, fi = run_once(cmd, a.cwd, a.stdout, a.poll)
        if an is not None:
            anon = max(anon or 0, an)
            filed = max(filed or 0, fi)
        walls.append(w)
        users.append(u)
        syss.append(s)
        cpus.append(u + s)
        rss = max(rss, m)
        rcs.append(rc)
    res = {
        "runs": len(walls),
        "median_wall": statistics.median(walls),
        "walls": [round(w, 4) for w in walls],
        "user": statistics.median(users),
        "sys": statistics.median(syss),
        "cpu": statistics.median(cpus),
        "max_rss_kb": rss,
        "max_rss_anon_kb": anon,
        "max_rss_file_kb": filed,
        "rc": rcs[-1],
    }
    print(json.dumps(res))
    bad = [rc for rc in rcs if rc not in ok]
    if bad:
        print("measure.py: %s exited %s" % (cmd[0], bad), file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    main()
