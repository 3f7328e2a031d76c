"""How responses travel: compressed, cached only where that is safe, with an icon set."""

from __future__ import annotations

import gzip
import hashlib
import io
import re
from pathlib import Path

import brotli
import pytest
from PIL import Image

from tests.conftest import page_login

STATIC = Path(__file__).resolve().parents[2] / "static"


def asset_urls(html: str) -> list[str]:
    return re.findall(r'(?:href|src)="(/static/[^"]+)"', html)


def without_csrf_tokens(page: bytes) -> bytes:
    """The page with its CSRF tokens blanked: a signed token carries the second it was made."""
    return re.sub(rb'(name="csrf_token"[^>]*value=")[^"]*', rb"\1", page)


@pytest.mark.parametrize(("encoding", "decompress"), [("br", brotli.decompress), ("gzip", gzip.decompress)])
def test_pages_are_compressed_with_brotli_or_gzip(client, encoding, decompress):
    plain = client.get("/login").get_data()

    response = client.get("/login", headers={"Accept-Encoding": encoding})

    assert response.headers["Content-Encoding"] == encoding
    assert "Accept-Encoding" in response.headers["Vary"]
    assert without_csrf_tokens(decompress(response.get_data())) == without_csrf_tokens(plain)
    assert len(response.get_data()) < len(plain) / 2


def test_the_stylesheet_is_compressed_too(client):
    stylesheet = next(url for url in asset_urls(client.get("/login").get_data(as_text=True)) if ".css?" in url)

    with client.get(stylesheet, headers={"Accept-Encoding": "br"}) as response:
        assert response.headers["Content-Encoding"] == "br"
        assert b"{" in brotli.decompress(response.get_data())


def test_versioned_static_files_are_kept_a_year_without_asking(client):
    urls = asset_urls(client.get("/login").get_data(as_text=True))

    assert urls and all("?v=" in url for url in urls)
    for url in urls:
        with client.get(url) as response:
            assert response.status_code == 200, url
            assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable", url


def test_a_static_file_without_version_is_revalidated_after_a_day(client):
    with client.get("/static/css/app.css") as response:
        assert response.headers["Cache-Control"] == "public, max-age=86400"


def test_the_version_in_a_static_url_is_the_files_content_hash(client):
    stylesheet = next(url for url in asset_urls(client.get("/login").get_data(as_text=True)) if ".css?" in url)
    path, _, version = stylesheet.partition("?v=")

    content = (STATIC / path.removeprefix("/static/")).read_bytes()

    assert version == hashlib.sha256(content).hexdigest()[:10]


def test_private_pages_and_the_sign_in_page_are_never_stored(client, staff):
    assert client.get("/login").headers["Cache-Control"] == "private, no-store"
    page_login(client, staff.username)

    for path in ("/", "/checklist/opening"):
        assert client.get(path).headers["Cache-Control"] == "private, no-store", path


def test_the_icon_set_is_served(client):
    html = client.get("/login").get_data(as_text=True)
    with client.get("/favicon.ico") as favicon:
        assert favicon.status_code == 200 and favicon.mimetype in ("image/x-icon", "image/vnd.microsoft.icon")
    for size in (192, 512):
        with client.get(f"/static/icons/icon-{size}.png") as response:
            assert response.status_code == 200
            with Image.open(io.BytesIO(response.get_data())) as icon:
                assert icon.size == (size, size)
    assert 'rel="apple-touch-icon"' in html and "icons/icon-192.png" in html
