#!/usr/bin/env bash
# Holes benchmark: the same ~39 KB page as (a) a [CachePage] hit without holes, (b) a hit with one antiforgery-form
# hole, (c) a hit with one light view-component hole, and (d) uncached; ratios b/a, c/a and a/d from one run. The floor,
# no cache: (e) a fixed body of the page's size, (f) the same body plus the light hole's view component rendered for the
# request; f/e is what the component's own render costs a response of that size.
#
#   benchmarks/holes-web.sh                           # 3 rounds x 5 s per variant, two-tier off then on (~3.5 min)
#   benchmarks/holes-web.sh --rounds 5 --duration 4 [--two-tier off|on|both] [--out FILE.tsv]
#
# Starts one memcached on a free loopback port, builds benchmarks/FragmentCache.WebBench (Release) and starts it once
# per two-tier setting; warms every /holes route, checks that each hit renders its hole afresh (a new request id, a
# new form token per response), then per round drives /holes/none, /holes/form, /holes/light and /holes/uncached in
# turn with wrk -t2 -c32 and prints each round's req/s, the sidebar renders during the measurement (0 for a cached
# variant: every measured request was a hit), and the per-round and median ratios. The form variant is driven as a
# returning visitor: wrk sends the antiforgery cookie a first response handed out, so each hit makes a new request
# token and sets no cookie. Every wrk, curl and server is bounded in time; everything started here is stopped on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

rounds=3 secs=5 two_tier=both out=""
while (($#)); do
  case $1 in
    --rounds) rounds=$2; shift ;;
    --duration) secs=$2; shift ;;
    --two-tier) two_tier=$2; shift ;;
    --out) out=$2; shift ;;
    -h|--help) sed -n 2,17p "$0"; exit 0 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
((rounds >= 1 && rounds <= 9)) || { echo "--rounds must be 1..9" >&2; exit 2; }
((secs >= 1 && secs <= 60)) || { echo "--duration must be 1..60" >&2; exit 2; }
case $two_tier in off) settings=(false) ;; on) settings=(true) ;; both) settings=(false true) ;; *) echo "--two-tier off|on|both" >&2; exit 2 ;; esac
command -v wrk >/dev/null && command -v memcached >/dev/null || { echo "needs wrk and memcached (apt-get install wrk memcached)" >&2; exit 2; }

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
work=$(mktemp -d /tmp/fc-holes.XXXXXX)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
loadavg() { cut -d' ' -f1-3 /proc/loadavg; }

echo "== building benchmarks/FragmentCache.WebBench (Release)"
dotnet build benchmarks/FragmentCache.WebBench -c Release -nologo -v q >"$work/build.log" 2>&1 || { cat "$work/build.log"; exit 1; }
app_dll=$root/benchmarks/FragmentCache.WebBench/bin/Release/net10.0/FragmentCache.WebBench.dll

runas=(); [[ $(id -u) -eq 0 ]] && runas=(-u memcache)
mc=$(free_port)
memcached "${runas[@]}" -l 127.0.0.1 -p "$mc" -t 2 -U 0 -m 256 &
pids+=($!)
sleep 0.3

results=${out:-$work/holes.tsv}
printf 'two_tier\tround\tvariant\trps\tp50_ms\trenders\tload1\n' >"$results"
to_ms() { awk '{v=$1; if (v ~ /us$/) {sub(/us$/,"",v); print v/1000} else if (v ~ /ms$/) {sub(/ms$/,"",v); print v+0} else if (v ~ /s$/) {sub(/s$/,"",v); print v*1000} else print v}'; }
median() { printf '%s\n' "$@" | sort -n | awk '{v[NR]=$1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }

echo "FragmentCache holes benchmark - $(date -u '+%Y-%m-%d %H:%M') UTC, commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), dotnet $(dotnet --version), $(memcached -V)"
echo "wrk -t2 -c32 -d${secs}s --latency per variant, $rounds round(s), interleaved; load average at start: $(loadavg)"

declare -A label=([none]="(a) hit, no hole" [form]="(b) hit, antiforgery-form hole" [light]="(c) hit, light view-component hole" [uncached]="(d) uncached" [floor/bare]="(e) floor: fixed body, no component" [floor/component]="(f) floor: body + bare component")
variants=(none form light uncached floor/bare floor/component)
summary=()
for tt in "${settings[@]}"; do
  app=$(free_port)
  timeout 1200 dotnet "$app_dll" --urls "http://127.0.0.1:$app" --environment Production \
    --FragmentCache:Servers:0="127.0.0.1:$mc" --FragmentCache:TwoTier:Enabled="$tt" >"$work/app-$tt.log" 2>&1 &
  app_pid=$!
  pids+=($app_pid)
  base="http://127.0.0.1:$app"
  for _ in $(seq 1 300); do curl -fs -o /dev/null -m 2 "$base/holes/none" && break; sleep 0.1; done
  curl -fs -o /dev/null -m 5 "$base/holes/none" || { cat "$work/app-$tt.log"; exit 1; }
  echo
  echo "== two-tier $tt"

  # The returning visitor's antiforgery cookie (the first response of the form page hands it out).
  cookie=$(curl -fs -m 5 -D - -o /dev/null "$base/holes/form" | tr -d '\r' | awk -F': ' 'tolower($1) == "set-cookie" && $2 ~ /^\.AspNetCore\.Antiforgery\./ {split($2, c, ";"); print c[1]; exit}')
  [[ -n $cookie ]] || { echo "the form page set no antiforgery cookie" >&2; exit 1; }

  # Each hit renders its hole for its own request: two responses, two request ids; two form tokens.
  for v in light form; do curl -fs -o /dev/null -m 5 -H "Cookie: $cookie" "$base/holes/$v"; done
  id1=$(curl -fs -m 5 "$base/holes/light" | grep -o 'id="request">[^<]*' || true)
  id2=$(curl -fs -m 5 "$base/holes/light" | grep -o 'id="request">[^<]*' || true)
  t1=$(curl -fs -m 5 -H "Cookie: $cookie" "$base/holes/form" | grep -o '__RequestVerificationToken" type="hidden" value="[^"]*' || true)
  t2=$(curl -fs -m 5 -H "Cookie: $cookie" "$base/holes/form" | grep -o '__RequestVerificationToken" type="hidden" value="[^"]*' || true)
  if [[ -z $id1 || $id1 == "$id2" || -z $t1 || $t1 == "$t2" ]]; then
    echo "a hole did not render per request (ids '$id1' '$id2', tokens '${t1:0:60}' '${t2:0:60}')" >&2; exit 1
  fi
  renders_before=$(curl -fs -m 5 "$base/renders")
  for v in none form light; do curl -fs -o /dev/null -m 5 -H "Cookie: $cookie" "$base/holes/$v"; done
  if (($(curl -fs -m 5 "$base/renders") != renders_before)); then
    echo "a cached variant rendered its page again: it is not stored (the page cache keeps no page with holes?)" >&2; exit 1
  fi

  # Warm-up: tiered JIT settles over seconds.
  for v in "${variants[@]}"; do timeout 30 wrk -t2 -c32 -d3s -H "Cookie: $cookie" "$base/holes/$v" >/dev/null 2>&1 || true; done

  declare -A rps=()
  for r in $(seq 1 "$rounds"); do
    for v in "${variants[@]}"; do
      before=$(curl -fs -m 5 "$base/renders")
      o=$(timeout $((secs + 20)) wrk -t2 -c32 -d"${secs}s" --latency -H "Cookie: $cookie" "$base/holes/$v" 2>&1) || { echo "wrk failed on /holes/$v: $o" >&2; exit 1; }
      renders=$(( $(curl -fs -m 5 "$base/renders") - before ))
      rps[$r$v]=$(awk '/^Requests\/sec:/ {print $2}' <<<"$o")
      p50=$(awk '$1 == "50%" {print $2}' <<<"$o" | to_ms)
      non2xx=$(awk '/Non-2xx/ {print $NF}' <<<"$o")
      [[ -n $non2xx ]] && echo "   WARNING: $non2xx non-2xx responses on /holes/$v" >&2
      printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$tt" "$r" "$v" "${rps[$r$v]}" "$p50" "$renders" "$(cut -d' ' -f1 /proc/loadavg)" >>"$results"
      printf '   round %d  %-40s %10s req/s  p50 %6s ms  renders %6s  (load %s)\n' "$r" "${label[$v]}" "${rps[$r$v]}" "$p50" "$renders" "$(loadavg)"
    done
  done
  ba=() ca=() ad=() fe=()
  for r in $(seq 1 "$rounds"); do
    ba+=("$(ratio "${rps[${r}form]}" "${rps[${r}none]}")")
    ca+=("$(ratio "${rps[${r}light]}" "${rps[${r}none]}")")
    ad+=("$(ratio "${rps[${r}none]}" "${rps[${r}uncached]}")")
    fe+=("$(ratio "${rps[${r}floor/component]}" "${rps[${r}floor/bare]}")")
  done
  summary+=("two-tier $tt: b/a (form hole / no hole)   ${ba[*]}  median $(median "${ba[@]}")x")
  summary+=("two-tier $tt: c/a (light hole / no hole)  ${ca[*]}  median $(median "${ca[@]}")x  (goal >= 0.8x)")
  summary+=("two-tier $tt: a/d (hit / uncached)        ${ad[*]}  median $(median "${ad[@]}")x")
  summary+=("two-tier $tt: f/e (floor: component / bare) ${fe[*]}  median $(median "${fe[@]}")x")
  kill "$app_pid" 2>/dev/null || true
  wait "$app_pid" 2>/dev/null || true
done

echo
echo "load average at end: $(loadavg)"
echo "per-round ratios of req/s, and their median:"
printf '  %s\n' "${summary[@]}"
[[ -n $out ]] && echo "results: $out"
exit 0
