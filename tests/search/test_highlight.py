"""The database engine's passages: whole sentences, matched words marked, the rest escaped."""

from search.engines.highlight import highlight


def test_passages_are_whole_sentences_even_with_decimals():
    text = "In 2017 the laboratory received 1.5 million CFA for reagents. Staff were trained. The laboratory opened."
    passages = highlight(text, "en", {"laboratory"}, set())
    assert passages == [
        "In 2017 the <mark>laboratory</mark> received 1.5 million CFA for reagents.",
        "The <mark>laboratory</mark> opened.",
    ]


def test_stems_are_marked_in_the_items_language_and_markup_is_escaped():
    passages = highlight("Les <b>laboratoires</b> & l'hôpital.", "fr", set(), {"laboratoir"})
    assert passages == ["Les &lt;b&gt;<mark>laboratoires</mark>&lt;/b&gt; &amp; l&#x27;hôpital."]
