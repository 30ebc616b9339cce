#!/usr/bin/env bash
# Before/after for one change: two builds of FragmentCache.WebBench side by side, over one memcached, driven in
# alternation (before, after, before, after, ...) so both see the same machine load.
#
#   benchmarks/ab-web.sh BEFORE_DIR AFTER_DIR [route ...]   # default routes: /fragment /cachepage
#   ROUNDS=3 SECONDS_PER_RUN=5 TWO_TIER=true benchmarks/ab-web.sh ...
#   BEFORE_ARGS="..." AFTER_ARGS="--FragmentCache:Memcached:CompressionThreshold=0" benchmarks/ab-web.sh DIR DIR /fragment
#
# Each side gets its own memcached (so neither reads entries the other wrote).
# BEFORE_DIR/AFTER_DIR hold FragmentCache.WebBench.dll (e.g. a copy of bin/Release/net10.0 taken before the change).
set -euo pipefail
before=$1 after=$2; shift 2
routes=("$@"); ((${#routes[@]})) || routes=(/fragment /cachepage)
rounds=${ROUNDS:-3} secs=${SECONDS_PER_RUN:-5} two_tier=${TWO_TIER:-false}

pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT
free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

runas=(); [[ $(id -u) -eq 0 ]] && runas=(-u memcache)
declare -A port
for side in before after; do
  dir=${!side}
  mc=$(free_port)
  memcached "${runas[@]}" -l 127.0.0.1 -p "$mc" -t 2 -U 0 -m 256 & pids+=($!)
  extra=BEFORE_ARGS; [[ $side == after ]] && extra=AFTER_ARGS
  port[$side]=$(free_port)
  # shellcheck disable=SC2086 # the extra arguments are meant to split
  timeout 600 dotnet "$dir/FragmentCache.WebBench.dll" --urls "http://127.0.0.1:${port[$side]}" --environment Production \
    --FragmentCache:Servers:0="127.0.0.1:$mc" --FragmentCache:TwoTier:Enabled="$two_tier" ${!extra:-} >/dev/null 2>&1 & pids+=($!)
done
declare -A app_pid
for side in before after; do
  for _ in $(seq 1 300); do curl -fs -o /dev/null -m 2 "http://127.0.0.1:${port[$side]}/none" && break; sleep 0.1; done
  app_pid[$side]=$(pgrep -n -f "FragmentCache.WebBench.dll --urls http://127.0.0.1:${port[$side]}" || true)
done
# The app's CPU time (user + system, clock ticks) from /proc: CPU per request holds up better than req/s when other
# processes share the cores, as the app's own work per request does not depend on how long it waits for a core.
cpu_ticks() { [[ -n $1 && -r /proc/$1/stat ]] && awk '{print $14 + $15}' "/proc/$1/stat" || echo 0; }
tick_us=$((1000000 / $(getconf CLK_TCK)))

echo "A/B $(date -u '+%Y-%m-%d %H:%M') UTC, before: $before ${BEFORE_ARGS:-}, after: $after ${AFTER_ARGS:-}; two-tier $two_tier, $rounds rounds x ${secs}s, wrk -t2 -c32; load $(cut -d' ' -f1-3 /proc/loadavg)"
for route in "${routes[@]}"; do
  # Warm-up: uncounted rounds of the same length on each side (tiered JIT settles over several seconds; with a 2 s
  # warm-up, round 1 runs at a third of round 3).
  for side in before after; do timeout $((secs + 20)) wrk -t2 -c32 -d"${secs}s" "http://127.0.0.1:${port[$side]}$route" >/dev/null 2>&1 || true; done
  for side in before after; do timeout $((secs + 20)) wrk -t2 -c32 -d"${secs}s" "http://127.0.0.1:${port[$side]}$route" >/dev/null 2>&1 || true; done
  declare -A sum=([before]=0 [after]=0) cpu=([before]=0 [after]=0)
  for r in $(seq 1 "$rounds"); do
    for side in before after; do
      t0=$(cpu_ticks "${app_pid[$side]}")
      o=$(timeout $((secs + 20)) wrk -t2 -c32 -d"${secs}s" "http://127.0.0.1:${port[$side]}$route")
      t1=$(cpu_ticks "${app_pid[$side]}")
      rps=$(awk '/^Requests\/sec:/ {print $2}' <<<"$o")
      us=$(awk -v t=$((t1 - t0)) -v u="$tick_us" -v n="$(awk '/requests in/ {print $1}' <<<"$o")" 'BEGIN {printf "%.1f", (n > 0 ? t * u / n : 0)}')
      sum[$side]=$(awk -v a="${sum[$side]}" -v b="$rps" 'BEGIN {print a + b}')
      cpu[$side]=$(awk -v a="${cpu[$side]}" -v b="$us" 'BEGIN {print a + b}')
      printf '  %-12s round %d %-6s %10s req/s, app CPU %6s us/req (load %s)\n' "$route" "$r" "$side" "$rps" "$us" "$(cut -d' ' -f1 /proc/loadavg)"
    done
  done
  awk -v b="${sum[before]}" -v a="${sum[after]}" -v cb="${cpu[before]}" -v ca="${cpu[after]}" -v n="$rounds" -v r="$route" \
    'BEGIN {printf "%-12s before %.0f req/s, after %.0f req/s: after/before %.2fx; app CPU per request before %.1f us, after %.1f us: %.2fx\n", r, b/n, a/n, a/b, cb/n, ca/n, (cb > 0 ? ca/cb : 0)}'
done
