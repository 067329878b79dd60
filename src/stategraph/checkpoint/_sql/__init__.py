"""SQL checkpoint storage shared by every SQL backend and by its sync and async savers.

``plans`` holds each saver operation once, as a generator that yields ``Query``
effects and receives their rows; a saver only *drives* plans on its connection.
``dialect`` isolates what differs between databases (placeholders, column types,
JSON filtering), ``queries`` the SQL text, ``migrations`` the numbered schema.
"""
