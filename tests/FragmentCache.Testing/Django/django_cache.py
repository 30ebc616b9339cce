"""Drives Django's cache (PyMemcacheCache) for the tests: Debian's python3-django and python3-pymemcache.

Usage: python3 django_cache.py HOST:PORT KEY_PREFIX VERSION  < operations.json  > results.json

Reads a JSON list of operations and prints one JSON result per operation, in order. Bytes travel as base64.
  {"op": "set", "key": k, "type": "str"|"int"|"bytes"|"pickle", "value": v}   -> {"ok": true}
  {"op": "get", "key": k}                     -> {"type": "str"|"int"|"bytes"|"NoneType"|..., "value": v}
  {"op": "incr", "key": k, "delta": n}        -> {"value": n}  (decr when delta < 0)
  {"op": "delete", "key": k}                  -> {"deleted": bool}
  {"op": "make_key", "key": k}                -> {"key": full key}
  {"op": "page", "path": p}                   -> a cache_page view called twice through the test client:
                                                 {"bodies": [...], "calls": n, "page_key": full key}
An operation that raises gives {"error": "ExceptionType", "message": str}.
"""
import base64
import json
import sys

import django
from django.conf import settings

location, prefix, version = sys.argv[1], sys.argv[2], int(sys.argv[3])
settings.configure(
    DEBUG=False,
    ALLOWED_HOSTS=["testserver"],
    ROOT_URLCONF=__name__,
    USE_I18N=False,
    USE_TZ=False,
    CACHE_MIDDLEWARE_KEY_PREFIX="",
    CACHES={
        "default": {
            "BACKEND": "django.core.cache.backends.memcached.PyMemcacheCache",
            "LOCATION": location,
            "KEY_PREFIX": prefix,
            "VERSION": version,
            "TIMEOUT": 300,
        }
    },
)
django.setup()

from django.core.cache import cache  # noqa: E402
from django.http import HttpResponse  # noqa: E402
from django.test import Client, RequestFactory  # noqa: E402
from django.urls import path  # noqa: E402
from django.utils.cache import get_cache_key  # noqa: E402
from django.views.decorators.cache import cache_page  # noqa: E402

calls = []


@cache_page(60)
def page(request):
    calls.append(request.path)
    return HttpResponse("django page %d" % len(calls))


urlpatterns = [path("page/", page)]


def value_of(op):
    kind, value = op["type"], op["value"]
    if kind == "str":
        return value
    if kind == "int":
        return int(value)
    if kind == "bytes":
        return base64.b64decode(value)
    if kind == "pickle":
        return {"python": value}
    raise ValueError("unknown type " + kind)


def run(op):
    name = op["op"]
    if name == "set":
        cache.set(op["key"], value_of(op))
        return {"ok": True}
    if name == "get":
        value = cache.get(op["key"])
        kind = type(value).__name__
        if isinstance(value, bytes):
            value = base64.b64encode(value).decode("ascii")
        elif isinstance(value, int):
            value = str(value)
        return {"type": kind, "value": value}
    if name == "incr":
        delta = op["delta"]
        return {"value": str(cache.incr(op["key"], delta) if delta >= 0 else cache.decr(op["key"], -delta))}
    if name == "delete":
        return {"deleted": bool(cache.delete(op["key"]))}
    if name == "make_key":
        return {"key": cache.make_key(op["key"])}
    if name == "page":
        client = Client()
        bodies = [client.get(op["path"]).content.decode() for _ in range(2)]
        request = RequestFactory().get(op["path"])
        page_key = get_cache_key(request)
        return {
            "bodies": bodies,
            "calls": len(calls),
            "page_key": cache.make_key(page_key) if page_key else None,
        }
    raise ValueError("unknown op " + name)


results = []
for operation in json.load(sys.stdin):
    try:
        results.append(run(operation))
    except Exception as error:  # noqa: BLE001 - reported to the test
        results.append({"error": type(error).__name__, "message": str(error)})
cache.close()
json.dump(results, sys.stdout)
