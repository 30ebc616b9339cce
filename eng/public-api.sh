#!/usr/bin/env bash
# Brings each library's PublicAPI.Unshipped.txt in line with its code after a deliberate public API change:
# builds, then adds every symbol the analyzer reports as undeclared (RS0016) and removes every declared symbol that
# is gone (RS0017). Review the diff: it is the API change.
set -euo pipefail
cd "$(dirname "$0")/.."
log=$(mktemp)
trap 'rm -f "$log"' EXIT
dotnet build FragmentCache.sln -c Release -nologo -v q -p:TreatWarningsAsErrors=false -p:WarningsAsErrors=RS0016%3BRS0017 >"$log" 2>&1 || true
python3 - "$log" <<'PY'
import re, sys, os, collections
adds, removes = collections.defaultdict(set), collections.defaultdict(set)
for line in open(sys.argv[1], encoding="utf-8", errors="replace"):
    m = re.search(r"(RS001[67]): Symbol '(.*)' (?:is not part of the declared|is part of the declared).*\[(.*\.csproj)\]", line)
    if not m:
        continue
    rule, symbol, project = m.groups()
    (adds if rule == "RS0016" else removes)[os.path.dirname(project)].add(symbol)
for folder in sorted(set(adds) | set(removes)):
    path = os.path.join(folder, "PublicAPI.Unshipped.txt")
    lines = [l.rstrip("\n") for l in open(path, encoding="utf-8")] if os.path.exists(path) else ["#nullable enable"]
    header = [l for l in lines if l.startswith("#")]
    body = (set(l for l in lines if l and not l.startswith("#")) - removes[folder]) | adds[folder]
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(header + sorted(body)) + "\n")
    print(f"{path}: +{len(adds[folder])} -{len(removes[folder])}")
PY
