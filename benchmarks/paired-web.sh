#!/usr/bin/env bash
# The two-tier targets measured in ONE app process: ours and the built-in side by side, route after route, so both
# see the same machine and the same process (the sequential harness moves +-30 % between neighbouring variants).
#
#   benchmarks/paired-web.sh [rounds] [seconds]    # default 5 rounds x 4 s; prints per-round and median ratios
#
# One WebBench (two-tier on, <distributed-cache> over our memcached store), one memcached; every route warmed 4 s,
# then per round wrk -t2 -c32 on /cache, /fragment, /outputcache, /cachepage in turn.
set -euo pipefail
rounds=${1:-5} secs=${2:-4}
here=$(cd "$(dirname "$0")" && pwd)
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT
free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
command -v wrk >/dev/null && command -v memcached >/dev/null || { echo "needs wrk and memcached (apt-get install wrk memcached)" >&2; exit 2; }

dotnet build -c Release "$here/FragmentCache.WebBench" -nologo -v q >/dev/null
runas=(); [[ $(id -u) -eq 0 ]] && runas=(-u memcache)
mc=$(free_port) app=$(free_port)
memcached "${runas[@]}" -l 127.0.0.1 -p "$mc" -t 2 -U 0 -m 256 & pids+=($!)
timeout 1200 dotnet "$here/FragmentCache.WebBench/bin/Release/net10.0/FragmentCache.WebBench.dll" --urls "http://127.0.0.1:$app" \
  --environment Production --FragmentCache:Servers:0="127.0.0.1:$mc" --FragmentCache:TwoTier:Enabled=true \
  --Bench:Distributed=memcached >/dev/null 2>&1 & pids+=($!)
for _ in $(seq 1 300); do curl -fs -o /dev/null -m 2 "http://127.0.0.1:$app/none" && break; sleep 0.1; done

routes=(/cache /fragment /outputcache /cachepage)
echo "# paired two-tier run $(date -u '+%Y-%m-%d %H:%M') UTC, $rounds rounds x ${secs}s, wrk -t2 -c32; load $(cut -d' ' -f1-3 /proc/loadavg)"
for route in "${routes[@]}"; do timeout 30 wrk -t2 -c32 -d4s "http://127.0.0.1:$app$route" >/dev/null 2>&1 || true; done
declare -A rps
for r in $(seq 1 "$rounds"); do
  for route in "${routes[@]}"; do
    rps[$r$route]=$(timeout $((secs + 20)) wrk -t2 -c32 -d"${secs}s" "http://127.0.0.1:$app$route" | awk '/^Requests\/sec:/ {print $2}')
    echo "$r $route ${rps[$r$route]} (load $(cut -d' ' -f1 /proc/loadavg))"
  done
done
fragment=() page=()
for r in $(seq 1 "$rounds"); do
  fragment+=("$(awk -v a="${rps[$r/fragment]}" -v b="${rps[$r/cache]}" 'BEGIN {printf "%.2f", a / b}')")
  page+=("$(awk -v a="${rps[$r/cachepage]}" -v b="${rps[$r/outputcache]}" 'BEGIN {printf "%.2f", a / b}')")
done
median() { printf '%s\n' "$@" | sort -n | awk '{v[NR]=$1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
echo "two-tier <memcache-fragment> / <cache>:  ${fragment[*]}  median $(median "${fragment[@]}")x (target 1.0x)"
echo "two-tier [CachePage] / [OutputCache]:    ${page[*]}  median $(median "${page[@]}")x (target 1.0x)"
