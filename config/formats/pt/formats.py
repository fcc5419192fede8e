# Django's Portuguese formats, with month names as European Portuguese writes them, in lower case
# (the 1990 spelling agreement): "10 de março de 2026". Django's catalogue capitalises them, so the
# formats use the "alt. month" names (E), which locale/pt gives in lower case (config/formats/months.py).
DATE_FORMAT = r"j \d\e E \d\e Y"
YEAR_MONTH_FORMAT = r"E \d\e Y"
MONTH_DAY_FORMAT = r"j \d\e E"
