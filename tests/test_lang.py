"""Language identification: the codes a user would check on real titles, and None when unsure."""
from __future__ import annotations

import subprocess
import sys

import pytest

from metaclean.lang import detect_language, detect_record_language, guess_language


@pytest.mark.parametrize(
    ("title", "lang"),
    [
        ("The formative years of Iran’s ‘jihadi field diplomacy’ in Azerbaijan", "en"),
        ("Computing Machinery and Intelligence", "en"),
        ("La nueva realidad de la educación ante los avances de la inteligencia artificial generativa", "es"),
        ("Cuidado de personas dependientes. ¿Puede realizarlo un robot?", "es"),
        ("DETERMINAÇÃO E FICÇÃO NAS INVESTIGAÇÕES FILOSÓFICAS", "pt"),
        ("Um estudo sobre o sistema de sexo/gênero a partir da lógica filosófica e matemática", "pt"),
        ("Ce que la machine parlante veut dire", "fr"),
        ("Éthique des algorithmes et responsabilité", "fr"),
        ("Künstliche Intelligenz in der Neurologie", "de"),
        ("Umfang und Reduktionsmöglichkeiten der Geschlechtsdiskriminierung", "de"),
        ("Türkiye'de yükseköğretim politikaları", "tr"),
        ("Intelligenza artificiale e diritto penale", "it"),
    ],
)
def test_latin_titles(title: str, lang: str) -> None:
    assert detect_language(title) == lang


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("伊朗在阿塞拜疆的“圣战外交”形成时期", "zh"),
        ("人工智能在医学影像中的应用", "zh"),
        # mostly kanji, a few kana: Japanese, not Chinese
        ("深層学習による医用画像診断の研究", "ja"),
        ("ChatGPTの教育利用に関する調査", "ja"),
        ("인공지능과 교육의 미래", "ko"),
        # Korean with Hanja is still Korean
        ("韓國 現代史의 諸問題", "ko"),
        # a Chinese title around a Latin acronym is Chinese
        ("ChatGPT在高等教育中的应用研究", "zh"),
    ],
)
def test_cjk_by_script(text: str, lang: str) -> None:
    assert detect_language(text) == lang
    assert guess_language(text).method == "script"


@pytest.mark.parametrize("text", ["", "   ", "AI", "Turing", "COVID-19 2020", "https://doi.org/10.1080/2156.2023"])
def test_too_short_is_none(text: str) -> None:
    assert detect_language(text) is None


def test_latin_text_with_a_chinese_name_is_not_chinese() -> None:
    assert detect_language("A study of the poetry of Li Bai (李白) and its translations into English") == "en"


def test_unsure_is_none_not_a_guess() -> None:
    # "A literatura de" reads as Spanish and Portuguese almost equally: no answer beats a wrong one
    guess = guess_language("A literatura de")
    assert guess is not None and guess.margin < 1.05
    assert detect_language("A literatura de") is None
    assert detect_language("Artificial intelligence (AI)") is None


def test_record_title_decides_when_sure() -> None:
    # a Portuguese paper with an English abstract is a Portuguese record
    title = "Inteligência artificial e o teste de Turing: uma análise do prêmio Loebner de 2017 e 2018"
    abstract = "This paper analyses the Loebner Prize contests of 2017 and 2018 and what they say about the Turing test."
    assert detect_record_language(title, abstract) == "pt"


def test_record_abstract_helps_a_short_title() -> None:
    abstract = "We review how law and regulation treat opaque machine learning systems in courts and agencies."
    assert detect_record_language("Artificial intelligence (AI)", abstract) == "en"
    resumo = "Este artigo estuda a literatura de cordel do Nordeste brasileiro e a sua recepção."
    assert detect_record_language("A literatura de", resumo) == "pt"


def test_record_with_missing_parts() -> None:
    assert detect_record_language(None, "Künstliche Intelligenz verändert die Radiologie grundlegend.") == "de"
    assert detect_record_language("Künstliche Intelligenz in der Radiologie", None) == "de"
    assert detect_record_language(None, None) is None
    assert detect_record_language("AI", "") is None


def test_import_is_cheap() -> None:
    """The n-gram model loads on first use, not when metaclean.lang is imported."""
    code = "import sys, metaclean.lang; print('eld' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
