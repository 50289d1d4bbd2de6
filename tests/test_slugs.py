"""The one slug rule: file names, imported ids and the ids validation suggests."""

from __future__ import annotations

import pytest

from briefer.slugs import slugify


@pytest.mark.parametrize(
    ("text", "kwargs", "slug"),
    [
        ("Kosovo–Serbia security situation", {}, "kosovo-serbia-security-situation"),
        ("Zvečan clashes", {}, "zvecan-clashes"),  # accents dropped, not turned into '-'
        ("KFOR Troops", {"keep": "_"}, "kfor-troops"),
        ("kfor_troops", {"keep": "_"}, "kfor_troops"),
        ("kfor_troops", {}, "kfor-troops"),
        ("  --  ", {}, ""),
        ("你好", {}, ""),
        ("a" * 70, {"limit": 60}, "a" * 60),
        ("word " * 20, {"limit": 12}, "word-word-wo"),
        ("ab-cd", {"limit": 3}, "ab"),  # never ends with '-'
    ],
)
def test_slugify(text: str, kwargs: dict[str, object], slug: str) -> None:
    assert slugify(text, **kwargs) == slug  # type: ignore[arg-type]
