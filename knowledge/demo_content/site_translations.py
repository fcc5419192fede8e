"""The home page's introduction and the about, history and charter pages in French, Portuguese
and Spanish (the English is in demo_loader.SITE_PAGES). Portuguese follows the European norm
(the 1990 agreement), as read in Lusophone Africa; Spanish is neutral international Spanish.

Each site page: (slug, title, introduction, body as (block type, value) pairs).
"""

TRANSLATIONS = {
    "fr": {
        "home_intro": (
            "<p>Études de cas, leçons apprises et témoignages des partenariats hospitaliers et institutionnels "
            "de l’Alliance ESTHER : hôpitaux, universités et laboratoires d’Europe travaillant avec leurs pairs "
            "d’Afrique, d’Asie, d’Amérique latine et du Moyen-Orient.</p>"
        ),
        "pages": [
            (
                "about",
                "À propos du Knowledge Hub",
                "Le Knowledge Hub est l’espace où les partenariats de l’Alliance ESTHER pour les partenariats "
                "mondiaux en santé partagent ce qu’ils ont fait, ce que cela a permis et ce qu’ils feraient "
                "autrement.",
                [
                    ("heading", "À qui il s’adresse"),
                    (
                        "paragraph",
                        "<p>Aux professionnels de santé qui cherchent des pratiques déjà éprouvées ailleurs ; aux "
                        "partenaires qui publient le travail de leur propre partenariat ; et à celles et ceux qui "
                        "plaident pour la santé mondiale et ont besoin de données probantes à citer.</p>",
                    ),
                    ("heading", "Comment les contenus sont publiés"),
                    (
                        "paragraph",
                        "<p>Les partenaires rédigent des études de cas, des leçons apprises et des témoignages sur "
                        "leur propre partenariat. Un éditeur de l’alliance relit chacun avant sa publication. "
                        "Chaque contenu indique son partenariat, ses domaines d’action et les pays où le travail "
                        "a été mené.</p>",
                    ),
                ],
            ),
            (
                "history",
                "Histoire de l’alliance",
                "Depuis 2002, l’alliance a soutenu plus de 350 partenariats institutionnels en santé entre des "
                "hôpitaux, des universités et des laboratoires d’Europe et de plus de 40 pays.",
                [
                    ("heading", "Du VIH aux systèmes de santé"),
                    (
                        "paragraph",
                        "<p>Les premiers partenariats sont nés en 2002 pour apporter les traitements "
                        "antirétroviraux aux hôpitaux d’Afrique et d’Asie, d’hôpital à hôpital et de laboratoire "
                        "à laboratoire. En deux décennies, le travail s’est étendu à la qualité et à la sécurité "
                        "des soins, aux personnels de santé, aux systèmes d’information, aux médicaments et aux "
                        "politiques de santé.</p>",
                    ),
                ],
            ),
            (
                "charter",
                "La charte de l’alliance",
                "Les partenariats de l’alliance sont institutionnels, durables et réciproques, et ils agissent "
                "dans cinq domaines.",
                [
                    ("heading", "Cinq domaines d’action"),
                    (
                        "paragraph",
                        "<ul><li>Qualité et sécurité des soins</li><li>Capacités des personnels de santé</li>"
                        "<li>Systèmes d’information sanitaire</li><li>Médicaments et approvisionnement</li>"
                        "<li>Politiques de santé</li></ul>",
                    ),
                    ("heading", "Principes"),
                    (
                        "paragraph",
                        "<p>Les partenariats appartiennent aux institutions qui les forment, répondent aux besoins "
                        "définis par le partenaire du Sud, partagent ce qu’ils apprennent dans les deux sens et "
                        "publient en accès ouvert.</p>",
                    ),
                ],
            ),
        ],
    },
    "pt": {
        "home_intro": (
            "<p>Estudos de caso, lições aprendidas e testemunhos das parcerias institucionais em saúde da "
            "Aliança ESTHER: hospitais, universidades e laboratórios da Europa que trabalham com os seus pares "
            "em África, na Ásia, na América Latina e no Médio Oriente.</p>"
        ),
        "pages": [
            (
                "about",
                "Sobre o Knowledge Hub",
                "O Knowledge Hub é o espaço onde as parcerias da Aliança ESTHER para as Parcerias Globais em "
                "Saúde partilham o que fizeram, o que conseguiram e o que fariam de outra forma.",
                [
                    ("heading", "A quem se destina"),
                    (
                        "paragraph",
                        "<p>A profissionais de saúde que procuram práticas já testadas noutros contextos; a "
                        "parceiros que publicam o trabalho da sua própria parceria; e a quem defende a saúde "
                        "global e precisa de evidência que possa citar.</p>",
                    ),
                    ("heading", "Como os conteúdos chegam aqui"),
                    (
                        "paragraph",
                        "<p>Os parceiros escrevem estudos de caso, lições aprendidas e testemunhos sobre a sua "
                        "própria parceria. Um editor da aliança revê cada um antes da publicação. Cada conteúdo "
                        "indica a sua parceria, as suas áreas de intervenção e os países onde o trabalho foi "
                        "realizado.</p>",
                    ),
                ],
            ),
            (
                "history",
                "História da aliança",
                "Desde 2002, a aliança apoiou mais de 350 parcerias institucionais em saúde entre hospitais, "
                "universidades e laboratórios da Europa e de mais de 40 países.",
                [
                    ("heading", "Do VIH aos sistemas de saúde"),
                    (
                        "paragraph",
                        "<p>As primeiras parcerias nasceram em 2002 para levar o tratamento antirretroviral a "
                        "hospitais de África e da Ásia, de hospital para hospital e de laboratório para "
                        "laboratório. Em duas décadas, o trabalho alargou-se à qualidade e segurança dos "
                        "cuidados, aos profissionais de saúde, aos sistemas de informação, aos medicamentos e "
                        "às políticas de saúde.</p>",
                    ),
                ],
            ),
            (
                "charter",
                "A carta da aliança",
                "As parcerias da aliança são institucionais, duradouras e recíprocas, e trabalham em cinco áreas "
                "de intervenção.",
                [
                    ("heading", "Cinco áreas de intervenção"),
                    (
                        "paragraph",
                        "<ul><li>Qualidade e segurança dos cuidados</li><li>Capacidade dos profissionais de "
                        "saúde</li><li>Sistemas de informação em saúde</li><li>Medicamentos e "
                        "aprovisionamento</li><li>Políticas de saúde</li></ul>",
                    ),
                    ("heading", "Princípios"),
                    (
                        "paragraph",
                        "<p>As parcerias pertencem às instituições que as formam, respondem a necessidades "
                        "definidas pelo parceiro do Sul, partilham o que aprendem nos dois sentidos e publicam "
                        "em acesso aberto.</p>",
                    ),
                ],
            ),
        ],
    },
    "es": {
        "home_intro": (
            "<p>Estudios de caso, lecciones aprendidas y testimonios de las asociaciones institucionales en salud "
            "de la Alianza ESTHER: hospitales, universidades y laboratorios de Europa que trabajan con sus pares "
            "de África, Asia, América Latina y Oriente Medio.</p>"
        ),
        "pages": [
            (
                "about",
                "Acerca del Knowledge Hub",
                "El Knowledge Hub es el espacio donde las asociaciones de la Alianza ESTHER para las "
                "Asociaciones Mundiales en Salud comparten lo que han hecho, lo que han logrado y lo que harían de otra manera.",
                [
                    ("heading", "A quién se dirige"),
                    (
                        "paragraph",
                        "<p>A profesionales de la salud que buscan prácticas ya probadas en otros lugares; a "
                        "socios que publican el trabajo de su propia asociación; y a quienes abogan por la salud "
                        "global y necesitan evidencia que puedan citar.</p>",
                    ),
                    ("heading", "Cómo llegan aquí los contenidos"),
                    (
                        "paragraph",
                        "<p>Los socios escriben estudios de caso, lecciones aprendidas y testimonios sobre su "
                        "propia asociación. Un editor de la alianza revisa cada uno antes de publicarlo. Cada "
                        "contenido indica su asociación, sus áreas de trabajo y los países donde se realizó.</p>",
                    ),
                ],
            ),
            (
                "history",
                "Historia de la alianza",
                "Desde 2002, la alianza ha apoyado más de 350 asociaciones institucionales en salud entre hospitales, "
                "universidades y laboratorios de Europa y de más de 40 países.",
                [
                    ("heading", "Del VIH a los sistemas de salud"),
                    (
                        "paragraph",
                        "<p>Las primeras asociaciones surgieron en 2002 para llevar el tratamiento antirretroviral a "
                        "hospitales de África y Asia, de hospital a hospital y de laboratorio a laboratorio. En "
                        "dos décadas, el trabajo se amplió a la calidad y la seguridad de la atención, al "
                        "personal de salud, a los sistemas de información, a los medicamentos y a las políticas "
                        "de salud.</p>",
                    ),
                ],
            ),
            (
                "charter",
                "La carta de la alianza",
                "Las asociaciones de la alianza son institucionales, duraderas y recíprocas, y trabajan en cinco "
                "áreas.",
                [
                    ("heading", "Cinco áreas de trabajo"),
                    (
                        "paragraph",
                        "<ul><li>Calidad y seguridad de la atención</li><li>Capacidad del personal de salud</li>"
                        "<li>Sistemas de información en salud</li><li>Medicamentos y adquisiciones</li>"
                        "<li>Políticas de salud</li></ul>",
                    ),
                    ("heading", "Principios"),
                    (
                        "paragraph",
                        "<p>Las asociaciones pertenecen a las instituciones que las forman, responden a necesidades "
                        "definidas por el socio del Sur, comparten lo que aprenden en ambos sentidos y publican "
                        "en acceso abierto.</p>",
                    ),
                ],
            ),
        ],
    },
}
