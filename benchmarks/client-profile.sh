#!/usr/bin/env bash
# Where the client benchmark's CPU goes, side by side: the raw loop, the ceiling (awaiting callers) and the client, each
# run alone (`--only`) and profiled with `perf record -F 999 -a -g` (every process, kernel included) for the measured
# seconds; the samples are split by component in CPU microseconds per get (benchmarks/perf_client.py).
#
#   benchmarks/client-profile.sh                       # the 64-caller shape, 8 s each (~1 min)
#   benchmarks/client-profile.sh --duration 6 [--out DIR] [--sides "raw: 2 conns x depth 32|client: 64 callers"]
#
# DOTNET_PerfMapEnabled=1, DOTNET_EnableWriteXorExecute=0 and DOTNET_ReadyToRun=0, so every managed frame is JIT-compiled
# and named in the perf map. Builds nothing: run `dotnet build benchmarks/FragmentCache.Benchmarks -c Release` first.
# APP_DLL=path profiles another build. Every run is bounded in time.
set -euo pipefail
cd "$(dirname "$0")/.."
duration=8
out=$(mktemp -d)
sides="raw: 2 conns x depth 32|ceiling: 2 conns x 64 awaiting callers|client: 64 callers"
while (($#)); do
  case $1 in
    --duration) duration=$2; shift ;;
    --out) out=$2; shift ;;
    --sides) sides=$2; shift ;;
    -h|--help) sed -n 2,11p "$0"; exit 0 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
dll=${APP_DLL:-benchmarks/FragmentCache.Benchmarks/bin/Release/net10.0/FragmentCache.Benchmarks.dll}
[[ -f $dll ]] || { echo "build first: dotnet build benchmarks/FragmentCache.Benchmarks -c Release" >&2; exit 2; }
mkdir -p "$out"
echo "client profile $(date -u '+%Y-%m-%d %H:%M') UTC, commit $(git rev-parse --short HEAD); perf record -F 999 -a -g for $((duration - 1)) s of each ${duration}-s side; load average $(cut -d' ' -f1-3 /proc/loadavg)"
IFS='|' read -ra list <<<"$sides"
for side in "${list[@]}"; do
  name=$(echo "$side" | tr -c 'a-z0-9' '-')
  DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0 DOTNET_ReadyToRun=0 FRAGMENTCACHE_BENCH_DIAG=1 \
    timeout $((duration + 60)) dotnet "$dll" --only "$side" --duration "$duration" >"$out/$name.out" 2>&1 &
  runner=$!
  # Connect, 1 s of warm-up, then record the measured seconds but the last.
  sleep 2.5
  app=$(pgrep -P "$runner" dotnet || echo 0)
  mc=$(pgrep -P "$app" memcached || echo 0)
  timeout $((duration + 20)) perf record -F 999 -a -g -o "$out/$name.data" -- sleep $((duration - 1)) >/dev/null 2>&1 || true
  wait "$runner" || true
  echo "$app $mc" >"$out/$name.pids"
  rate=$(grep -oE ': [0-9,]+ keys/s' "$out/$name.out" | head -1 | tr -dc '0-9')
  gets=$(( ${rate:-0} * (duration - 1) ))
  echo
  echo "== $side: $(grep -E 'keys/s' "$out/$name.out" | head -1)"
  perf script -F comm,pid,tid,ip,sym,dso -i "$out/$name.data" 2>/dev/null | gzip >"$out/$name.perf.txt.gz"
  zcat "$out/$name.perf.txt.gz" | python3 benchmarks/perf_client.py --pid "$app" --memcached-pid "$mc" --gets "$gets" --hz 999 --top "${TOP:-0}"
  rm -f "$out/$name.data"
done
echo
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg); perf scripts in $out"
