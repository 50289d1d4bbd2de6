"""The Admiralty (NATO STANAG 2511) grading: source reliability and information credibility."""

from __future__ import annotations

__all__ = ["CREDIBILITY", "RELIABILITY", "grade_code", "grade_words", "parse_grade"]

#: Source reliability letters and their meanings.
RELIABILITY: dict[str, str] = {
    "A": "completely reliable",
    "B": "usually reliable",
    "C": "fairly reliable",
    "D": "not usually reliable",
    "E": "unreliable",
    "F": "reliability cannot be judged",
}

#: Information credibility digits and their meanings.
CREDIBILITY: dict[int, str] = {
    1: "confirmed by other sources",
    2: "probably true",
    3: "possibly true",
    4: "doubtful",
    5: "improbable",
    6: "truth cannot be judged",
}


def grade_code(reliability: str | None, credibility: int | None) -> str:
    """``B2``; ``B`` or ``2`` when only one half is graded; '' when neither is."""
    return f"{reliability or ''}{'' if credibility is None else credibility}"


def grade_words(reliability: str | None, credibility: int | None) -> str:
    """``usually reliable source, probably true``: a grade spelt out (for help and tooltips)."""
    parts = []
    if reliability is not None:
        parts.append(f"{RELIABILITY[reliability]} source")
    if credibility is not None:
        parts.append(CREDIBILITY[credibility])
    return ", ".join(parts)


def parse_grade(text: str) -> tuple[str | None, int | None] | None:
    """``B2`` → ("B", 2), ``B`` → ("B", None), ``2`` → (None, 2); None when not a grade."""
    text = text.strip().upper()
    if not text:
        return None
    letter = text[0] if text[0] in RELIABILITY else None
    rest = text[1:] if letter else text
    if not rest:
        return (letter, None)
    if len(rest) == 1 and rest.isdigit() and int(rest) in CREDIBILITY:
        return (letter, int(rest))
    return None
