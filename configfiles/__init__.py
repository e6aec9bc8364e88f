"""Config files that point at their mistakes: YAML read with the line and column of every value, the
problems found in it (file:line:column), and small checks config values share.

A leaf package (it imports only PyYAML and the standard library): the flow loader (ivr.flow) and the
queue and agent files (callqueue.config) both read their YAML through it, so neither imports the other.
"""
