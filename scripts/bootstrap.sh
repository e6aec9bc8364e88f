#!/bin/sh
# Make .venv from the project's files: Debian packages first (when missing and we may install them),
# then the pinned Python packages and the `ivr` command, then the front end (scripts/frontend.sh).
# Called by `make`; safe to run again.
set -eu
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}

need_apt=""
"$PY" -c "import ensurepip, venv" 2>/dev/null || need_apt="$need_apt python3-venv"
for tool in $(cat scripts/debian-packages.txt 2>/dev/null | grep -v '^#'); do
  dpkg -s "$tool" >/dev/null 2>&1 || need_apt="$need_apt $tool"
done
# Node.js builds the front end: Debian's packages, unless a node and npm (of any origin) are already there.
command -v node >/dev/null || need_apt="$need_apt nodejs"
command -v npm >/dev/null || need_apt="$need_apt npm"
if [ -n "$need_apt" ]; then
  if [ "$(id -u)" = 0 ]; then SUDO=""; elif command -v sudo >/dev/null; then SUDO=sudo; else
    echo "bootstrap: please install these Debian packages first:$need_apt" >&2; exit 1; fi
  echo "bootstrap: installing Debian packages:$need_apt"
  # Wait for another apt or dpkg (unattended upgrades, a second make) instead of failing on its lock.
  $SUDO apt-get -o DPkg::Lock::Timeout=300 update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get -o DPkg::Lock::Timeout=300 install -y -qq $need_apt
fi

# The browser tests drive Debian's chromium (scripts/debian-packages.txt); Playwright's own download is never used.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
[ -x .venv/bin/python ] || "$PY" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -r requirements.txt
.venv/bin/python -m pip install -q --no-deps -e .
sh scripts/frontend.sh
touch .venv/.installed
