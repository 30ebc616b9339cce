from datetime import datetime, timedelta, timezone
from decimal import Decimal

from django.shortcuts import render
from django.views.decorators.cache import cache_page

# The same 200 rows as benchmarks/FragmentCache.WebBench/SidebarRow.cs.
_START = datetime(2026, 1, 1, tzinfo=timezone.utc)
ROWS = [
    {
        "id": i,
        "title": f"Popular post number {i} about caching & <fragments>",
        "author": f"author{i % 17}",
        "published": _START + timedelta(hours=i * 7),
        "score": Decimal(i * 37 % 1000) / 10,
        "comments": i * 13 % 250,
        "slug": f"post-{i}",
    }
    for i in range(1, 201)
]


def none(request):
    return render(request, "page.html", {"variant": "none", "rows": ROWS})


def fragment(request):
    # {% cache 600 sidebar %} around the sidebar (Django's fragment caching).
    return render(request, "page.html", {"variant": "fragment", "rows": ROWS})


@cache_page(600)
def page(request):
    # The whole response in the cache (Django's per-view caching), sidebar rendered uncached inside.
    return render(request, "page.html", {"variant": "none", "rows": ROWS})


# The cheap page: an <h1> and a list of 200 short rows (about 11 KB), as WebBench serves under /cheap/.
def cheap_none(request):
    return render(request, "cheap.html", {"variant": "none", "rows": ROWS})


def cheap_fragment(request):
    # {% cache 600 cheaplist %} around the list.
    return render(request, "cheap.html", {"variant": "fragment", "rows": ROWS})


@cache_page(600)
def cheap_page(request):
    return render(request, "cheap.html", {"variant": "none", "rows": ROWS})
