#!/usr/bin/env python3
"""Render the figures collected by bench/run.sh.

    report.py RESULTS_DIR [--markdown-out FILE]

Reads RESULTS_DIR/meta.json, m-*.json (bench/measure.py), r-*.json (scan
reports) and s-*.json (bench/score.py); prints a plain table, then the same
figures as Markdown (also written to --markdown-out).  MB = 10^6 bytes.
"""
import argparse
import json
import os
import sys

MB = 1e6


def load(d, name):
    p = os.path.join(d, name)
    if not os.path.exists(p):
        return None
    with open(p) as f:
        txt = f.read()
    return json.loads(txt) if txt.strip() else None


def fmt(x, spec):
    return "n/a" if x is None else format(x, spec)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dir")
    ap.add_argument("--markdown-out")
    a = ap.parse_args()
    d = a.dir
    meta = load(d, "meta.json") or {}
    m = {k: load(d, "m-%s.json" % k) for k in ("floor", "all", "files", "startup", "planted", "tree",
                                                "sl-planted", "sl-tree")}
    r = {k: load(d, "r-%s.json" % k) for k in ("all", "files", "planted", "tree")}
    s = {k: load(d, "s-%s.json" % k) for k in ("git", "dump", "planted", "tree")}

    def scanned(k):
        rep = r.get(k)
        return rep["scanned"]["bytes"] if rep and rep.get("scanned") else None

    rows = []   # label, measure, bytes

    floor = m["floor"]
    rows.append(("git log -p --all (floor)", floor, meta.get("dump_bytes")))
    rows.append(("nhigate-secrets --all", m["all"], scanned("all")))
    rows.append(("nhigate-secrets FILE (log -p text)", m["files"], scanned("files")))
    rows.append(("nhigate-secrets DIR (planted-file set)", m["planted"], scanned("planted")))
    if m["sl-planted"]:
        rows.append(("secretlint (planted-file set)", m["sl-planted"], meta.get("planted_bytes")))
    rows.append(("nhigate-secrets DIR (HEAD tree)", m["tree"], scanned("tree")))
    if m["sl-tree"]:
        rows.append(("secretlint (HEAD tree)", m["sl-tree"], meta.get("tree_bytes")))

    table = []
    for label, mm, nbytes in rows:
        if not mm:
            table.append((label, None, None, None, None, None, None, None, None))
            continue
        ratio = mm["median_wall"] / floor["median_wall"] if floor else None
        cpu = mm["cpu"]
        cratio = cpu / floor["cpu"] if floor and floor["cpu"] > 0 else None
        mbps = nbytes / MB / cpu if nbytes and cpu > 0 else None
        anon = mm.get("max_rss_anon_kb")
        table.append((label, mm["median_wall"], ratio, cpu, cratio, nbytes / MB if nbytes else None, mbps,
                      mm["max_rss_kb"] * 1024 / MB, anon * 1024 / MB if anon is not None else None))

    st = m["startup"]
    g, du = s["git"], s["dump"]
    sets = [("planted-file set", "planted", s["planted"]), ("HEAD tree", "tree", s["tree"])]
    floor_wall = floor["median_wall"] if floor else None

    # ---- targets
    targets = []

    def target(name, ok, value):
        targets.append((name, "met" if ok else "MISSED", value))

    if g:
        target("recall 100% (--all, commit+path+line)", g["found"] == g["truth"],
               "%d/%d = %.2f%%" % (g["found"], g["truth"], 100 * g["recall"]))
    if m["all"] and floor_wall:
        x = m["all"]["median_wall"] / floor_wall
        xc = m["all"]["cpu"] / floor["cpu"]
        target("--all wall <= 2x git log -p", x <= 2.0, "%.2fx (%.2f s vs %.2f s; CPU %.2fx)"
               % (x, m["all"]["median_wall"], floor_wall, xc))
    if m["files"] and scanned("files"):
        v = scanned("files") / MB / m["files"]["cpu"]
        target("files mode >= 300 MB/s per core", v >= 300, "%.0f MB/s" % v)
    for k, label in (("all", "--all"), ("files", "files mode"), ("planted", "planted set"), ("tree", "HEAD tree")):
        if m[k]:
            v = m[k]["max_rss_kb"] * 1024 / MB
            an = m[k].get("max_rss_anon_kb")
            fi = m[k].get("max_rss_file_kb")
            detail = "" if an is None else " (anonymous %.1f MB, file-backed %.1f MB)" % (an * 1024 / MB, fi * 1024 / MB)
            target("peak RSS < 100 MB (%s)" % label, v < 100, "%.1f MB%s" % (v, detail))
    if st:
        v = st["median_wall"] * 1000
        target("rule pack load+compile < 30 ms (upper bound: whole process)", v < 30, "%.1f ms" % v)

    # ---- plain table
    out = []
    p = out.append
    p("nhigate-secrets benchmark: %s commits (seed %s), %s planted credentials, %s runs per timing (median)"
      % (meta.get("commits"), meta.get("seed"), g["truth"] if g else "?", meta.get("runs")))
    p("machine: %s, %s cores; %s; source %s; %s" % (meta.get("cpu"), meta.get("nproc"), meta.get("date"),
                                                   meta.get("source"), meta.get("git")))
    p("")
    hdr = ("run", "wall s", "x floor", "CPU s", "CPU x fl", "MB", "MB/s/core", "RSS MB", "anon MB")
    p("%-40s %7s %7s %7s %8s %7s %9s %7s %7s" % hdr)
    for row in table:
        p("%-40s %7s %7s %7s %8s %7s %9s %7s %7s" % (row[0], fmt(row[1], ".2f"), fmt(row[2], ".2f"),
                                                     fmt(row[3], ".2f"), fmt(row[4], ".2f"), fmt(row[5], ".1f"),
                                                     fmt(row[6], ".1f"), fmt(row[7], ".1f"), fmt(row[8], ".1f")))
    if st:
        p("%-36s %8s   (median of %d runs, ms: %.1f, RSS %.1f MB)" % ("start-up: FILE = empty file",
                                                                      "%.4f" % st["median_wall"], st["runs"],
                                                                      st["median_wall"] * 1000, st["max_rss_kb"] * 1024 / MB))
    p("")
    for name, mode in (("--all", g), ("FILE (log -p text)", du)):
        if mode:
            p("recall %-20s %d/%d (%.2f%%); findings %d, on planted lines %d, other %d"
              % (name, mode["found"], mode["truth"], 100 * mode["recall"], mode["findings"],
                 mode["findings_on_truth_lines"], mode["non_truth_findings"]))
    for label, key, tr in sets:
        if not tr:
            continue
        p("%s: %d planted credentials present; nhigate finds %d" % (label, tr["tree_truth"], tr["nhigate_found"])
          + ("; secretlint finds %d" % tr["secretlint_found"] if "secretlint_found" in tr else ""))
        if "both" in tr:
            p("  findings by file+line: both %d, only nhigate %d (%d planted), only secretlint %d (%d planted)"
              % (tr["both"], tr["only_nhigate"], tr["only_nhigate_planted"], tr["only_secretlint"],
                 tr["only_secretlint_planted"]))
    if meta.get("secretlint_note"):
        p("secretlint: " + meta["secretlint_note"])
    p("")
    for t in targets:
        p("%-62s %-7s %s" % t)
    if g and g["misses"]:
        p("")
        p("recall misses (--all): %d" % len(g["misses"]))
        for x in g["misses"]:
            p("  %-24s %s %s:%d  %s" % (x["kind"], x["commit"], x["path"], x["line"], x["diagnosis"]))
    text = "\n".join(out)

    # ---- markdown
    md = []
    q = md.append
    q("## Figures")
    q("")
    q("Machine: %s, %s cores; run %s; source `%s`; %s." % (meta.get("cpu"), meta.get("nproc"), meta.get("date"),
                                                           meta.get("source"), meta.get("git")))
    q("")
    q("%s commits (seed %s, `make-history`), %s planted credentials; every timing is the median of %s runs; "
      "MB = 10^6 bytes; MB/s per core = bytes scanned / (user + sys CPU seconds); peak RSS is ru_maxrss of the "
      "process and its children (wait4); the anonymous part (heap and other private memory, as opposed to "
      "file-backed pages of mmapped files such as git packs or the scanned file) is the largest RssAnon "
      "sampled from /proc every 10 ms." % (meta.get("commits"), meta.get("seed"), g["truth"] if g else "?",
                                           meta.get("runs")))
    q("")
    q("| run | wall s | wall × floor | CPU s | CPU × floor | MB scanned | MB/s per core | peak RSS MB | of it anonymous MB |")
    q("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for row in table:
        q("| %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (row[0], fmt(row[1], ".2f"), fmt(row[2], ".2f"),
                                                          fmt(row[3], ".2f"), fmt(row[4], ".2f"), fmt(row[5], ".1f"),
                                                          fmt(row[6], ".1f"), fmt(row[7], ".1f"), fmt(row[8], ".1f")))
    if st:
        q("")
        q("Rule pack start-up (load + compile the default pack, upper bound including process start): "
          "median wall of `nhigate-secrets --format json EMPTYFILE` over %d runs = **%.1f ms** (peak RSS %.1f MB)."
          % (st["runs"], st["median_wall"] * 1000, st["max_rss_kb"] * 1024 / MB))
    q("")
    q("Bytes scanned: the floor row counts the text `git log -p` prints; `--all` counts what nhigate reports in "
      "`scanned.bytes` (added lines of every commit); the FILE row is the same `git log -p` text dumped to one "
      "file; the tree rows are the files of the HEAD tree.")
    q("")
    q("### Targets")
    q("")
    q("| target | result | measured |")
    q("|---|---|---|")
    for t in targets:
        q("| %s | %s | %s |" % t)
    q("")
    q("### Recall")
    q("")
    if g:
        q("`--all`: **%d/%d** planted credentials found at the exact commit, path and line (%.2f%%). "
          "Findings: %d, of which %d on planted lines and %d elsewhere."
          % (g["found"], g["truth"], 100 * g["recall"], g["findings"], g["findings_on_truth_lines"],
             g["non_truth_findings"]))
    if du:
        q("")
        q("FILE mode over the `git log -p` text: %d/%d planted credentials found on their `+` line (mapped back to "
          "commit, path and line through the diff headers). Findings: %d (by diff line type: %s)."
          % (du["found"], du["truth"], du["findings"],
             ", ".join("%s %d" % kv for kv in sorted(du.get("findings_by_line_type", {}).items()))))
    q("")
    kinds = sorted(set((g or {}).get("per_kind", {})) | set((du or {}).get("per_kind", {})))
    q("| kind | planted | found `--all` | found FILE | rules that fired on the planted lines (`--all`) |")
    q("|---|---:|---:|---:|---|")
    for k in kinds:
        a1 = (g or {}).get("per_kind", {}).get(k, {})
        a2 = (du or {}).get("per_kind", {}).get(k, {})
        rules = ", ".join("%s ×%d" % kv for kv in (g or {}).get("rules_on_truth", {}).get(k, {}).items())
        q("| %s | %s | %s | %s | %s |" % (k, a1.get("planted", a2.get("planted")), a1.get("found", "n/a"),
                                           a2.get("found", "n/a"), rules or "—"))
    for name, mode in (("`--all`", g), ("FILE mode", du)):
        if mode and mode["misses"]:
            q("")
            q("Recall misses, %s (%d):" % (name, len(mode["misses"])))
            q("")
            q("| kind | commit | path | line | removed later | diagnosis |")
            q("|---|---|---|---:|---|---|")
            for x in mode["misses"]:
                q("| %s | %s | %s | %d | %s | %s |" % (x["kind"], x["commit"], x["path"], x["line"],
                                                        "yes" if x["removed_later"] else "no", x["diagnosis"]))
    for name, mode in (("`--all`", g), ("FILE mode over the `git log -p` text", du)):
        if not mode:
            continue
        q("")
        q("### Findings not on a planted line, %s" % name)
        q("")
        if mode.get("duplicate_findings_on_truth_lines"):
            q("Second findings on an already-found planted line: %s." %
              ", ".join("%s ×%d" % kv for kv in mode["duplicate_findings_on_truth_lines"].items()))
            q("")
        if not mode["groups"]:
            q("None.")
        if mode is g and mode.get("non_truth_list"):
            q("Every one of them (commit, path:line, rule, redacted value, text around it, category):")
            q("")
            q("| where | rule | value | text | category |")
            q("|---|---|---|---|---|")
            for e in mode["non_truth_list"]:
                q("| `%s` | %s | %s | `%s` | %s |" % (e["where"], e["rule"], e["redacted"],
                                                    (e.get("context") or "").replace("`", "'").replace("|", "\\|"),
                                                    e["category"]))
            q("")
            q("By rule:")
            q("")
        for grp in mode["groups"]:
            q("- **%s** (%s): %d — %s" % (grp["rule"], grp.get("title") or "", grp["count"],
                                         "; ".join("%s: %d" % kv for kv in grp["categories"].items())))
            for e in grp["examples"]:
                q("  - `%s` %s — `%s`" % (e["where"], e["redacted"], (e.get("context") or "").replace("`", "'")))
    q("")
    q("### Outside reference: secretlint")
    q("")
    q(meta.get("secretlint_note") or "")
    q("")
    q("Both tools run on the same files: `secretlint \"**/*\" --format json` inside the set, "
      "`nhigate-secrets --format json .` likewise; findings are compared by file + line. The planted-file "
      "set is every file as it was at the commit that planted a credential (`COMMIT12/PATH`); the HEAD "
      "tree is `git archive HEAD`.")
    for label, key, tr in sets:
        if not tr:
            continue
        q("")
        q("#### %s" % label)
        q("")
        q("%s files, %.1f MB; %d planted credentials present. nhigate finds %d of them"
          % ((r.get(key) or {}).get("scanned", {}).get("files"),
             (meta.get("tree_bytes" if key == "tree" else "planted_bytes") or 0) / MB,
             tr["tree_truth"], tr["nhigate_found"])
          + (", secretlint %d." % tr["secretlint_found"] if "secretlint_found" in tr else "."))
        if tr.get("nhigate_misses"):
            q("")
            q("nhigate misses: " + "; ".join("%s %s:%d" % (x["kind"], x["path"], x["line"])
                                            for x in tr["nhigate_misses"][:20]))
        if tr.get("nhigate_material_groups"):
            q("")
            q("nhigate findings that are not a planted credential: %d, by rule:" % tr["nhigate_material"])
            q("")
            for grp in tr["nhigate_material_groups"]:
                q("- %s: %d" % (grp["rule"], grp["count"]))
                for e in grp["examples"]:
                    q("  - `%s` %s — `%s`" % (e["where"], e.get("redacted") or "",
                                             (e.get("context") or "").replace("`", "'")))
        if "both" not in tr:
            continue
        q("")
        q("Findings by file + line: **both %d, only nhigate %d** (%d of them planted), "
          "**only secretlint %d** (%d planted)." % (tr["both"], tr["only_nhigate"], tr["only_nhigate_planted"],
                                                    tr["only_secretlint"], tr["only_secretlint_planted"]))
        if tr["nhigate_per_kind"]:
            q("")
            q("| kind | present | nhigate | secretlint |")
            q("|---|---:|---:|---:|")
            for k, v in tr["nhigate_per_kind"].items():
                q("| %s | %d | %d | %d |" % (k, v["planted"], v["found"], tr["secretlint_per_kind"][k]["found"]))
        q("")
        q("Found by both, by rule pair (nhigate / secretlint): %s." %
          (", ".join("%s ×%d" % kv for kv in tr["both_by_rule"].items()) or "none"))
        for title, gk, fld in (("Only nhigate", "only_nhigate_groups", "context"),
                               ("Only secretlint", "only_secretlint_groups", "message")):
            q("")
            q("%s, by rule:" % title)
            q("")
            if not tr[gk]:
                q("- none")
            for grp in tr[gk]:
                q("- %s (%s): %d" % (grp["rule"], grp["what"], grp["count"]))
                for e in grp["examples"]:
                    extra = e.get("redacted") or e.get("message") or ""
                    q("  - `%s` %s — `%s`" % (e["where"], extra, (e.get("context") or "").replace("`", "'")))
    markdown = "\n".join(md)
    print(text)
    print()
    print("----- Markdown -----")
    print()
    print(markdown)
    if a.markdown_out:
        with open(a.markdown_out, "w") as f:
            f.write(markdown + "\n")


if __name__ == "__main__":
    main()
