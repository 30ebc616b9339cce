"""The Django reference for benchmarks/run-web.sh: the page FragmentCache.WebBench serves, in Django's own caching."""
import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
SECRET_KEY = "benchmark-only-not-secret"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = "djref.urls"
INSTALLED_APPS = []
MIDDLEWARE = []
USE_TZ = True
USE_I18N = False
TEMPLATES = [{
    "BACKEND": "django.template.backends.django.DjangoTemplates",
    "DIRS": [BASE_DIR / "templates"],
    "OPTIONS": {
        # The cached loader, as in production (DEBUG = False turns it on by default too).
        "loaders": [("django.template.loaders.cached.Loader", ["django.template.loaders.filesystem.Loader"])],
    },
}]
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.memcached.PyMemcacheCache",
        "LOCATION": os.environ.get("MEMCACHED", "127.0.0.1:11211"),
        "KEY_PREFIX": "djref",
    }
}
