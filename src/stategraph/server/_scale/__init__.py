"""Scale-out mode: PostgreSQL holds every durable resource, Redis carries coordination.

``settings`` (what to connect to, lease and poll intervals), ``_pg_resources`` (the resource
tables on Postgres), ``_queue`` (the run queue's SQL: admission, claim, lease, reaper),
``_bus`` (Redis: wake-ups, cancellation, done notices, one event stream per run),
``_stream_log`` (a run's events read back from its stream), ``_runs`` (the API side of runs)
and ``_worker`` (the process side that claims and executes them).
"""
