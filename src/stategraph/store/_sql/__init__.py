"""SQL store layer shared by the SQLite and Postgres stores, sync and async.

``prepare`` checks a batch and embeds its texts (no I/O but the embedder);
``plans`` turns it into a generator of ``Query`` effects that a thin driver runs on
its connection; ``queries`` holds the SQL text, ``dialect`` what differs between
databases, ``codec`` how namespaces, values and vectors are stored, and
``migrations`` the numbered schema.  ``stores`` adds the sync/async store shells.
"""
