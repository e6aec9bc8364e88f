"""The call queue's pure core: agents, queue entries, routing, Erlang C, statistics and a simulator."""
