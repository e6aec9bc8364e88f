"""The built front-end files under /static/dist/ (made by `make frontend`): versioned URLs for templates and
long cache lifetimes for them.

Templates write `{{ asset_url("htmx.min.js") }}` -> `/static/dist/htmx.min.js?v=<hash of the file>`. A request
that carries the file's current hash may be cached for a year (`immutable`); a new build changes the hash and so
the URL. Any other request for /static/ (no or an old `v`) gets Flask's revalidated answer (ETag, `no-cache`).
"""
from __future__ import annotations

import hashlib
import logging
from pathlib import Path

from flask import Flask, request, url_for

log = logging.getLogger(__name__)
DIST = "dist"
LONG_CACHE = "public, max-age=31536000, immutable"


class Assets:
    """File hashes of one dist folder, kept per (size, mtime) so a rebuild under a running server is noticed."""

    def __init__(self, folder: Path):
        self.folder = folder
        self._hashes: dict[str, tuple[tuple[int, int], str]] = {}

    def version(self, name: str) -> str | None:
        """The short hash of dist/`name`, or None when there is no such file."""
        path = self.folder / name
        if Path(name).is_absolute() or ".." in Path(name).parts or not path.is_file():
            return None
        stat = path.stat()
        key = (stat.st_size, stat.st_mtime_ns)
        known = self._hashes.get(name)
        if known is None or known[0] != key:
            known = (key, hashlib.sha256(path.read_bytes()).hexdigest()[:12])
            self._hashes[name] = known
        return known[1]


def init_app(app: Flask) -> None:
    """Give templates `asset_url` and mark current /static/dist/ answers as cacheable for long."""
    assets = Assets(Path(app.static_folder) / DIST)
    app.extensions["ivr.assets"] = assets
    if not assets.folder.is_dir():
        log.warning("the front end is not built (%s is missing): pages will miss their scripts; run `make frontend`",
                    assets.folder)

    def asset_url(name: str) -> str:
        version = assets.version(name)
        if version is None:
            log.error("front-end file %s is not in %s: run `make frontend`", name, assets.folder)
            return url_for("static", filename=f"{DIST}/{name}")
        return url_for("static", filename=f"{DIST}/{name}", v=version)

    def cache_current(response):
        name = request.path.removeprefix(f"/static/{DIST}/")
        version = request.args.get("v")
        if response.status_code in (200, 304) and name != request.path and version and version == assets.version(name):
            response.headers["Cache-Control"] = LONG_CACHE
        return response

    app.jinja_env.globals["asset_url"] = asset_url
    app.after_request(cache_current)
