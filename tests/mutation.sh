#!/usr/bin/env bash
# Mutation check of the files whose rules the tests must guard (Stryker.NET, see docs/testing.md "Mutation testing").
# Slow: one Stryker run per file, one at a time. Run by hand, not by ./test.sh.
#
#   tests/mutation.sh                 every guarded file
#   tests/mutation.sh reply-parser    only the named rows
#
# Fails (exit 1) when a file scores under its threshold or its run does not finish.
# Environment: MUTATION_TIMEOUT (seconds per file, default 1800), MUTATION_CONCURRENCY (default 1),
# MUTATION_OUTPUT (reports, default artifacts/mutation).
set -euo pipefail
cd "$(dirname "$0")/.."

# name, file to mutate, test project, threshold (%), test filter (Stryker's --test-case-filter, '|' joins; - = all).
# Whitespace separates the columns. The project to mutate is the folder under src/ that holds the file.
# Adding a guarded file is one line.
GUARDED=(
  "reply-parser        src/FragmentCache.Memcached/Protocol/MetaReplyParser.cs  tests/FragmentCache.Memcached.Tests  90  FullyQualifiedName~MetaRe"
  "fragment-key        src/FragmentCache/Keys/FragmentKey.cs                    tests/FragmentCache.Tests            90  FullyQualifiedName~FragmentKey|FullyQualifiedName~FragmentFullKey"
  "endpoint-selection  src/FragmentCache.Mvc/Pages/CachePageEndpoint.cs         tests/FragmentCache.Mvc.Tests        90  FullyQualifiedName~CachePageEndpoint"
  "page-policy         src/FragmentCache.Mvc/Pages/PageCachePolicy.cs           tests/FragmentCache.Mvc.Tests        90  FullyQualifiedName~PageCachePolicy|FullyQualifiedName~PageRulesOverHttp"
  "page-key            src/FragmentCache.Mvc/Pages/PageKey.cs                   tests/FragmentCache.Mvc.Tests        90  FullyQualifiedName~PageKey|FullyQualifiedName~PageAndFragmentVary"
  "page-replay         src/FragmentCache.Mvc/Pages/PageReplay.cs                tests/FragmentCache.Mvc.Tests        90  FullyQualifiedName~PageReplay|FullyQualifiedName~PageRulesOverHttp"
  "learned-vary        src/FragmentCache.Mvc/Pages/LearnedVaryStore.cs          tests/FragmentCache.Mvc.Tests        90  FullyQualifiedName~LearnedVary|FullyQualifiedName~SiteCacheMiddleware"
  "vary-values         src/FragmentCache.Mvc/Internal/VaryValues.cs             tests/FragmentCache.Mvc.Tests        90  FullyQualifiedName~VaryValues|FullyQualifiedName~VaryRules|FullyQualifiedName~PageAndFragmentVary"
  "vary-parts          src/FragmentCache.Mvc/Internal/VaryValues.Parts.cs       tests/FragmentCache.Mvc.Tests        90  FullyQualifiedName~VaryValues|FullyQualifiedName~VaryRules|FullyQualifiedName~PageAndFragmentVary"
  "page-handler        src/FragmentCache.Mvc/Pages/PageCacheHandler.cs          tests/FragmentCache.Mvc.Tests        90  FullyQualifiedName~Page|FullyQualifiedName~SiteCache|FullyQualifiedName~CachePoisoning|FullyQualifiedName~UnkeyedInput"
)

timeout_s=${MUTATION_TIMEOUT:-1800}
concurrency=${MUTATION_CONCURRENCY:-1}
output=$(realpath -m "${MUTATION_OUTPUT:-artifacts/mutation}")
config=$(realpath tests/stryker-config.json)
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

dotnet tool restore >/dev/null
mkdir -p "$output"

failures=0
summary=()
for row in "${GUARDED[@]}"; do
  read -r name file tests threshold filter <<<"$row"
  [[ $filter == - ]] && filter=""
  if (($#)) && [[ " $* " != *" $name "* ]]; then
    continue
  fi

  [[ -f $file ]] || { echo "mutation: $name: no file $file" >&2; exit 2; }
  project=${file#src/}
  project=${project%%/*}
  within=${file#src/"$project"/}
  log="$output/$name.log"
  args=(--config-file "$config" --test-runner mtp --project "$project.csproj" --mutate "**/$within" --configuration Release
        --concurrency "$concurrency" --break-at "$threshold" --threshold-low "$threshold" --threshold-high "$threshold"
        --reporter json --reporter html --reporter cleartext --output "$output/$name" --skip-version-check)
  [[ -n $filter ]] && args+=(--test-case-filter "$filter")

  echo "mutation: $name: $file against $tests${filter:+ ($filter)}, threshold $threshold %, log $log"
  set +e
  (cd "$tests" && timeout --kill-after=30 "$timeout_s" dotnet stryker "${args[@]}") >"$log" 2>&1
  rc=$?
  set -e

  score=$(grep -oE 'final mutation score is [0-9.]+' "$log" | awk '{print $NF}' | tail -1)
  if [[ -z $score ]]; then
    verdict="FAILED (no score: rc $rc$( ((rc == 124)) && echo ", timed out after ${timeout_s}s"))"
    failures=$((failures + 1))
  elif awk -v s="$score" -v t="$threshold" 'BEGIN { exit !(s + 0 < t + 0) }'; then
    verdict="FAILED ($score % < $threshold %)"
    failures=$((failures + 1))
  else
    verdict="ok ($score % >= $threshold %)"
  fi

  summary+=("$name: $verdict")
  echo "mutation: $name: $verdict; survivors in $output/$name/reports"
done

echo
printf '%s\n' "${summary[@]}"
((failures == 0))
