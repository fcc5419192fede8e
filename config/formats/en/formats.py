# The alliance writes British English: "15 June 2010", as its French, Portuguese and Spanish
# readers see "15 juin 2010", "15 de junho de 2010", "15 de junio de 2010" (Django's formats).
DATE_FORMAT = "j F Y"
SHORT_DATE_FORMAT = "j M Y"
YEAR_MONTH_FORMAT = "F Y"
