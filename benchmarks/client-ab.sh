#!/usr/bin/env bash
# A/B of two builds of the client benchmark on one scenario, alternated round by round (A first in odd rounds).
#
#   benchmarks/client-ab.sh BEFORE_BIN_DIR AFTER_BIN_DIR [ROUNDS=8] [SECONDS=3] [SCENARIO="client: 64 callers"]
#
# A BIN_DIR is a copy of benchmarks/FragmentCache.Benchmarks/bin/Release/net10.0 of one build. Prints per run: gets/s,
# process CPU per get, load average, writes per get and completion-batch splits per get (FRAGMENTCACHE_BENCH_DIAG=1),
# then the medians of the per-round ratios B/A. Every run is bounded in time.
set -u
a=$1; b=$2; rounds=${3:-8}; d=${4:-3}; only=${5:-"client: 64 callers"}
out=$(mktemp)
for r in $(seq 1 "$rounds"); do
  if (( r % 2 )); then order="$a $b"; else order="$b $a"; fi
  for dir in $order; do
    line=$(FRAGMENTCACHE_BENCH_DIAG=1 timeout 120 dotnet "$dir/FragmentCache.Benchmarks.dll" --only "$only" --duration "$d" 2>&1 | grep -E "keys/s" | tail -1)
    rate=$(echo "$line" | grep -oE ': [0-9,]+ keys/s' | tr -dc '0-9')
    cpu=$(echo "$line" | grep -oE 'CPU us/op [0-9.]+' | head -1 | awk '{print $3}')
    writes=$(echo "$line" | grep -oE 'writes/op [0-9.]+' | head -1 | awk '{print $2}')
    splits=$(echo "$line" | grep -oE 'splits/op [0-9.]+' | head -1 | awk '{print $2}')
    echo "round $r $dir ${rate:-0} ${cpu:-0} load $(cut -d' ' -f1 /proc/loadavg) writes/op ${writes:--} splits/op ${splits:--}" | tee -a "$out"
  done
done
python3 - "$out" "$a" "$b" <<'PY'
import collections, statistics, sys
rows = [l.split() for l in open(sys.argv[1])]
by = collections.defaultdict(dict)
for r in rows:
    by[r[1]][r[2]] = (float(r[3]), float(r[4]))
a, b = sys.argv[2], sys.argv[3]
pairs = [v for v in by.values() if a in v and b in v and v[a][0] > 0 and v[a][1] > 0]
rate = [v[b][0] / v[a][0] for v in pairs]; cpu = [v[b][1] / v[a][1] for v in pairs]
if pairs:
    print(f"B/A gets/s: median {statistics.median(rate):.3f} ({' '.join(f'{x:.2f}' for x in rate)})")
    print(f"B/A CPU per get: median {statistics.median(cpu):.3f} ({' '.join(f'{x:.2f}' for x in cpu)})")
PY
rm -f "$out"
