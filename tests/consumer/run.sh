#!/usr/bin/env bash
# The consumer smoke test: packs the libraries with a unique prerelease version into a temporary folder, creates a
# fresh `dotnet new mvc` app, applies the README's "Use it in your application" steps exactly as written (the code
# blocks marked <!-- consumer:NAME --> in README.md), builds it with warnings as errors, starts it against a real
# memcached on loopback, and checks over HTTP a fragment hit and a [CachePage] hit, both stored in that memcached.
# Prints "Consumer smoke test: passed in Ns" and exits 0, or names the failing step and exits 1.
# Everything it starts and writes is removed on exit; every wait is bounded.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
readme="$root/README.md"
started=$SECONDS

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

work=$(mktemp -d "${TMPDIR:-/tmp}/fragmentcache-consumer.XXXXXX")
version="0.0.0-consumer.$(date -u +%Y%m%d%H%M%S).$$"
packages_dir="${NUGET_PACKAGES:-$HOME/.nuget/packages}"
memcached_pid=""
app_pid=""

cleanup() {
  local pid
  for pid in "$app_pid" "$memcached_pid"; do
    if [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null; then
      kill "$pid" 2>/dev/null || true
      for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -9 "$pid" 2>/dev/null || true
    fi
  done
  rm -rf "$work"
  # The unique version restored into the global packages folder: nothing of this run stays behind.
  local id
  for id in fragmentcache fragmentcache.memcached fragmentcache.mvc fragmentcache.opentelemetry; do
    rm -rf "${packages_dir:?}/$id/$version"
    rmdir "$packages_dir/$id" 2>/dev/null || true
  done
}
trap cleanup EXIT
trap "exit 143" TERM INT

fail() {
  echo "Consumer smoke test: FAILED: $*" >&2
  if [[ -f $work/app.log ]]; then
    echo "--- app log (last 40 lines) ---" >&2
    tail -40 "$work/app.log" >&2
  fi
  exit 1
}

# The code block that follows <!-- consumer:NAME --> in the README, without its fences.
block() {
  local text
  text=$(awk -v marker="<!-- consumer:$1 -->" '
    $0 == marker { found = 1; next }
    found == 1 && /^```/ { found = 2; next }
    found == 2 && /^```/ { exit }
    found == 2 { print }
  ' "$readme")
  [[ -n $text ]] || fail "README.md has no code block marked <!-- consumer:$1 -->"
  printf '%s\n' "$text"
}

# Inserts the file $3 after the first line of $1 equal to $2; fails when the line is missing.
insert_after() {
  local file=$1 anchor=$2 insert=$3
  grep -qxF "$anchor" "$file" || fail "$(basename "$file") has no line '$anchor' to insert after"
  awk -v anchor="$anchor" -v insert="$insert" '
    { print }
    !done && $0 == anchor { print ""; while ((getline line < insert) > 0) print line; done = 1 }
  ' "$file" >"$file.new"
  mv "$file.new" "$file"
}

free_port() {
  local port
  for _ in $(seq 1 50); do
    port=$((20000 + RANDOM % 20000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"
      return 0
    fi
  done
  fail "no free loopback port found"
}

# 1. Pack the four libraries, built apart from the repository's own bin/obj folders.
for project in FragmentCache FragmentCache.Memcached FragmentCache.Mvc FragmentCache.OpenTelemetry; do
  timeout 300 dotnet pack "$root/src/$project" -c Release -warnaserror -nologo -v q \
    -o "$work/feed" --artifacts-path "$work/artifacts" -p:Version="$version" >"$work/pack.log" 2>&1 \
    || { cat "$work/pack.log" >&2; fail "dotnet pack $project"; }
  [[ -f $work/feed/$project.$version.nupkg && -f $work/feed/$project.$version.snupkg ]] \
    || fail "dotnet pack $project made no .nupkg and .snupkg"
done

# 2. A fresh MVC app whose NuGet sources are the machine's plus the local folder.
timeout 120 dotnet new mvc -o "$work/app" -n ConsumerApp >"$work/new.log" 2>&1 \
  || { cat "$work/new.log" >&2; fail "dotnet new mvc"; }
cat >"$work/nuget.config" <<EOF
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <add key="fragmentcache-local" value="$work/feed" />
  </packageSources>
</configuration>
EOF
app="$work/app"

# 3. The README's steps, as written.
install_lines=$(block install)
while read -r line; do
  [[ $line =~ ^dotnet\ add\ package\ ([A-Za-z0-9.]+)$ ]] || fail "README install step '$line' is not 'dotnet add package NAME'"
  timeout 180 dotnet add "$app" package "${BASH_REMATCH[1]}" --version "$version" >"$work/add.log" 2>&1 \
    || { cat "$work/add.log" >&2; fail "dotnet add package ${BASH_REMATCH[1]}"; }
done <<<"$install_lines"

# The template writes CRLF line ends; the anchors are matched on plain lines.
sed -i 's/\r$//' "$app/Program.cs" "$app/Views/Home/Index.cshtml"
block program-usings >"$work/usings.cs"
block program-services >"$work/services.cs"
block program-app >"$work/pipeline.cs"
{ cat "$work/usings.cs"; echo; cat "$app/Program.cs"; } >"$app/Program.cs.new" && mv "$app/Program.cs.new" "$app/Program.cs"
insert_after "$app/Program.cs" 'var builder = WebApplication.CreateBuilder(args);' "$work/services.cs"
insert_after "$app/Program.cs" 'app.UseAuthorization();' "$work/pipeline.cs"
{ echo; block view; } >>"$app/Views/Home/Index.cshtml"
block controller >"$app/Controllers/NewsController.cs"

# 4. Build with warnings as errors.
timeout 300 dotnet build "$app" -c Release -warnaserror -nologo -v q >"$work/build.log" 2>&1 \
  || { cat "$work/build.log" >&2; fail "the app built from the README does not build with warnings as errors"; }

# 5. A real memcached and the app, each on a free loopback port.
memcached_port=$(free_port)
memcached_user=()
[[ $(id -u) -eq 0 ]] && memcached_user=(-u memcache)
memcached -l 127.0.0.1 -p "$memcached_port" -U 0 -m 64 "${memcached_user[@]}" >"$work/memcached.log" 2>&1 &
memcached_pid=$!

# One `stats` value of the memcached on $memcached_port ("" when it does not answer).
mc_stat() {
  (
    exec 3<>"/dev/tcp/127.0.0.1/$memcached_port" || exit 0
    printf 'stats\r\nquit\r\n' >&3
    timeout 5 cat <&3 | tr -d '\r' | awk -v name="$1" '$2 == name { print $3 }'
  ) 2>/dev/null || true
}

# Ready when the server on the port is this one (another process may have taken the port first).
for _ in $(seq 1 100); do
  [[ $(mc_stat pid) == "$memcached_pid" ]] && break
  kill -0 "$memcached_pid" 2>/dev/null || { cat "$work/memcached.log" >&2; fail "memcached did not start"; }
  sleep 0.1
done
[[ $(mc_stat pid) == "$memcached_pid" ]] || fail "memcached did not answer on port $memcached_port within 10 s"

app_port=$(free_port)
base="http://127.0.0.1:$app_port"
(
  cd "$app"
  ASPNETCORE_ENVIRONMENT=Development ASPNETCORE_URLS="$base" FragmentCache__Servers__0="127.0.0.1:$memcached_port" \
    exec dotnet bin/Release/net10.0/ConsumerApp.dll
) >"$work/app.log" 2>&1 &
app_pid=$!

health=""
for _ in $(seq 1 120); do
  health=$(curl -s --max-time 2 "$base/health" || true)
  [[ $health == Healthy ]] && break
  kill -0 "$app_pid" 2>/dev/null || fail "the app exited"
  sleep 0.25
done
[[ $health == Healthy ]] || fail "/health did not answer Healthy within 30 s (last answer: '$health')"

# GET $1: the X-Fragment-Cache header value into $status, the body into $body.
get() {
  local headers="$work/headers" code
  code=$(curl -s --max-time 10 -D "$headers" -o "$work/body" -w '%{http_code}' "$base$1") || fail "GET $1 failed"
  [[ $code == 200 ]] || fail "GET $1 answered $code"
  status=$(grep -i '^X-Fragment-Cache:' "$headers" | tail -1 | cut -d: -f2 | tr -d ' \r' || true)
  body=$(cat "$work/body")
}

# 6. A fragment hit: the home page's <memcache-fragment> renders once, then comes from memcached.
get /
[[ $status == miss ]] || fail "first GET / says X-Fragment-Cache '$status', expected miss"
first_fragment=$(grep -o 'Popular posts, rendered at [^<]*' <<<"$body" || true)
[[ -n $first_fragment ]] || fail "GET / does not show the README's fragment"
get /
[[ $status == hit ]] || fail "second GET / says X-Fragment-Cache '$status', expected hit"
[[ $(grep -o 'Popular posts, rendered at [^<]*' <<<"$body" || true) == "$first_fragment" ]] \
  || fail "second GET / rendered the fragment again"

# 7. A page hit: the [CachePage] action runs once, then its page comes from memcached.
get /News
[[ $status == miss ]] || fail "first GET /News says X-Fragment-Cache '$status', expected miss"
first_page=$body
[[ $first_page == "News rendered at "* ]] || fail "GET /News answered '$first_page'"
get /News
[[ $status == hit ]] || fail "second GET /News says X-Fragment-Cache '$status', expected hit"
[[ $body == "$first_page" ]] || fail "second GET /News ran the action again ('$body' after '$first_page')"

# 8. Both live in the real memcached, not in a memory fallback.
items=$(mc_stat curr_items)
[[ ${items:-0} -ge 2 ]] || fail "memcached holds ${items:-no} items, expected the fragment and the page"

echo "Consumer smoke test: passed in $((SECONDS - started)) s (fragment hit, page hit, $items items in memcached)"
