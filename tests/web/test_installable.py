"""The installable app: the manifest and the service worker served from the root."""

from __future__ import annotations

import json


def test_manifest_names_the_app_in_the_readers_language_with_both_icon_sizes(client):
    response = client.get("/manifest.webmanifest", headers={"Accept-Language": "zh-Hant"})

    body = json.loads(response.get_data(as_text=True))
    assert response.mimetype == "application/manifest+json"
    assert body["display"] == "standalone" and body["start_url"] == "/"
    assert body["name"] != "merch: shop displays"  # translated
    assert [icon["src"] for icon in body["icons"]] == ["/static/icons/icon-192.png", "/static/icons/icon-512.png"]


def test_service_worker_is_served_from_the_root_and_lists_versioned_assets(client):
    response = client.get("/sw.js")

    script = response.get_data(as_text=True)
    assert response.mimetype == "text/javascript"
    assert response.headers["Cache-Control"] == "no-cache"
    assert "/static/js/checklist.js?v=" in script and "/static/css/app.css?v=" in script
    assert '"/checklist/opening"' in script and "/api/" in script  # pages kept; the API never


def test_every_page_links_the_manifest(client):
    assert 'rel="manifest" href="/manifest.webmanifest"' in client.get("/login").get_data(as_text=True)
