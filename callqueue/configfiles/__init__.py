"""Config files that point at their mistakes: YAML read with the line and column of every value, the
problems found in it (file:line:column), and small checks config values share.

A leaf package (it imports only PyYAML and the standard library) kept inside callqueue, the lowest package
that reads config files: the queue and agent files (callqueue.config) and the flow loader (ivr.flow, which
sits above callqueue anyway) both read their YAML through it, so callqueue never imports ivr.
"""
