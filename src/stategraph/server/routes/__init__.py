"""HTTP routes, one module per resource; each exposes a ``routes`` list."""
