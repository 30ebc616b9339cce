#!/usr/bin/env bash
# Runs every test of FragmentCache on a fresh Debian machine.
# Installs what the tests talk to (memcached, redis, Chromium, Django with pymemcache), builds with warnings as errors,
# runs all test projects, then the consumer smoke test (tests/consumer/run.sh: the README's steps applied to a fresh
# app that uses the packed libraries; it counts as one test), and ends with one line: "Tests: N passed, N failed, N skipped".
set -euo pipefail
cd "$(dirname "$0")"

need=()
command -v memcached >/dev/null || need+=(memcached)
command -v memcaslap >/dev/null || need+=(libmemcached-tools)
command -v redis-server >/dev/null || need+=(redis-server)
command -v openssl >/dev/null || need+=(openssl)
command -v curl >/dev/null || need+=(curl)
# The Django compatibility tests drive Debian's Django and pymemcache through /usr/bin/python3 (not another python3 on the PATH).
/usr/bin/python3 -c 'import django, pymemcache' 2>/dev/null || need+=(python3-django python3-pymemcache)
# The sample's browser tests: Debian's Chromium (Playwright never downloads a browser) and a font for screenshots.
[[ -x /usr/bin/chromium ]] || need+=(chromium)
[[ -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ]] || need+=(fonts-dejavu-core)
if ((${#need[@]})); then
  echo "Installing: ${need[*]}"
  SUDO=""; [[ $(id -u) -ne 0 ]] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
dotnet build FragmentCache.sln -c Release -warnaserror -nologo -v q

log=$(mktemp)
set +e
dotnet test --solution FragmentCache.sln -c Release --no-build 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
set -e

total=$(grep -E '^\s+total:' "$log" | tail -1 | awk '{print $2}')
failed=$(grep -E '^\s+failed:' "$log" | tail -1 | awk '{print $2}')
passed=$(grep -E '^\s+succeeded:' "$log" | tail -1 | awk '{print $2}')
skipped=$(grep -E '^\s+skipped:' "$log" | tail -1 | awk '{print $2}')
rm -f "$log"

# The consumer smoke test, one more test in the count.
consumer_rc=0
timeout 600 tests/consumer/run.sh || consumer_rc=$?
if [[ $consumer_rc -eq 0 ]]; then
  passed=$((${passed:-0} + 1))
else
  failed=$((${failed:-0} + 1))
fi
echo "Tests: ${passed:-0} passed, ${failed:-0} failed, ${skipped:-0} skipped"
if [[ $rc -ne 0 || $consumer_rc -ne 0 || -z ${total:-} || ${failed:-1} -ne 0 || ${skipped:-1} -ne 0 ]]; then
  exit 1
fi
