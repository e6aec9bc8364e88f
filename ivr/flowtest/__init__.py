"""Flow tests: scripted calls written in YAML beside the flows (flows/tests/*.yaml), run through the simulator.

A test file names the flow it is about (`flow`, optional), values shared by its cases (`defaults`: from, to,
at, dial_status) and its `cases`. Each case is one call: who calls (`from`), which number (`to`; default: the
first number of `flow`), when (`at`, an ISO date and time with its UTC offset; default 2026-03-02T10:00+09:00),
what the caller does (`press`: one item per question: keys, "" for silence, `rec:12` to speak 12 s at a
voicemail), how transfers end (`dial_status`) and what http nodes get (`http`: canned answers by URL). Then what
must be true: `hears` (phrases, in order), `not_hears`, `ends_at` (the node the call ended on), `variables`,
`voicemail_s` (seconds kept; 0 for none) and `survey` (answers by question id; null for skipped).

`hears` matching (see hearing.py): each phrase must appear inside one prompt the caller heard, after the end of
the previous phrase's match; case and runs of spaces are ignored; a piece of a prompt is enough; a phrase written
twice must be heard twice. `not_hears` phrases must appear in no prompt.

`ivr test` runs them in-process on a temporary SQLite database with signed webhooks: exit 0 when all pass,
1 when one fails, 2 when they cannot run (an invalid test file, flows that do not load).
"""
