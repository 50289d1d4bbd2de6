"""briefer: keep a curated timeline of an unfolding situation and turn it into situation briefs."""

# The single source of the version (pyproject.toml reads it from here).
__version__ = "0.1.0"
