/* nhigate-secrets: hard-coded credentials in files, commits, diffs. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common.h"
#include "nhigate/config.h"
#include "nhigate/finding.h"
#include "nhigate/report.h"
#include "nhigate/source.h"

#define PROG "nhigate-secrets"

static const char usage[] =
	"usage: nhigate-secrets [OPTIONS] (PATH... | --range A..B | --commit REV |\n"
	"                        --staged | --all | --diff FILE|- | --pre-receive)\n"
	"\n"
	"Find hard-coded credentials. In git modes only the lines a commit adds are\n"
	"scanned, and findings carry the commit, author and date.\n"
	"\n"
	"Sources (exactly one):\n"
	"  PATH...               files and directories (symlinks are not followed)\n"
	"  --range A..B          each commit in B not in A, against its first parent\n"
	"  --commit REV          one commit against its first parent\n"
	"  --staged              the index against HEAD (pre-commit)\n"
	"  --all                 every commit reachable from any ref\n"
	"  --diff FILE|-         a unified diff (git diff, git log -p, diff -u)\n"
	"  --pre-receive         stdin lines 'OLD NEW REF': the commits a push brings\n"
	"                        that no existing ref reaches (deletions are skipped)\n"
	"\n"
	"Options:\n"
	"  --repo DIR            repository for git modes (default: .)\n"
	"  --format text|json    output format (default: text)\n"
	"  --output FILE         write the report to FILE instead of stdout\n"
	"  --rules PATH          rule pack directory or file (repeatable)\n"
	"  --config FILE         configuration (default: .nhigate.yaml in the repository)\n"
	"  --baseline FILE       findings whose fingerprint is in FILE do not count\n"
	"  --write-baseline FILE write the fingerprints of all findings to FILE\n"
	"  --max-file-size N     skip (and report) files larger than N bytes (default 16 MiB)\n"
	"  --ignore-allow-markers  inline nhigate:allow markers do not suppress findings\n"
	"  --no-redact           show secrets in full (they are redacted by default)\n"
	"  --quiet               no progress on stderr\n"
	"  --help, --version\n"
	"\n"
	"Exit: 0 nothing found, 1 findings, 2 usage or input error,\n"
	"      3 internal error or incomplete scan (something listed as not scanned).\n";

typedef struct options {
	cli_common c;
	nhg_git_mode git;
	const char *spec;
	const char *diff;
	const char *repo;
	const char *baseline, *write_baseline;
	size_t max_file_size;
	bool no_redact, ignore_markers;
	char **paths;
	int npaths;
} options;

static int parse_size(const char *s, size_t *out)
{
	char *end;
	unsigned long long v = strtoull(s, &end, 10);
	if (!*s || *end || v == 0)
		return -1;
	*out = (size_t)v;
	return 0;
}

static int set_git(options *o, nhg_git_mode mode, const char *spec)
{
	if (o->git || o->diff)
		return cli_usage_error(PROG, "give exactly one source");
	o->git = mode;
	o->spec = spec;
	return 0;
}

static int parse_args(options *o, int argc, char **argv)
{
	enum { O_RANGE = 256, O_COMMIT, O_STAGED, O_ALL, O_PUSH, O_DIFF, O_REPO, O_FORMAT, O_OUTPUT,
	       O_RULES, O_CONFIG, O_BASELINE, O_WRITE_BASELINE, O_MAXSIZE, O_NOREDACT,
	       O_IGNORE_MARKERS, O_QUIET, O_HELP, O_VERSION };
	static const struct option longopts[] = {
		{ "range", required_argument, NULL, O_RANGE },
		{ "commit", required_argument, NULL, O_COMMIT },
		{ "staged", no_argument, NULL, O_STAGED },
		{ "all", no_argument, NULL, O_ALL },
		{ "pre-receive", no_argument, NULL, O_PUSH },
		{ "diff", required_argument, NULL, O_DIFF },
		{ "repo", required_argument, NULL, O_REPO },
		{ "format", required_argument, NULL, O_FORMAT },
		{ "output", required_argument, NULL, O_OUTPUT },
		{ "rules", required_argument, NULL, O_RULES },
		{ "config", required_argument, NULL, O_CONFIG },
		{ "baseline", required_argument, NULL, O_BASELINE },
		{ "write-baseline", required_argument, NULL, O_WRITE_BASELINE },
		{ "max-file-size", required_argument, NULL, O_MAXSIZE },
		{ "no-redact", no_argument, NULL, O_NOREDACT },
		{ "ignore-allow-markers", no_argument, NULL, O_IGNORE_MARKERS },
		{ "quiet", no_argument, NULL, O_QUIET },
		{ "help", no_argument, NULL, O_HELP },
		{ "version", no_argument, NULL, O_VERSION },
		{ NULL, 0, NULL, 0 }
	};
	int opt, rc;

	o->c.prog = PROG;
	o->c.format = "text";
	o->repo = ".";
	while ((opt = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		rc = 0;
		switch (opt) {
		case O_RANGE: rc = set_git(o, NHG_GIT_RANGE, optarg); break;
		case O_COMMIT: rc = set_git(o, NHG_GIT_COMMIT, optarg); break;
		case O_STAGED: rc = set_git(o, NHG_GIT_STAGED, NULL); break;
		case O_ALL: rc = set_git(o, NHG_GIT_ALL, NULL); break;
		case O_PUSH: rc = set_git(o, NHG_GIT_PUSH, NULL); break;
		case O_DIFF:
			if (o->git || o->diff)
				return cli_usage_error(PROG, "give exactly one source");
			o->diff = optarg;
			break;
		case O_REPO: o->repo = optarg; break;
		case O_FORMAT:
			if (cli_check_format(PROG, optarg, "text, json"))
				return EXIT_INPUT;
			o->c.format = optarg;
			break;
		case O_OUTPUT: o->c.output = optarg; break;
		case O_RULES:
			if (cli_add_rules(&o->c, optarg))
				return EXIT_INPUT;
			break;
		case O_CONFIG: o->c.config = optarg; break;
		case O_BASELINE: o->baseline = optarg; break;
		case O_WRITE_BASELINE: o->write_baseline = optarg; break;
		case O_MAXSIZE:
			if (parse_size(optarg, &o->max_file_size))
				return cli_usage_error(PROG, "--max-file-size takes a positive number of bytes");
			break;
		case O_NOREDACT: o->no_redact = true; break;
		case O_IGNORE_MARKERS: o->ignore_markers = true; break;
		case O_QUIET: o->c.quiet = true; break;
		case O_HELP: fputs(usage, stdout); exit(EXIT_PASS);
		case O_VERSION: printf("%s %s\n", PROG, NHG_VERSION); exit(EXIT_PASS);
		default: return cli_usage_error(PROG, "invalid option");
		}
		if (rc)
			return rc;
	}
	o->paths = argv + optind;
	o->npaths = argc - optind;
	if (o->npaths && (o->git || o->diff))
		return cli_usage_error(PROG, "give exactly one source (paths and a git mode given)");
	if (!o->npaths && !o->git && !o->diff)
		return cli_usage_error(PROG, "no source: give PATH..., --range, --commit, --staged, --all, --diff or --pre-receive");
	return 0;
}

/* Scan the source the options name into result. */
static int run_source(const options *o, nhg_scanner *scanner, const nhg_source_opts *so,
		      nhg_result *result, nhg_error *err)
{
	nhg_scan_source src = { o->git, o->spec, o->diff, (const char *const *)o->paths,
				(size_t)o->npaths, so, NULL, NULL, 0 };
	cli_progress prog = { { 0, 0 }, false };
	nhg_buf in = NHG_BUF_INIT(0);
	int rc = 0;

	if (cli_progress_enabled(&o->c)) {
		src.progress = cli_show_progress;
		src.payload = &prog;
	}
	/* the ref updates arrive on stdin, as git hands them to the hook */
	if (o->git == NHG_GIT_PUSH && (rc = cli_read_push_input(&in, err)) == 0)
		src.spec = in.ptr;
	if (!rc)
		rc = nhg_source_scan(result, scanner, &src, err);
	cli_progress_done(&prog);
	nhg_buf_free(&in);
	return rc;
}

static int report(const options *o, nhg_result *r, nhg_error *err)
{
	nhg_buf out = NHG_BUF_INIT((size_t)1 << 32);
	int rc = !strcmp(o->c.format, "json") ?
		nhg_report_secrets_json(&out, r, NHG_VERSION, err) :
		nhg_report_secrets_text(&out, r, err);
	if (!rc)
		rc = cli_write(o->c.output, &out, err);
	nhg_buf_free(&out);
	return rc;
}

int main(int argc, char **argv)
{
	options o;
	nhg_error err = NHG_ERROR_INIT;
	nhg_rulepack *pack = NULL;
	nhg_config *cfg = NULL;
	nhg_baseline *baseline = NULL;
	nhg_result result;
	nhg_source_opts so = NHG_SOURCE_OPTS_INIT;
	nhg_scan_opts sco = NHG_SCAN_OPTS_INIT;
	nhg_scanner *scanner = NULL;
	char cfgpath[4096];
	int rc;

	memset(&o, 0, sizeof(o));
	if ((rc = parse_args(&o, argc, argv)) != 0)
		return rc;
	nhg_result_init(&result, o.no_redact);
	snprintf(cfgpath, sizeof(cfgpath), "%s/.nhigate.yaml", o.repo);
	if (cli_load_rules(&pack, &o.c, &err) ||
	    nhg_config_load(&cfg, o.c.config ? o.c.config : cfgpath, !o.c.config, &err) ||
	    (o.baseline && nhg_baseline_load(&baseline, o.baseline, &err))) {
		rc = cli_fail(PROG, &err);
		goto out;
	}
	sco.inline_allow = !o.ignore_markers;
	if ((rc = nhg_scanner_new(&scanner, pack, &sco, &err)) != 0) {
		rc = cli_fail(PROG, &err);
		goto out;
	}
	so.repo = o.repo;
	so.exclude = cfg->exclude.v;
	so.nexclude = cfg->exclude.n;
	so.max_file_size = o.max_file_size ? o.max_file_size :
			   cfg->max_file_size ? cfg->max_file_size : so.max_file_size;
	rc = run_source(&o, scanner, &so, &result, &err);
	nhg_scanner_free(scanner);
	if (rc) {
		rc = cli_fail(PROG, &err);
		goto out;
	}
	if (baseline)
		nhg_baseline_apply(baseline, &result);
	nhg_result_sort(&result);
	if ((o.write_baseline && nhg_baseline_write(&result, o.write_baseline, &err)) ||
	    report(&o, &result, &err)) {
		rc = cli_fail(PROG, &err);
		goto out;
	}
	rc = nhg_result_active(&result) ? EXIT_FOUND :
	     result.nskipped ? EXIT_INTERNAL : EXIT_PASS;
out:
	nhg_result_free(&result);
	nhg_baseline_free(baseline);
	nhg_config_free(cfg);
	nhg_rulepack_free(pack);
	return rc;
}
