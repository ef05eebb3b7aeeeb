"""The analyzer as a pure function (no Django)."""

from portal.search import analysis


def terms(text):
    return [t.text for t in analysis.tokenize(text)]


def test_nfkc_lower_case_and_half_width_katakana():
    assert terms("ＡＩ") == ["ai"]
    assert terms("ｶﾒﾗ") == ["カメ", "メラ", "ラ"]
    assert terms("ｶﾞｲﾄﾞ") == ["ガイ", "イド", "ド"]
    assert analysis.normalize("ＬＩＮＥ") == "line"


def test_cjk_runs_give_bigrams_latin_words_stay_words():
    assert terms("除雪車") == ["除雪", "雪車", "車"]
    assert terms("AIカメラとLINE") == ["ai", "カメ", "メラ", "ラと", "と", "line"]
    positions = [(t.text, t.pos) for t in analysis.tokenize("除雪 AI")]
    assert positions == [("除雪", 0), ("雪", 1), ("ai", 2)]


def test_offsets_point_into_the_original_text():
    text = "ＡＩで除雪"
    tok = next(t for t in analysis.tokenize(text) if t.text == "ai")
    assert text[tok.start : tok.end] == "ＡＩ"


def test_query_phrases_ignore_syntax():
    assert analysis.query_phrases('除雪車 AND "ＡＩ*"') == [["除雪", "雪車"], ["and"], ["ai"]]
    assert analysis.query_phrases("（）「」!?") == []
    assert analysis.query_phrases("") == []
    assert analysis.query_phrases("除雪AI") == [["除雪", "雪", "ai"]]
    assert len(analysis.query_phrases("除" * 2000)[0]) == analysis.MAX_PHRASE_TERMS


def test_autocomplete_adds_word_prefixes():
    assert [t.text for t in analysis.tokenize("Snow", autocomplete=True)] == ["snow", "s", "sn", "sno"]


def test_highlight_marks_phrases_in_the_original_characters_and_escapes():
    html = analysis.highlight("<b>札幌</b>の除雪車とＡＩ。除草と雪", "除雪 ai")
    assert html == "&lt;b&gt;札幌&lt;/b&gt;の<mark>除雪</mark>車と<mark>ＡＩ</mark>。除草と雪"
    assert analysis.highlight("ｶﾒﾗ画像", "カメラ") == "<mark>ｶﾒﾗ</mark>画像"
    long = "あ" * 500 + "除雪" + "い" * 500
    snippet = analysis.highlight(long, "除雪", max_chars=50)
    assert "<mark>除雪</mark>" in snippet and snippet.startswith("…") and snippet.endswith("…")
