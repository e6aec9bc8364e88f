# Quick start: `make run` serves the IVR on embedded defaults, `make test` runs the whole test suite.
# Both create .venv and build the front end (ivr/web/static/dist/) from the project's files first when missing or
# out of date; `make frontend` rebuilds only the front end.

VENV := .venv
STAMP := $(VENV)/.installed

.PHONY: run test bench frontend

run: $(STAMP)
	IVR_DEV_OPEN_API=1 $(VENV)/bin/python app.py  # development: the JSON API answers this machine without a token

test: $(STAMP)
	$(VENV)/bin/python -m pytest

frontend:
	sh scripts/frontend.sh

$(STAMP): requirements.txt pyproject.toml scripts/bootstrap.sh scripts/debian-packages.txt scripts/frontend.sh \
          frontend/package.json frontend/package-lock.json frontend/build.mjs $(wildcard frontend/src/*)
	sh scripts/bootstrap.sh
