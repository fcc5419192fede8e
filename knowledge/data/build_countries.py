"""Build ``knowledge/data/countries.csv`` (ISO 3166-1 + UN M49 + map points).

Dev-only tool: the site never imports this module; the Django data migration
only reads the CSV it writes.  Re-run it when a source package updates.

Packages used (versions the committed CSV was built with):

* pycountry 26.2.16 (LGPL-2.1+; data from Debian iso-codes):
  ISO 3166-1 alpha-2/alpha-3/numeric, English names and the French
  ``iso3166-1`` gettext catalogue.
* country_converter 1.3.2 (GPL-3.0): its ``country_data.tsv`` column
  ``UNregion`` (the most detailed UN M49 area of each country) and
  ``UNcode`` (M49 numeric code), used as the starting point for the M49
  assignment.
* countryinfo 1.0.1 (MIT; data "sourced primarily from Wikipedia"): the
  ``latlng`` representative point of each country.

The M49 hierarchy (names and 3-digit codes) and the expected membership of
every M49 area are written out below from the UN Statistics Division's M49
"Standard country or area codes for statistical use" and checked against the
package data; the script stops if they disagree in a way not listed in
``M49_CORRECTIONS``.

Run (in a throw-away venv, not the project's)::

    python3 -m venv /tmp/cdata
    /tmp/cdata/bin/pip install pycountry==26.2.16 country_converter==1.3.2 countryinfo==1.0.1
    /tmp/cdata/bin/python knowledge/data/build_countries.py

It writes ``countries.csv`` next to this file and prints what it corrected.
"""

import csv
import gettext
import glob
import json
import os
import sys

import country_converter
import countryinfo
import pycountry

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "countries.csv")

COLUMNS = [
    "iso2",
    "iso3",
    "numeric",
    "name",
    "name_fr",
    "name_pt",
    "name_es",
    "region",
    "region_code",
    "subregion",
    "subregion_code",
    "intermediate_region",
    "intermediate_region_code",
    "latitude",
    "longitude",
]

# ---------------------------------------------------------------------------
# UN M49 hierarchy: lowest-level area -> (intermediate, sub-region, region),
# each as (name, code).  Intermediate is None where M49 has none.
# ---------------------------------------------------------------------------
AFRICA = ("Africa", "002")
AMERICAS = ("Americas", "019")
ASIA = ("Asia", "142")
EUROPE = ("Europe", "150")
OCEANIA = ("Oceania", "009")
SSA = ("Sub-Saharan Africa", "202")
LAC = ("Latin America and the Caribbean", "419")
N_EUROPE = ("Northern Europe", "154")

M49_AREAS = {
    # area name: (intermediate, subregion, region)
    "Northern Africa": (None, ("Northern Africa", "015"), AFRICA),
    "Eastern Africa": (("Eastern Africa", "014"), SSA, AFRICA),
    "Middle Africa": (("Middle Africa", "017"), SSA, AFRICA),
    "Southern Africa": (("Southern Africa", "018"), SSA, AFRICA),
    "Western Africa": (("Western Africa", "011"), SSA, AFRICA),
    "Caribbean": (("Caribbean", "029"), LAC, AMERICAS),
    "Central America": (("Central America", "013"), LAC, AMERICAS),
    "South America": (("South America", "005"), LAC, AMERICAS),
    "Northern America": (None, ("Northern America", "021"), AMERICAS),
    "Central Asia": (None, ("Central Asia", "143"), ASIA),
    "Eastern Asia": (None, ("Eastern Asia", "030"), ASIA),
    "South-eastern Asia": (None, ("South-eastern Asia", "035"), ASIA),
    "Southern Asia": (None, ("Southern Asia", "034"), ASIA),
    "Western Asia": (None, ("Western Asia", "145"), ASIA),
    "Eastern Europe": (None, ("Eastern Europe", "151"), EUROPE),
    "Northern Europe": (None, N_EUROPE, EUROPE),
    "Channel Islands": (("Channel Islands", "830"), N_EUROPE, EUROPE),
    "Southern Europe": (None, ("Southern Europe", "039"), EUROPE),
    "Western Europe": (None, ("Western Europe", "155"), EUROPE),
    "Australia and New Zealand": (None, ("Australia and New Zealand", "053"), OCEANIA),
    "Melanesia": (None, ("Melanesia", "054"), OCEANIA),
    "Micronesia": (None, ("Micronesia", "057"), OCEANIA),
    "Polynesia": (None, ("Polynesia", "061"), OCEANIA),
}

# Membership of each lowest-level M49 area, as published by UNSD.  Used only
# as a check of the package data (plus corrections) below.
M49_EXPECTED = {
    "Northern Africa": "DZ EG LY MA SD TN EH",
    "Eastern Africa": "IO BI KM DJ ER ET TF KE MG MW MU YT MZ RE RW SC SO SS UG TZ ZM ZW",
    "Middle Africa": "AO CM CF TD CG CD GQ GA ST",
    "Southern Africa": "BW SZ LS NA ZA",
    "Western Africa": "BJ BF CV CI GM GH GN GW LR ML MR NE NG SH SN SL TG",
    "Caribbean": "AI AG AW BS BB BQ VG KY CU CW DM DO GD GP HT JM MQ MS PR BL KN LC MF VC SX TT TC VI",
    "Central America": "BZ CR SV GT HN MX NI PA",
    "South America": "AR BO BV BR CL CO EC FK GF GY PY PE GS SR UY VE",
    "Northern America": "BM CA GL PM US",
    "Central Asia": "KZ KG TJ TM UZ",
    "Eastern Asia": "CN HK MO KP JP MN KR TW",  # TW: not in M49, see README
    "South-eastern Asia": "BN KH ID LA MY MM PH SG TH TL VN",
    "Southern Asia": "AF BD BT IN IR MV NP PK LK",
    "Western Asia": "AM AZ BH CY GE IQ IL JO KW LB OM QA SA PS SY TR AE YE",
    "Eastern Europe": "BY BG CZ HU PL MD RO RU SK UA",
    "Northern Europe": "AX DK EE FO FI IS IE IM LV LT NO SJ SE GB",
    "Channel Islands": "GG JE",
    "Southern Europe": "AL AD BA HR GI GR VA IT MT ME MK PT SM RS SI ES",
    "Western Europe": "AT BE FR DE LI LU MC NL CH",
    "Australia and New Zealand": "AU CX CC HM NZ NF",
    "Melanesia": "FJ NC PG SB VU",
    "Micronesia": "GU KI MH FM NR MP PW UM",
    "Polynesia": "AS CK PF NU PN WS TK TO TV WF",
}
NO_REGION = {"AQ"}  # M49 lists Antarctica (010) under no region.

# Where country_converter's UNregion differs from M49 (value: correct area,
# or None for "no region").
M49_CORRECTIONS = {
    "NR": "Micronesia",  # package: Polynesia
    "GG": "Channel Islands",  # package: Northern Europe (no intermediate)
    "JE": "Channel Islands",  # package: Northern Europe (no intermediate)
    "AQ": None,  # package: "Antarctica" (not an M49 region)
}
# TW is not in M49 at all: country_converter's "Eastern Asia" is kept and
# documented in README.md.

# ---------------------------------------------------------------------------
# Names
# ---------------------------------------------------------------------------
# pycountry gives the ISO short name ("Korea, Republic of") and sometimes a
# common_name ("South Korea").  These replace inverted or long ISO forms
# that pycountry has no common_name for.
NAME_OVERRIDES = {
    "BN": "Brunei",
    "CD": "Democratic Republic of the Congo",
    "FM": "Micronesia",
    "PS": "Palestine",
    "RU": "Russia",
    "VA": "Holy See",
    "VG": "British Virgin Islands",
    "VI": "United States Virgin Islands",
}
# Portuguese and Spanish: the catalogues' formal or inverted names, and a few misspellings of the
# Spanish one, replaced by the short names readers use.
NAME_PT_OVERRIDES = {
    "BD": "Bangladesh",
    "BL": "São Bartolomeu",
    "CD": "República Democrática do Congo",
    "FM": "Micronésia",
    "GW": "Guiné-Bissau",
    "IR": "Irão",
    "LA": "Laos",
    "MF": "São Martinho (parte francesa)",
    "MM": "Myanmar",
    "PM": "São Pedro e Miquelão",
    "PS": "Palestina",
    "RU": "Rússia",
    "SX": "São Martinho (parte neerlandesa)",
    "SY": "Síria",
    "SZ": "Essuatíni",
    "TW": "Taiwan",
    "VA": "Santa Sé",
    "VE": "Venezuela",
    "VI": "Ilhas Virgens Americanas",
}
NAME_ES_OVERRIDES = {
    "AX": "Islas Åland",
    "BF": "Burkina Faso",
    "BM": "Bermudas",
    "BO": "Bolivia",
    "CD": "República Democrática del Congo",
    "CI": "Costa de Marfil",
    "DZ": "Argelia",
    "FK": "Islas Malvinas (Falkland)",
    "FM": "Micronesia",
    "IR": "Irán",
    "KM": "Comoras",
    "KP": "Corea del Norte",
    "KR": "Corea del Sur",
    "LA": "Laos",
    "MF": "San Martín (parte francesa)",
    "MM": "Myanmar",
    "MV": "Maldivas",
    "NE": "Níger",
    "PS": "Palestina",
    "RU": "Rusia",
    "SR": "Surinam",
    "SX": "San Martín (parte neerlandesa)",
    "SY": "Siria",
    "TN": "Túnez",
    "TR": "Turquía",
    "TW": "Taiwán",
    "TZ": "Tanzania",
    "VA": "Ciudad del Vaticano",
    "VE": "Venezuela",
    "VI": "Islas Vírgenes de los Estados Unidos",
}


NAME_FR_OVERRIDES = {
    "AX": "Îles Åland",  # "Åland, Îles"
    "BN": "Brunei",  # "Brunéi Darussalam"
    "CC": "Îles Cocos (Keeling)",  # "Cocos (Keeling), Îles"
    "CX": "Île Christmas",  # "Christmas, Île"
    "FK": "Îles Malouines (Falkland)",  # "Malouines, Îles (Falkland)"
    "FM": "Micronésie",  # "Micronésie, États fédérés de"
    "GL": "Groenland",  # "Groënland" (old spelling)
    "GQ": "Guinée équatoriale",  # "Guinée Équatoriale"
    "VE": "Venezuela",  # "Vénézuela"
    "PS": "Palestine",  # "Palestine, État de"
    "RE": "La Réunion",  # "Réunion, Île de la"
    "RU": "Russie",  # "Russie, Fédération de"
    "SB": "Îles Salomon",  # "Salomon, Îles"
    "VA": "Saint-Siège",  # "Saint-Siège (état de la cité du Vatican)"
    "VI": "Îles Vierges des États-Unis",  # "Îles Vierges, États-Unis"
}
# Names with a comma that are not inverted forms (ISO lists them so).
COMMA_OK = {"BQ", "SH"}

# ---------------------------------------------------------------------------
# Map points (lat, lng): countryinfo has none for some entries, and for a
# few its point lies outside the country (checked against countryinfo's own
# GeoJSON outlines and by hand).
# ---------------------------------------------------------------------------
LATLNG_OVERRIDES = {
    # missing in countryinfo
    "AQ": (-75.0, 0.0),  # on the ice sheet; -90 does not render on web maps
    "AX": (60.2, 19.95),  # Fasta Åland
    "BL": (17.9, -62.8333),
    "BQ": (12.18, -68.25),  # Bonaire, the largest island
    "BV": (-54.4333, 3.4),
    "CW": (12.1667, -69.0),
    "MF": (18.075, -63.06),
    "SX": (18.04, -63.06),
    "TC": (21.75, -71.5833),
    "UM": (19.2833, 166.6),  # Wake Island, the usual reference point
    "VG": (18.4333, -64.6333),  # Tortola
    "VI": (18.34, -64.93),  # St Thomas
    # countryinfo point is in the sea or in a neighbouring country
    "BM": (32.3, -64.77),
    "BS": (24.5, -77.9),  # Andros
    "CU": (22.0, -79.5),
    "FJ": (-17.8, 178.0),  # Viti Levu
    "KW": (29.31, 47.48),  # package: (29.5, 45.75), in Iraq/Saudi Arabia
    "MT": (35.88, 14.44),
    "PH": (15.5, 121.0),  # central Luzon
    "TT": (10.43, -61.33),  # Trinidad
    "VU": (-15.3, 166.9),  # Espiritu Santo
    # countryinfo gives the capital (Kingston, on the coast); use a central point
    "JM": (18.12, -77.3),
}


def fmt_coord(value):
    text = f"{round(float(value), 4):.4f}".rstrip("0")
    if text.endswith("."):
        text += "0"
    return "0.0" if text == "-0.0" else text


def load_coco_m49():
    path = os.path.join(os.path.dirname(country_converter.__file__), "country_data.tsv")
    by_iso3 = {}
    with open(path, encoding="utf-8") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            # ISO2 of GB/GR is a regex there, so key on ISO3.
            if row["ISO3"] and not row["obsolete"]:
                by_iso3[row["ISO3"]] = (row["UNregion"], row["UNcode"])
    return by_iso3


def load_countryinfo_points():
    points = {}
    base = os.path.join(os.path.dirname(countryinfo.__file__), "data")
    for path in sorted(glob.glob(os.path.join(base, "*.json"))):
        with open(path, encoding="utf-8") as fh:
            data = json.load(fh)
        iso2 = (data.get("ISO") or {}).get("alpha2")
        latlng = data.get("latlng")
        if iso2 and latlng and len(latlng) == 2 and iso2 not in points:
            points[iso2] = (float(latlng[0]), float(latlng[1]))
    return points


def main():
    fr = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["fr"])
    catalogues = {
        code: gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[code]) for code in ("pt", "es")
    }
    coco = load_coco_m49()
    points = load_countryinfo_points()
    expected = {c: area for area, codes in M49_EXPECTED.items() for c in codes.split()}
    problems = []
    rows = []

    for country in sorted(pycountry.countries, key=lambda c: c.alpha_2):
        iso2, iso3, numeric = country.alpha_2, country.alpha_3, country.numeric
        common = getattr(country, "common_name", None)

        name = NAME_OVERRIDES.get(iso2) or common or country.name
        if iso2 in NAME_FR_OVERRIDES:
            name_fr = NAME_FR_OVERRIDES[iso2]
        elif common:
            # The catalogue translates common names too; where it has no
            # entry (Iran, Laos) the French name is spelt the same.
            name_fr = fr.gettext(common)
        else:
            name_fr = fr.gettext(country.name)
        names = {"pt": "", "es": ""}
        for code, overrides in (("pt", NAME_PT_OVERRIDES), ("es", NAME_ES_OVERRIDES)):
            catalogue = catalogues[code]
            names[code] = overrides.get(iso2) or next(
                (catalogue.gettext(m) for m in (name, common, country.name) if m and catalogue.gettext(m) != m), name
            )
        for label, value in (("name", name), ("name_fr", name_fr)):
            if "," in value and iso2 not in COMMA_OK:
                problems.append(f"{iso2}: inverted {label} {value!r}")

        # --- M49 -----------------------------------------------------------
        coco_area, un_code = coco.get(iso3, ("", ""))
        if un_code and int(float(un_code)) != int(numeric):
            problems.append(f"{iso2}: M49 code {un_code} != ISO numeric {numeric}")
        area = coco_area or None
        if iso2 in M49_CORRECTIONS:
            area = M49_CORRECTIONS[iso2]
            print(f"M49 fix {iso2}: {coco_area!r} -> {area!r}")
        if area != expected.get(iso2) or (iso2 in NO_REGION) != (area is None):
            problems.append(f"{iso2}: M49 area {area!r}, expected {expected.get(iso2)!r}")
        if area:
            inter, sub, reg = M49_AREAS[area]
        else:
            inter = sub = reg = None

        # --- map point -------------------------------------------------------
        if iso2 in LATLNG_OVERRIDES:
            lat, lng = LATLNG_OVERRIDES[iso2]
            print(f"point fix {iso2}: {points.get(iso2)} -> {(lat, lng)}")
        elif iso2 in points:
            lat, lng = points[iso2]
        else:
            problems.append(f"{iso2}: no map point")
            continue
        if not (-90 <= lat <= 90 and -180 <= lng <= 180):
            problems.append(f"{iso2}: point out of range {(lat, lng)}")

        rows.append(
            {
                "iso2": iso2,
                "iso3": iso3,
                "numeric": f"{int(numeric):03d}",
                "name": name,
                "name_fr": name_fr,
                "name_pt": names["pt"],
                "name_es": names["es"],
                "region": reg[0] if reg else "",
                "region_code": reg[1] if reg else "",
                "subregion": sub[0] if sub else "",
                "subregion_code": sub[1] if sub else "",
                "intermediate_region": inter[0] if inter else "",
                "intermediate_region_code": inter[1] if inter else "",
                "latitude": fmt_coord(lat),
                "longitude": fmt_coord(lng),
            }
        )

    unused = set(LATLNG_OVERRIDES) | set(NAME_OVERRIDES) | set(NAME_FR_OVERRIDES)
    unused -= {r["iso2"] for r in rows}
    if unused:
        problems.append(f"overrides for unknown codes: {sorted(unused)}")
    if problems:
        print("\n".join(problems), file=sys.stderr)
        sys.exit(1)

    with open(OUT, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    print(f"wrote {len(rows)} rows to {OUT}")


if __name__ == "__main__":
    main()
