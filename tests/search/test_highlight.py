"""Passages under a hit: whole sentences, only what matched marked, the rest escaped."""

from search.engines.highlight import Marks, highlight


def test_passages_are_whole_sentences_even_with_decimals():
    text = "In 2017 the laboratory received 1.5 million CFA for reagents. Staff were trained. The laboratory opened."
    passages = highlight(text, "en", Marks(words={"laboratory"}))
    assert passages == [
        "In 2017 the <mark>laboratory</mark> received 1.5 million CFA for reagents.",
        "The <mark>laboratory</mark> opened.",
    ]


def test_stems_are_marked_in_the_items_language_and_markup_is_escaped():
    passages = highlight("Les <b>laboratoires</b> & l'hôpital.", "fr", Marks(stems={"laboratoir"}))
    assert passages == ["Les &lt;b&gt;<mark>laboratoires</mark>&lt;/b&gt; &amp; l&#x27;hôpital."]


def test_a_phrase_s_words_are_marked_only_where_they_stand_together():
    text = "Seven out of ten wards ran out of gloves. Stock-outs of gloves fell; nothing ran out."
    passages = highlight(text, "en", Marks(phrases={("stock", "outs")}))
    assert passages == ["<mark>Stock-outs</mark> of gloves fell; nothing ran out."]


def test_the_filler_words_of_a_synonym_are_never_marked_alone():
    text = "Infection prevention and control improved. Nurses and doctors met the district team."
    marks = Marks(words={"ipc"}, phrases={("infection", "prevention", "and", "control")})
    assert highlight(text, "en", marks) == ["<mark>Infection prevention and control</mark> improved."]


def test_british_and_american_spellings_are_both_marked():
    text = "Postpartum haemorrhage fell. Hemorrhage audits continue."
    marks = Marks(words={"hemorrhage"}, stems={"hemorrhag"})
    assert highlight(text, "en", marks) == [
        "Postpartum <mark>haemorrhage</mark> fell.",
        "<mark>Hemorrhage</mark> audits continue.",
    ]


def test_a_phrase_matched_stemmed_is_marked_in_its_inflected_form_and_only_there():
    # `rupture de stock` found as `ruptures de stock` through the French stemmed fields.
    text = "Les ruptures de stock ont cessé. Le stock de gants suffit."
    marks = Marks(phrases={("rupture", "de", "stock")}, stemmed_phrases={("fr", ("ruptur", "de", "stock"))})
    assert highlight(text, "fr", marks) == ["Les <mark>ruptures de stock</mark> ont cessé."]


def test_a_long_text_shows_its_first_characters_passages_else_the_rest_s():
    from search.engines.highlight import WINDOW

    filler = "Staff met every week to review the wards. " * (WINDOW // 40 + 10)
    late = filler + "The laboratory opened in 2019."
    assert highlight(late, "en", Marks(words={"laboratory"})) == ["The <mark>laboratory</mark> opened in 2019."]
    early = "The laboratory opened in 2019. " + late
    assert highlight(early, "en", Marks(words={"laboratory"})) == ["The <mark>laboratory</mark> opened in 2019."]
    assert highlight(filler, "en", Marks(words={"laboratory"})) == []


def test_a_word_is_marked_only_where_it_is_a_whole_token():
    # Once `care` is known as a word of some item, `Healthcare` still holds no `care` to mark, nor
    # the phrase `care nurse`; the `nurse` after it is marked all the same.
    phrase = Marks(phrases={("care", "nurse")})
    assert highlight("Home care nurse rounds.", "en", phrase) == ["Home <mark>care nurse</mark> rounds."]
    assert highlight("Healthcare nurse rounds.", "en", phrase) == []
    marks = Marks(words={"nurse"}, phrases={("care", "nurse")})
    assert highlight("Healthcare nurse rounds.", "en", marks) == ["Healthcare <mark>nurse</mark> rounds."]


def test_written_forms_stay_within_their_bound_and_still_mark_the_text_at_hand():
    from search.engines.highlight import WrittenForms, _found

    forms = WrittenForms("en", limit=4)
    forms.pattern("Nurses met. Wards opened.", Marks(words={"nurses"}))
    assert len(forms.chunks) == 4
    # Four chunks more than the bound allows: what was learned is forgotten, this text is learned.
    text = "Laboratory staff trained nurses."
    pattern = forms.pattern(text, Marks(words={"nurses"}, stems={"laboratori"}))
    assert forms.chunks == set(text.split())
    assert [found for _start, _end, found in _found(pattern, text)] == ["Laboratory", "nurses"]
