/* nhigate-pipeline: credential scope and lifetime in pipeline YAML. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common.h"
#include "nhigate/report.h"

#define PROG "nhigate-pipeline"
#define MAX_PIPELINE_FILE (8u << 20)

static const char usage[] =
	"usage: nhigate-pipeline [OPTIONS] PATH...\n"
	"\n"
	"Check GitHub Actions workflows and actions, and GitLab CI pipelines, for\n"
	"credential scope and lifetime problems. Directories are searched for\n"
	".github/workflows/*.y{a,}ml, action.y{a,}ml and .gitlab-ci.yml; files named on\n"
	"the command line are checked as given. GitLab local includes are read below\n"
	"the directory given (or the file's directory); remote, project, component and\n"
	"template includes are never fetched.\n"
	"\n"
	"Options:\n"
	"  --platform github|gitlab\n"
	"                       check every YAML file given or found as that platform\n"
	"  --format text|json   output format (default: text)\n"
	"  --output FILE        write the report to FILE instead of stdout\n"
	"  --rules PATH         rule packs holding pipeline/ check definitions (repeatable)\n"
	"  --quiet              no progress on stderr\n"
	"  --help, --version\n"
	"\n"
	"Exit: 0 nothing found, 1 findings, 2 usage or input error (with file:line:col),\n"
	"      3 internal error or a file that could not be checked.\n";

typedef struct run_ctx {
	const nhg_catalogue *cat;
	nhg_presult *result;
	nhg_error *err;
	const char *repo_root;   /* where GitLab local includes are read from */
} run_ctx;

static int check_one(const char *path, nhg_platform platform, void *payload)
{
	run_ctx *x = payload;
	nhg_buf b = NHG_BUF_INIT(MAX_PIPELINE_FILE);
	const char *shown = strncmp(path, "./", 2) ? path : path + 2;
	int rc;

	if ((rc = nhg_buf_read_file(&b, path, x->err)) == 0)
		rc = nhg_pipeline_check_in(x->cat, platform, x->repo_root, shown, b.ptr, b.len,
					   x->result, x->err);
	nhg_buf_free(&b);
	if (rc == NHG_ELIMIT)
		return nhg_presult_add_skip(x->result, shown, "too large");
	return rc;
}

/*
 * The repository root of a path given on the command line: the directory
 * itself, or a file's directory; "./" dropped as in the paths shown.
 */
static char *repo_root_of(const char *arg)
{
	struct stat st;
	const char *slash;
	while (!strncmp(arg, "./", 2))
		arg += 2;
	if (stat(arg, &st) == 0 && S_ISDIR(st.st_mode))
		return strdup(*arg ? arg : ".");
	slash = strrchr(arg, '/');
	return slash ? strndup(arg, (size_t)(slash - arg + (slash == arg))) : strdup(".");
}

int main(int argc, char **argv)
{
	enum { O_PLATFORM = 256, O_FORMAT, O_OUTPUT, O_RULES, O_QUIET, O_HELP, O_VERSION };
	static const struct option longopts[] = {
		{ "platform", required_argument, NULL, O_PLATFORM },
		{ "format", required_argument, NULL, O_FORMAT },
		{ "output", required_argument, NULL, O_OUTPUT },
		{ "rules", required_argument, NULL, O_RULES },
		{ "quiet", no_argument, NULL, O_QUIET },
		{ "help", no_argument, NULL, O_HELP },
		{ "version", no_argument, NULL, O_VERSION },
		{ NULL, 0, NULL, 0 }
	};
	cli_common c = { .prog = PROG, .format = "text" };
	nhg_platform platform = NHG_PLATFORM_UNKNOWN;
	nhg_error err = NHG_ERROR_INIT;
	nhg_catalogue *cat = NULL;
	nhg_presult result;
	nhg_buf out = NHG_BUF_INIT((size_t)1 << 30);
	run_ctx x;
	char *root = NULL;
	int opt, rc = 0;

	while ((opt = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (opt) {
		case O_PLATFORM:
			if (!strcmp(optarg, "github"))
				platform = NHG_PLATFORM_GITHUB;
			else if (!strcmp(optarg, "gitlab"))
				platform = NHG_PLATFORM_GITLAB;
			else
				return cli_usage_error(PROG, "unknown platform '%s' (github, gitlab)",
						       optarg);
			break;
		case O_FORMAT:
			if (strcmp(optarg, "text") && strcmp(optarg, "json"))
				return cli_usage_error(PROG, "unknown format '%s' (text, json)", optarg);
			c.format = optarg;
			break;
		case O_OUTPUT: c.output = optarg; break;
		case O_RULES:
			if (c.nrules == MAX_RULE_DIRS)
				return cli_usage_error(PROG, "too many --rules");
			c.rules[c.nrules++] = optarg;
			break;
		case O_QUIET: c.quiet = true; break;
		case O_HELP: fputs(usage, stdout); return EXIT_PASS;
		case O_VERSION: printf("%s %s\n", PROG, NHG_VERSION); return EXIT_PASS;
		default: return cli_usage_error(PROG, "invalid option");
		}
	}
	if (optind >= argc)
		return cli_usage_error(PROG, "no path given");
	if (cli_load_catalogue(&cat, &c, &err) || nhg_catalogue_complete(cat, &err)) {
		rc = cli_fail(PROG, &err);
		nhg_catalogue_free(cat);
		return rc;
	}
	nhg_presult_init(&result);
	x.cat = cat;
	x.result = &result;
	x.err = &err;
	for (int i = optind; i < argc && !rc; i++) {
		struct stat st;
		/* a file named outside the usual places needs --platform: never ignore it */
		if (!platform && stat(argv[i], &st) == 0 && S_ISREG(st.st_mode) &&
		    !nhg_pipeline_platform_of(argv[i])) {
			rc = nhg_error_set(&err, NHG_EUSAGE,
					   "%s is not in a place pipelines live; give --platform github "
					   "or --platform gitlab", argv[i]);
			break;
		}
		if (!(root = repo_root_of(argv[i]))) {
			rc = nhg_error_set(&err, NHG_ENOMEM, "out of memory");
			break;
		}
		x.repo_root = root;
		rc = nhg_pipeline_discover(argv[i], platform, check_one, &x, &err);
		free(root);
		root = NULL;
	}
	if (!rc) {
		nhg_presult_sort(&result);
		nhg_presult_dedupe(&result);
		rc = !strcmp(c.format, "json") ? nhg_report_pipeline_json(&out, &result, NHG_VERSION, &err)
					       : nhg_report_pipeline_text(&out, &result, &err);
		if (!rc)
			rc = cli_write(c.output, &out, &err);
	}
	if (rc)
		rc = cli_fail(PROG, &err);
	else
		rc = result.n ? EXIT_FOUND : result.nskipped ? EXIT_INTERNAL : EXIT_PASS;
	nhg_buf_free(&out);
	nhg_presult_free(&result);
	nhg_catalogue_free(cat);
	return rc;
}
