"""Configuration: a class of defaults, overridden by environment variables."""

from __future__ import annotations

import os
from datetime import timedelta
from typing import Any


class Config:
    """Defaults for a single small server; every value can be set from the environment."""

    SECRET_KEY: str | None = None
    SQLALCHEMY_DATABASE_URI: str | None = None  # filled from DATABASE_URL or the instance folder
    SQLALCHEMY_ENGINE_OPTIONS: dict[str, Any] = {"pool_pre_ping": True}
    # Whole request cap; api.md: 60 MB, "MB" meaning 1,000,000 bytes.
    MAX_CONTENT_LENGTH = 60_000_000
    # Werkzeug also caps each non-file form field; a checklist payload is a few KB, but a
    # megabyte-long string in it must still get a 422 naming its field, not a 413.
    MAX_FORM_MEMORY_SIZE = 4_000_000
    MAX_PHOTO_BYTES = 20_000_000
    MAX_PHOTOS_PER_SUBMISSION = 40
    MAX_PHOTO_PIXELS = 50_000_000
    # Pixels decoded for one request, all its photos together (merch.photos.decoded_pixels):
    # 40 phone JPEGs decode about 120 MP (at half scale or less), four 48 MP HEICs 192 MP,
    # while 40 PNGs of 49 MP would be 2,000 MP: several minutes of CPU and 450 MB each.
    MAX_DECODED_PIXELS = 200_000_000
    # HEIC previews a worker decodes at once (merch/api/previews.py); more wait 2 s.
    PREVIEW_DECODES_AT_ONCE = 2
    UPLOAD_FOLDER: str | None = None  # default: <project>/uploads
    # Object storage for photos instead of the folder (merch/storage/): set the bucket.
    S3_BUCKET: str | None = None
    S3_ENDPOINT_URL: str | None = None  # empty for AWS itself; MinIO, OSS, COS: their URL
    S3_PREFIX = ""  # key prefix inside the bucket, to share one bucket
    # Reverse proxies in front of the app (nginx: 1). Their X-Forwarded-For/-Proto/-Host
    # are believed only then, so a client cannot pose as another address when there is none.
    PROXY_COUNT = 0
    API_TOKEN_DAYS = 30
    IDEMPOTENCY_KEEP_DAYS = 7
    DEMO_PASSWORD = "demo-pass-123"
    BABEL_DEFAULT_LOCALE = "zh_Hant"
    BABEL_DEFAULT_TIMEZONE = "UTC"
    # The brand's own time zone: the audit log's date filters and times are read in it
    # (shops keep their own zones for business dates). Asia/Taipei is the same clock.
    BRAND_TIMEZONE = "Asia/Shanghai"
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SAMESITE = "Lax"
    # "Keep me signed in" on a shared shop phone lasts a month, not Flask-Login's year.
    REMEMBER_COOKIE_DURATION = timedelta(days=30)
    REMEMBER_COOKIE_HTTPONLY = True
    WTF_CSRF_TIME_LIMIT = None  # a checklist can take an hour to fill; the session bounds the token
    # A sign-in without "keep me signed in" ends on the server after this many hours.
    SIGN_IN_SESSION_HOURS = 24
    # Sign-in throttling (merch.services.throttle): failures allowed before the delay
    # starts, per account and address, per account (addresses that failed on it), per
    # address; the delay doubles from the first up to the max; quiet for the window,
    # counts are forgotten.
    SIGN_IN_WINDOW_SECONDS = 900
    SIGN_IN_FAILURES_PER_ACCOUNT_AND_ADDRESS = 3
    SIGN_IN_FAILURES_PER_USERNAME = 10
    SIGN_IN_FAILURES_PER_ADDRESS = 50
    SIGN_IN_FIRST_DELAY_SECONDS = 1
    SIGN_IN_MAX_DELAY_SECONDS = 900
    # Redis (redis://host:6379/0) keeps the sign-in counts off the database; unset: the database.
    REDIS_URL: str | None = None
    TESTING = False
    # How new passwords and PINs are hashed (merch/passwords.py): argon2id with OWASP's
    # parameters. "testing-sha256" (no work factor) is refused unless TESTING.
    PASSWORD_HASH_METHOD = "argon2id"
    # Responses compressed with brotli where the browser takes it (over HTTPS), else gzip.
    COMPRESS_ALGORITHM = ["br", "gzip"]
    COMPRESS_BR_LEVEL = 5
    COMPRESS_MIMETYPES = [
        "text/html",
        "text/css",
        "text/csv",
        "text/javascript",
        "application/javascript",
        "application/json",
        "application/manifest+json",
        "image/svg+xml",
        "image/x-icon",
    ]
    # Static files without a version in their URL (favicon.ico) are revalidated after a
    # day; versioned ones (asset_url) are kept a year, see merch/web.py.
    SEND_FILE_MAX_AGE_DEFAULT = 86_400


ENV_OVERRIDES: dict[str, str] = {
    "SECRET_KEY": "SECRET_KEY",
    "SQLALCHEMY_DATABASE_URI": "DATABASE_URL",
    "UPLOAD_FOLDER": "MERCH_UPLOAD_FOLDER",
    "S3_BUCKET": "MERCH_S3_BUCKET",
    "S3_ENDPOINT_URL": "MERCH_S3_ENDPOINT_URL",
    "S3_PREFIX": "MERCH_S3_PREFIX",
    "DEMO_PASSWORD": "MERCH_DEMO_PASSWORD",
    "REDIS_URL": "MERCH_REDIS_URL",
    "BRAND_TIMEZONE": "MERCH_BRAND_TIMEZONE",
}


def settings_from_environment(environ: dict[str, str] | os._Environ[str]) -> dict[str, Any]:
    """Pick the settings that the environment sets, translating a few URL spellings."""
    found: dict[str, Any] = {}
    for setting, variable in ENV_OVERRIDES.items():
        value = environ.get(variable)
        if value:
            found[setting] = value
    url = found.get("SQLALCHEMY_DATABASE_URI")
    if url:
        found["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(url)
    proxies = environ.get("MERCH_PROXY_COUNT", "").strip()
    if proxies:
        if not proxies.isdigit():
            raise ValueError("MERCH_PROXY_COUNT must be a whole number of proxies (0, 1, 2 …)")
        found["PROXY_COUNT"] = int(proxies)
    if environ.get("MERCH_SECURE_COOKIES") == "1":
        found["SESSION_COOKIE_SECURE"] = True
        found["REMEMBER_COOKIE_SECURE"] = True
    return found


def normalise_database_url(url: str) -> str:
    """Send plain postgres URLs to the psycopg 3 driver, which is the one we install."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url
