"""Scale-out mode: PostgreSQL holds every durable resource, Redis carries coordination.

``settings`` (what to connect to, lease and poll intervals), ``_state`` (opens it all),
``_pg_resources`` (the resource tables on Postgres), ``_queue`` (the run queue's SQL:
admission, claim, lease, finish, reap), ``_reaper`` (expired leases go back, on every
instance), ``_bus`` (Redis: wake-ups, cancel and done notices, one event stream per run),
``_stream_log`` (a run's events read back from its stream), ``_done`` (when runs end),
``_runs`` (the API side of runs) and ``_worker`` (the side that claims and executes them).
"""
