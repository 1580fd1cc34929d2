/* nhigate-gate debt: the waivers in force, as policy debt. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common.h"
#include "gate_cmds.h"
#include "nhigate/gate.h"
#include "nhigate/gate_report.h"

#define PROG "nhigate-gate debt"

static const char usage[] =
	"usage: nhigate-gate debt [--format text|json|md] [--fail-on expired]\n"
	"                         [--repo DIR] [--config FILE] [--waivers FILE]\n"
	"                         [--rules PATH] [--today YYYY-MM-DD] [--output FILE]\n"
	"\n"
	"List every waiver as policy debt: expired and stale ones first, then by\n"
	"expiry, with owner, approver, ticket, age, days left and how many findings\n"
	"of the repository's current files it waives today (the files are scanned).\n"
	"\n"
	"Exit: 0, or 1 with --fail-on expired when a waiver has expired;\n"
	"      2 usage or invalid waivers/configuration; 3 internal error.\n";

int gate_cmd_debt(int argc, char **argv)
{
	enum { O_FORMAT = 256, O_FAIL_ON, O_REPO, O_CONFIG, O_WAIVERS, O_RULES, O_TODAY, O_OUTPUT,
	       O_QUIET, O_HELP };
	static const struct option longopts[] = {
		{ "format", required_argument, NULL, O_FORMAT },
		{ "fail-on", required_argument, NULL, O_FAIL_ON },
		{ "repo", required_argument, NULL, O_REPO },
		{ "config", required_argument, NULL, O_CONFIG },
		{ "waivers", required_argument, NULL, O_WAIVERS },
		{ "rules", required_argument, NULL, O_RULES },
		{ "today", required_argument, NULL, O_TODAY },
		{ "output", required_argument, NULL, O_OUTPUT },
		{ "quiet", no_argument, NULL, O_QUIET },
		{ "help", no_argument, NULL, O_HELP },
		{ NULL, 0, NULL, 0 }
	};
	static const char *const here[] = { "." };
	cli_common c = { .prog = PROG, .format = "text" };
	nhg_gate_opts g = { .version = NHG_GATE_OPTS_VERSION, .repo = "." };
	nhg_error err = NHG_ERROR_INIT;
	nhg_verdict v;
	nhg_policy policy;
	nhg_waivers waivers;
	nhg_buf out = NHG_BUF_INIT(64u << 20);
	const char *repo = ".", *today = NULL;
	char *rules[MAX_RULE_DIRS] = { NULL };
	bool fail_expired = false;
	int opt, rc;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (opt) {
		case O_FORMAT:
			if (cli_check_format(PROG, optarg, "text, json, md"))
				return EXIT_INPUT;
			c.format = optarg;
			break;
		case O_FAIL_ON:
			if (strcmp(optarg, "expired"))
				return cli_usage_error(PROG, "--fail-on takes 'expired'");
			fail_expired = true;
			break;
		case O_REPO: repo = optarg; break;
		case O_CONFIG: g.config = optarg; break;
		case O_WAIVERS: g.waivers = optarg; break;
		case O_RULES:
			if (cli_add_rules(&c, optarg))
				return EXIT_INPUT;
			break;
		case O_TODAY:
			if (!nhg_date_ok(optarg))
				return cli_usage_error(PROG, "--today '%s' is not a date YYYY-MM-DD", optarg);
			today = optarg;
			break;
		case O_OUTPUT: c.output = optarg; break;
		case O_QUIET: c.quiet = true; break;
		case O_HELP: fputs(usage, stdout); return EXIT_PASS;
		default: return cli_usage_error(PROG, "invalid option (see --help)");
		}
	}
	if (optind < argc)
		return cli_usage_error(PROG, "unexpected argument '%s'", argv[optind]);
	/* rule packs and files named relative to where we were started */
	if ((rc = cli_resolve_rules(&c, &err)) != 0)
		return cli_fail(PROG, &err);
	for (size_t i = 0; i < c.nrules; i++)
		if (!(rules[i] = realpath(c.rules[i], NULL)))
			return cli_usage_error(PROG, "cannot find the rule pack %s", c.rules[i]);
	g.rules = (const char *const *)rules;
	g.nrules = c.nrules;
	if ((g.config && !(g.config = realpath(g.config, NULL))) ||
	    (g.waivers && !(g.waivers = realpath(g.waivers, NULL))))
		return cli_usage_error(PROG, "cannot find the file given: %s", argv[optind - 1]);
	/* waivers name repository-relative paths: scan the working tree from its root */
	if (chdir(repo) != 0)
		return cli_usage_error(PROG, "cannot enter --repo %s", repo);
	g.paths = here;
	g.npaths = 1;
	if (nhg_verdict_init(&v)) {
		fprintf(stderr, "%s: out of memory\n", PROG);
		return EXIT_INTERNAL;
	}
	if (today)
		memcpy(v.today, today, sizeof(v.today));
	rc = nhg_gate_run(&v, &policy, &waivers, &g, &err);
	if (!rc)
		rc = nhg_report_debt(&out, &v, c.format, &err);
	if (!rc)
		rc = cli_write(c.output, &out, &err);
	if (rc) {
		rc = cli_fail(PROG, &err);
	} else {
		rc = EXIT_PASS;
		for (size_t i = 0; fail_expired && i < v.nwaivers; i++)
			if (v.waivers[i].state == NHG_WAIVER_EXPIRED)
				rc = EXIT_FOUND;
	}
	nhg_buf_free(&out);
	nhg_verdict_free(&v);
	nhg_waivers_free(&waivers);
	nhg_policy_free(&policy);
	free((char *)g.config);
	free((char *)g.waivers);
	for (size_t i = 0; i < c.nrules; i++)
		free(rules[i]);
	return rc;
}
