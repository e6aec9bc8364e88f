"""The live feed: change rows written with every queue/agent/call change, woken up per process, streamed as SSE."""
