#!/usr/bin/env bash
# Fragment prefetch on the sample's home page (sample/BlogSite, "/"), off against on, in one run over one build:
# two BlogSite processes (each with its own memcached and SQLite file), one with FragmentCache:Mvc:PrefetchFragments
# off and one with it on, driven in alternation, both orders (off,on,on,off,...), so both see the same machine load.
#
#   benchmarks/prefetch-web.sh                      # 4 rounds x 5 s per measurement; medians of per-round ratios
#   ROUNDS=6 SECONDS_PER_RUN=5 benchmarks/prefetch-web.sh
#
# The request is a signed-in author's (cookie sign-in as "alan"): the home page's [CachePage] does not cache signed-in
# users, so each request runs the action and its layout's fragments are looked up (popular posts, tag cloud, archive
# and the per-user welcome box in a hole). Each round measures the p50 latency at `wrk -t1 -c1 --latency` and the
# requests/s at `wrk -t2 -c16`. Needs a Release build of sample/BlogSite (dotnet build -c Release).
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${ROUNDS:-4} secs=${SECONDS_PER_RUN:-5}
dll=sample/BlogSite/bin/Release/net10.0/BlogSite.dll
[[ -f $dll ]] || { echo "build sample/BlogSite in Release first" >&2; exit 1; }
work=$(mktemp -d)

pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

runas=(); [[ $(id -u) -eq 0 ]] && runas=(-u memcache)
declare -A port cookie
for side in off on; do
  mc=$(free_port)
  memcached "${runas[@]}" -l 127.0.0.1 -p "$mc" -t 2 -U 0 -m 256 & pids+=($!)
  flag=false; [[ $side == on ]] && flag=true
  port[$side]=$(free_port)
  timeout 900 dotnet "$dll" --urls "http://127.0.0.1:${port[$side]}" --environment Production --contentRoot "$PWD/sample/BlogSite" \
    --BlogSite:Database="$work/$side.db" --FragmentCache:Servers:0="127.0.0.1:$mc" \
    --FragmentCache:Mvc:PrefetchFragments="$flag" >"$work/$side.log" 2>&1 & pids+=($!)
done
for side in off on; do
  base="http://127.0.0.1:${port[$side]}"
  for _ in $(seq 1 600); do curl -fs -o /dev/null -m 2 "$base/account/login" && break; sleep 0.2; done
  jar="$work/$side.jar"
  token=$(curl -fs -m 10 -c "$jar" -b "$jar" "$base/account/login" | grep -o 'name="__RequestVerificationToken"[^>]*value="[^"]*"' | sed 's/.*value="//; s/"$//')
  curl -fs -m 10 -o /dev/null -c "$jar" -b "$jar" --data-urlencode "UserName=alan" --data-urlencode "Password=password" \
    --data-urlencode "__RequestVerificationToken=$token" "$base/account/login"
  cookie[$side]=$(awk '!/^#/ && NF >= 7 {printf "%s%s=%s", sep, $6, $7; sep="; "} /^#HttpOnly_/ {printf "%s%s=%s", sep, $6, $7; sep="; "}' "$jar")
  grep -q "blog.auth" <<<"${cookie[$side]}" || { echo "sign-in failed on $side" >&2; exit 1; }
  curl -fs -m 30 -o /dev/null -H "Cookie: ${cookie[$side]}" "$base/"
done

p50_ms() { awk '/^ +50%/ {v=$2; if (v ~ /us$/) {sub(/us$/,"",v); v/=1000} else if (v ~ /ms$/) {sub(/ms$/,"",v)} else if (v ~ /s$/) {sub(/s$/,"",v); v*=1000}; printf "%.3f", v}'; }
drive() { # side, connections -> wrk output
  local side=$1 c=$2 t=1; ((c > 1)) && t=2
  timeout $((secs + 30)) wrk -t"$t" -c"$c" -d"${secs}s" --latency -H "Cookie: ${cookie[$side]}" "http://127.0.0.1:${port[$side]}/"
}

echo "prefetch A/B $(date -u '+%Y-%m-%d %H:%M') UTC, commit $(git rev-parse --short HEAD), sample home page / signed in; $rounds rounds x ${secs}s; load $(cut -d' ' -f1-3 /proc/loadavg)"
# Warm-up (uncounted): tiered JIT settles over seconds.
for side in off on; do drive "$side" 16 >/dev/null 2>&1 || true; drive "$side" 1 >/dev/null 2>&1 || true; done
declare -A p50 rps
for r in $(seq 1 "$rounds"); do
  order=(off on); ((r % 2 == 0)) && order=(on off)
  for side in "${order[@]}"; do
    one=$(drive "$side" 1); p50[$side,$r]=$(p50_ms <<<"$one")
    many=$(drive "$side" 16); rps[$side,$r]=$(awk '/^Requests\/sec:/ {print $2}' <<<"$many")
    errs=$(grep -h "Non-2xx\|Socket errors" <<<"$one$many" | tr '\n' ' ' || true)
    printf '  round %d %-3s  -c1 p50 %8s ms  -c16 %9s req/s  (load %s) %s\n' "$r" "$side" "${p50[$side,$r]}" "${rps[$side,$r]}" "$(cut -d' ' -f1 /proc/loadavg)" "$errs"
  done
done
# Per round, on/off of each figure; the medians of those ratios (and of the figures themselves) are the result.
for r in $(seq 1 "$rounds"); do
  echo "${p50[off,$r]} ${p50[on,$r]} ${rps[off,$r]} ${rps[on,$r]}"
done | /usr/bin/python3 -c '
import statistics, sys
rows = [list(map(float, l.split())) for l in sys.stdin if l.strip()]
med = lambda xs: statistics.median(xs)
print("median of rounds: -c1 p50 off %.3f ms, on %.3f ms; -c16 off %.0f req/s, on %.0f req/s" % (med([r[0] for r in rows]), med([r[1] for r in rows]), med([r[2] for r in rows]), med([r[3] for r in rows])))
print("median of per-round ratios on/off: -c1 p50 %.2fx, -c16 req/s %.2fx (rounds where on wins: p50 %d/%d, req/s %d/%d)" % (
    med([r[1] / r[0] for r in rows]), med([r[3] / r[2] for r in rows]),
    sum(r[1] < r[0] for r in rows), len(rows), sum(r[3] > r[2] for r in rows), len(rows)))'
echo "end $(date -u '+%H:%M') UTC; load $(cut -d' ' -f1-3 /proc/loadavg)"
