"""The brief's map (SPEC §10): views, markers, numbers, safety, and the real render."""

from __future__ import annotations

import random
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from pypdf import PdfReader

from briefer.brief import BriefContext, build_brief
from briefer.render.charts.svg import text_width
from briefer.render.map import ENDORSEMENT, MapMark, brief_map, map_svg
from tests.helpers import REPO, load_valid, run_cli, write

SVG = "{http://www.w3.org/2000/svg}"
STEM = "2023-11-22-kosovo-serbia-security-situation"
#: 1 Sep 2023 and 22 Nov 2023 09:00 CET, the shipped brief of the README.
SHIPPED_SINCE, SHIPPED_AS_OF = 1693519200, 1700640000


def _ctx(path: Path, *, as_of: int, since: int) -> BriefContext:
    log = load_valid(path)
    return build_brief(log, as_of=as_of, period_start=since, input_hash="x", generator="t")


def _log(tmp_path: Path, events: list[tuple[str, str, str, str]]) -> Path:
    """A log of (id, kind, title, location YAML) events on 2 Mar 2024."""
    lines = [
        "briefer: 1",
        "title: Map test",
        "timezone: UTC",
        "sources:",
        "  - {id: s1, title: A source}",
        "events:",
    ]
    for eid, kind, title, location in events:
        lines += [
            f"  - id: {eid}",
            "    date: 2024-03-02",
            f"    title: {title}",
            f"    kind: {kind}",
            f"    location: {location}",
            "    sources: [s1]",
        ]
    return write(tmp_path / "events.yaml", "\n".join(lines) + "\n")


MARCH_5, MARCH_1 = 1709596800, 1709251200


def _markers(svg: str) -> list[str]:
    """Tooltips of the numbered markers (their titles start with the number)."""
    return re.findall(r"<title>(\d+ · [^<]*)</title>", svg)


# -- the views --------------------------------------------------------------------------


def test_events_on_three_continents_get_a_world_view(tmp_path: Path) -> None:
    path = _log(
        tmp_path,
        [
            ("nairobi", "diplomatic", "Talks", "{name: Nairobi, lat: -1.29, lon: 36.82}"),
            ("lima", "incident", "Protest", "{name: Lima, lat: -12.05, lon: -77.04}"),
            ("tokyo", "statement", "Statement", "{name: Tokyo, lat: 35.68, lon: 139.69}"),
        ],
    )
    drawn = brief_map(_ctx(path, as_of=MARCH_5, since=MARCH_1), "s")
    assert drawn is not None
    section, svg = drawn
    assert "world view (Equal Earth)" in svg
    assert "Equal Earth projection." in svg
    assert "km at the equator" in svg
    assert len(_markers(svg)) == 3
    # Countries on every side of the world are drawn, Fiji across the antimeridian too.
    for country in ("Peru", "Kenya", "Japan", "Fiji", "Antarctica"):
        assert f'data-country="{country}"' in svg
    assert section.file == "s-map.svg"
    assert sorted(section.numbers.values()) == [1, 2, 3]


def test_a_single_event_gets_a_context_view_of_its_country(tmp_path: Path) -> None:
    path = _log(tmp_path, [("one", "incident", "Clash", "{name: Nairobi, lat: -1.29, lon: 36.82}")])
    drawn = brief_map(_ctx(path, as_of=MARCH_5, since=MARCH_1), "s")
    assert drawn is not None
    _, svg = drawn
    assert "regional view (Lambert azimuthal equal-area)" in svg
    # The country it happened in, and its neighbours, for context.
    for country in ("Kenya", "Tanzania", "Uganda", "Somalia"):
        assert f'data-country="{country}"' in svg
    assert 'data-country="Japan"' not in svg
    scale = re.search(r">([\d,]+) km</text>", svg)
    assert scale is not None
    assert 50 <= int(scale.group(1).replace(",", "")) <= 500
    assert _markers(svg) == ["1 · 2 Mar 2024 · Clash · Nairobi"]


def test_a_view_inside_a_large_country_is_all_land() -> None:
    # Central Siberia: no boundary or coast within the view, yet Russia fills it.
    svg = map_svg(
        [MapMark(90.0, 61.0, "incident", 3, 1, "1 · x")], [], title="M", subtitle="", unplaced=0
    )
    fill = re.search(r'<path data-country="Russia" d="([^"]+)"', svg)
    assert fill is not None
    assert 'data-country="Kazakhstan"' not in svg
    assert 'class="coast"' not in svg


def test_an_empty_period_has_no_map(tmp_path: Path) -> None:
    path = _log(tmp_path, [("one", "incident", "Clash", "{name: Nairobi, lat: -1.29, lon: 36.82}")])
    assert brief_map(_ctx(path, as_of=MARCH_5, since=MARCH_5 - 3600), "s") is None
    # Nor when no development of the period has coordinates (they are only counted).
    path = _log(tmp_path, [("one", "incident", "Clash", "{name: Nairobi}")])
    assert brief_map(_ctx(path, as_of=MARCH_5, since=MARCH_1), "s") is None
    # As a user sees it: a brief of an empty period has no map section, and no map file.
    _log(tmp_path, [("one", "incident", "Clash", "{name: Nairobi, lat: -1.29, lon: 36.82}")])
    done = run_cli("render", "--pdf", "--as-of", "2024-03-05", "--since", "1h", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert not [p for p in done.stdout.splitlines() if p.endswith("-map.svg")]
    (markdown,) = (tmp_path / "reports").glob("*.md")
    text = markdown.read_text(encoding="utf-8")
    assert "## Developments\n\nNo new developments in this period." in text
    assert "## Map" not in text
    assert "(map " not in text


def test_hostile_place_names_are_escaped_in_the_svg(tmp_path: Path) -> None:
    path = _log(
        tmp_path,
        [
            (
                "evil",
                "incident",
                '"<script>alert(1)</script> & ]]>"',
                "{name: \"</title><image href='file:///etc/passwd'/>&amp;\", "
                'region: "<b>x</b>", lat: 42.66, lon: 21.17}',
            ),
            ("plain", "political", "Nothing here", "{name: '<svg onload=x>'}"),
        ],
    )
    drawn = brief_map(_ctx(path, as_of=MARCH_5, since=MARCH_1), "s")
    assert drawn is not None
    _, svg = drawn
    root = ET.fromstring(svg)  # well-formed: nothing broke out of its text
    assert not root.findall(f".//{SVG}script")
    assert not root.findall(f".//{SVG}image")
    assert "<script" not in svg
    tips = [t.text or "" for t in root.iter(f"{SVG}title")]
    assert any("</title><image href='file:///etc/passwd'/>&amp;" in t for t in tips)
    # Nothing outside the document is referenced: only the map's own clip path.
    assert re.findall(r"url\([^)]*\)", svg) == ["url(#briefer-map-frame)"]
    assert not [k for e in root.iter() for k in e.attrib if k.endswith("href")]
    assert "1 event has a place but no coordinates and is not shown." in svg


def test_a_thousand_events_keep_numbers_readable(tmp_path: Path) -> None:
    rng = random.Random(7)
    marks = [
        MapMark(
            20.0 + rng.random() * 2.5,
            41.8 + rng.random() * 1.6,
            rng.choice(["incident", "political", "deployment", "statement"]),
            rng.randint(1, 5),
            n,
            f"{n} · event {n}",
        )
        for n in range(1, 1001)
    ]
    svg = map_svg(marks, [], title="Map", subtitle="1,000 events", unplaced=0)
    assert svg == map_svg(marks, [], title="Map", subtitle="1,000 events", unplaced=0)
    root = ET.fromstring(svg)
    (group,) = [g for g in root.iter(f"{SVG}g") if g.get("font-weight") == "bold"]
    boxes = []
    for t in group.iter(f"{SVG}text"):
        x, y = float(t.get("x", 0)), float(t.get("y", 0))
        w = text_width(t.text or "", 10)
        x0 = x - w if t.get("text-anchor") == "end" else x
        boxes.append((x0, y - 8, x0 + w, y + 2))
    assert 10 <= len(boxes) <= 80
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            overlap = min(a[2], b[2]) - max(a[0], b[0]), min(a[3], b[3]) - max(a[1], b[1])
            assert not (overlap[0] > 0.5 and overlap[1] > 0.5), (a, b)
    note = re.search(r"(\d+) of (\d+) markers are unnumbered", svg)
    assert note is not None
    assert int(note.group(2)) - int(note.group(1)) == len(boxes)
    # The most significant events keep their numbers.
    top = {m.number for m in marks if m.significance == 5}
    numbered = {int(n) for t in group.iter(f"{SVG}text") for n in re.findall(r"\d+", t.text or "")}
    assert top & numbered


# -- the shipped brief, rendered as a user would ----------------------------------------


@pytest.fixture(scope="module")
def shipped(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[Path, subprocess.CompletedProcess[str]]:
    folder = tmp_path_factory.mktemp("shipped")
    shutil.copy(REPO / "events.yaml", folder / "events.yaml")
    done = run_cli(
        "render", "--pdf", "--as-of", "2023-11-22T09:00", "--since", "2023-09-01", cwd=folder
    )
    return folder / "reports", done


def test_the_shipped_brief_has_a_map_of_its_located_developments(
    shipped: tuple[Path, subprocess.CompletedProcess[str]],
) -> None:
    reports, done = shipped
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""  # the PDF engine asked for nothing it was refused
    assert f"reports/{STEM}-map.svg" in done.stdout.splitlines()
    svg = (reports / f"{STEM}-map.svg").read_text(encoding="utf-8")
    ctx = _ctx(REPO / "events.yaml", as_of=SHIPPED_AS_OF, since=SHIPPED_SINCE)
    located = [
        i.event
        for i in ctx.developments
        if i.event.location is not None and i.event.location.lat is not None
    ]
    assert {e.id for e in located} >= {"banjska-attack", "stoltenberg-permanent-increase"}
    tips = _markers(svg)
    assert len(tips) == len(located)
    for n, e in enumerate(located, 1):
        assert any(t.startswith(f"{n} · ") and e.title in t for t in tips)
    # Kosovo is drawn as a country of its own, with a detailed boundary.
    kosovo = re.search(r'<path data-country="Kosovo" d="([^"]+)"', svg)
    assert kosovo is not None
    assert kosovo.group(1).count("L") > 100
    assert 'class="boundary"' in svg
    assert "regional view" in svg
    assert ENDORSEMENT in svg
    assert "Made with Natural Earth." in svg
    assert "have a place but no coordinates" in svg
    # Background events with coordinates are drawn muted, without numbers.
    muted = re.search(r'<g fill="#fff" stroke="#8a8a8a"[^>]*>(.*?)</g>', svg, re.S)
    assert muted is not None
    earlier = [i.event for i in ctx.background if i.event.location and i.event.location.lat]
    assert {e.id for e in earlier} >= {"zvecan-clashes", "kosovo-independence"}
    for e in earlier:
        assert e.title in muted.group(1)
    assert not re.search(r"<title>\d+ · ", muted.group(1))
    markdown = (reports / f"{STEM}.md").read_text(encoding="utf-8")
    assert f"## Map\n\n![Map of the period's developments]({STEM}-map.svg)" in markdown
    for n, e in enumerate(located, 1):
        assert f"{e.location} (map {n})*" in markdown


def test_the_pdf_embeds_the_map_as_vectors(
    shipped: tuple[Path, subprocess.CompletedProcess[str]],
) -> None:
    reports, _ = shipped
    reader = PdfReader(reports / f"{STEM}.pdf")
    pages = [p.extract_text() for p in reader.pages]
    (page,) = [i for i, text in enumerate(pages) if "Map of the period's developments" in text]
    assert "do not imply endorsement" in pages[page]
    assert "MAP" in pages[page].upper()

    def images(resources: object) -> int:
        found = 0
        xobjects = resources.get("/XObject", {}) if hasattr(resources, "get") else {}
        for ref in xobjects.values():
            obj = ref.get_object()
            if obj.get("/Subtype") == "/Image":
                found += 1
            elif "/Resources" in obj:
                found += images(obj["/Resources"])
        return found

    assert images(reader.pages[page]["/Resources"]) == 0


def test_events_across_the_antimeridian_share_one_regional_view() -> None:
    from briefer.render.map.layers import _off_cut

    marks = [
        MapMark(178.44, -18.14, "incident", 3, 1, "1 · Suva"),
        MapMark(-178.1, -17.0, "political", 3, 2, "2 · east"),
    ]
    svg = map_svg(marks, [], title="M", subtitle="", unplaced=0)
    assert "regional view" in svg
    assert 'data-country="Fiji"' in svg
    # Where Natural Earth cuts Fiji at 180°, no coastline is drawn.
    cut = [(179.0, 0.0), (180.0, 0.0), (180.0, 1.0), (179.0, 1.0)]
    assert _off_cut(cut) == [[(179.0, 0.0), (180.0, 0.0)], [(180.0, 1.0), (179.0, 1.0)]]
    assert _off_cut([(179.0, 0.0), (180.0, 0.0)]) is None
