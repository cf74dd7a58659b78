#!/usr/bin/env bash
# Granary's one test command (used by the README and by CI through .ci/run).
#
#   scripts/test.sh [extra dotnet test arguments, e.g. --filter FullyQualifiedName~Grain]
#
# 1. starts the local Redis and PostgreSQL (scripts/services.sh start) and exports
#    GRANARY_TEST_POSTGRES / GRANARY_TEST_REDIS for the tests;
# 2. builds App.sln in Release;
# 3. runs every test project with a TRX logger into a fresh results directory
#    (artifacts/test-results/<run>, newest run also at artifacts/test-results/latest): all but
#    Cluster.Tests in parallel, then Cluster.Tests alone (its recovery-time bounds need the CPU);
#    with extra arguments, one run of App.sln with them;
# 4. sums the TRX counters, lists failed tests and prints, as its very last line,
#        N passed, N failed, N skipped
#
# Exit status is non-zero when the build fails, any test fails, or dotnet test fails.
# A build failure, a run that produced no TRX file, or a dotnet test failure without
# any failed test (e.g. a crashed test host) each count as 1 failed.
set -uo pipefail

export DOTNET_CLI_TELEMETRY_OPTOUT=1
export DOTNET_NOLOGO=1
export DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

START_SECONDS=$SECONDS

say() { printf 'test.sh: %s\n' "$*"; }

wall_time() {
    local s=$((SECONDS - START_SECONDS))
    printf '%dm%02ds' $((s / 60)) $((s % 60))
}

# Prints the wall time and the closing summary line, then exits.
finish() {
    local passed="$1" failed="$2" skipped="$3" rc="$4"
    echo
    say "wall time $(wall_time)"
    printf '%s passed, %s failed, %s skipped\n' "$passed" "$failed" "$skipped"
    exit "$rc"
}

ROOT="$(cd "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd)" || {
    echo "test.sh: cannot find the repository root" >&2
    finish 0 1 0 1
}
cd "$ROOT" || finish 0 1 0 1

# ---------------------------------------------------------------- results directory
RESULTS_BASE="$ROOT/artifacts/test-results"
RUN_ID="$(date -u +%Y%m%dT%H%M%SZ)-$$"
RESULTS_DIR="$RESULTS_BASE/$RUN_ID"
if ! mkdir -p -- "$RESULTS_DIR"; then
    say "cannot create $RESULTS_DIR"
    finish 0 1 0 1
fi
ln -sfn -- "$RUN_ID" "$RESULTS_BASE/latest" 2>/dev/null || true
# Tests that keep files for people (the dashboard's screenshots) put them here.
export GRANARY_TEST_ARTIFACTS="$RESULTS_DIR"
# Keep the 10 newest runs (names sort by time).
find "$RESULTS_BASE" -mindepth 1 -maxdepth 1 -type d -name '2*' -printf '%f\n' 2>/dev/null |
    sort -r | tail -n +11 | while IFS= read -r old; do rm -rf -- "${RESULTS_BASE:?}/$old"; done

# ---------------------------------------------------------------- services
say "starting Redis and PostgreSQL (scripts/services.sh start) ..."
if ! services_out="$(bash scripts/services.sh start)"; then
    say "FAILED: scripts/services.sh start did not bring up Redis and PostgreSQL (see its messages above)"
    finish 0 1 0 1
fi
services_exports="$(grep '^export GRANARY_' <<<"$services_out" || true)"
if [[ -z "$services_exports" ]]; then
    say "FAILED: scripts/services.sh start printed no exports"
    finish 0 1 0 1
fi
eval "$services_exports"
say "GRANARY_TEST_POSTGRES=${GRANARY_TEST_POSTGRES:-}"
say "GRANARY_TEST_REDIS=${GRANARY_TEST_REDIS:-}"

# ---------------------------------------------------------------- tools the tests run
# Debian packages the tests run, installed when missing (root): docker-compose (no Docker engine needed;
# tests/Silo.Tests/Deployment validates docker-compose.yml with `docker-compose config`) and nginx (the proxy of the
# clusters in tests/Cluster.Tests: scripts/cluster.sh and the network-namespace topology of scripts/topology.sh).
# curl, jq, openssl, ss and nc run the examples of README.md and docs/api.md (tests/WebApi.Tests/Walkthrough);
# prometheus scrapes a silo in tests/Silo.Tests/Operations/MetricsTests; chromium is the browser of
# tests/Cluster.Tests/DashboardBrowserTests (Playwright). Without them those tests fail. Packages'
# services (nginx on port 80, prometheus on 9090) are not started: a temporary policy-rc.d forbids it.
missing=()
command -v docker-compose >/dev/null 2>&1 || missing+=(docker-compose)
command -v curl >/dev/null 2>&1 || missing+=(curl)
command -v jq >/dev/null 2>&1 || missing+=(jq)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
command -v ss >/dev/null 2>&1 || missing+=(iproute2)
command -v nc >/dev/null 2>&1 || missing+=(netcat-openbsd)
command -v prometheus >/dev/null 2>&1 || missing+=(prometheus)
[[ -x /usr/bin/chromium ]] || missing+=(chromium)
command -v nginx >/dev/null 2>&1 || [[ -x /usr/sbin/nginx ]] || missing+=(nginx)
if ((${#missing[@]} > 0)); then
    if [[ "$(id -u)" == 0 ]] && command -v apt-get >/dev/null 2>&1; then
        say "installing the Debian packages ${missing[*]} (apt-get) ..."
        policy=/usr/sbin/policy-rc.d made_policy=0
        if [[ ! -e "$policy" ]]; then
            printf '#!/bin/sh\n# Temporary, written by scripts/test.sh while installing packages.\nexit 101\n' >"$policy"
            chmod 0755 "$policy"
            made_policy=1
        fi
        if ! { DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
            DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"; } >&2; then
            say "apt-get install ${missing[*]} failed: the tests that need them will fail"
        fi
        if ((made_policy)); then rm -f -- "$policy"; fi
    else
        say "${missing[*]} missing (install as root: apt-get install ${missing[*]}): the tests that need them will fail"
    fi
fi

# ---------------------------------------------------------------- build
BUILD_LOG="$RESULTS_DIR/build.log"
say "building App.sln (Release) ..."
# Output goes to a file that is followed with tail, not through a pipe: MSBuild/compiler
# server processes that outlive the build would hold a pipe open and stall its reader.
: >"$BUILD_LOG"
dotnet build App.sln -c Release -nologo >"$BUILD_LOG" 2>&1 &
build_pid=$!
tail -n +1 -f --pid="$build_pid" -- "$BUILD_LOG" 2>/dev/null
wait "$build_pid"
build_rc=$?
if ((build_rc != 0)); then
    echo
    say "BUILD FAILED (dotnet build exit code $build_rc). Errors:"
    errors="$(grep -E ':[[:space:]]*(fatal )?error( [A-Za-z]+[0-9]+)?[[:space:]]*:' -- "$BUILD_LOG" |
        sed -E 's/^[[:space:]]+//' | sort -u)"
    if [[ -n "$errors" ]]; then
        printf '%s\n' "$errors"
    else
        tail -n 40 -- "$BUILD_LOG"
    fi
    say "full build log: $BUILD_LOG"
    finish 0 1 0 1
fi
say "build succeeded"

# ---------------------------------------------------------------- test
run_tests() {
    dotnet test "$@" -c Release --no-build \
        --logger "trx;LogFilePrefix=granary" \
        --results-directory "$RESULTS_DIR"
}
if (($# > 0)); then
    say "running dotnet test $* (results in $RESULTS_DIR) ..."
    run_tests App.sln "$@"
    test_rc=$?
else
    # Two phases: Cluster.Tests runs real clusters whose recovery times (a silo's restart, a cluster re-formed after
    # Redis lost its data) are bounded by the tests; beside the other assemblies on 2 cores, start-up alone took
    # 16-20 s of a 30 s bound. The others run in parallel first, then Cluster.Tests on a quiet machine.
    say "running dotnet test, every assembly but Cluster.Tests (results in $RESULTS_DIR) ..."
    run_tests App.sln --filter "FullyQualifiedName!~Granary.Cluster.Tests"
    test_rc=$?
    say "running dotnet test, Cluster.Tests alone ..."
    run_tests tests/Cluster.Tests/Cluster.Tests.csproj
    cluster_rc=$?
    ((test_rc != 0)) || test_rc=$cluster_rc
fi
say "dotnet test exit code: $test_rc"

# ---------------------------------------------------------------- summary
# Prints the report (failed tests, problems) and, as its last line, "COUNTS passed failed skipped files".
summarise_python() {
    "$PYTHON" - "$RESULTS_DIR" <<'PY'
import os
import sys
import xml.etree.ElementTree as ET

results_dir = sys.argv[1]
trx_files = sorted(
    os.path.join(d, f)
    for d, _, files in os.walk(results_dir)
    for f in files
    if f.endswith(".trx")
)

def local(tag):
    return tag.rsplit("}", 1)[-1]

def count(counters, *names):
    total = 0
    for name in names:
        try:
            total += int(counters.get(name, "0") or 0)
        except ValueError:
            pass
    return total

passed = failed = skipped = 0
failures = []
for path in trx_files:
    try:
        root = ET.parse(path).getroot()
    except (ET.ParseError, OSError) as error:
        print(f"test.sh: could not read {path} ({error}); counted as 1 failed")
        failed += 1
        continue
    counters = next((e for e in root.iter() if local(e.tag) == "Counters"), None)
    if counters is None:
        print(f"test.sh: {path} has no <Counters>; counted as 1 failed")
        failed += 1
    else:
        passed += count(counters, "passed")
        failed += count(counters, "failed", "error", "timeout", "aborted")
        skipped += count(counters, "notExecuted", "inconclusive")
    for result in root.iter():
        if local(result.tag) != "UnitTestResult":
            continue
        outcome = result.get("outcome", "")
        if outcome not in ("Failed", "Error", "Timeout", "Aborted"):
            continue
        message = ""
        for child in result.iter():
            if local(child.tag) == "Message" and (child.text or "").strip():
                message = child.text.strip().splitlines()[0]
                break
        name = result.get("testName", "?")
        if outcome != "Failed":
            name += f" [{outcome}]"
        failures.append((name, message))

if failures:
    print()
    print(f"Failed tests ({len(failures)}):")
    for name, message in failures:
        print(f"  - {name}")
        if message:
            print(f"      {message[:300]}")
print(f"COUNTS {passed} {failed} {skipped} {len(trx_files)}")
PY
}

# Same without python: attributes read with grep/sed (no XML entity decoding).
summarise_shell() {
    local passed=0 failed=0 skipped=0 files=0 file counters value names a
    attr() { sed -nE "s/.* $1=\"([0-9]+)\".*/\\1/p" <<<"$counters"; }
    names=""
    while IFS= read -r -d '' file; do
        files=$((files + 1))
        counters="$(grep -o '<Counters [^>]*>' -- "$file" | head -n 1)"
        if [[ -z "$counters" ]]; then
            echo "test.sh: $file has no <Counters>; counted as 1 failed"
            failed=$((failed + 1))
            continue
        fi
        value="$(attr passed)"
        passed=$((passed + ${value:-0}))
        for a in failed error timeout aborted; do value="$(attr "$a")"; failed=$((failed + ${value:-0})); done
        for a in notExecuted inconclusive; do value="$(attr "$a")"; skipped=$((skipped + ${value:-0})); done
        names+="$(grep -oE '<UnitTestResult [^>]*outcome="(Failed|Error|Timeout|Aborted)"[^>]*>' -- "$file" |
            sed -nE 's/.* testName="([^"]*)".*/  - \1/p')"$'\n'
    done < <(find "$RESULTS_DIR" -type f -name '*.trx' -print0)
    names="$(sed '/^$/d' <<<"$names")"
    if [[ -n "$names" ]]; then
        echo
        echo "Failed tests ($(wc -l <<<"$names")):"
        printf '%s\n' "$names"
    fi
    echo "COUNTS $passed $failed $skipped $files"
}

PYTHON=""
for candidate in python3 /usr/bin/python3; do
    if "$candidate" -c 'import xml.etree.ElementTree' >/dev/null 2>&1; then
        PYTHON="$candidate"
        break
    fi
done

if [[ -n "$PYTHON" ]]; then
    report="$(summarise_python)"
else
    report="$(summarise_shell)"
fi
counts_line="$(grep '^COUNTS ' <<<"$report" | tail -n 1)"
grep -v '^COUNTS ' <<<"$report"
read -r _ passed failed skipped trx_count <<<"${counts_line:-COUNTS 0 0 0 0}"

if ((trx_count == 0)); then
    say "no TRX files were produced in $RESULTS_DIR; counted as 1 failed"
    failed=$((failed + 1))
elif ((test_rc != 0 && failed == 0)); then
    say "dotnet test failed (exit code $test_rc) without a failed test (crashed test host or aborted run?); counted as 1 failed"
    failed=$((failed + 1))
fi
say "TRX files: $trx_count in $RESULTS_DIR"

rc=0
if ((failed > 0 || test_rc != 0)); then
    rc=1
fi
finish "$passed" "$failed" "$skipped" "$rc"
