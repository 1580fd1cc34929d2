#!/usr/bin/env python3
"""Recall and precision accounting for the nhigate-secrets benchmark.

    score.py git  --truth T.jsonl --findings F.json --repo REPO  > result.json
    score.py dump --truth T.jsonl --findings F.json --dump LOG.txt > result.json
    score.py tree --truth T.jsonl --findings F.json --tree DIR [--secretlint S.json] > result.json

git:  findings of `nhigate-secrets --all` (or --diff over `git log -p`); a truth
      record {commit, path, line, kind, secret} is found when some finding has
      the same commit, path and line.
dump: findings of the paths mode over the text of `git log -p`; each finding's
      line in the dump is mapped back to (commit, path, line) through the diff
      headers, so the same matching rule applies to the '+' lines.
tree: findings over a checkout of one tree (HEAD), optionally compared with
      secretlint's JSON report on the same files by (path, line); the truth
      for the tree is every planted credential still present in it.

Every finding that is not on a planted line is classified and grouped by rule.
Output is JSON; nothing printed contains a full secret: examples show the
tool's redacted value, the text around the match with long tokens masked, and
planted secrets are masked wherever they appear.
"""
import argparse
import collections
import hashlib
import json
import os
import re
import subprocess
import sys

MAX_EXAMPLES = 4


# ---------------------------------------------------------------- helpers

def load_truth(path):
    with open(path) as f:
        return [json.loads(l) for l in f if l.strip()]


def load_report(path):
    with open(path, "rb") as f:
        data = f.read()
    if not data.strip():
        sys.exit("score.py: %s is empty (the scan did not produce a report)" % path)
    return json.loads(data)


def truth_hashes(truth):
    """sha256 of every substring (length >= 8) of every planted secret -> record indexes.

    A finding's secret_sha256 matching one of them means the finding is (part of)
    a planted secret, wherever it was reported."""
    h = collections.defaultdict(set)
    for i, t in enumerate(truth):
        s = t["secret"].encode()
        n = len(s)
        for a in range(n):
            for b in range(a + 8, n + 1):
                h[hashlib.sha256(s[a:b]).hexdigest()].add(i)
    return h


TOKEN = re.compile(r"[A-Za-z0-9+/_\-.~%!#&*]{12,}")


def secretish(tok):
    """A token that could be a credential: long, with digits and letters mixed."""
    classes = sum(bool(re.search(c, tok)) for c in ("[A-Z]", "[a-z]", "[0-9]", "[^A-Za-z0-9_.\\-]"))
    if not re.search("[0-9]", tok):
        return False
    return (len(tok) >= 12 and classes >= 3) or (len(tok) >= 16 and classes >= 2)


def mask(text, secrets):
    """Mask planted secrets and anything else that looks like a credential."""
    for s in secrets:
        if s and s in text:
            text = text.replace(s, "«planted»")
    return TOKEN.sub(lambda m: m.group(0)[:4] + "…" if secretish(m.group(0)) else m.group(0), text)


def context(line_text, f, secrets):
    """Text around a finding with the match replaced by the redacted value."""
    if line_text is None:
        return None
    b = line_text.encode("utf-8", "replace")
    col = max(1, int(f.get("column") or 1))
    end = int(f.get("end_column") or col)
    pre = b[: col - 1].decode("utf-8", "replace")
    post = b[end:].decode("utf-8", "replace")
    pre = mask(pre[-48:], secrets)
    post = mask(post[:24], secrets)
    return (pre + "⟦" + (f.get("redacted") or "…") + "⟧" + post).strip()


GENERIC = re.compile(r"(?i)(example|sample|dummy|placeholder|your[_-]?|xxxx|changeme|test|fake|<[^>]+>|\$\{?[A-Z_]+)")


def hint(line_text):
    if line_text is None:
        return "line text unavailable"
    m = GENERIC.search(line_text)
    if m:
        return "looks like a placeholder/example (%s)" % m.group(1).lower()[:12]
    return "text from the source material (system files)"


def group_findings(items, secrets):
    """items: list of (finding, category, line_text, where) -> grouped summary."""
    groups = collections.OrderedDict()
    for f, cat, text, where in sorted(items, key=lambda x: (x[0]["rule"], x[1], x[3])):
        g = groups.setdefault(f["rule"], {"rule": f["rule"], "title": f.get("title"),
                                          "count": 0, "categories": collections.Counter(),
                                          "examples": [], "_pool": collections.OrderedDict()})
        g["count"] += 1
        g["categories"][cat] += 1
        pool = g["_pool"].setdefault(cat, [])
        if len(pool) < MAX_EXAMPLES:
            pool.append({"where": where, "category": cat, "redacted": f.get("redacted"),
                         "context": context(text, f, secrets)})
    for g in groups.values():
        pools = [list(p) for _, p in sorted(g.pop("_pool").items(), key=lambda kv: -g["categories"][kv[0]])]
        while len(g["examples"]) < MAX_EXAMPLES and any(pools):
            for p in pools:
                if p and len(g["examples"]) < MAX_EXAMPLES:
                    g["examples"].append(p.pop(0))
    out = []
    for g in sorted(groups.values(), key=lambda g: -g["count"]):
        g["categories"] = dict(g["categories"].most_common())
        out.append(g)
    return out


def kind_table(truth, found_idx):
    per = collections.OrderedDict()
    for i, t in sorted(enumerate(truth), key=lambda x: x[1]["kind"]):
        k = per.setdefault(t["kind"], [0, 0])
        k[0] += 1
        k[1] += i in found_idx
    return {k: {"planted": v[0], "found": v[1]} for k, v in per.items()}


def miss_record(t, diag):
    return {"kind": t["kind"], "commit": t["commit"][:12], "path": t["path"], "line": t["line"],
            "removed_later": bool(t.get("removed_in")), "diagnosis": diag}


# ---------------------------------------------------------------- git mode

class Blobs:
    """Line text of commit:path through one `git cat-file --batch` process."""

    def __init__(self, repo):
        self.p = subprocess.Popen(["git", "-C", repo, "cat-file", "--batch"],
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        self.cache = {}

    def raw(self, commit, path):
        self.p.stdin.write(("%s:%s\n" % (commit, path)).encode())
        self.p.stdin.flush()
        hdr = self.p.stdout.readline().split()
        if len(hdr) < 3 or hdr[1] == b"missing":
            return None
        n = int(hdr[2])
        return self.p.stdout.read(n + 1)[:n]

    def lines(self, commit, path):
        key = (commit, path)
        if key not in self.cache:
            if len(self.cache) > 4096:
                self.cache.clear()
            data = self.raw(commit, path)
            self.cache[key] = None if data is None else data.decode("utf-8", "replace").split("\n")
        return self.cache[key]

    def line(self, commit, path, n):
        ls = self.lines(commit, path)
        if ls is None or n < 1 or n > len(ls):
            return None
        return ls[n - 1]

    def close(self):
        self.p.stdin.close()
        self.p.wait()


def score_located(truth, findings, locate, line_text):
    """Shared matcher.  locate(f) -> (commit, path, line, what) or None;
    line_text(f, loc) -> the text of the finding's line or None."""
    by_loc = {}
    for i, t in enumerate(truth):
        by_loc.setdefault((t["commit"], t["path"], t["line"]), []).append(i)
    by_cp = collections.defaultdict(list)
    for i, t in enumerate(truth):
        by_cp[(t["commit"], t["path"])].append(i)
    hashes = truth_hashes(truth)
    secrets = [t["secret"] for t in truth]

    found = set()
    on_truth_rules = collections.Counter()
    extra = []          # (finding, category, text, where)
    dup_on_truth = collections.Counter()
    per_truth_line = collections.Counter()
    sha_seen = collections.defaultdict(list)   # truth idx -> locations where its secret was reported
    for f in findings:
        loc = locate(f)
        tidx = hashes.get(f.get("secret_sha256") or "", set())
        if loc and loc[3] == "+":
            key = loc[:3]
            if key in by_loc:
                found.update(by_loc[key])
                on_truth_rules[(truth[by_loc[key][0]]["kind"], f["rule"])] += 1
                per_truth_line[key] += 1
                if per_truth_line[key] > 1:
                    dup_on_truth[f["rule"]] += 1
                continue
        for i in tidx:
            sha_seen[i].append(loc)
        if loc:
            where = "%s %s:%s" % ((loc[0] or "")[:8], loc[1], loc[2] if loc[2] else "-")
            if f.get("path") != loc[1]:   # dump mode: also the line of the log text
                where = "L%s %s" % (f.get("line"), where)
        else:
            where = "%s:%s" % (f.get("path"), f.get("line"))
        text = line_text(f, loc)
        if tidx:
            if loc and loc[3] != "+":
                cat = "planted secret on a %s line of the diff text" % {"-": "removed", " ": "context",
                                                                          "h": "header"}.get(loc[3], "non-added")
            else:
                near = [i for i in tidx if loc and (truth[i]["commit"], truth[i]["path"]) == (loc[0], loc[1])]
                cat = ("planted secret, line number differs from truth" if near else
                       "planted secret reported again at another commit/line")
        elif loc and loc[3] == "+" and (loc[0], loc[1]) in by_cp and any(
                abs(truth[i]["line"] - loc[2]) <= 2 for i in by_cp[(loc[0], loc[1])]):
            cat = "next to a planted line (±2), not the secret itself"
        elif loc and loc[3] not in ("+", None):
            cat = "material on a %s line of the diff text" % {"-": "removed", " ": "context",
                                                              "h": "header"}.get(loc[3], "non-added")
        else:
            cat = hint(text)
        extra.append((f, cat, text, where))
    return found, on_truth_rules, extra, dup_on_truth, sha_seen, secrets


def finish(truth, findings, found, on_truth_rules, extra, dup_on_truth, sha_seen, secrets, report, diag_more):
    misses = []
    for i, t in enumerate(truth):
        if i in found:
            continue
        locs = [l for l in sha_seen.get(i, []) if l]
        if locs:
            l = locs[0]
            d = "secret reported at %s %s:%s instead" % ((l[0] or "")[:8], l[1], l[2])
        else:
            d = diag_more(t)
        misses.append(miss_record(t, d))
    rules_on_truth = collections.defaultdict(dict)
    for (kind, rule), n in sorted(on_truth_rules.items()):
        rules_on_truth[kind][rule] = n
    return {
        "truth": len(truth),
        "found": len(found),
        "recall": len(found) / len(truth) if truth else 1.0,
        "findings": len(findings),
        "findings_on_truth_lines": len(findings) - len(extra),
        "duplicate_findings_on_truth_lines": dict(dup_on_truth),
        "non_truth_findings": len(extra),
        "scanned": report.get("scanned"),
        "skipped": len(report.get("skipped") or []),
        "per_kind": kind_table(truth, found),
        "rules_on_truth": rules_on_truth,
        "misses": misses,
        "groups": group_findings(extra, secrets),
        "non_truth_list": [{"where": w, "rule": f["rule"], "redacted": f.get("redacted"), "category": c,
                            "context": context(t, f, secrets)}
                           for f, c, t, w in sorted(extra, key=lambda x: (x[0]["rule"], x[3]))[:300]],
    }


def cmd_git(a):
    truth = load_truth(a.truth)
    report = load_report(a.findings)
    findings = report.get("findings") or []
    blobs = Blobs(a.repo)

    def locate(f):
        if not f.get("commit"):
            return None
        return (f["commit"], f["path"], int(f["line"]), "+")

    def text(f, loc):
        return blobs.line(loc[0], loc[1], loc[2]) if loc else None

    r = score_located(truth, findings, locate, text)

    def diag(t):
        fs = [f for f in findings if f.get("commit") == t["commit"] and f["path"] == t["path"]]
        if fs:
            return "other finding(s) in that file at this commit, lines %s" % sorted({f["line"] for f in fs})[:5]
        return "no finding for this secret anywhere"

    res = finish(truth, findings, *r, report, diag)
    blobs.close()
    json.dump(res, sys.stdout, indent=1)
    print()


# ---------------------------------------------------------------- dump mode

HUNK = re.compile(rb"^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")


def map_dump(path):
    """Index the text of `git log -p`: dump line number -> (commit, path, newline, type),
    type '+' (added, newline = its line in the new file), '-', ' ', or 'h' (anything else)."""
    m = {}
    commit = None
    fpath = None
    old_left = new_left = 0
    newline = 0
    with open(path, "rb") as fh:
        for n, raw in enumerate(fh, 1):
            if old_left > 0 or new_left > 0:
                c = raw[:1]
                if c == b"+":
                    m[n] = (commit, fpath, newline, "+")
                    newline += 1
                    new_left -= 1
                    continue
                if c == b"-":
                    m[n] = (commit, fpath, None, "-")
                    old_left -= 1
                    continue
                if c == b" " or raw in (b"\n",):
                    m[n] = (commit, fpath, newline, " ")
                    newline += 1
                    old_left -= 1
                    new_left -= 1
                    continue
                if c == b"\\":
                    m[n] = (commit, fpath, None, "h")
                    continue
                old_left = new_left = 0
            if raw.startswith(b"commit "):
                commit = raw.split()[1].decode()
                fpath = None
            elif raw.startswith(b"+++ "):
                p = raw[4:].rstrip(b"\n").decode("utf-8", "replace")
                fpath = p[2:] if p.startswith("b/") else None
            else:
                h = HUNK.match(raw)
                if h:
                    old_left = int(h.group(2)) if h.group(2) is not None else 1
                    new_left = int(h.group(4)) if h.group(4) is not None else 1
                    newline = int(h.group(3))
            m[n] = (commit, fpath, None, "h")
    return m


def dump_lines_for(path, wanted):
    out = {}
    if not wanted:
        return out
    with open(path, "rb") as fh:
        for n, raw in enumerate(fh, 1):
            if n in wanted:
                out[n] = raw.rstrip(b"\n").decode("utf-8", "replace")
    return out


def cmd_dump(a):
    truth = load_truth(a.truth)
    report = load_report(a.findings)
    findings = report.get("findings") or []
    m = map_dump(a.dump)
    texts = dump_lines_for(a.dump, {int(f["line"]) for f in findings})

    def locate(f):
        return m.get(int(f["line"]))

    def text(f, loc):
        return texts.get(int(f["line"]))

    r = score_located(truth, findings, locate, text)

    def diag(t):
        return "no finding on the '+' line of the diff text"

    res = finish(truth, findings, *r, report, diag)
    cats = collections.Counter(locate(f)[3] if locate(f) else "?" for f in findings)
    res["findings_by_line_type"] = {{"+": "added", "-": "removed", " ": "context", "h": "header"}.get(k, k): v
                                    for k, v in cats.items()}
    json.dump(res, sys.stdout, indent=1)
    print()


# ---------------------------------------------------------------- tree mode

def tree_truth(truth, tree, by_commit=False):
    """Planted credentials present in the files under tree: (path, line) -> truth idx.
    With by_commit the files are laid out as COMMIT12/PATH (see `extract`)."""
    by_path = collections.defaultdict(list)
    for i, t in enumerate(truth):
        by_path[t["path"]].append(i)
    present = {}
    for d, _, names in os.walk(tree):
        for n in names:
            fp = os.path.join(d, n)
            p = os.path.relpath(fp, tree)
            orig = p.split(os.sep, 1)[1] if by_commit and os.sep in p else p
            idx = by_path.get(orig)
            if not idx:
                continue
            with open(fp, encoding="utf-8", errors="replace") as fh:
                lines = fh.read().split("\n")
            for i in idx:
                s = truth[i]["secret"]
                for ln, l in enumerate(lines, 1):
                    if s in l:
                        present.setdefault((p, ln), i)
    return present


def rel(tree, p):
    p = os.path.normpath(p)
    t = os.path.normpath(os.path.abspath(tree))
    if p.startswith(t + os.sep):
        return p[len(t) + 1:]
    t2 = os.path.normpath(tree)
    if p.startswith(t2 + os.sep):
        return p[len(t2) + 1:]
    return p


def read_line(tree, p, n, cache={}):
    if p not in cache:
        if len(cache) > 2048:
            cache.clear()
        try:
            with open(os.path.join(tree, p), encoding="utf-8", errors="replace") as fh:
                cache[p] = fh.read().split("\n")
        except OSError:
            cache[p] = []
    ls = cache[p]
    return ls[n - 1] if 0 < n <= len(ls) else None


def cmd_tree(a):
    truth = load_truth(a.truth)
    secrets = [t["secret"] for t in truth]
    report = load_report(a.findings)
    findings = report.get("findings") or []
    present = tree_truth(truth, a.tree, a.by_commit)
    ours = collections.defaultdict(list)
    for f in findings:
        ours[(rel(a.tree, f["path"]), int(f["line"]))].append(f)
    res = {"tree_truth": len(present), "scanned": report.get("scanned"), "findings": len(findings),
           "nhigate_locations": len(ours)}
    found_ours = {k for k in present if k in ours}
    res["nhigate_found"] = len(found_ours)
    res["nhigate_per_kind"] = kind_table([truth[i] for i in present.values()],
                                          {j for j, k in enumerate(present) if k in ours})
    res["nhigate_misses"] = [miss_record(truth[present[k]], "not found in this file set")
                             for k in sorted(present) if k not in ours]

    def ex_ours(keys):
        groups = collections.Counter()
        exs = {}
        for k in sorted(keys):
            for f in ours[k]:
                kind = truth[present[k]]["kind"] if k in present else None
                g = (f["rule"], "planted " + kind if kind else "material")
                groups[g] += 1
                if len(exs.setdefault(g, [])) < 3:
                    exs[g].append({"where": "%s:%s" % k, "redacted": f.get("redacted"),
                                   "context": context(read_line(a.tree, k[0], k[1]), f, secrets)})
        return [{"rule": g[0], "what": g[1], "count": n, "examples": exs[g]} for g, n in groups.most_common()]

    res["nhigate_material_groups"] = ex_ours(set(ours) - set(present))
    res["nhigate_material"] = sum(len(ours[k]) for k in set(ours) - set(present))
    if a.secretlint:
        with open(a.secretlint) as fh:
            raw = fh.read()
        sl = json.loads(raw) if raw.strip() else []
        theirs = collections.defaultdict(list)
        for fr in sl:
            p = rel(a.tree, fr.get("filePath", ""))
            for msg in fr.get("messages", []):
                line = (msg.get("loc") or {}).get("start", {}).get("line") or msg.get("line")
                if line is None:
                    continue
                theirs[(p, int(line))].append(msg)
        both = set(ours) & set(theirs)
        only_us = set(ours) - set(theirs)
        only_sl = set(theirs) - set(ours)
        found_sl = {k for k in present if k in theirs}
        res.update({
            "secretlint_findings": sum(len(v) for v in theirs.values()),
            "secretlint_locations": len(theirs),
            "secretlint_found": len(found_sl),
            "secretlint_per_kind": kind_table([truth[i] for i in present.values()],
                                              {j for j, k in enumerate(present) if k in theirs}),
            "both": len(both),
            "only_nhigate": len(only_us),
            "only_secretlint": len(only_sl),
            "only_nhigate_planted": len(only_us & set(present)),
            "only_secretlint_planted": len(only_sl & set(present)),
        })

        def ex_theirs(keys):
            groups = collections.Counter()
            exs = {}
            for k in sorted(keys):
                for m in theirs[k]:
                    kind = truth[present[k]]["kind"] if k in present else None
                    g = ((m.get("ruleId") or "?").replace("@secretlint/secretlint-rule-", ""),
                         "planted " + kind if kind else "material")
                    groups[g] += 1
                    if len(exs.setdefault(g, [])) < 3:
                        exs[g].append({"where": "%s:%s" % k,
                                       "message": m.get("messageId") or "",
                                       "context": mask(read_line(a.tree, k[0], k[1]) or "", secrets)[:90]})
            return [{"rule": g[0], "what": g[1], "count": n, "examples": exs[g]} for g, n in groups.most_common()]

        res["only_nhigate_groups"] = ex_ours(only_us)
        res["only_secretlint_groups"] = ex_theirs(only_sl)
        res["both_by_rule"] = dict(collections.Counter(
            "%s / %s" % (ours[k][0]["rule"], (theirs[k][0].get("ruleId") or "?").replace("@secretlint/secretlint-rule-", "")) for k in both).most_common())
        res["secretlint_misses"] = [miss_record(truth[present[k]], "not reported by secretlint")
                                    for k in sorted(present) if k not in theirs]
    json.dump(res, sys.stdout, indent=1)
    print()


def cmd_extract(a):
    """Write every file at the commit that planted a credential into it, as
    OUT/COMMIT12/PATH: a small file set on which every planted line is known."""
    truth = load_truth(a.truth)
    blobs = Blobs(a.repo)
    n = 0
    for c, p in sorted({(t["commit"], t["path"]) for t in truth}):
        data = blobs.raw(c, p)
        if data is None:
            continue
        dst = os.path.join(a.out, c[:12], p)
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        with open(dst, "wb") as f:
            f.write(data)
        n += 1
    blobs.close()
    print("extract: %d files -> %s" % (n, a.out), file=sys.stderr)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="mode", required=True)
    g = sub.add_parser("git")
    g.add_argument("--truth", required=True)
    g.add_argument("--findings", required=True)
    g.add_argument("--repo", required=True)
    d = sub.add_parser("dump")
    d.add_argument("--truth", required=True)
    d.add_argument("--findings", required=True)
    d.add_argument("--dump", required=True)
    t = sub.add_parser("tree")
    t.add_argument("--truth", required=True)
    t.add_argument("--findings", required=True)
    t.add_argument("--tree", required=True)
    t.add_argument("--secretlint")
    t.add_argument("--by-commit", action="store_true", help="files are COMMIT12/PATH (made by extract)")
    e = sub.add_parser("extract")
    e.add_argument("--truth", required=True)
    e.add_argument("--repo", required=True)
    e.add_argument("--out", required=True)
    a = ap.parse_args()
    {"git": cmd_git, "dump": cmd_dump, "tree": cmd_tree, "extract": cmd_extract}[a.mode](a)


if __name__ == "__main__":
    main()
