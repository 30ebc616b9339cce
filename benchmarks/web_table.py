#!/usr/bin/env python3
"""Prints the end-to-end table from benchmarks/run-web.sh's TSV and, with --svg FILE, draws the ratio chart.

    python3 benchmarks/web_table.py results.tsv [--svg docs/benchmarks-web.svg [--page sidebar|cheap]]

The TSV holds one or two pages (a "page" column: "sidebar", the ~38.9 KB page with a costly sidebar, and "cheap", an
<h1> and a 200-row list of ~11 KB; a TSV without the column is the sidebar page). Each page gets its own tables, and
every ratio is between variants of the same page. The chart draws one page (--page, default sidebar).

Ratios are taken against the baselines measured in the same app process (group A or B): each variant / that
process's <cache> (memory) and / its [OutputCache] (memory). Django rows (group D) are compared with run A's
<memcache-fragment> and [CachePage]. With several rounds (run-web.sh --rounds N, a "round" column), the table
shows each variant's median req/s and latencies, and each target is the median of its per-round ratios (a round
measures every variant within a few seconds of the others, so its ratios share the machine's load).
"""
import statistics
import csv
import sys


PAGES = {
    "sidebar": "the sidebar page (~38.9 KB; a 200-row sidebar that is costly to render)",
    "cheap": "the cheap page (~11.5 KB; an <h1> and a list of 200 short rows, cheap to render)",
}

# Per page: target per ratio name (see TARGETS); a page not listed uses the sidebar page's targets.
PAGE_TARGETS = {
    "cheap": {
        "<memcache-fragment> / <distributed-cache> over Redis": 1.3,
        "<memcache-fragment> / <cache>": 0.75,
        "<memcache-fragment> two-tier / <cache>": 1.1,
        "[CachePage] / [OutputCache]": 0.8,
        "[CachePage] two-tier / [OutputCache]": 1.1,
        "<memcache-fragment> / Django {% cache %}": 10.0,
        "[CachePage] / Django cache_page": 10.0,
    },
}


def load(path):
    with open(path, newline="") as f:
        rows = [r for r in csv.DictReader(f, delimiter="\t")]
    for r in rows:
        r["page"] = r.get("page") or "sidebar"
    return rows


def pages(rows):
    """The pages in the TSV, in the order they were measured."""
    return list(dict.fromkeys(r["page"] for r in rows))


def of_page(rows, page):
    return [r for r in rows if r["page"] == page]


def rps(rows, group, variant):
    for r in rows:
        if r["group"] == group and r["variant"] == variant:
            return float(r["rps"])
    return None


def ratios(rows):
    out = []
    for r in rows:
        g, v, x = r["group"], r["variant"], float(r["rps"])
        if g in ("A", "B"):
            c = rps(rows, g, "<cache> (memory)")
            o = rps(rows, g, "[OutputCache] (memory)")
            out.append((r, x / c if c else None, x / o if o else None, None))
        else:
            ours = None
            if "{% cache %}" in v:
                ours = rps(rows, "A", "<memcache-fragment>")
            elif "cache_page" in v:
                ours = rps(rows, "A", "[CachePage]")
            elif "no caching" in v:
                ours = rps(rows, "A", "no caching")
            out.append((r, None, None, ours / x if ours and x else None))
    return out


def fmt(v, suffix="x"):
    return "" if v is None else f"{v:.2f}{suffix}"


def table(rows):
    lines = [
        "| run | variant | req/s | p50 ms | p99 ms | vs `<cache>` | vs `[OutputCache]` | ours vs Django | load 1m | renders |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r, vc, vo, vd in ratios(rows):
        lines.append(
            f"| {r['group']} | `{r['variant'].replace('|', '/')}` | {float(r['rps']):,.0f} | {float(r['p50_ms']):.2f} | "
            f"{float(r['p99_ms']):.2f} | {fmt(vc)} | {fmt(vo)} | {fmt(vd)} | {r['load1']} | {r.get('renders') or ''} |"
        )
    return "\n".join(lines)


def esc(s):
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def svg(rows, title):
    # One bar per variant: its ratio to <cache> (fragment variants) or to [OutputCache] (page variants), with
    # its target drawn as a tick; plus ours-vs-Django bars.
    bars = []
    goal = {
        "<distributed-cache> over Redis": None,
        "<memcache-fragment>": 0.7,
        "<memcache-fragment> two-tier": 1.0,
        "[CachePage]": 0.7,
        "[CachePage] two-tier": 1.0,
    }
    if rows and rows[0]["page"] in PAGE_TARGETS:
        t = PAGE_TARGETS[rows[0]["page"]]
        goal.update({"<memcache-fragment>": t["<memcache-fragment> / <cache>"],
                     "<memcache-fragment> two-tier": t["<memcache-fragment> two-tier / <cache>"],
                     "[CachePage]": t["[CachePage] / [OutputCache]"],
                     "[CachePage] two-tier": t["[CachePage] two-tier / [OutputCache]"]})
    for r, vc, vo, vd in ratios(rows):
        v = r["variant"]
        if r["group"] in ("A", "B"):
            if v in ("<cache> (memory)", "[OutputCache] (memory)"):
                continue
            if v.startswith("[CachePage]"):
                bars.append((f"{v} / [OutputCache] ({r['group']})", vo, goal.get(v)))
            else:
                bars.append((f"{v} / <cache> ({r['group']})", vc, goal.get(v)))
        elif vd is not None:
            ours = "<memcache-fragment>" if "{% cache %}" in v else "[CachePage]" if "cache_page" in v else "no caching"
            bars.append((f"{ours} / {v}", vd, 10.0 if ours != "no caching" else None))
    vs_redis = targets(rows)[0]
    if vs_redis[1] is not None:
        bars.insert(0, ("<memcache-fragment> / <distributed-cache> over Redis (A)", vs_redis[1], vs_redis[2]))
    # Django ratios are large: draw them on their own scale in the second panel.
    first = [b for b in bars if "Django" not in b[0]]
    second = [b for b in bars if "Django" in b[0]]
    width, label_w, bar_h, gap = 900, 430, 18, 6
    plot_w = width - label_w - 70

    def panel(items, y0, scale_max, heading):
        parts = [f'<text x="10" y="{y0}" font-weight="bold">{esc(heading)}</text>']
        y = y0 + 12
        step = 0.25 if scale_max <= 2 else max(1, int(scale_max) // 8)
        i = 0.0
        while i <= scale_max + 1e-9:
            x = label_w + plot_w * i / scale_max
            parts.append(f'<line x1="{x:.1f}" y1="{y}" x2="{x:.1f}" y2="{y + len(items) * (bar_h + gap)}" stroke="#ddd"/>')
            parts.append(f'<text x="{x:.1f}" y="{y + len(items) * (bar_h + gap) + 14}" text-anchor="middle" font-size="11">{i:g}x</text>')
            i += step
        for name, value, target in items:
            parts.append(f'<text x="{label_w - 8}" y="{y + bar_h - 4}" text-anchor="end" font-size="12">{esc(name)}</text>')
            if value is not None:
                w = plot_w * min(value, scale_max) / scale_max
                color = "#2b7bb9" if target is None or value >= target else "#d9534f"
                parts.append(f'<rect x="{label_w}" y="{y}" width="{w:.1f}" height="{bar_h}" fill="{color}"/>')
                parts.append(f'<text x="{label_w + w + 4:.1f}" y="{y + bar_h - 4}" font-size="12">{value:.2f}x</text>')
            if target is not None:
                tx = label_w + plot_w * target / scale_max
                parts.append(f'<line x1="{tx:.1f}" y1="{y - 2}" x2="{tx:.1f}" y2="{y + bar_h + 2}" stroke="#000" stroke-width="2"/>')
            y += bar_h + gap
        return parts, y + 30

    body = [f'<text x="10" y="20" font-size="14" font-weight="bold">{esc(title)}</text>',
            '<text x="10" y="38" font-size="11">Bars: requests/s ratio measured in the same run. Black tick: the target. Red: below target.</text>']
    p1, y = panel(first, 62, max(1.5, max((b[1] or 0) for b in first) * 1.1) if first else 1.5, "vs the built-ins (same app process)")
    body += p1
    if second:
        p2, y = panel(second, y + 10, max(12, max((b[1] or 0) for b in second) * 1.1), "vs Django over pymemcache (gunicorn -w 2)")
        body += p2
    height = y + 10
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-family="sans-serif">'
            f'<rect width="100%" height="100%" fill="white"/>' + "".join(body) + "</svg>\n")


TARGETS = [
    # (description, numerator (group, variant), denominator (group, variant), target)
    ("<memcache-fragment> / <distributed-cache> over Redis", ("A", "<memcache-fragment>"), ("A", "<distributed-cache> over Redis"), 1.5),
    ("<memcache-fragment> / <cache>", ("A", "<memcache-fragment>"), ("A", "<cache> (memory)"), 0.7),
    ("<memcache-fragment> two-tier / <cache>", ("B", "<memcache-fragment> two-tier"), ("B", "<cache> (memory)"), 1.0),
    ("[CachePage] / [OutputCache]", ("A", "[CachePage]"), ("A", "[OutputCache] (memory)"), 0.7),
    ("[CachePage] two-tier / [OutputCache]", ("B", "[CachePage] two-tier"), ("B", "[OutputCache] (memory)"), 1.0),
    ("<memcache-fragment> / Django {% cache %}", ("A", "<memcache-fragment>"), ("D", "Django {% cache %}"), 10.0),
    ("[CachePage] / Django cache_page", ("A", "[CachePage]"), ("D", "Django cache_page"), 10.0),
]


# The in-process built-in that stands in for ours in a target's ratio: the same ratio with it as the numerator is the
# "ceiling" - what a cache as fast as process memory reaches on this machine in this run. A target above its ceiling
# asks an out-of-process cache to beat a dictionary lookup in the same process.
CEILING_OF = {
    "<memcache-fragment> / <distributed-cache> over Redis": ("A", "<cache> (memory)"),
    "<memcache-fragment> / Django {% cache %}": ("A", "<cache> (memory)"),
    "[CachePage] / Django cache_page": ("A", "[OutputCache] (memory)"),
}


# The physical ceiling of a target (cheap page, run-web.sh's ceiling variants): the same ratio with, as numerator, the
# fastest variant that does only what any cache of that kind must do - write a fixed string or body (in process), or
# one get of a fixed key over memcached plus the write. A target above its ceiling cannot be met by any cache there.
FRAGMENT_OVER_MEMCACHED = [("A", "ceiling: view + raw socket get"), ("A", "ceiling: view + client get")]
PAGE_OVER_MEMCACHED = [("A", "ceiling: endpoint + raw socket get"), ("A", "ceiling: endpoint + client get")]
PHYSICAL_CEILING_OF = {
    "<memcache-fragment> / <distributed-cache> over Redis": FRAGMENT_OVER_MEMCACHED,
    "<memcache-fragment> / <cache>": FRAGMENT_OVER_MEMCACHED,
    "<memcache-fragment> two-tier / <cache>": [("B", "ceiling: view + fixed list")],
    "[CachePage] / [OutputCache]": PAGE_OVER_MEMCACHED,
    "[CachePage] two-tier / [OutputCache]": [("B", "ceiling: endpoint + fixed body")],
    "<memcache-fragment> / Django {% cache %}": FRAGMENT_OVER_MEMCACHED,
    "[CachePage] / Django cache_page": PAGE_OVER_MEMCACHED,
}


def physical(rows):
    """Per target: (the ceiling ratio, ours / the ceiling), from the fastest ceiling variant measured; None if none was."""
    out = []
    for name, (ng, nv), (dg, dv), _ in TARGETS:
        best = max((x for x in (rps(rows, *c) for c in PHYSICAL_CEILING_OF.get(name, [])) if x), default=None)
        n, d = rps(rows, ng, nv), rps(rows, dg, dv)
        out.append((best / d if best and d else None, n / best if best and n else None))
    return out


def targets(rows):
    page_targets = PAGE_TARGETS.get(rows[0]["page"], {}) if rows else {}
    out = []
    for name, (ng, nv), (dg, dv), target in TARGETS:
        n, d = rps(rows, ng, nv), rps(rows, dg, dv)
        out.append((name, n / d if n and d else None, page_targets.get(name, target)))
    return out


def ceilings(rows):
    """Per target: the same ratio with the in-process built-in as numerator (None where it is the denominator)."""
    out = []
    for name, _, (dg, dv), _ in TARGETS:
        c = CEILING_OF.get(name)
        n, d = (rps(rows, *c), rps(rows, dg, dv)) if c else (None, None)
        out.append(n / d if n and d else None)
    return out


def targets_table(rows):
    lines = ["| target ratio | measured | target | met | in-process built-in, same ratio | same-run ceiling, same ratio | ours / ceiling |",
             "|---|---:|---:|---|---:|---:|---:|"]
    for (name, value, target), ceiling, (phys, share) in zip(targets(rows), ceilings(rows), physical(rows)):
        met = "" if value is None else ("yes" if value >= target else "**no**")
        lines.append(f"| `{name.replace('|', '/')}` | {fmt(value)} | {target:g}x | {met} | {fmt(ceiling) if ceiling else ''} | {fmt(phys)} | {fmt(share)} |")
    return "\n".join(lines)


def rounds(rows):
    by_round = {}
    for r in rows:
        by_round.setdefault(r.get("round") or "1", []).append(r)
    return list(by_round.values())


def medians(rows):
    """One row per (group, variant): the median of each number over the rounds."""
    groups = {}
    for r in rows:
        groups.setdefault((r["group"], r["variant"]), []).append(r)
    out = []
    for (group, variant), rs in groups.items():
        med = lambda c: statistics.median(float(x[c]) for x in rs if x.get(c) not in (None, ""))
        renders = [int(x["renders"]) for x in rs if x.get("renders") not in (None, "")]
        out.append({"page": rs[0]["page"], "group": group, "variant": variant, "rps": med("rps"), "p50_ms": med("p50_ms"), "p99_ms": med("p99_ms"),
                    "load1": f"{med('load1'):.2f}", "renders": str(sum(renders)) if renders else ""})
    return out


def median_targets(rows):
    per_round = [targets(r) for r in rounds(rows)]
    out = []
    for i, (name, _, target) in enumerate(per_round[0]):
        values = [t[i][1] for t in per_round if t[i][1] is not None]
        out.append((name, statistics.median(values) if values else None, target, values))
    return out


def median_ceilings(rows):
    per_round = [ceilings(r) for r in rounds(rows)]
    return [statistics.median(vs) if (vs := [c[i] for c in per_round if c[i] is not None]) else None for i in range(len(TARGETS))]


def median_physical(rows):
    """Per target: the medians over the rounds of (the ceiling ratio, ours / the ceiling)."""
    per_round = [physical(r) for r in rounds(rows)]
    med = lambda vs: statistics.median(vs) if vs else None
    return [(med([p[i][0] for p in per_round if p[i][0] is not None]), med([p[i][1] for p in per_round if p[i][1] is not None]))
            for i in range(len(TARGETS))]


def median_targets_table(rows):
    lines = ["| target ratio | median | rounds | target | met | in-process built-in, same ratio (median) | same-run ceiling, same ratio (median) | ours / ceiling (median) |",
             "|---|---:|---|---:|---|---:|---:|---:|"]
    for (name, value, target, values), ceiling, (phys, share) in zip(median_targets(rows), median_ceilings(rows), median_physical(rows)):
        met = "" if value is None else ("yes" if value >= target else "**no**")
        lines.append(f"| `{name.replace('|', '/')}` | {fmt(value)} | {' '.join(f'{v:.2f}' for v in values)} | {target:g}x | {met} | "
                     f"{fmt(ceiling) if ceiling else ''} | {fmt(phys)} | {fmt(share)} |")
    return "\n".join(lines)


def main(argv):
    if len(argv) < 2:
        print(__doc__)
        return 2
    all_rows = load(argv[1])
    several = len(rounds(all_rows)) > 1
    for i, page in enumerate(pages(all_rows)):
        rows = of_page(all_rows, page)
        if i:
            print()
        print(f"Page `{page}`: {PAGES.get(page, page)}")
        print()
        print(table(medians(rows) if several else rows))
        print()
        print(median_targets_table(rows) if several else targets_table(rows))
    if "--svg" in argv:
        path = argv[argv.index("--svg") + 1]
        title = argv[argv.index("--title") + 1] if "--title" in argv else "FragmentCache end-to-end ratios"
        rows = of_page(all_rows, argv[argv.index("--page") + 1] if "--page" in argv else "sidebar")
        with open(path, "w") as f:
            f.write(svg(medians(rows) if several else rows, title))
        print(f"\nchart: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
