#!/usr/bin/env bash
# Where a hit's CPU goes: the cheap page's cached variants under wrk, each profiled with `perf record -a -g` (every
# process on the machine, kernel included), and the samples of the app split by component (benchmarks/perf_components.py).
#
#   benchmarks/hit-profile.sh                                   # two-tier off, 8 s per route (~2 min)
#   benchmarks/hit-profile.sh --two-tier on --duration 6 [--out DIR] [--routes "/cheap/fragment /cheap/cache"]
#
# Starts memcached and benchmarks/FragmentCache.WebBench (Release; DOTNET_PerfMapEnabled=1,
# DOTNET_EnableWriteXorExecute=0 and DOTNET_ReadyToRun=0, so every managed frame is JIT-compiled and named in the perf
# map), runs every route for 8 s (tiered JIT settles), then per route: 3 s of warm-up, then `wrk -t2 -c16 -d<N>s`
# with `perf record -F 499 -a -g` for the same seconds. Prints, per route, CPU microseconds per request by component
# for the app, memcached, wrk and everything else (other processes on a shared machine show up there). Routes include
# the ceilings /cheap/floor (a fixed body of the page's size) and /cheap/floor/memcached (the client's raw get of the
# same bytes, then the write). NO_BUILD=1 skips the build; APP_DLL=path profiles another build.
# Every server and wrk run is bounded in time; everything started here is stopped on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
duration=8
two_tier=false
out=""
routes="/cheap/floor /cheap/floor/memcached /cheap/cache /cheap/fragment /cheap/outputcache /cheap/cachepage"
while (($#)); do
  case $1 in
    --duration) duration=$2; shift ;;
    --two-tier) [[ $2 == on ]] && two_tier=true || two_tier=false; shift ;;
    --out) out=$2; shift ;;
    --routes) routes=$2; shift ;;
    -h|--help) sed -n 2,13p "$0"; exit 0 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
((duration >= 2 && duration <= 30)) || { echo "--duration must be 2..30" >&2; exit 2; }
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
work=$(mktemp -d /tmp/fc-hitprofile.XXXXXX)
out=${out:-$work}
mkdir -p "$out"
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

if [[ ${NO_BUILD:-0} != 1 ]]; then
  dotnet build benchmarks/FragmentCache.WebBench -c Release -nologo -v q >"$work/build.log" 2>&1 || { cat "$work/build.log"; exit 1; }
fi
app_dll=${APP_DLL:-$root/benchmarks/FragmentCache.WebBench/bin/Release/net10.0/FragmentCache.WebBench.dll}
mc_port=$(free_port)
runas=(); [[ $(id -u) -eq 0 ]] && runas=(-u memcache)
timeout 900 memcached "${runas[@]}" -l 127.0.0.1 -p "$mc_port" -t 2 -U 0 -m 256 &
pids+=($!)
sleep 0.3
mc_pid=$(pgrep -n -f "memcached.* -p $mc_port" || echo 0)
app_port=$(free_port)
DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0 DOTNET_ReadyToRun=0 timeout 900 dotnet "$app_dll" --urls "http://127.0.0.1:$app_port" --environment Production \
  --FragmentCache:Servers:0="127.0.0.1:$mc_port" --FragmentCache:TwoTier:Enabled=$two_tier >"$work/app.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 300); do curl -fs -o /dev/null -m 2 "http://127.0.0.1:$app_port/cheap/none" && break; sleep 0.1; done
app_pid=$(pgrep -n -f "FragmentCache.WebBench.dll --urls http://127.0.0.1:$app_port")
echo "FragmentCache hit profile - $(date -u '+%Y-%m-%d %H:%M UTC'), commit $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src || echo '+changes'), two-tier $two_tier"
echo "wrk -t2 -c16 -d${duration}s per route after 3 s of warm-up; perf record -F 499 -a -g; app pid $app_pid; load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
# Every frame is JIT-compiled here (no ReadyToRun): each route first runs long enough to reach its final tier.
for route in $routes; do timeout 40 wrk -t2 -c16 -d8s "http://127.0.0.1:$app_port$route" >/dev/null 2>&1 || true; done
for route in $routes; do
  url="http://127.0.0.1:$app_port$route"
  timeout 30 wrk -t2 -c16 -d3s "$url" >/dev/null 2>&1 || true
  name=${route//\//_}
  timeout $((duration + 20)) perf record -F 499 -a -g -o "$work/perf$name.data" -- sleep "$duration" >/dev/null 2>&1 &
  perf_pid=$!
  o=$(timeout $((duration + 20)) wrk -t2 -c16 -d"${duration}s" "$url" 2>&1)
  wait "$perf_pid" || true
  requests=$(awk '/requests in/ {print $1}' <<<"$o")
  rps=$(awk '/^Requests\/sec:/ {print $2}' <<<"$o")
  perf script -F comm,pid,tid,ip,sym,dso -i "$work/perf$name.data" 2>/dev/null | gzip >"$out/perf$name.txt.gz"
  echo
  echo "== $route: $rps req/s, $requests requests (load $(cut -d' ' -f1-3 /proc/loadavg))"
  zcat "$out/perf$name.txt.gz" | python3 benchmarks/perf_components.py --pid "$app_pid" --memcached-pid "$mc_pid" --requests "$requests" --hz 499
done
