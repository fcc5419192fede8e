"""ESTHER Alliance national member programmes (SAMPLE / demo content).

Plain Python data, no Django imports. The loader turns these into snippets
or pages. Acronyms and websites are deliberately left empty.
"""

MEMBER_AGENCIES = [
    {"key": "esther-france", "name": "ESTHER France", "acronym": "", "country": "FR", "website": ""},
    {"key": "esther-germany", "name": "ESTHER Germany", "acronym": "", "country": "DE", "website": ""},
    {"key": "esther-spain", "name": "ESTHER Spain", "acronym": "", "country": "ES", "website": ""},
    {"key": "esther-portugal", "name": "ESTHER Portugal", "acronym": "", "country": "PT", "website": ""},
    {"key": "esther-ireland", "name": "ESTHER Ireland", "acronym": "", "country": "IE", "website": ""},
    {"key": "esther-luxembourg", "name": "ESTHER Luxembourg", "acronym": "", "country": "LU", "website": ""},
    {"key": "esther-italy", "name": "ESTHER Italy", "acronym": "", "country": "IT", "website": ""},
    {"key": "esther-switzerland", "name": "ESTHER Switzerland", "acronym": "", "country": "CH", "website": ""},
]
