"""The vocabulary of bench/genlog.py: places, actors, topics, sentence templates, weights.

Each entry pairs display text with a slug used for ids. Only data lives here;
the generator draws from these tables in a fixed order, so editing one changes
the output for every seed.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Place:
    """A named place with a slug, region and approximate coordinates."""

    name: str
    slug: str
    region: str
    lat: float
    lon: float


PLACES: tuple[Place, ...] = (
    Place("Banjska", "banjska", "North Kosovo", 42.97, 20.78),
    Place("Zvečan", "zvecan", "North Kosovo", 42.91, 20.84),
    Place("Leposavić", "leposavic", "North Kosovo", 43.10, 20.80),
    Place("Zubin Potok", "zubin-potok", "North Kosovo", 42.91, 20.69),
    Place("North Mitrovica", "north-mitrovica", "North Kosovo", 42.89, 20.87),
    Place("South Mitrovica", "south-mitrovica", "Mitrovica District", 42.88, 20.87),
    Place("Jarinje", "jarinje", "North Kosovo", 43.15, 20.77),
    Place("Brnjak", "brnjak", "North Kosovo", 42.83, 20.63),
    Place("Merdare", "merdare", "Podujevo", 43.02, 21.23),
    Place("Gazivode", "gazivode", "North Kosovo", 42.93, 20.60),
    Place("Priština", "pristina", "Central Kosovo", 42.66, 21.17),
    Place("Gračanica", "gracanica", "Central Kosovo", 42.60, 21.19),
    Place("Podujevo", "podujevo", "Central Kosovo", 42.91, 21.19),
    Place("Vučitrn", "vucitrn", "Mitrovica District", 42.82, 20.97),
    Place("Štrpce", "strpce", "South Kosovo", 42.24, 21.03),
    Place("Prizren", "prizren", "South Kosovo", 42.21, 20.74),
    Place("Uroševac", "urosevac", "South Kosovo", 42.37, 21.15),
    Place("Peć", "pec", "West Kosovo", 42.66, 20.29),
    Place("Dečani", "decani", "West Kosovo", 42.54, 20.29),
    Place("Gnjilane", "gnjilane", "East Kosovo", 42.46, 21.47),
    Place("Kamenica", "kamenica", "East Kosovo", 42.58, 21.58),
    Place("Raška", "raska", "Serbia", 43.29, 20.61),
    Place("Novi Pazar", "novi-pazar", "Serbia", 43.14, 20.51),
    Place("Kuršumlija", "kursumlija", "Serbia", 43.14, 21.27),
    Place("Belgrade", "belgrade", "Serbia", 44.79, 20.45),
)
# Places inside Kosovo (the first 21) carry most of the incidents.
KOSOVO_PLACES = PLACES[:21]
NORTH_PLACES = PLACES[:10]
SERBIA_PLACES = PLACES[21:24]
PLACE_BY_NAME: dict[str, Place] = {p.name: p for p in PLACES}

LOCATION_STRINGS: tuple[str, ...] = (
    "North Kosovo",
    "administrative boundary line",
    "Ibar bridge, Mitrovica",
    "Jarinje crossing",
    "Brussels",
    "New York",
    "Kosovo-wide",
    "Belgrade",
    "main road Zvečan–Leposavić",
    "Gazivode reservoir",
)

FORCES: tuple[tuple[str, str], ...] = (
    ("Kosovo Police", "police"),
    ("KFOR", "kfor"),
    ("EULEX", "eulex"),
    ("Kosovo Security Force", "ksf"),
    ("Kosovo Police special unit", "rosu"),
)
PEOPLE: tuple[tuple[str, str], ...] = (
    ("Albin Kurti", "kurti"),
    ("Aleksandar Vučić", "vucic"),
    ("Vjosa Osmani", "osmani"),
    ("Ana Brnabić", "brnabic"),
    ("Petar Petković", "petkovic"),
    ("Miroslav Lajčák", "lajcak"),
    ("Josep Borrell", "borrell"),
    ("Gabriel Escobar", "escobar"),
    ("Xhelal Sveçla", "svecla"),
    ("Milan Radoičić", "radoicic"),
)
ORGS: tuple[tuple[str, str], ...] = (
    ("European Union", "eu"),
    ("NATO", "nato"),
    ("US State Department", "us"),
    ("OSCE Mission in Kosovo", "osce"),
    ("UNMIK", "unmik"),
    ("Quint countries", "quint"),
    ("Russian Foreign Ministry", "russia"),
    ("Serbian Orthodox Church", "spc"),
    ("Srpska Lista", "srpska-lista"),
    ("Government of Kosovo", "kosovo-government"),
    ("Government of Serbia", "serbia-government"),
)
OTHER_ACTORS: tuple[str, ...] = (
    "armed Serb group",
    "local Serb residents",
    "Kosovo Albanian protesters",
    "Serbian Armed Forces",
    "Serbian Ministry of Interior",
    "Kosovo Assembly",
    "National Assembly of Serbia",
    "Special Prosecution of Kosovo",
    "Kosovo Specialist Chambers",
    "Constitutional Court of Kosovo",
    "Vetëvendosje",
    "UN Security Council",
    "unidentified attackers",
)
ALL_ACTORS: tuple[str, ...] = (
    tuple(f for f, _ in FORCES)
    + tuple(p for p, _ in PEOPLE)
    + tuple(o for o, _ in ORGS)
    + OTHER_ACTORS
)
COUNTRIES: tuple[tuple[str, str], ...] = (
    ("Italy", "italy"),
    ("Turkey", "turkey"),
    ("Germany", "germany"),
    ("the United Kingdom", "uk"),
    ("Romania", "romania"),
    ("Hungary", "hungary"),
    ("Poland", "poland"),
    ("the United States", "us"),
    ("Austria", "austria"),
    ("Switzerland", "switzerland"),
    ("Greece", "greece"),
)
TOPICS: tuple[tuple[str, str], ...] = (
    ("vehicle plates", "vehicle-plates"),
    ("ID documents", "id-documents"),
    ("the dinar", "dinar"),
    ("the Association of Serb-majority Municipalities", "association"),
    ("property expropriation", "expropriation"),
    ("the Ibar bridge", "ibar-bridge"),
    ("electricity billing", "electricity"),
    ("the Gazivode reservoir", "gazivode-reservoir"),
    ("customs", "customs"),
    ("missing persons", "missing-persons"),
    ("the civil registry", "civil-registry"),
    ("freedom of movement", "freedom-of-movement"),
)
CROSSINGS: tuple[tuple[str, str], ...] = (
    ("Jarinje", "jarinje"),
    ("Brnjak", "brnjak"),
    ("Merdare", "merdare"),
    ("Bela Zemlja", "bela-zemlja"),
    ("Končulj", "konculj"),
)
INFRA: tuple[str, ...] = (
    "a power line",
    "the Ibar-Lepenac water canal",
    "a railway track",
    "a bridge",
    "an electricity substation",
)
BUILDINGS: tuple[str, ...] = (
    "a police station",
    "the municipal building",
    "a Serbian Orthodox monastery",
    "a school",
    "a police vehicle",
    "a court building",
)
CITIES: tuple[str, ...] = ("Brussels", "Ohrid", "Washington", "Berlin", "Paris")
QUOTES: tuple[str, ...] = (
    "We will not allow parallel structures",
    "There will be no war",
    "The north is not for sale",
    "Dialogue is the only way forward",
    "Serbs will not accept Kosovo plates",
    "Peace is fragile",
    "Our patience has limits",
    "Plan B: a full withdrawal from the institutions",
    "This was a terrorist attack, full stop",
)
TAGS_BY_KIND: dict[str, tuple[str, ...]] = {
    "incident": ("violence", "north-kosovo", "security", "border", "arrests", "protests"),
    "deployment": ("kfor", "military", "police", "north-kosovo", "security"),
    "political": ("elections", "institutions", "north-kosovo", "serbs", "governance"),
    "diplomatic": ("dialogue", "eu", "us", "recognition", "normalisation"),
    "legal": ("courts", "war-crimes", "arrests", "justice"),
    "statement": ("rhetoric", "dialogue", "eu", "us", "russia"),
    "background": ("history", "context", "status", "demography"),
    "deadline": ("deadlines", "vehicle-plates", "dialogue", "documents"),
    "scheduled": ("elections", "dialogue", "un", "watch"),
}
MEASURES: tuple[str, ...] = (
    "additional checkpoints on the main road",
    "a ban on gatherings near the municipal buildings",
    "temporary closure of the crossing to freight",
    "increased KFOR patrols",
    "suspension of the planned takeover of municipal buildings",
    "an emergency session of the security council",
    "deployment of special police units",
)
ASSESSMENTS: tuple[str, ...] = (
    "further incidents are likely in the coming weeks",
    "escalation beyond the north remains unlikely",
    "the move was probably coordinated in advance",
    "Belgrade's reaction will shape the next dialogue round",
    "the figures reported are likely understated",
)
SOURCE_NOTES: tuple[str, ...] = (
    "p. 4",
    "para. 12",
    "quoting a police spokesperson",
    "unconfirmed: single source",
    "casualty figures only",
    "see annex, table 2",
    'statement reads "all options remain open"',
)


@dataclass(frozen=True)
class Publisher:
    """A publisher of sources, with the (example) domain its URLs use."""

    name: str
    slug: str
    domain: str


PUBLISHERS: tuple[Publisher, ...] = (
    Publisher("Balkan Insight", "birn", "balkaninsight.example.org"),
    Publisher("Radio Free Europe/Radio Liberty", "rferl", "www.rferl.example.org"),
    Publisher("Reuters", "reuters", "www.reuters.example.com"),
    Publisher("Associated Press", "ap", "apnews.example.com"),
    Publisher("Koha", "koha", "www.koha.example.net"),
    Publisher("KoSSev", "kossev", "kossev.example.net"),
    Publisher("Kosovo Online", "kosovo-online", "www.kosovo-online.example.com"),
    Publisher("NATO KFOR", "kfor", "jfcnaples.example.org"),
    Publisher("OSCE Mission in Kosovo", "osce", "www.osce.example.org"),
    Publisher("EEAS", "eeas", "www.eeas.example.org"),
    Publisher("UN Security Council", "unsc", "press.un.example.org"),
    Publisher("Kosovo Police", "kp", "www.kosovopolice.example.com"),
    Publisher("Government of Serbia", "srbija-gov", "www.srbija.example.net"),
    Publisher("International Crisis Group", "crisisgroup", "www.crisisgroup.example.org"),
    Publisher("Tanjug", "tanjug", "www.tanjug.example.net"),
)
SOURCE_HEADLINES: tuple[str, ...] = (
    "Tensions rise in {place} over {topic}",
    "Kosovo: what happened in {place}",
    "Security update, {month}",
    "Police and KFOR step up patrols around {place}",
    "Belgrade and Priština trade accusations over {topic}",
    "EU envoy: talks on {topic} to continue",
    "Situation in the north: weekly report #{week}",
    "Explainer – why {topic} matters",
    "'No return to the past', says Kosovo president",
)

# --------------------------------------------------------------------------- #
# Event templates: (title, id stem). Fields are filled per event.
# --------------------------------------------------------------------------- #

TEMPLATES: dict[str, tuple[tuple[str, str], ...]] = {
    "incident": (
        ("Armed group clashes with {force} in {place}", "clash-{place_s}"),
        ("Explosive device damages {infra} near {place}", "explosion-{place_s}"),
        ("Roadblocks erected on the road to {crossing}", "roadblocks-{crossing_s}"),
        ("Shots fired at {force} patrol near {place}", "shooting-{place_s}"),
        ("Arson attack on {building} in {place}", "arson-{place_s}"),
        ("Protesters and {force} clash in {place}", "protest-clash-{place_s}"),
        ("{force} officer injured in attack near {place}", "officer-injured-{place_s}"),
        ("Grenade thrown at {building} in {place}", "grenade-{place_s}"),
        ("Unidentified drone sighted over {place}", "drone-{place_s}"),
        ("Police seize weapons cache near {place}", "weapons-cache-{place_s}"),
        ("Ibar bridge: scuffles after {force} remove barricades", "ibar-bridge-scuffles"),
    ),
    "deployment": (
        ("KFOR reinforces presence in {place}", "kfor-reinforces-{place_s}"),
        ("{country_c} sends {n} additional troops to KFOR", "troops-{country_s}"),
        ("Serbian Armed Forces raise combat readiness", "serbia-combat-readiness"),
        ("Kosovo Police open new base in {place}", "police-base-{place_s}"),
        ("EULEX formed police unit deployed to {place}", "eulex-fpu-{place_s}"),
        ("Kosovo Security Force exercise near {place}", "ksf-exercise-{place_s}"),
        ("KFOR rotates Multinational Battle Group East", "kfor-rotation"),
        ("Serbian troops and armour massed near {serbplace}", "buildup-{serbplace_s}"),
    ),
    "political": (
        ("Srpska Lista withdraws from Kosovo institutions", "srpska-lista-withdraws"),
        ("Local elections held in {place}", "local-elections-{place_s}"),
        ("Kosovo Assembly passes law on {topic}", "law-{topic_s}"),
        ("Government of Kosovo adopts decision on {topic}", "decision-{topic_s}"),
        ("Mayor of {place} resigns", "mayor-resigns-{place_s}"),
        ("{n}% turnout in {place} recall vote", "recall-vote-{place_s}"),
        ("Serbian parliament debates resolution on Kosovo", "serbia-resolution"),
        ("Government survives no-confidence vote", "no-confidence-vote"),
        ("Serb officers resign from Kosovo Police in {place}", "resignations-{place_s}"),
    ),
    "diplomatic": (
        ("Dialogue round in Brussels ends without deal on {topic}", "dialogue-{topic_s}"),
        ("{person} visits {place}", "visit-{person_s}-{place_s}"),
        ("Quint envoys meet Kurti and Vučić", "quint-meeting"),
        ("Agreement on {topic} reached in {city}", "agreement-{topic_s}"),
        ("UN Security Council holds session on Kosovo", "unsc-session"),
        ("EU announces measures against Kosovo over {topic}", "eu-measures-{topic_s}"),
        ("{org} envoy meets {person} in {city}", "envoy-{org_s}-{person_s}"),
    ),
    "legal": (
        ("Special Prosecution indicts {n} over {place} attack", "indictment-{place_s}"),
        ("Constitutional Court rules on {topic}", "court-ruling-{topic_s}"),
        ("Specialist Chambers open trial of former KLA commanders", "ksc-trial"),
        ("Court in {place} orders detention of {n} suspects", "detention-{place_s}"),
        ("Arrest warrant issued for {person}", "warrant-{person_s}"),
        ("Basic Court in {place} convicts ex-officer of war crimes", "conviction-{place_s}"),
        ("Appeals court overturns verdict in {place} case", "appeal-{place_s}"),
    ),
    "statement": (
        ('{person}: "{quote}"', "statement-{person_s}"),
        ("{org} condemns violence in {place}", "condemns-{org_s}-{place_s}"),
        ("{org} calls for de-escalation in the north", "de-escalation-{org_s}"),
        ("{person} says Serbia will not recognise Kosovo", "no-recognition-{person_s}"),
        ("{org} expresses concern over {topic}", "concern-{org_s}-{topic_s}"),
        ("#{n} in a series: {org} briefing on the north", "briefing-{org_s}"),
    ),
    "background": (
        ("NATO air campaign against Yugoslavia ends", "nato-campaign-ends"),
        ("UN Security Council Resolution 1244 adopted", "unscr-1244"),
        ("Kosovo declares independence", "independence"),
        ("ICJ advisory opinion on the declaration of independence", "icj-opinion"),
        ("First agreement on normalisation of relations", "brussels-agreement"),
        ("Overview: the {topic} dispute", "overview-{topic_s}"),
        ("Demographic context of {place}", "context-{place_s}"),
    ),
    "deadline": (
        ("Deadline for {topic} expires", "deadline-{topic_s}"),
        ("Ultimatum to remove barricades in {place} expires", "ultimatum-{place_s}"),
        ("EU deadline for implementation of {topic} agreement", "eu-deadline-{topic_s}"),
    ),
    "scheduled": (
        ("Local elections in {place}", "elections-{place_s}"),
        ("Dialogue round in Brussels", "dialogue-round"),
        ("UN Security Council briefing on UNMIK", "unsc-briefing"),
        ("Verdict expected in {place} case", "verdict-{place_s}"),
    ),
}

LEAD_SENTENCES: dict[str, tuple[str, ...]] = {
    "incident": (
        "{force} reported the incident shortly after it began; {n} people were injured.",
        "Residents of {place} described hearing gunfire for about an hour.",
        "The attack targeted {building} in the centre of {place}.",
        "No group claimed responsibility.",
    ),
    "deployment": (
        "The move brings KFOR's strength in the area to roughly **{n}00 troops**.",
        "{force} said the deployment was precautionary and temporary.",
        "Belgrade described the step as a provocation.",
    ),
    "political": (
        "The decision on {topic} was adopted with {n} votes in favour.",
        "{org} called the step unilateral and urged a return to the dialogue.",
        "Turnout among Serb voters in {place} was very low.",
    ),
    "diplomatic": (
        "Talks on {topic} continued late into the night in {city}.",
        "{person} met both leaders separately before a joint session.",
        "The parties agreed to reconvene within a month.",
    ),
    "legal": (
        "Prosecutors allege the suspects acted as part of an organised group.",
        "The court's reasoning on {topic} runs to {n} pages.",
        "Defence lawyers said they would appeal.",
    ),
    "statement": (
        "{person} made the remarks at a press conference in {city}.",
        "{org} repeated its call for restraint on both sides.",
        "The statement followed the incident in {place}.",
    ),
    "background": (
        "This entry gives context for later events in {place}.",
        "The dispute over {topic} dates back to the early 2000s.",
        "Figures on the population of {place} are contested.",
    ),
    "deadline": (
        "The deadline on {topic} was set by the Government of Kosovo.",
        "{org} had asked for the deadline to be postponed.",
    ),
    "scheduled": (
        "Preparations are under way; {org} will observe.",
        "The date was announced by {person}.",
    ),
}
GENERIC_SENTENCES: tuple[str, ...] = (
    "The situation in {region} remained tense but calm afterwards.",
    "Local media reported {n} people injured; this could not be independently confirmed.",
    "The incident followed weeks of rising tension over {topic}.",
    "{org} urged both sides to refrain from unilateral steps.",
    "{force} increased patrols along the main road to {crossing}.",
    "Officials in Belgrade and Priština gave conflicting accounts of the sequence of events.",
    "This is consistent with earlier reporting on {topic}.",
    "Traffic through {crossing} was *suspended for several hours*.",
)

KINDS: tuple[str, ...] = (
    "incident",
    "political",
    "diplomatic",
    "statement",
    "deployment",
    "legal",
    "background",
    "scheduled",
    "deadline",
)
KIND_WEIGHTS: tuple[float, ...] = (24, 16, 14, 16, 9, 9, 6, 2.5, 1.5)

# Relative density of events per year: a long, quiet middle and a busy recent period.
# fmt: off
YEAR_WEIGHTS: dict[int, float] = {
    1999: 6, 2000: 2, 2001: 2, 2002: 1, 2003: 1, 2004: 3, 2005: 1.5, 2006: 1.5,
    2007: 1.5, 2008: 4, 2009: 1.5, 2010: 1.5, 2011: 4, 2012: 3, 2013: 4, 2014: 2,
    2015: 2, 2016: 2, 2017: 2, 2018: 3, 2019: 3, 2020: 3, 2021: 6, 2022: 9,
    2023: 12, 2024: 12, 2025: 12, 2026: 11,
}
# fmt: on

CONFIDENCE: tuple[str, ...] = ("high", "moderate", "low")
CONFIDENCE_CUM: tuple[float, ...] = (40, 85, 100)
SIGNIFICANCE_CUM: tuple[float, ...] = (10, 45, 80, 95, 100)


@dataclass(frozen=True)
class Metric:
    """A metric declared in the header, with a rough value curve over time."""

    id: str
    label: str
    unit: str
    # (year, value) anchor points; values are interpolated between them.
    curve: tuple[tuple[int, float], ...]
    rounding: int


# fmt: off
METRICS: tuple[Metric, ...] = (
    Metric(
        "kfor_troops",
        "KFOR troops in Kosovo",
        "troops",
        (
            (1999, 50000), (2002, 35000), (2005, 17000), (2010, 10000), (2013, 5000),
            (2020, 3500), (2023, 4500), (2026, 4800),
        ),
        10,
    ),
    Metric(
        "displaced_persons",
        "Internally displaced persons",
        "people",
        ((1999, 250000), (2005, 120000), (2015, 17000), (2026, 15500)),
        100,
    ),
    Metric(
        "incidents_north",
        "Security incidents in North Kosovo (monthly)",
        "incidents",
        ((1999, 120), (2004, 60), (2011, 90), (2015, 20), (2022, 70), (2026, 40)),
        1,
    ),
)
# fmt: on

# --------------------------------------------------------------------------- #
# Tradecraft (SPEC §7): grades, indicators, key judgments. Drawn from their own
# random streams, so that adding them leaves the rest of the log unchanged.
# --------------------------------------------------------------------------- #

# Admiralty grades and how often an analyst gives each.
RELIABILITY: tuple[str, ...] = ("A", "B", "C", "D", "E", "F")
RELIABILITY_CUM: tuple[float, ...] = (5, 40, 75, 88, 92, 100)
CREDIBILITY_CUM: tuple[float, ...] = (15, 50, 80, 90, 93, 100)  # digits 1..6


@dataclass(frozen=True)
class Signpost:
    """An indicator's title template (``{place}``), id stem, scenario and observing kinds."""

    title: str
    stem: str
    scenario: str
    kinds: tuple[str, ...]


SIGNPOSTS: tuple[Signpost, ...] = (
    Signpost("Armed groups active near {place}", "armed-groups", "escalation", ("incident",)),
    Signpost("Roadblocks or barricades around {place}", "barricades", "escalation", ("incident",)),
    Signpost("Attacks on police in {place}", "police-attacked", "escalation", ("incident",)),
    Signpost(
        "Weapons caches found near {place}", "weapons-caches", "escalation", ("incident", "legal")
    ),
    Signpost(
        "Serbian Army movements towards {place}",
        "army-movements",
        "escalation",
        ("deployment", "statement"),
    ),
    Signpost("KFOR reinforcements in {place}", "kfor-reinforced", "escalation", ("deployment",)),
    Signpost(
        "Special police deployed to {place}",
        "special-police",
        "escalation",
        ("deployment", "incident"),
    ),
    Signpost(
        "Protests at the municipal building in {place}",
        "municipal-protests",
        "escalation",
        ("incident", "political"),
    ),
    Signpost(
        "Crossing closures near {place}",
        "crossing-closed",
        "escalation",
        ("incident", "deployment"),
    ),
    Signpost(
        "Arrests of Serb residents of {place}", "arrests", "escalation", ("legal", "incident")
    ),
    Signpost(
        "Talks on the association of municipalities touching {place}",
        "association-talks",
        "normalisation",
        ("diplomatic", "political"),
    ),
    Signpost(
        "Local elections called in {place}",
        "elections-called",
        "normalisation",
        ("political", "scheduled"),
    ),
    Signpost(
        "Serb officials return to institutions in {place}",
        "officials-return",
        "normalisation",
        ("political",),
    ),
    Signpost(
        "Joint patrols agreed for {place}",
        "joint-patrols",
        "normalisation",
        ("diplomatic", "deployment"),
    ),
    Signpost(
        "Freight traffic resumes through {place}",
        "freight-resumes",
        "normalisation",
        ("diplomatic", "incident"),
    ),
    Signpost("Harsher rhetoric in Belgrade about {place}", "rhetoric", "stalemate", ("statement",)),
    Signpost("Court rulings on property in {place}", "property-rulings", "stalemate", ("legal",)),
    Signpost(
        "Missed deadlines affecting {place}",
        "missed-deadlines",
        "stalemate",
        ("deadline", "scheduled", "political"),
    ),
)
WINDOWS: tuple[str | None, ...] = ("30d", "30d", "60d", "90d", "2w", None)

# ICD 203's first row, lowest range first; a log keeps to one row.
LIKELIHOOD_TERMS: tuple[str, ...] = (
    "almost no chance",
    "very unlikely",
    "unlikely",
    "roughly even chance",
    "likely",
    "very likely",
    "almost certain",
)
JUDGMENT_CONFIDENCE: tuple[str, ...] = ("high", "moderate", "moderate", "low")

# Judgment statements and id stems. A statement states the outcome only: no
# likelihood or confidence words (those live in their own keys; the validator
# warns otherwise).
JUDGMENTS: tuple[tuple[str, str], ...] = (
    (
        "Armed violence in {place} on the scale of Banjska or larger before the end of {year}",
        "violence-{place_s}",
    ),
    (
        "Serb officials in {place} return to Kosovo institutions by the end of {year}",
        "officials-{place_s}",
    ),
    (
        "{person} agrees to the association of Serb-majority municipalities in {year}",
        "association-{person_s}",
    ),
    (
        "The {crossing} crossing stays closed to freight for more than a month in {year}",
        "closure-{crossing_s}",
    ),
    ("{org} raises its presence in {place} before the end of {year}", "presence-{org_s}-{place_s}"),
    ("New barricades go up around {place} during {year}", "barricades-{place_s}"),
    ("The dialogue on {topic} produces a signed text in {year}", "dialogue-{topic_s}"),
    ("{person} calls early elections in {year}", "elections-{person_s}"),
    ("Protests in {place} turn violent before the end of {year}", "protests-{place_s}"),
    (
        "The Serbian Army moves units closer to the boundary near {place} in {year}",
        "army-{place_s}",
    ),
)
