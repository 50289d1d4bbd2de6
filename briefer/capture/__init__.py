"""Capture (SPEC §8): new events as new files, never an edit of an existing one.

- ``entry.py``: what the analyst (or a feed item) says about a new event →
  the YAML of its file, written by a YAML emitter (never by formatting text,
  so nothing a feed says can change the file's structure), and the editor's
  commented template.
- ``ids.py``: the ids a new event and a new source get, unique in the log.
- ``place.py``: the draft validated together with the whole log, then put in
  place under a new name that nothing else can take (a hard link, which fails
  rather than overwrite); an invalid draft is kept under ``.drafts/``.
- ``editor.py``: ``$VISUAL``/``$EDITOR`` on a draft, as ``git commit`` does.

``briefer add``, ``briefer inbox accept`` and the browser's ``n`` and ``a``
all go through :func:`briefer.capture.place.capture`.
"""
