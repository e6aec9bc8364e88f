"""Speech evaluation that cannot flatter us: menu phrases, yes/no words and out-of-grammar sounds from
every espeak-ng voice variant, several rates and pitches, telephone band and μ-law, white/pink/babble
noise and hum at 10-30 dB SNR, clipping and packet loss. Voices are split into a tuning half and a
held-out half (by a hash of the name); thresholds are tuned on the first, results reported on the second.

    nice -n 10 .venv/bin/python bench/speech_eval.py recognise     # decode everything once (cached)
    .venv/bin/python bench/speech_eval.py report                   # tune, then the held-out tables

Only Korean: no English model is configured on this machine (VOSK_MODEL_EN unset). Results and method
are recorded in docs/speech.md.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # `speech` from the work tree

import speech_eval_set as es  # noqa: E402
from speech_eval_run import CONFIGS, recognise  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("command", choices=["recognise", "report"])
    parser.add_argument("--config", action="append", choices=list(CONFIGS), help="default: all")
    parser.add_argument("--split", choices=["tune", "held"], help="decode one half only (ablations)")
    args = parser.parse_args()
    configs = args.config or list(CONFIGS)
    if args.command == "recognise":
        from speech.vosk_recognizer import VoskRecognizer

        recognizer = VoskRecognizer.for_language("ko").load()
        items = es.items()
        for config in configs:
            recognise(recognizer, config, items, args.split, progress=lambda s: print(s, flush=True))
    else:
        import speech_eval_report

        speech_eval_report.report(configs)


if __name__ == "__main__":
    main()
