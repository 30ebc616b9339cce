#!/usr/bin/env bash
# End-to-end benchmark: two pages, each in every caching variant, driven by wrk, side by side in one run.
#
#   benchmarks/run-web.sh              # 10 s per variant (~10 min in all)
#   benchmarks/run-web.sh --quick      # 3 s per variant (~5 min)
#   benchmarks/run-web.sh --duration 8 [--no-django] [--no-cold] [--out FILE.tsv]
#   benchmarks/run-web.sh --rounds 3 --duration 5   # every variant 3 times, interleaved; ratios = median of rounds
#   benchmarks/run-web.sh --page cheap --duration 1 --warm 1 --no-cold   # one page only, shortest warm-up (~1.5 min)
#   benchmarks/run-web.sh --page cheap --no-ceilings   # without the cheap page's ceiling variants
#
# Pages (--page sidebar|cheap|both, default both): "sidebar" is the ~38.9 KB page with a costly 200-row sidebar;
# "cheap" (routes under /cheap/) is an <h1> and a cached list of 200 short rows (~11 KB), cheap to render, so a hit's
# own overhead dominates. --warm N sets the warm-up per route (1..10 s, default 3).
#
# The cheap page also runs its ceilings in the same rounds (WebBench Ceilings/ and CheapFloor.cs): the same view with
# the list written from a fixed string (no lookup: what no in-process cache can beat), with one get of a fixed key on a
# plain pooled socket or through our client (what no cache over memcached can beat), and bare endpoints writing a fixed
# body or one raw get's value (the same for a whole-page cache). web_table.py prints each goal beside its ceiling.
#
# Installs what is missing (wrk, redis-server, memcached, python3-django, gunicorn, python3-pymemcache), starts
# memcached and redis-server on free loopback ports, builds and starts benchmarks/FragmentCache.WebBench (Release)
# twice - run A: <distributed-cache> over Redis, two-tier off; run B: <distributed-cache> over our
# MemcachedDistributedCache, two-tier on - warms and drives every route with `wrk -t2 -c32 --latency`, runs the same
# pages in Django (benchmarks/django_ref, gunicorn -w 2, PyMemcacheCache), runs the cold-page test (wrk -c200 on a
# never-seen URL, then asks the app how many times the cached part rendered), and prints the tables with ratios, one
# per page.
# Every wrk run and every server is bounded in time; everything started here is stopped on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

duration=10
rounds=1
# Tiered JIT settles over seconds: with 1 s of warm-up per route, the first variant of round 1 (<cache>) runs at a
# third to a half of its later rounds, which flatters every ratio of that round.
warm=3
django=1
cold=1
ceilings=1
out=""
page_opt=both
while (($#)); do
  case $1 in
    --quick) duration=3 ;;
    --duration) duration=$2; shift ;;
    --rounds) rounds=$2; shift ;;
    --no-django) django=0 ;;
    --no-cold) cold=0 ;;
    --no-ceilings) ceilings=0 ;;
    --out) out=$2; shift ;;
    --page) page_opt=$2; shift ;;
    --warm) warm=$2; shift ;;
    -h|--help) sed -n 2,27p "$0"; exit 0 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
((duration >= 1 && duration <= 60)) || { echo "--duration must be 1..60" >&2; exit 2; }
((rounds >= 1 && rounds <= 9)) || { echo "--rounds must be 1..9" >&2; exit 2; }
((warm >= 1 && warm <= 10)) || { echo "--warm must be 1..10" >&2; exit 2; }
case $page_opt in
  both) pages=(sidebar cheap) ;;
  sidebar|cheap) pages=("$page_opt") ;;
  *) echo "--page must be sidebar, cheap or both" >&2; exit 2 ;;
esac
# The route prefix of a page: the sidebar page's routes are at the root, the cheap page's under /cheap.
prefix() { [[ $1 == cheap ]] && echo /cheap || true; }
round=1
connections=32
ceilings_a=(/cheap/ceiling/fixed /cheap/ceiling/socket /cheap/ceiling/client /cheap/floor /cheap/floor/socket /cheap/floor/memcached)
ceilings_b=(/cheap/ceiling/fixed /cheap/floor)

# --- install what is missing -------------------------------------------------------------------------------------
need=()
command -v wrk >/dev/null || need+=(wrk)
command -v redis-server >/dev/null || need+=(redis-server)
command -v memcached >/dev/null || need+=(memcached)
[[ -x /usr/bin/gunicorn ]] || need+=(gunicorn)
/usr/bin/python3 -c 'import django' 2>/dev/null || need+=(python3-django)
/usr/bin/python3 -c 'import pymemcache' 2>/dev/null || need+=(python3-pymemcache)
if ((${#need[@]})); then
  echo "Installing: ${need[*]}"
  SUDO=""; [[ $(id -u) -ne 0 ]] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
work=$(mktemp -d /tmp/fc-webbench.XXXXXX)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_http() { # url seconds
  for _ in $(seq 1 $(($2 * 10))); do curl -fs -o /dev/null -m 2 "$1" && return 0; sleep 0.1; done
  echo "not answering: $1" >&2; return 1
}
loadavg() { cut -d' ' -f1-3 /proc/loadavg; }

echo "== building benchmarks/FragmentCache.WebBench (Release)"
dotnet build benchmarks/FragmentCache.WebBench -c Release -nologo -v q >"$work/build.log" 2>&1 || { cat "$work/build.log"; exit 1; }
app_dll=$root/benchmarks/FragmentCache.WebBench/bin/Release/net10.0/FragmentCache.WebBench.dll

mc_port=$(free_port)
runas=(); [[ $(id -u) -eq 0 ]] && runas=(-u memcache)
memcached "${runas[@]}" -l 127.0.0.1 -p "$mc_port" -t 2 -U 0 -m 256 &
pids+=($!)
redis_port=$(free_port)
redis-server --bind 127.0.0.1 --port "$redis_port" --save '' --appendonly no --protected-mode yes >"$work/redis.log" 2>&1 &
pids+=($!)
sleep 0.5

results=${out:-$work/results.tsv}
printf 'page\tgroup\tvariant\trps\tp50_ms\tp99_ms\tload1\trenders\tround\n' >"$results"

# wrk_run <page> <group> <variant label> <url> [connections] -> appends a row
to_ms() { awk '{v=$1; if (v ~ /us$/) {sub(/us$/,"",v); print v/1000} else if (v ~ /ms$/) {sub(/ms$/,"",v); print v+0} else if (v ~ /s$/) {sub(/s$/,"",v); print v*1000} else print v}'; }
wrk_run() {
  local page=$1 group=$2 label=$3 url=$4 c=${5:-$connections} o renders_before renders=""
  timeout $((warm + 20)) wrk -t2 -c"$c" -d"${warm}s" "$url" >/dev/null 2>&1 || true
  # Renders of the cached part during the measurement (WebBench only): 0 for a cached variant proves every request was a hit.
  renders_before=$(curl -fs -m 5 "${url%/*}/renders" 2>/dev/null || true)
  o=$(timeout $((duration + 20)) wrk -t2 -c"$c" -d"${duration}s" --latency "$url" 2>&1) || { echo "wrk failed on $url: $o" >&2; return 1; }
  local rps p50 p99 non2xx
  rps=$(awk '/^Requests\/sec:/ {print $2}' <<<"$o")
  p50=$(awk '$1 == "50%" {print $2}' <<<"$o" | to_ms)
  p99=$(awk '$1 == "99%" {print $2}' <<<"$o" | to_ms)
  non2xx=$(awk '/Non-2xx/ {print $NF}' <<<"$o")
  [[ -n $non2xx ]] && echo "   WARNING: $non2xx non-2xx responses on $url" >&2
  if [[ -n $renders_before ]]; then
    renders=$(( $(curl -fs -m 5 "${url%/*}/renders") - renders_before ))
  fi
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$page" "$group" "$label" "$rps" "$p50" "$p99" "$(cut -d' ' -f1 /proc/loadavg)" "$renders" "$round" >>"$results"
  printf '   %-7s %-50s %10s req/s  p50 %7s ms  p99 %7s ms  renders %6s  (load %s)\n' "$page" "$label" "$rps" "$p50" "$p99" "${renders:--}" "$(loadavg)"
}

# cold <base> <label> <path>: 200 connections hit a URL nobody asked for yet; the app counts renders of the cached
# part (the sidebar, or the cheap page's list) for it.
cold_rows=()
cold() {
  local base=$1 label=$2 path=$3 run renders
  run="cold-$RANDOM$RANDOM"
  timeout 20 wrk -t2 -c200 -d2s "$base$path?run=$run" >/dev/null 2>&1 || true
  renders=$(curl -fs -m 5 "$base/renders?run=$run")
  cold_rows+=("$(printf '%-52s %s' "$label" "$renders")")
  printf '   cold %-45s rendered %s time(s) under 200 connections\n' "$label" "$renders"
}

start_app() { # name args...
  local name=$1; shift
  app_port=$(free_port)
  timeout 900 dotnet "$app_dll" --urls "http://127.0.0.1:$app_port" --environment Production \
    --FragmentCache:Servers:0="127.0.0.1:$mc_port" "$@" >"$work/$name.log" 2>&1 &
  app_pid=$!
  pids+=($app_pid)
  wait_http "http://127.0.0.1:$app_port/none" 30 || { cat "$work/$name.log"; exit 1; }
  echo "   $(curl -fs "http://127.0.0.1:$app_port/config")"
}
# Warm every route of a fresh process before measuring any, so the first-measured baseline does not pay for
# tiered JIT and first-touch costs that the later variants would not.
warm_all() { # base route...
  local base=$1; shift
  for route in "$@"; do timeout $((warm + 20)) wrk -t2 -c"$connections" -d"${warm}s" "$base$route" >/dev/null 2>&1 || true; done
}
stop_app() { kill "$app_pid" 2>/dev/null || true; wait "$app_pid" 2>/dev/null || true; }

echo "FragmentCache end-to-end benchmark - $(date -u '+%Y-%m-%d %H:%M') UTC"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(. /etc/os-release; echo "$PRETTY_NAME"), dotnet $(dotnet --version)"
echo "servers: $(memcached -V), $(redis-server --version | awk '{print $3}'), $(wrk -v 2>&1 | head -1 | awk '{print $1, $2}')"
echo "wrk -t2 -c$connections -d${duration}s --latency per variant after a ${warm}s warm-up, $rounds round(s), page(s): ${pages[*]}; load average at start: $(loadavg)"
echo

echo "== run A: <distributed-cache> over Redis, two-tier off"
start_app a --Bench:Distributed=redis --Bench:Redis="127.0.0.1:$redis_port"
base="http://127.0.0.1:$app_port"
for p in "${pages[@]}"; do
  pre=$(prefix "$p")
  warm_all "$base" "$pre/cache" "$pre/none" "$pre/dcache" "$pre/fragment" "$pre/outputcache" "$pre/cachepage"
  if [[ $p == cheap ]] && ((ceilings)); then warm_all "$base" "${ceilings_a[@]}"; fi
done
for round in $(seq 1 "$rounds"); do
  ((rounds > 1)) && echo "   -- round $round of $rounds"
  for p in "${pages[@]}"; do
    pre=$base$(prefix "$p")
    wrk_run "$p" A '<cache> (memory)' "$pre/cache"
    wrk_run "$p" A 'no caching' "$pre/none"
    wrk_run "$p" A '<distributed-cache> over Redis' "$pre/dcache"
    wrk_run "$p" A '<memcache-fragment>' "$pre/fragment"
    wrk_run "$p" A '[OutputCache] (memory)' "$pre/outputcache"
    wrk_run "$p" A '[CachePage]' "$pre/cachepage"
    if [[ $p == cheap ]] && ((ceilings)); then
      wrk_run "$p" A 'ceiling: view + fixed list' "$pre/ceiling/fixed"
      wrk_run "$p" A 'ceiling: view + raw socket get' "$pre/ceiling/socket"
      wrk_run "$p" A 'ceiling: view + client get' "$pre/ceiling/client"
      wrk_run "$p" A 'ceiling: endpoint + fixed body' "$pre/floor"
      wrk_run "$p" A 'ceiling: endpoint + raw socket get' "$pre/floor/socket"
      wrk_run "$p" A 'ceiling: endpoint + client get' "$pre/floor/memcached"
    fi
  done
done
if ((cold)); then
  for p in "${pages[@]}"; do
    pre=$(prefix "$p")
    cold "$base" "$p: <cache> (memory)" "$pre/cache"
    cold "$base" "$p: <distributed-cache> over Redis" "$pre/dcache"
    cold "$base" "$p: <memcache-fragment>" "$pre/fragment"
    cold "$base" "$p: [CachePage]" "$pre/cachepage"
  done
fi
stop_app

echo "== run B: <distributed-cache> over our MemcachedDistributedCache, two-tier on"
start_app b --Bench:Distributed=memcached --FragmentCache:TwoTier:Enabled=true
base="http://127.0.0.1:$app_port"
for p in "${pages[@]}"; do
  pre=$(prefix "$p")
  warm_all "$base" "$pre/cache" "$pre/dcache" "$pre/fragment" "$pre/outputcache" "$pre/cachepage"
  if [[ $p == cheap ]] && ((ceilings)); then warm_all "$base" "${ceilings_b[@]}"; fi
done
for round in $(seq 1 "$rounds"); do
  ((rounds > 1)) && echo "   -- round $round of $rounds"
  for p in "${pages[@]}"; do
    pre=$base$(prefix "$p")
    wrk_run "$p" B '<cache> (memory)' "$pre/cache"
    wrk_run "$p" B '<distributed-cache> over MemcachedDistributedCache' "$pre/dcache"
    wrk_run "$p" B '<memcache-fragment> two-tier' "$pre/fragment"
    wrk_run "$p" B '[OutputCache] (memory)' "$pre/outputcache"
    wrk_run "$p" B '[CachePage] two-tier' "$pre/cachepage"
    if [[ $p == cheap ]] && ((ceilings)); then
      wrk_run "$p" B 'ceiling: view + fixed list' "$pre/ceiling/fixed"
      wrk_run "$p" B 'ceiling: endpoint + fixed body' "$pre/floor"
    fi
  done
done
if ((cold)); then
  for p in "${pages[@]}"; do
    pre=$(prefix "$p")
    cold "$base" "$p: <memcache-fragment> two-tier" "$pre/fragment"
    cold "$base" "$p: [CachePage] two-tier" "$pre/cachepage"
  done
fi
stop_app

if ((django)); then
  echo "== Django $(/usr/bin/python3 -c 'import django; print(django.get_version())') (gunicorn -w 2, PyMemcacheCache)"
  dj_port=$(free_port)
  (cd benchmarks/django_ref && MEMCACHED="127.0.0.1:$mc_port" exec timeout 600 /usr/bin/gunicorn -w 2 -b "127.0.0.1:$dj_port" \
    --log-level warning djref.wsgi) >"$work/django.log" 2>&1 &
  pids+=($!)
  wait_http "http://127.0.0.1:$dj_port/none" 30 || { cat "$work/django.log"; exit 1; }
  for p in "${pages[@]}"; do
    pre=$(prefix "$p")
    warm_all "http://127.0.0.1:$dj_port" "$pre/none" "$pre/fragment" "$pre/page"
  done
  for round in $(seq 1 "$rounds"); do
    for p in "${pages[@]}"; do
      pre=http://127.0.0.1:$dj_port$(prefix "$p")
      wrk_run "$p" D 'Django no caching' "$pre/none"
      wrk_run "$p" D 'Django {% cache %}' "$pre/fragment"
      wrk_run "$p" D 'Django cache_page' "$pre/page"
    done
  done
fi

echo
echo "load average at end: $(loadavg)"
echo
/usr/bin/python3 benchmarks/web_table.py "$results"
if ((${#cold_rows[@]})); then
  echo
  echo "Cold page, wrk -t2 -c200 -d2s on a never-requested URL: renders of the cached part"
  printf '  %s\n' "${cold_rows[@]}"
fi
[[ -n $out ]] && echo && echo "results: $out"
