#!/usr/bin/env bash
# The steps of the nhigate GitHub action (action.yml): one sub-command each.
#
#   action.sh install   find nhigate-gate on PATH, or build and install it from
#                       the source tree this action lives in; check NHG_VERSION
#   action.sh range     print the gate's source options for this event, one a
#                       line (what `gate` scans)
#   action.sh gate      run nhigate-gate on the event's change: annotations on
#                       stdout, summary and outputs through the runner's files
#   action.sh enforce   fail the step as NHG_FAIL_ON says
#
# Inputs arrive as NHG_* variables, never spliced into the script, and the
# runner's own GITHUB_* variables describe the event.
set -euo pipefail

SRC=()

# A workflow command's data with %, CR and LF escaped as the runner expects.
wf_escape() {
	local s=${1//'%'/'%25'}
	s=${s//$'\r'/'%0D'}
	printf '%s' "${s//$'\n'/'%0A'}"
}
annotate() { printf '::%s title=nhigate::%s\n' "$1" "$(wf_escape "$2")"; }
output() { [[ -z ${GITHUB_OUTPUT:-} ]] || printf '%s=%s\n' "$1" "$2" >>"$GITHUB_OUTPUT"; }
die() {
	annotate error "$1"
	output decision error
	output exit-code 2
	exit 2
}

is_zero() { [[ $1 =~ ^0+$ ]]; }
have_commit() { git cat-file -e "$1^{commit}" 2>/dev/null; }
is_shallow() { [[ $(git rev-parse --is-shallow-repository 2>/dev/null) == true ]]; }

# The commit must be in the clone; a shallow clone is the usual reason it is not.
need_commit() {
	have_commit "$1" && return 0
	if is_shallow; then
		die "commit $1 ($2) is not in this shallow clone: give actions/checkout fetch-depth: 0"
	fi
	die "commit $1 ($2) is not in the clone: fetch it before this step (actions/checkout with fetch-depth: 0)"
}

cmd_install() {
	local gate root prefix want got
	if gate=$(command -v nhigate-gate); then
		echo "nhigate: using $gate"
	else
		root=$(cd "$GITHUB_ACTION_PATH/../.." && pwd)
		[[ -f $root/Makefile && -d $root/lib && -f $root/scripts/deps.sh ]] ||
			die "nhigate-gate is not on PATH and $root is not an nhigate source tree to build from"
		prefix=${RUNNER_TEMP:-/tmp}/nhigate
		echo "nhigate: building from $root into $prefix"
		if [[ $(id -u) -ne 0 ]] && command -v sudo >/dev/null; then
			sudo sh "$root/scripts/deps.sh"
		else
			sh "$root/scripts/deps.sh"
		fi
		make -s -C "$root" install PREFIX="$prefix" BUILD="$prefix/build" >&2
		gate=$prefix/bin/nhigate-gate
		[[ -z ${GITHUB_PATH:-} ]] || echo "$prefix/bin" >>"$GITHUB_PATH"
	fi
	want=${NHG_VERSION:-}
	if [[ -n $want ]]; then
		got=$("$gate" --version | awk '{ print $NF; exit }')
		[[ ${got#v} == "${want#v}" ]] || die "nhigate $got found, version $want wanted"
	fi
}

# Into SRC: the gate's source options for the event ("--deleted" when the
# push only deletes a ref).
event_source() {
	local ev=${GITHUB_EVENT_PATH:-} event=${GITHUB_EVENT_NAME:-}
	local base head before after ref default cand
	jqe() { jq -r "$1 // empty" "$ev"; }
	case $event in
	pull_request | pull_request_target)
		[[ -r $ev ]] || die "no event payload (GITHUB_EVENT_PATH)"
		base=$(jqe .pull_request.base.sha)
		head=$(jqe .pull_request.head.sha)
		[[ -n $base && -n $head ]] || die "the $event payload has no base and head commits"
		need_commit "$base" "the pull request's base"
		need_commit "$head" "the pull request's head"
		SRC=(--range "$base..$head")
		;;
	merge_group)
		[[ -r $ev ]] || die "no event payload (GITHUB_EVENT_PATH)"
		base=$(jqe .merge_group.base_sha)
		head=$(jqe .merge_group.head_sha)
		[[ -n $base && -n $head ]] || die "the merge_group payload has no base and head commits"
		need_commit "$base" "the merge queue's base"
		need_commit "$head" "the merge queue's head"
		SRC=(--range "$base..$head")
		;;
	push)
		[[ -r $ev ]] || die "no event payload (GITHUB_EVENT_PATH)"
		before=$(jqe .before)
		after=$(jqe .after)
		ref=$(jqe .ref)
		default=$(jqe .repository.default_branch)
		if [[ -z $after ]] || is_zero "$after"; then
			SRC=(--deleted)
			return 0
		fi
		need_commit "$after" "the pushed commit"
		if [[ -n $before ]] && ! is_zero "$before" && have_commit "$before"; then
			SRC=(--range "$before..$after")
			return 0
		fi
		is_shallow && die "cannot tell which commits the push to $ref brings in a shallow clone: give actions/checkout fetch-depth: 0"
		# A new branch (an all-zero before) or a force push whose old tip is
		# gone: the commits the default branch does not have.
		if [[ -n $default && $ref != "refs/heads/$default" ]]; then
			for cand in "refs/remotes/origin/$default" "refs/heads/$default"; do
				if git rev-parse -q --verify "$cand^{commit}" >/dev/null; then
					SRC=(--range "$cand..$after")
					return 0
				fi
			done
		fi
		# The default branch itself is new (or was rewritten): its head.
		SRC=(--commit "$after")
		;;
	*)
		# workflow_dispatch, schedule and the rest: the checked-out files.
		SRC=(.)
		;;
	esac
}

cmd_range() {
	event_source
	printf '%s\n' "${SRC[@]}"
}

cmd_gate() {
	local sarif=${NHG_SARIF:-nhigate.sarif} rc line
	local -a args=() extra=()
	event_source
	if [[ ${SRC[0]} == --deleted ]]; then
		echo "nhigate: the push deletes a ref; nothing to scan"
		output decision pass
		output findings 0
		output exit-code 0
		return 0
	fi
	[[ ${SRC[0]} == . ]] && annotate notice "no change to compare for a $GITHUB_EVENT_NAME event: checking the checked-out files"
	args=("${SRC[@]}" --report github=- --report "sarif=$sarif")
	[[ -z ${GITHUB_ACTOR:-} ]] || args+=(--actor "$GITHUB_ACTOR")
	[[ -z ${NHG_CONFIG:-} ]] || args+=(--config "$NHG_CONFIG")
	while IFS= read -r line; do
		[[ -z ${line//[[:space:]]/} ]] || args+=(--rules "$line")
	done <<<"${NHG_RULES:-}"
	read -r -a extra <<<"${NHG_ARGS:-}"
	args+=("${extra[@]}")
	echo "nhigate: nhigate-gate ${args[*]}" >&2
	set +e
	nhigate-gate "${args[@]}"
	rc=$?
	set -e
	[[ -s $sarif ]] && output sarif "$sarif"
	if [[ -n ${GITHUB_OUTPUT:-} ]] && ! grep -q '^decision=' "$GITHUB_OUTPUT"; then
		case $rc in 0) output decision pass ;; 1) output decision block ;; *) output decision error ;; esac
	fi
	output exit-code "$rc"
	# a block is the enforce step's to act on, after the SARIF upload
	[[ $rc -le 1 ]] || exit "$rc"
}

cmd_enforce() {
	local rc=${NHG_EXIT:-2}
	case ${NHG_FAIL_ON:-block} in block | never) ;; *) die "fail-on must be block or never, not '${NHG_FAIL_ON}'" ;; esac
	case $rc in
	0) return 0 ;;
	1)
		if [[ ${NHG_FAIL_ON:-block} == never ]]; then
			annotate warning "nhigate would block this change (fail-on: never, report only)"
			return 0
		fi
		annotate error "nhigate blocked this change (decision: ${NHG_DECISION:-block})"
		exit 1
		;;
	*)
		annotate error "nhigate could not reach a decision (exit $rc)"
		exit "$rc"
		;;
	esac
}

case ${1:-} in
install) cmd_install ;;
range) cmd_range ;;
gate) cmd_gate ;;
enforce) cmd_enforce ;;
*)
	echo "usage: action.sh install|range|gate|enforce" >&2
	exit 2
	;;
esac
