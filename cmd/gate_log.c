/* nhigate-gate verify-log and audit: the decision log as evidence. */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "common.h"
#include "gate_cmds.h"
#include "nhigate/audit.h"
#include "nhigate/decision_log.h"

static const char verify_usage[] =
	"usage: nhigate-gate verify-log FILE [--anchor SHA256] [--format text|json]\n"
	"\n"
	"Check the hash chain of a decision log: each record carries the sha256 of\n"
	"the line before it.  Names the first record that was altered, removed or\n"
	"inserted.  On success prints the head, the sha256 of the last record: keep\n"
	"it somewhere else and pass it back with --anchor, so that a log cut short\n"
	"or rewritten since is caught too.\n"
	"\n"
	"Options:\n"
	"  --anchor SHA256  a head recorded earlier: some record must hash to it\n"
	"  --format FORMAT  text (default) or json\n"
	"  --help           show this help\n"
	"\n"
	"Exit: 0 intact; 1 the chain is broken or the anchor is missing;\n"
	"      2 usage error or unreadable log; 3 internal error.\n";

static const char audit_usage[] =
	"usage: nhigate-gate audit --log FILE [--since DATE] [--until DATE]\n"
	"                          [--format md|json] [--anchor SHA256] [--output FILE]\n"
	"\n"
	"Summarise the decisions of a period per control id (OWASP NHI Top 10, NIST\n"
	"CSF 2.0 PR.AA-01..06 and ID.RA-07): decisions taken, blocks and the rules\n"
	"behind them, break-glass events with actor, reason and what they let\n"
	"through, waivers applied, expired and overdue.  The log's chain is checked\n"
	"in the same pass and the report says whether it held.\n"
	"\n"
	"Options:\n"
	"  --log FILE       the decision log (required)\n"
	"  --since DATE     first day of the period, YYYY-MM-DD (UTC, inclusive)\n"
	"  --until DATE     last day of the period, YYYY-MM-DD (UTC, inclusive)\n"
	"  --format FORMAT  md (default, a Markdown document) or json\n"
	"  --anchor SHA256  a head recorded earlier: some record must hash to it\n"
	"  --output FILE    write the report there instead of stdout\n"
	"  --help           show this help\n"
	"\n"
	"Exit: 0 report written, log intact; 1 report written, but the chain is\n"
	"      broken or the anchor missing; 2 usage error or unreadable log;\n"
	"      3 internal error.\n";

/* Usage, input and I/O problems are the caller's to fix: exit 2. */
static int fail(const char *prog, const nhg_error *err)
{
	cli_fail(prog, err);
	switch (err->code) {
	case NHG_EUSAGE:
	case NHG_EINPUT:
	case NHG_EIO:
		return EXIT_INPUT;
	default:
		return EXIT_INTERNAL;
	}
}

static int print_json(const char *prog, json_t *j)
{
	char *s = j ? json_dumps(j, JSON_INDENT(2)) : NULL;
	json_decref(j);
	if (!s) {
		fprintf(stderr, "%s: out of memory\n", prog);
		return EXIT_INTERNAL;
	}
	puts(s);
	free(s);
	return 0;
}

static json_t *verify_json(const char *file, const nhg_log_report *r, const char *anchor)
{
	json_t *j = json_object(), *brk = json_null(), *anc = json_null();
	bool intact = r->kind == NHG_LOG_INTACT;

	if (!intact) {
		brk = json_object();
		json_object_set_new(brk, "kind", json_string(nhg_log_break_name(r->kind)));
		json_object_set_new(brk, "record", r->record ? json_integer((json_int_t)r->record)
							     : json_null());
		if (r->kind == NHG_LOG_INSERTED)
			json_object_set_new(brk, "count", json_integer((json_int_t)r->count));
		json_object_set_new(brk, "line", r->line ? json_integer((json_int_t)r->line)
							 : json_null());
		json_object_set_new(brk, "message", json_string(r->message));
	}
	if (anchor) {
		anc = json_object();
		json_object_set_new(anc, "sha256", json_string(anchor));
		json_object_set_new(anc, "found", json_boolean(r->anchor_found));
		json_object_set_new(anc, "record", r->anchor_found ?
				    json_integer((json_int_t)r->anchor_record) : json_null());
	}
	json_object_set_new(j, "file", json_string(file));
	json_object_set_new(j, "intact", json_boolean(intact));
	json_object_set_new(j, "records", json_integer((json_int_t)r->records));
	json_object_set_new(j, "head", json_string(r->head));
	json_object_set_new(j, "break", brk);
	json_object_set_new(j, "anchor", anc);
	return j;
}

int gate_cmd_verify_log(int argc, char **argv)
{
	static const char prog[] = "nhigate-gate verify-log";
	enum { O_ANCHOR = 256, O_FORMAT, O_HELP };
	static const struct option longopts[] = {
		{ "anchor", required_argument, NULL, O_ANCHOR },
		{ "format", required_argument, NULL, O_FORMAT },
		{ "help", no_argument, NULL, O_HELP },
		{ NULL, 0, NULL, 0 }
	};
	const char *anchor = NULL, *file;
	bool json = false;
	nhg_error err = NHG_ERROR_INIT;
	nhg_log_report r;
	int opt;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (opt) {
		case O_ANCHOR: anchor = optarg; break;
		case O_FORMAT:
			if (cli_check_format(prog, optarg, "text, json"))
				return EXIT_INPUT;
			json = !strcmp(optarg, "json");
			break;
		case O_HELP: fputs(verify_usage, stdout); return EXIT_PASS;
		default: return cli_usage_error(prog, "invalid option");
		}
	}
	if (optind + 1 != argc)
		return cli_usage_error(prog, optind == argc ? "no log file given"
							    : "one log file at a time");
	file = argv[optind];
	if (nhg_log_verify(&r, file, anchor, &err))
		return fail(prog, &err);
	if (json) {
		if (print_json(prog, verify_json(file, &r, anchor)))
			return EXIT_INTERNAL;
	} else if (r.kind == NHG_LOG_INTACT) {
		printf("%s: intact, %" PRIu64 " record%s", file, r.records, r.records == 1 ? "" : "s");
		if (anchor)
			printf(", anchor found at record %" PRIu64, r.anchor_record);
		printf("\nhead %s\n", r.head);
	} else {
		printf("%s: chain broken (%s): %s\n", file, nhg_log_break_name(r.kind), r.message);
	}
	return r.kind == NHG_LOG_INTACT ? EXIT_PASS : EXIT_FOUND;
}

int gate_cmd_audit(int argc, char **argv)
{
	static const char prog[] = "nhigate-gate audit";
	enum { O_LOG = 256, O_SINCE, O_UNTIL, O_FORMAT, O_ANCHOR, O_OUTPUT, O_HELP };
	static const struct option longopts[] = {
		{ "log", required_argument, NULL, O_LOG },
		{ "since", required_argument, NULL, O_SINCE },
		{ "until", required_argument, NULL, O_UNTIL },
		{ "format", required_argument, NULL, O_FORMAT },
		{ "anchor", required_argument, NULL, O_ANCHOR },
		{ "output", required_argument, NULL, O_OUTPUT },
		{ "help", no_argument, NULL, O_HELP },
		{ NULL, 0, NULL, 0 }
	};
	const char *log = NULL, *since = NULL, *until = NULL, *anchor = NULL, *output = NULL;
	bool json = false;
	nhg_error err = NHG_ERROR_INIT;
	nhg_buf out = NHG_BUF_INIT(256u << 20);
	nhg_audit *a = NULL;
	int opt, rc;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (opt) {
		case O_LOG: log = optarg; break;
		case O_SINCE: since = optarg; break;
		case O_UNTIL: until = optarg; break;
		case O_ANCHOR: anchor = optarg; break;
		case O_OUTPUT: output = optarg; break;
		case O_FORMAT:
			if (cli_check_format(prog, optarg, "md, json"))
				return EXIT_INPUT;
			json = !strcmp(optarg, "json");
			break;
		case O_HELP: fputs(audit_usage, stdout); return EXIT_PASS;
		default: return cli_usage_error(prog, "invalid option");
		}
	}
	if (optind < argc)
		return cli_usage_error(prog, "unexpected argument '%s'", argv[optind]);
	if (!log)
		return cli_usage_error(prog, "--log FILE is required");
	rc = nhg_audit_run(&a, log, since, until, anchor, &err);
	if (!rc)
		rc = json ? nhg_report_audit_json(&out, a, NHG_VERSION, &err)
			  : nhg_report_audit_md(&out, a, NHG_VERSION, &err);
	if (!rc)
		rc = cli_write(output, &out, &err);
	if (rc) {
		rc = fail(prog, &err);
	} else if (a->verify.kind != NHG_LOG_INTACT) {
		fprintf(stderr, "%s: %s: the chain is broken (%s): %s\n", prog, log,
			nhg_log_break_name(a->verify.kind), a->verify.message);
		rc = EXIT_FOUND;
	} else {
		rc = EXIT_PASS;
	}
	nhg_audit_free(a);
	nhg_buf_free(&out);
	return rc;
}
