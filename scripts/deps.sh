#!/bin/sh
# Make sure the build and test dependencies are present.  As root on Debian,
# install what is missing; otherwise print the exact command and fail.
set -eu

pkgs="gcc make pkg-config git jq python3 libgit2-dev libssl-dev libyaml-dev libjansson-dev libpcre2-dev libcmocka-dev zlib1g-dev python3-jsonschema rsync shellcheck"
[ "${NHG_DEPS_EXTRA:-}" = "" ] || pkgs="$pkgs $NHG_DEPS_EXTRA"

if ! command -v dpkg-query >/dev/null 2>&1; then
	for m in libgit2 libcrypto yaml-0.1 jansson libpcre2-8 cmocka; do
		pkg-config --exists "$m" || { echo "deps: $m not found by pkg-config; install it" >&2; exit 1; }
	done
	exit 0
fi

missing=""
for p in $pkgs; do
	st=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
	[ "$st" = "installed" ] || missing="$missing $p"
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "deps: missing packages:$missing" >&2
	echo "deps: run: sudo apt-get install -y$missing" >&2
	exit 1
fi
echo "deps: installing$missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >&2
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >&2
