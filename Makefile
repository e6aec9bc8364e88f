# Quick start: `make run` serves the IVR on embedded defaults, `make test` runs the whole test suite.
# Both create .venv from the project's files first when it is missing or out of date.

VENV := .venv
STAMP := $(VENV)/.installed

.PHONY: run test bench

run: $(STAMP)
	IVR_DEV_OPEN_API=1 $(VENV)/bin/python app.py  # development: the JSON API answers this machine without a token

test: $(STAMP)
	$(VENV)/bin/python -m pytest

$(STAMP): requirements.txt pyproject.toml scripts/bootstrap.sh scripts/debian-packages.txt
	sh scripts/bootstrap.sh
