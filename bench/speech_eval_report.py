"""Tuning and held-out tables of the speech evaluation, from the decoded results in bench/.cache/."""
from __future__ import annotations

import itertools
import json
from collections import defaultdict
from dataclasses import replace

import speech_eval_set as es
from speech_eval_run import results_path
from speech.decision import DEFAULT, SHORT, Hearing, decide, settings_for
from speech.matching import match

OUTCOMES = ["right", "asked, right", "asked, wrong", "silently wrong", "rejected"]
MAX_SILENT = 0.005  # tuning target per condition, below the goal's 1 %


def load(config: str) -> list[dict]:
    path = results_path(config)
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()] if path.exists() else []


def outcome(row: dict, chosen) -> str:
    """What the caller lives through: acted on the right option, asked (about the right or a wrong one),
    sent the wrong way without a question, or asked again (rejected). Out of grammar: rejected or accepted."""
    if row["option"] is None:
        return "rejected" if chosen is None else ("accepted, sure" if chosen.confident else "accepted, asked")
    if chosen is None:
        return "rejected"
    if chosen.confident:
        return "right" if chosen.option == row["option"] else "silently wrong"
    return "asked, right" if chosen.option == row["option"] else "asked, wrong"


def new_rule(long=DEFAULT, short=SHORT):
    menus = es.menus()
    return lambda row: decide(Hearing(row["texts"], row["shares"], row["cut_off"]), menus[row["menu"]],
                              settings_for(menus[row["menu"]], long, short))


def old_rule(row):
    """Before this work: speech.matching.match over the n-best texts, cut-off words never sure."""
    found = match(row["texts"], es.menus()[row["menu"]])
    return replace(found, confident=found.confident and not row["cut_off"]) if found else None


def tally(rows, rule, by=lambda r: r["condition"]):
    table = defaultdict(lambda: defaultdict(int))
    for row in rows:
        table[by(row)][outcome(row, rule(row))] += 1
    return table


def acceptable(rows, rule) -> tuple[int, bool]:
    """Right-and-sure count, and whether no condition has more than MAX_SILENT silently wrong and OOG
    speech is rejected at least 95 % of the time."""
    phrases = [r for r in rows if r["option"] is not None]
    table = tally(phrases, rule)
    silent_ok = all(t["silently wrong"] <= MAX_SILENT * sum(t.values()) for t in table.values())
    oog = [r for r in rows if r["option"] is None]
    rejected = sum(rule(r) is None for r in oog)
    return table_total(table, "right") + table_total(table, "asked, right") // 4, silent_ok and rejected >= 0.95 * len(oog)


def table_total(table, key) -> int:
    return sum(t[key] for t in table.values())


def tune(rows):
    """Grid search on the tuning half: long menus and short-answer menus separately."""
    best = {}
    for kind, base in (("long", DEFAULT), ("short", SHORT)):
        part = [r for r in rows if (r["menu"] == "yes_no") == (kind == "short")]
        candidates = []
        for threshold, cover, fill, score, agree in itertools.product(
                (55, 65, 75), (0.5, 0.67), (0.0, 0.34), (85, 90, 95, 100), (0.0, 0.4, 0.6, 0.8, 0.9)):
            settings = replace(base, threshold=threshold, min_coverage=cover, max_filler_share=fill,
                               sure_score=score, sure_agreement=agree)
            rule = new_rule(settings, settings)
            value, ok = acceptable(part, rule)
            candidates.append((ok, value, settings))
        candidates.sort(key=lambda c: (c[0], c[1]), reverse=True)
        best[kind] = candidates[0][2]
        print(f"tuned {kind}: ok={candidates[0][0]} value={candidates[0][1]} {candidates[0][2]}")
    return best


def print_table(title, table, columns=OUTCOMES):
    print(f"\n{title}\n")
    print("| condition | n | " + " | ".join(columns) + " |")
    print("|---|---|" + "---|" * len(columns))
    for key in sorted(table, key=str):
        n = sum(table[key].values())
        print(f"| {key} | {n} | " + " | ".join(f"{100 * table[key][c] / n:.0f}%" for c in columns) + " |")


def curve(rows, long, short):
    print("\nCalibration on the tuning half (long menus): share asked vs accuracy of sure answers\n")
    print("| sure_agreement | sure_score | asked or rejected | sure and right / sure |\n|---|---|---|---|")
    part = [r for r in rows if r["menu"] == "main" and r["option"] is not None]
    for agree, score in itertools.product((0.0, 0.4, 0.6, 0.8, 0.9), (85, 95, 100)):
        rule = new_rule(replace(long, sure_agreement=agree, sure_score=score), short)
        t = tally(part, rule, by=lambda r: "all")["all"]
        sure = t["right"] + t["silently wrong"]
        print(f"| {agree} | {score} | {100 * (1 - sure / len(part)):.0f}% | {100 * t['right'] / max(1, sure):.1f}% |")


def report(configs) -> None:
    main_rows = load("front end + fillers")
    tuning = [r for r in main_rows if r["split"] == "tune"]
    tuned = tune(tuning)
    curve(tuning, tuned["long"], tuned["short"])
    rule = new_rule(tuned["long"], tuned["short"])
    for config in configs:
        held = [r for r in load(config) if r["split"] == "held"]
        if not held:
            continue
        phrases = [r for r in held if r["option"] is not None]
        oog = [r for r in held if r["option"] is None]
        rules = {"tuned rule": rule} if config != "baseline" else {"old matcher": old_rule, "tuned rule": rule}
        for name, r in rules.items():
            print_table(f"### held-out, {config}, {name}: menu phrases and yes/no per condition", tally(phrases, r))
            print_table(f"### held-out, {config}, {name}: per phrase", tally(phrases, r, by=lambda x: x["text"]))
            print_table(f"### held-out, {config}, {name}: out of grammar", tally(oog, r, by=lambda x: f"{x['kind']} {x['condition']}"),
                        ["rejected", "accepted, asked", "accepted, sure"])
        times = [(r["front_end_s"], r["recognise_s"], r["duration_s"]) for r in held]
        fe = sum(t[0] for t in times) / sum(t[2] for t in times)
        rec = sum(t[1] for t in times) / sum(t[2] for t in times)
        worst = max(t[0] + t[1] for t in times)
        print(f"\n{config}: front end RTF {fe:.4f}, recognition RTF {rec:.3f}, slowest answer {1000 * worst:.0f} ms "
              f"(shared, loaded machine, nice 10)")
