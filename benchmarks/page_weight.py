"""The checklist page's weight on the wire: the page and everything it loads, compressed.

Run by hand against a running server whose opening checklist is open, e.g.

    .venv/bin/python benchmarks/page_weight.py http://127.0.0.1:5000 staff1 demo-pass-123

Prints each response's bytes as sent (brotli or gzip, whichever the server chose) and raw.
"""

from __future__ import annotations

import gzip
import http.cookiejar
import re
import sys
import urllib.parse
import urllib.request

ENCODINGS = "br, gzip"


def fetch(opener: urllib.request.OpenerDirector, url: str, data: bytes | None = None) -> tuple[bytes, str]:
    request = urllib.request.Request(url, data=data, headers={"Accept-Encoding": ENCODINGS})
    with opener.open(request, timeout=30) as response:
        return response.read(), response.headers.get("Content-Encoding", "identity")


def raw_size(body: bytes, encoding: str) -> int:
    if encoding == "gzip":
        return len(gzip.decompress(body))
    if encoding == "br":
        try:
            import brotli  # type: ignore[import-not-found]
        except ImportError:
            return -1
        return len(brotli.decompress(body))
    return len(body)


def main(base: str, username: str, password: str, path: str = "/checklist/opening") -> int:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    with opener.open(f"{base}/login", timeout=30) as response:
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', response.read().decode()).group(1)
    form = urllib.parse.urlencode({"username": username, "password": password, "csrf_token": token}).encode()
    opener.open(urllib.request.Request(f"{base}/login", data=form), timeout=30).read()

    body, encoding = fetch(opener, base + path)
    html = gzip.decompress(body).decode() if encoding == "gzip" else None
    if html is None:
        with opener.open(base + path, timeout=30) as response:
            html = response.read().decode()
    if 'id="checklist"' not in html:
        print("the checklist is not open on that server (use faketime inside its window)")
        return 1
    assets = re.findall(r'(?:href|src)="(/[^"]+)"', html)
    assets = [url for url in dict.fromkeys(assets) if url.startswith("/static/") or url.endswith(".webmanifest")]
    assets.append("/sw.js")
    rows = [(path, len(body), raw_size(body, encoding), encoding)]
    for url in assets:
        asset, asset_encoding = fetch(opener, base + url.replace("&amp;", "&"))
        rows.append((url, len(asset), raw_size(asset, asset_encoding), asset_encoding))
    for url, sent, raw, used in rows:
        print(f"{sent:>8} {raw:>8}  {used:<8} {url}")
    print(f"{sum(r[1] for r in rows):>8} {sum(r[2] for r in rows):>8}  total (bytes sent, bytes raw)")
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
