"""/static/dist/: templates get URLs versioned by the file's hash; only the current version is cached for long."""
from __future__ import annotations

import logging

import pytest
from flask import render_template_string

from ivr.web.assets import LONG_CACHE


@pytest.fixture
def dist(app, tmp_path):
    """A dist folder of our own (the built one may be absent where the front end was not built)."""
    folder = tmp_path / "static"
    (folder / "dist").mkdir(parents=True)
    (folder / "dist" / "page.js").write_text("console.log('one');")
    app.static_folder = str(folder)
    app.extensions["ivr.assets"].folder = folder / "dist"
    return folder / "dist"


def asset_url(app, name: str) -> str:
    with app.test_request_context():
        return render_template_string("{{ asset_url(name) }}", name=name)


def test_asset_url_carries_the_files_hash_and_changes_when_the_file_does(app, dist):
    first = asset_url(app, "page.js")
    (dist / "page.js").write_text("console.log('two, longer');")
    second = asset_url(app, "page.js")
    assert first.startswith("/static/dist/page.js?v=") and second.startswith("/static/dist/page.js?v=")
    assert first != second


def test_the_current_version_is_cached_for_a_year_and_an_old_or_missing_one_is_revalidated(app, dist):
    client = app.test_client()
    current = client.get(asset_url(app, "page.js"))
    old = client.get("/static/dist/page.js?v=000000000000")
    bare = client.get("/static/dist/page.js")
    assert current.status_code == old.status_code == bare.status_code == 200
    assert current.headers["Cache-Control"] == LONG_CACHE
    assert old.headers["Cache-Control"] == bare.headers["Cache-Control"] == "no-cache"
    assert bare.headers["ETag"]
    for answer in (current, old, bare):
        answer.close()


def test_a_file_missing_from_dist_is_logged_and_its_plain_url_given(app, dist, caplog):
    with caplog.at_level(logging.ERROR, logger="ivr.web.assets"):
        url = asset_url(app, "absent.js")
    assert url == "/static/dist/absent.js"
    assert "absent.js is not in" in caplog.text and "make frontend" in caplog.text


@pytest.mark.parametrize("name", ["../secret.js", "/etc/passwd"])
def test_a_name_outside_dist_has_no_version(app, dist, name):
    assert app.extensions["ivr.assets"].version(name) is None
