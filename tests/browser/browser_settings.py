"""What the browser tests and their fixtures share: the browser's path and the live server's API token."""
from __future__ import annotations

CHROMIUM = "/usr/bin/chromium"
API_TOKEN = "browser-api-token"     # the live server's IVR_API_TOKEN unless a test gives its own
