"""The supervisor's board: wallboard snapshot, reports per queue and agent, CSV exports, abandoned callers with
call-backs, and what-if staffing, all read with SQL aggregates (pages and the JSON API use the same services)."""
