"""The feed inbox (SPEC §8): news feeds fetched into SQLite, triaged into events.

- ``http.py``: one feed over HTTP(S), within limits (timeouts, size, redirects),
  conditionally (ETag, Last-Modified).
- ``feeds.py``: a feed's bytes → items, with feedparser; untrusted text made plain.
- ``store.py``: the SQLite inbox beside the log: migrations, one transaction per feed.
- ``fetch.py``: every feed of the log, a few at a time.
- ``items.py``: an item as the log sees it: its date in the log's zone, whether
  it is already in the log, the entry accepting it makes.
"""
