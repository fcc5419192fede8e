"""Word lists for the synthetic corpus: what health-partnership writing is made of.

Each list runs from the most to the least frequent, roughly; the generator draws from them
with Zipf weights, so the first words appear in most items and the last in few. Multi-word
entries are emitted together, so phrase searches find them.
"""

ENGLISH_FUNCTION = (
    "the of and to in a for with on by was were is that as at from this their were an be which "
    "or had have it its been after more than all each two three our they we not but also per"
).split()

ENGLISH_CONTENT = [
    *"health hospital partnership staff training patients care nurses district laboratory "
    "services quality clinical team programme data ward year month mentoring support "
    "doctors community medicines system facility national regional protocol results "
    "management workers surgery maternal children women infection treatment access "
    "sessions supervision review policy ministry practice referral supply guidelines "
    "capacity equipment results improvement assessment standards records".split(),
    "infection prevention",
    "hand hygiene",
    "patient safety",
    "community health workers",
    "health information system",
    "essential medicines",
    "antimicrobial resistance",
    "surgical site infections",
    "quality improvement",
    "maternal and newborn care",
    "supply chain",
    "continuing professional development",
    *"pharmacy stock outages audit indicators baseline outcomes emergency triage "
    "neonatal midwives anaesthesia sterilisation oxygen diagnostics specimens samples "
    "turnaround biosafety accreditation curriculum e-learning simulation checklist "
    "handover documentation registry surveillance reporting dashboard tablets "
    "connectivity server interoperability procurement tender warehouse expiry "
    "forecasting budget financing insurance governance legislation strategy "
    "decentralisation retention workload recruitment incentives leadership "
    "coaching peer exchange visits twinning mortality morbidity readmission "
    "adherence viral load tuberculosis malaria hypertension diabetes cancer "
    "paediatric obstetric caesarean haemorrhage sepsis vaccination cold chain "
    "microbiology culture sensitivity antibiotics stewardship prescribing dispensing "
    "pharmacovigilance counterfeit regulation inspection licensing formulary "
    "dialysis radiology ultrasound imaging maintenance biomedical engineering "
    "electricity water sanitation waste ambulance transfer rural urban province "
    "catchment population household survey consent ethics evaluation cost "
    "sustainability ownership handover scale-up replication lessons barriers "
    "enablers feedback trust turnover motivation workshop bedside rounds "
    "telemedicine teleconsultation videoconference mobile SMS open-source DHIS2 "
    "OpenMRS barcode LIMS EQA ISO-15189 SLIPTA WHO checklist-based".split(),
]

FRENCH_FUNCTION = (
    "de la le les et des en du à un une pour dans par au sur avec est sont a été ont aux "
    "ce cette ces leur leurs qui que plus deux trois nous ils pas mais aussi entre chaque"
).split()

FRENCH_CONTENT = [
    *"santé hôpital partenariat personnel formation patients soins infirmiers district "
    "laboratoire services qualité clinique équipe programme données service année mois "
    "accompagnement appui médecins communauté médicaments système structure national "
    "régional protocole résultats gestion agents chirurgie maternelle enfants femmes "
    "infection traitement accès séances supervision revue politique ministère pratique "
    "référence approvisionnement recommandations capacités équipement amélioration "
    "évaluation normes dossiers".split(),
    "prévention des infections",
    "hygiène des mains",
    "sécurité des patients",
    "agents de santé communautaires",
    "système d'information sanitaire",
    "médicaments essentiels",
    "résistance aux antimicrobiens",
    "infections du site opératoire",
    "amélioration de la qualité",
    "soins maternels et néonatals",
    "chaîne d'approvisionnement",
    "formation continue",
    *"pharmacie stocks ruptures audit indicateurs référence bilan urgences triage "
    "néonatologie sages-femmes anesthésie stérilisation oxygène diagnostic prélèvements "
    "échantillons délais biosécurité accréditation cursus télé-enseignement simulation "
    "liste relève documentation registre surveillance rapportage tableau tablettes "
    "connexion serveur interopérabilité achats appel d'offres entrepôt péremption "
    "prévisions budget financement assurance gouvernance législation stratégie "
    "décentralisation fidélisation charge recrutement incitations leadership "
    "tutorat pairs échanges visites jumelage mortalité morbidité réadmission "
    "observance charge virale tuberculose paludisme hypertension diabète cancer "
    "pédiatrie obstétrique césarienne hémorragie septicémie vaccination chaîne du froid "
    "microbiologie culture antibiogramme antibiotiques bon usage prescription dispensation "
    "pharmacovigilance contrefaçon réglementation inspection homologation "
    "dialyse radiologie échographie imagerie maintenance génie biomédical "
    "électricité eau assainissement déchets ambulance transfert rural urbain province "
    "aire ménage enquête consentement éthique coût pérennité appropriation "
    "passation extension réplication leçons obstacles leviers retours confiance "
    "rotation motivation atelier chevet visites télémédecine téléconsultation "
    "visioconférence mobile SMS logiciel libre DHIS2 code-barres EEQ ISO-15189 OMS".split(),
]

# Syllables for the long tail: names of places, products and projects that occur in a handful
# of items each, as real proper nouns do (the rare words of the query set come from here).
SYLLABLES = "ka ba ri mo ta ne si lu do ga fa ko ma nya we zi bu ke la so tu mi ra ye ho di pe".split()

TAGS = [
    "HIV",
    "tuberculosis",
    "malaria",
    "maternal health",
    "antimicrobial resistance",
    "laboratory",
    "nursing",
    "e-learning",
    "supply chain",
    "DHIS2",
    "surgery",
    "paediatrics",
    "mental health",
    "oncology",
    "emergency care",
    "biomedical engineering",
]

# (code, cities) of the partner countries of the alliance's partnerships, and of Europe.
SOUTH = [
    ("SN", ["Dakar", "Saint-Louis", "Ziguinchor"]),
    ("ML", ["Bamako", "Sikasso", "Mopti"]),
    ("BF", ["Ouagadougou", "Bobo-Dioulasso"]),
    ("CI", ["Abidjan", "Bouaké"]),
    ("BJ", ["Cotonou", "Parakou"]),
    ("TG", ["Lomé", "Sokodé"]),
    ("NE", ["Niamey", "Zinder"]),
    ("GN", ["Conakry", "Kankan"]),
    ("CM", ["Yaoundé", "Douala", "Garoua"]),
    ("CD", ["Kinshasa", "Lubumbashi", "Bukavu"]),
    ("MG", ["Antananarivo", "Mahajanga"]),
    ("MA", ["Rabat", "Marrakech"]),
    ("TN", ["Tunis", "Sfax"]),
    ("HT", ["Port-au-Prince", "Cap-Haïtien"]),
    ("KE", ["Nairobi", "Kisumu", "Eldoret"]),
    ("UG", ["Kampala", "Mbarara", "Gulu"]),
    ("TZ", ["Dar es Salaam", "Moshi", "Mwanza"]),
    ("RW", ["Kigali", "Butare"]),
    ("ET", ["Addis Ababa", "Gondar", "Jimma"]),
    ("MW", ["Lilongwe", "Blantyre"]),
    ("ZM", ["Lusaka", "Ndola"]),
    ("ZW", ["Harare", "Bulawayo"]),
    ("GH", ["Accra", "Kumasi", "Tamale"]),
    ("NG", ["Lagos", "Ibadan", "Kano"]),
    ("SL", ["Freetown", "Bo"]),
    ("LR", ["Monrovia"]),
    ("MZ", ["Maputo", "Beira", "Nampula"]),
    ("AO", ["Luanda", "Huambo"]),
    ("GW", ["Bissau"]),
    ("CV", ["Praia"]),
    ("ZA", ["Durban", "Cape Town"]),
    ("SO", ["Mogadishu", "Hargeisa"]),
    ("SD", ["Khartoum"]),
    ("KH", ["Phnom Penh", "Siem Reap"]),
    ("LA", ["Vientiane", "Luang Prabang"]),
    ("VN", ["Hanoi", "Hue"]),
    ("MM", ["Yangon", "Mandalay"]),
    ("NP", ["Kathmandu", "Pokhara"]),
    ("IN", ["Pune", "Kolkata"]),
    ("BO", ["La Paz", "Cochabamba"]),
    ("PE", ["Lima", "Cusco"]),
    ("NI", ["Managua", "León"]),
    ("GT", ["Guatemala City", "Quetzaltenango"]),
    ("LB", ["Beirut", "Tripoli"]),
    ("JO", ["Amman", "Irbid"]),
    ("PS", ["Ramallah", "Nablus"]),
]
FRANCOPHONE = {"SN", "ML", "BF", "CI", "BJ", "TG", "NE", "GN", "CM", "CD", "MG", "MA", "TN", "HT", "LB"}

NORTH = [
    ("FR", ["Lyon", "Paris", "Bordeaux", "Marseille", "Lille", "Toulouse"]),
    ("DE", ["Berlin", "Heidelberg", "Hamburg"]),
    ("ES", ["Barcelona", "Madrid"]),
    ("IT", ["Rome", "Milan", "Padua"]),
    ("BE", ["Antwerp", "Brussels", "Liège"]),
    ("LU", ["Luxembourg"]),
    ("PT", ["Lisbon", "Porto"]),
    ("NL", ["Amsterdam", "Leiden"]),
    ("SE", ["Stockholm", "Uppsala"]),
    ("NO", ["Oslo", "Bergen"]),
    ("CH", ["Geneva", "Basel"]),
    ("IE", ["Dublin", "Galway"]),
    ("GB", ["Liverpool", "London"]),
    ("AT", ["Vienna"]),
]

SOUTH_INSTITUTION_KINDS = [
    ("hospital", "Regional Hospital of {city}", "Hôpital régional de {city}"),
    ("hospital", "{city} Teaching Hospital", "Centre hospitalier universitaire de {city}"),
    ("laboratory", "{city} Public Health Laboratory", "Laboratoire de santé publique de {city}"),
    ("university", "{city} School of Nursing", "École de soins infirmiers de {city}"),
]
NORTH_INSTITUTION_KINDS = [
    ("hospital", "{city} University Hospital"),
    ("university", "University of {city} Faculty of Medicine"),
    ("laboratory", "{city} Institute of Tropical Medicine"),
]

FIRST_NAMES = (
    "Aminata Moussa Fatou Ibrahima Awa Mamadou Grace John Esther Peter Mercy Joseph Amina "
    "Claire Marie Jean Sophie Luc Anna Thomas Eva Lars Ingrid Marco Giulia Pedro Ana Sara "
    "Kwame Abena Chipo Tendai Nguyen Linh Sokha Dara Lucía Mateo Rania Omar Leila Tariq"
).split()
LAST_NAMES = (
    "Diallo Traoré Keita Coulibaly Ndiaye Sow Mensah Owusu Okafor Mwangi Otieno Banda Phiri "
    "Moyo Dubois Martin Bernard Moreau Schmidt Müller Rossi Bianchi García López Silva Santos "
    "Jansen Larsen Andersson Murphy Kelly Nguyen Tran Sok Chan Haddad Khalil Mansour Quispe"
).split()
