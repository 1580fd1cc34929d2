/* nhigate-gate: the merge verdict, and the commands around it. */
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "nhigate/clock.h"
#include "gate_cmds.h"
#include "nhigate/decision_log.h"
#include "nhigate/gate.h"
#include "nhigate/gate_report.h"
#include "nhigate/source.h"

#define PROG "nhigate-gate"
#define MAX_REPORTS 16
#define MAX_FINDINGS_FILES 32

static const char usage[] =
	"usage: nhigate-gate [OPTIONS] (PATH... | --range A..B | --commit REV | --staged |\n"
	"                     --pre-receive) [--findings FILE]...\n"
	"       nhigate-gate debt [OPTIONS]\n"
	"       nhigate-gate verify-log FILE [--anchor SHA256] [--format text|json]\n"
	"       nhigate-gate audit --log FILE [--since DATE] [--until DATE] [--format md|json]\n"
	"\n"
	"Run the secret scanner and the pipeline checks on one change, apply the policy\n"
	"and the waivers, and give one verdict: pass, block, error or breakglass. In git\n"
	"modes the policy (.nhigate.yaml) and waivers (.nhigate/waivers.yaml) are read\n"
	"from the base side of the change, never from the change itself.\n"
	"\n"
	"Sources (one, and/or --findings):\n"
	"  PATH...               files and directories\n"
	"  --range A..B          a change: A is the target branch, B the change\n"
	"  --commit REV          one commit against its first parent\n"
	"  --staged              the index against HEAD\n"
	"  --pre-receive         stdin lines 'OLD NEW REF' (a git pre-receive hook)\n"
	"  --findings FILE       findings of another tool (SARIF 2.1.0) or of nhigate\n"
	"                        (JSON), gated by the same policy (repeatable)\n"
	"\n"
	"Options:\n"
	"  --report FORMAT=PATH  also write a report (repeatable; PATH - is stdout):\n"
	"                        json sarif gitlab-secret-detection gitlab-sast\n"
	"                        gitlab-codequality junit github text\n"
	"  --format FORMAT       the report on stdout (default: text)\n"
	"  --output FILE         write that report to FILE instead\n"
	"  --decision-log FILE   append the decision record to FILE (chained, locked)\n"
	"  --repo DIR            repository (default: .)\n"
	"  --config FILE         configuration instead of the repository's .nhigate.yaml\n"
	"  --waivers FILE        waivers instead of the repository's .nhigate/waivers.yaml\n"
	"  --rules PATH          rule pack directory or file (repeatable)\n"
	"  --actor NAME          who asks (default: $GITHUB_ACTOR, $GITLAB_USER_LOGIN,\n"
	"                        $GITHUB_USER_LOGIN, $GL_USERNAME)\n"
	"  --ref REF             the ref being changed (default: from the push, $GITHUB_REF,\n"
	"                        $CI_COMMIT_REF_NAME), for waivers scoped to refs\n"
	"  --today YYYY-MM-DD    the date waivers are judged on (default: today, UTC)\n"
	"  --deadline SECONDS    time budget, start-up included (default: 4 with\n"
	"                        --pre-receive, else none; 0: none); when it runs out the\n"
	"                        policy's on_timeout decides (default: block), and logs\n"
	"  --quiet               no progress on stderr\n"
	"  --help, --version\n"
	"\n"
	"With --pre-receive the report goes to stderr as one line per reason and\n"
	"finding ('error: ...'; under GitLab each line starts 'GL-HOOK-ERR: ').\n"
	"\n"
	"Break-glass: NHIGATE_BREAKGLASS=<reason>, or the push option\n"
	"nhigate.breakglass=<reason>, lets an actor the policy allows through a block.\n"
	"\n"
	"Exit: 0 pass or breakglass (or report-only), 1 block, 2 usage, input or\n"
	"      configuration error, 3 internal error (an error never exits 0).\n";

typedef struct report_req {
	nhg_greport format;
	const char *path;
} report_req;

typedef struct options {
	cli_common c;
	nhg_gate_opts g;
	nhg_greport format;
	report_req reports[MAX_REPORTS];
	size_t nreports;
	const char *findings[MAX_FINDINGS_FILES];
	const char *decision_log;
	const char *actor, *ref, *today;
	double deadline;        /* seconds; < 0: the default */
	bool format_set;
} options;

static int set_git(options *o, nhg_git_mode mode, const char *spec)
{
	if (o->g.git)
		return cli_usage_error(PROG, "give one of --range, --commit, --staged, --pre-receive");
	o->g.git = mode;
	o->g.spec = spec;
	return 0;
}

static int add_report(options *o, const char *arg)
{
	const char *eq = strchr(arg, '=');
	char name[64];
	if (!eq || eq == arg || !eq[1] || (size_t)(eq - arg) >= sizeof(name))
		return cli_usage_error(PROG, "--report takes FORMAT=PATH, got '%s'", arg);
	if (o->nreports == MAX_REPORTS)
		return cli_usage_error(PROG, "too many --report");
	memcpy(name, arg, (size_t)(eq - arg));
	name[eq - arg] = '\0';
	if (nhg_greport_parse(&o->reports[o->nreports].format, name))
		return cli_usage_error(PROG, "unknown report format '%s'", name);
	o->reports[o->nreports++].path = eq + 1;
	return 0;
}

static int parse_args(options *o, int argc, char **argv)
{
	enum { O_RANGE = 256, O_COMMIT, O_STAGED, O_PUSH, O_FINDINGS, O_REPORT, O_FORMAT,
	       O_OUTPUT, O_LOG, O_REPO, O_CONFIG, O_WAIVERS, O_RULES, O_ACTOR, O_REF, O_TODAY,
	       O_DEADLINE, O_QUIET, O_HELP, O_VERSION };
	static const struct option longopts[] = {
		{ "range", required_argument, NULL, O_RANGE },
		{ "commit", required_argument, NULL, O_COMMIT },
		{ "staged", no_argument, NULL, O_STAGED },
		{ "pre-receive", no_argument, NULL, O_PUSH },
		{ "findings", required_argument, NULL, O_FINDINGS },
		{ "report", required_argument, NULL, O_REPORT },
		{ "format", required_argument, NULL, O_FORMAT },
		{ "output", required_argument, NULL, O_OUTPUT },
		{ "decision-log", required_argument, NULL, O_LOG },
		{ "repo", required_argument, NULL, O_REPO },
		{ "config", required_argument, NULL, O_CONFIG },
		{ "waivers", required_argument, NULL, O_WAIVERS },
		{ "rules", required_argument, NULL, O_RULES },
		{ "actor", required_argument, NULL, O_ACTOR },
		{ "ref", required_argument, NULL, O_REF },
		{ "today", required_argument, NULL, O_TODAY },
		{ "deadline", required_argument, NULL, O_DEADLINE },
		{ "quiet", no_argument, NULL, O_QUIET },
		{ "help", no_argument, NULL, O_HELP },
		{ "version", no_argument, NULL, O_VERSION },
		{ NULL, 0, NULL, 0 }
	};
	int opt, rc;

	o->c.prog = PROG;
	o->format = NHG_GREPORT_TEXT;
	o->g.version = NHG_GATE_OPTS_VERSION;
	o->g.repo = ".";
	o->deadline = -1;
	while ((opt = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		rc = 0;
		switch (opt) {
		case O_RANGE: rc = set_git(o, NHG_GIT_RANGE, optarg); break;
		case O_COMMIT: rc = set_git(o, NHG_GIT_COMMIT, optarg); break;
		case O_STAGED: rc = set_git(o, NHG_GIT_STAGED, NULL); break;
		case O_PUSH: rc = set_git(o, NHG_GIT_PUSH, NULL); break;
		case O_FINDINGS:
			if (o->g.nfindings == MAX_FINDINGS_FILES)
				return cli_usage_error(PROG, "too many --findings");
			o->findings[o->g.nfindings++] = optarg;
			break;
		case O_REPORT: rc = add_report(o, optarg); break;
		case O_FORMAT:
			if (nhg_greport_parse(&o->format, optarg))
				return cli_usage_error(PROG, "unknown format '%s'", optarg);
			o->format_set = true;
			break;
		case O_OUTPUT: o->c.output = optarg; break;
		case O_LOG: o->decision_log = optarg; break;
		case O_REPO: o->g.repo = optarg; break;
		case O_CONFIG: o->g.config = optarg; break;
		case O_WAIVERS: o->g.waivers = optarg; break;
		case O_RULES:
			if (cli_add_rules(&o->c, optarg))
				return EXIT_INPUT;
			break;
		case O_ACTOR: o->actor = optarg; break;
		case O_REF: o->ref = optarg; break;
		case O_TODAY:
			if (!nhg_date_ok(optarg))
				return cli_usage_error(PROG, "--today '%s' is not a date YYYY-MM-DD", optarg);
			o->today = optarg;
			break;
		case O_DEADLINE: {
			char *end;
			o->deadline = strtod(optarg, &end);
			if (!*optarg || *end || !(o->deadline >= 0) || o->deadline > 86400)
				return cli_usage_error(PROG, "--deadline takes seconds (0-86400), got '%s'",
						       optarg);
			break;
		}
		case O_QUIET: o->c.quiet = true; break;
		case O_HELP: fputs(usage, stdout); exit(EXIT_PASS);
		case O_VERSION: printf("%s %s\n", PROG, NHG_VERSION); exit(EXIT_PASS);
		default: return cli_usage_error(PROG, "invalid option (see --help)");
		}
		if (rc)
			return rc;
	}
	o->g.paths = (const char *const *)argv + optind;
	o->g.npaths = (size_t)(argc - optind);
	o->g.findings = o->findings;
	if (o->g.npaths && o->g.git)
		return cli_usage_error(PROG, "give paths or a git mode, not both");
	if (!o->g.npaths && !o->g.git && !o->g.nfindings)
		return cli_usage_error(PROG, "nothing to judge: give PATH..., --range, --commit, "
				       "--staged, --pre-receive or --findings");
	/* a hook tells the pusher on stderr, within the server's budget */
	if (o->g.git == NHG_GIT_PUSH && !o->format_set && !o->c.output) {
		o->format = NHG_GREPORT_HOOK;
		o->c.output = "/dev/stderr";
	}
	if (o->deadline < 0)
		o->deadline = o->g.git == NHG_GIT_PUSH ? 4 : 0;
	return 0;
}

static const char *first_env(const char *const *names)
{
	for (; *names; names++) {
		const char *v = getenv(*names);
		if (v && *v)
			return v;
	}
	return NULL;
}

/* The repository's name: from CI, else the directory's name. */
static char *repository_name(const char *repo)
{
	static const char *const env[] = { "GITHUB_REPOSITORY", "CI_PROJECT_PATH", NULL };
	const char *name = first_env(env);
	char real[PATH_MAX];
	if (name)
		return strdup(name);
	if (!realpath(repo, real))
		return strdup(repo);
	return strdup(basename(real));
}

/*
 * A break-glass request.  In a push it comes from the pusher's push options
 * only (nhigate.breakglass=REASON), never from the server's environment;
 * elsewhere from NHIGATE_BREAKGLASS.  Given but empty still counts: it is
 * refused, loudly.
 */
static int breakglass_request(nhg_verdict *v, const options *o)
{
	static const char opt[] = "nhigate.breakglass";
	const char *count = getenv("GIT_PUSH_OPTION_COUNT"), *env;
	int n = count ? atoi(count) : 0;

	if (o->g.git != NHG_GIT_PUSH)
		return (env = getenv("NHIGATE_BREAKGLASS")) != NULL ?
		       nhg_verdict_request_breakglass(v, env, "NHIGATE_BREAKGLASS") : 0;
	for (int i = 0; i < n && i < 1000; i++) {
		char name[40];
		const char *val;
		snprintf(name, sizeof(name), "GIT_PUSH_OPTION_%d", i);
		if (!(val = getenv(name)) || strncmp(val, opt, sizeof(opt) - 1))
			continue;
		if (val[sizeof(opt) - 1] == '=')
			return nhg_verdict_request_breakglass(v, val + sizeof(opt), "push-option");
		if (!val[sizeof(opt) - 1])
			return nhg_verdict_request_breakglass(v, "", "push-option");
	}
	return 0;
}

static int fill_subject(nhg_verdict *v, const options *o)
{
	static const char *const actors[] = { "GITHUB_ACTOR", "GITLAB_USER_LOGIN",
					      "GITHUB_USER_LOGIN", "GL_USERNAME", NULL };
	static const char *const refs[] = { "GITHUB_REF", "CI_COMMIT_REF_NAME", NULL };
	const char *actor = o->actor ? o->actor : first_env(actors);
	const char *ref = o->ref ? o->ref : o->g.git == NHG_GIT_PUSH ? NULL : first_env(refs);

	if (o->today)
		memcpy(v->today, o->today, sizeof(v->today));
	if (!(v->subject.repository = repository_name(o->g.repo)) ||
	    (actor && !(v->subject.actor = strdup(actor))) ||
	    (ref && !(v->subject.ref = strdup(ref))))
		return NHG_ENOMEM;
	return breakglass_request(v, o);
}

/* GitLab shows a pusher only the hook's lines that start GL-HOOK-ERR:. */
static bool under_gitlab(void)
{
	static const char *const env[] = { "GL_ID", "GL_PROTOCOL", NULL };
	return first_env(env) != NULL;
}

static int prefix_lines(nhg_buf *b, const char *prefix)
{
	nhg_buf t = NHG_BUF_INIT(b->max);
	const char *p = b->ptr;
	int rc = 0;
	while (*p && !rc) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) + 1 : strlen(p);
		if ((rc = nhg_buf_puts(&t, prefix)) == 0)
			rc = nhg_buf_put(&t, p, n);
		p += n;
	}
	if (!rc) {
		nhg_buf_free(b);
		*b = t;
	} else {
		nhg_buf_free(&t);
	}
	return rc;
}

/* Render one report to path ("-": stdout). */
static int write_report(const nhg_verdict *v, nhg_greport f, const char *path, nhg_error *err)
{
	nhg_buf b = NHG_BUF_INIT((size_t)1 << 30);
	int rc = nhg_report_gate(&b, v, f, NHG_VERSION, err);
	/* as a hook itself (on stderr); a wrapper that relays the lines prefixes them */
	if (!rc && f == NHG_GREPORT_HOOK && path && !strcmp(path, "/dev/stderr") && under_gitlab() &&
	    prefix_lines(&b, "GL-HOOK-ERR: "))
		rc = nhg_error_set(err, NHG_ENOMEM, "out of memory");
	if (!rc)
		rc = cli_write(path, &b, err);
	nhg_buf_free(&b);
	return rc;
}

/* Append b to the file named by environment variable name, when set. */
static int append_env_file(const char *name, const nhg_buf *b, nhg_error *err)
{
	const char *path = getenv(name);
	FILE *f;
	int rc = 0;
	if (!path || !*path)
		return 0;
	if (!(f = fopen(path, "ab")))
		return nhg_error_at(err, NHG_EIO, path, 0, 0, "cannot append (%s)", name);
	if (fwrite(b->ptr, 1, b->len, f) != b->len)
		rc = nhg_error_at(err, NHG_EIO, path, 0, 0, "write failed (%s)", name);
	if (fclose(f) != 0 && !rc)
		rc = nhg_error_at(err, NHG_EIO, path, 0, 0, "write failed (%s)", name);
	return rc;
}

/* GitHub extras: the job summary and the step outputs. */
static int github_files(const nhg_verdict *v, const options *o, nhg_error *err)
{
	nhg_buf b = NHG_BUF_INIT(64u << 20);
	const char *sarif = "";
	int rc = nhg_report_github_summary(&b, v, err);

	if (!rc)
		rc = append_env_file("GITHUB_STEP_SUMMARY", &b, err);
	for (size_t i = 0; i < o->nreports; i++)
		if (o->reports[i].format == NHG_GREPORT_SARIF)
			sarif = o->reports[i].path;
	nhg_buf_clear(&b);
	if (!rc && nhg_buf_printf(&b, "decision=%s\nfindings=%zu\nblocking=%zu\nsarif=%s\n",
				  nhg_decision_name(v->decision), v->nfindings,
				  nhg_verdict_count(v, NHG_STATUS_BLOCKING), sarif))
		rc = nhg_error_set(err, NHG_ENOMEM, "out of memory");
	if (!rc)
		rc = append_env_file("GITHUB_OUTPUT", &b, err);
	nhg_buf_free(&b);
	return rc;
}

static int write_all(const nhg_verdict *v, const options *o, nhg_error *err)
{
	bool github = false;
	int rc = write_report(v, o->format, o->c.output, err);
	for (size_t i = 0; !rc && i < o->nreports; i++) {
		rc = write_report(v, o->reports[i].format, o->reports[i].path, err);
		github |= o->reports[i].format == NHG_GREPORT_GITHUB;
	}
	if (!rc && (github || o->format == NHG_GREPORT_GITHUB))
		rc = github_files(v, o, err);
	return rc;
}

static int log_decision(const nhg_verdict *v, const char *path, nhg_error *err)
{
	nhg_buf b = NHG_BUF_INIT(64u << 20);
	int rc = nhg_report_decision_record(&b, v, NHG_VERSION, err);
	if (!rc)
		rc = nhg_log_append(path, b.ptr, b.len, NULL, err);
	nhg_buf_free(&b);
	return rc;
}

static int exit_for(const nhg_verdict *v, int errcode)
{
	switch (v->decision) {
	case NHG_DECISION_PASS:
	case NHG_DECISION_BREAKGLASS: return EXIT_PASS;
	case NHG_DECISION_BLOCK: return EXIT_FOUND;
	default: return errcode ? cli_exit_for(errcode) : EXIT_INTERNAL;
	}
}

static int decide(int argc, char **argv)
{
	options o;
	nhg_verdict v;
	nhg_policy policy;
	nhg_waivers waivers;
	nhg_error err = NHG_ERROR_INIT, werr = NHG_ERROR_INIT;
	nhg_buf push = NHG_BUF_INIT(0);
	cli_progress prog = { { 0, 0 }, false };
	const char *log;
	uint64_t start = nhg_clock_ns();
	int rc, errcode = 0;

	memset(&o, 0, sizeof(o));
	if ((rc = parse_args(&o, argc, argv)) != 0)
		return rc;
	nhg_policy_init(&policy);
	memset(&waivers, 0, sizeof(waivers));
	if (nhg_verdict_init(&v) || fill_subject(&v, &o)) {
		fprintf(stderr, "%s: out of memory\n", PROG);
		nhg_verdict_free(&v);
		return EXIT_INTERNAL;
	}
	if (o.deadline > 0)
		o.g.deadline = start + (uint64_t)(o.deadline * 1e9);
	if (cli_progress_enabled(&o.c)) {
		o.g.progress = cli_show_progress;
		o.g.payload = &prog;
	}
	/* the ref updates arrive on stdin, as git hands them to the hook */
	if (o.g.git == NHG_GIT_PUSH && (rc = cli_read_push_input(&push, &err)) == 0)
		o.g.spec = push.ptr;
	if (!rc && (rc = cli_resolve_rules(&o.c, &err)) == 0) {
		o.g.rules = o.c.rules;
		o.g.nrules = o.c.nrules;
		rc = nhg_gate_run(&v, &policy, &waivers, &o.g, &err);
	}
	cli_progress_done(&prog);
	if (rc) {
		/* fail closed: the error is the verdict, reported and logged like any other */
		errcode = rc;
		cli_fail(PROG, &err);
		nhg_verdict_fail(&v, &err);
	}
	if (write_all(&v, &o, &werr)) {
		cli_fail(PROG, &werr);
		errcode = errcode ? errcode : werr.code;
		v.decision = NHG_DECISION_ERROR;
	}
	log = o.decision_log ? o.decision_log : policy.decision_log;
	if (log && log_decision(&v, log, &werr)) {
		cli_fail(PROG, &werr);
		errcode = errcode ? errcode : werr.code;
		v.decision = NHG_DECISION_ERROR;
	}
	rc = exit_for(&v, errcode);
	nhg_verdict_free(&v);
	nhg_waivers_free(&waivers);
	nhg_policy_free(&policy);
	nhg_buf_free(&push);
	return rc;
}

static const struct {
	const char *name;
	int (*fn)(int argc, char **argv);
} commands[] = {
	{ "debt", gate_cmd_debt },
	{ "verify-log", gate_cmd_verify_log },
	{ "audit", gate_cmd_audit },
};

int main(int argc, char **argv)
{
	nhg_source_git_global_init();
	for (size_t i = 0; argc > 1 && i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].fn(argc - 1, argv + 1);
	return decide(argc, argv);
}
