"""Near-copies and canonical names."""

from __future__ import annotations

import numpy as np
from linkkit import COPY, OTHER, STORY, add_document, make_engine
from sqlalchemy import select

from docket.link import syndication
from docket.link.entities import canonical_key, resolve_entity
from docket.store.schema import lsh_bands
from docket.store.schema import syndication as syndication_table


def test_copy_with_other_boilerplate_and_an_edited_sentence_is_found(tmp_path):
    engine = make_engine(tmp_path)
    with engine.begin() as conn:
        first = add_document(conn, "a.txt", STORY)
        assert syndication.index_document(conn, first.id, STORY) == []
        other = add_document(conn, "b.txt", OTHER)
        assert syndication.index_document(conn, other.id, OTHER) == []
        copy = add_document(conn, "c.txt", COPY)
        found = syndication.index_document(conn, copy.id, COPY)
        assert [c.document_id for c in found] == [first.id]
        assert found[0].similarity > 0.7
        rows = conn.execute(select(syndication_table)).all()
        assert len(rows) == 1 and rows[0].similarity == found[0].similarity
        assert conn.execute(select(lsh_bands).where(lsh_bands.c.document_id == copy.id)).all()


def _is_copy(a: str, b: str) -> bool:
    return syndication.copy_similarity(syndication.text_hashes(a), syndication.text_hashes(b)) is not None


def test_a_new_process_rules_out_the_candidates_an_uninterrupted_one_does(tmp_path, monkeypatch):
    # A rule-out that drops every candidate, copies too, so that its verdict shows in the result.
    monkeypatch.setattr(syndication, "RULE_OUT_SIGMAS", -20.0)
    results = []
    for restart in (False, True):
        base = " ".join(_words(400, 10 + restart))
        edited = " ".join(w if i % 40 else "changed" for i, w in enumerate(base.split()))
        assert _is_copy(base, edited)  # a copy, which this rule-out drops
        engine = make_engine(tmp_path)
        with engine.begin() as conn:
            first = add_document(conn, "a.txt", base)
            syndication.index_document(conn, first.id, base)
        if restart:  # a new process: nothing of the first document remembered
            engine.dispose()
            syndication._texts.clear()
            engine = make_engine(tmp_path)
        with engine.begin() as conn:
            second = add_document(conn, "b.txt", edited)
            results.append(syndication.index_document(conn, second.id, edited))
        engine.dispose()
    assert results == [[], []]


def test_short_or_unrelated_text_is_no_copy():
    assert not _is_copy(STORY, OTHER)
    assert not _is_copy("Breaking news", "Breaking news")


def test_similarity_on_hashes_is_the_similarity_of_the_shingles():
    verdicts = []
    for seed in range(20):
        base = _words(300, 200 + seed)
        other = base[: 150 + 5 * seed] + _words(100, 300 + seed)
        a, b = syndication.shingles(" ".join(base)), syndication.shingles(" ".join(other))
        inter = len(a & b)
        jaccard, containment = inter / len(a | b), inter / min(len(a), len(b))
        copy = jaccard >= syndication.COPY_JACCARD or containment >= syndication.COPY_CONTAINMENT
        expected = max(jaccard, containment if containment >= syndication.COPY_CONTAINMENT else 0.0) if copy else None
        verdicts.append(expected is not None)
        assert syndication.copy_similarity(syndication.shingle_hashes(a), syndication.shingle_hashes(b)) == expected
    assert any(verdicts) and not all(verdicts)


def test_spellings_across_scripts_meet():
    assert canonical_key("Osechkin") == canonical_key("Osyechkin") == canonical_key("Осечкин")
    assert canonical_key("Gulagu.net") == canonical_key("Гулагу.нет")
    assert canonical_key("Gaidai") == canonical_key("Гайдай") == canonical_key("Haidai")
    assert canonical_key("Osechkin") != canonical_key("Astashin")


def test_entities_resolve_to_one_canonical_entry(tmp_path):
    engine = make_engine(tmp_path)
    with engine.begin() as conn:
        assert resolve_entity(conn, "Гулагу.нет") == resolve_entity(conn, "Gulagu.net")
        assert resolve_entity(conn, "Настоящее время") == resolve_entity(conn, "Current Time")
        assert resolve_entity(conn, "Вільна Бурятія") == resolve_entity(conn, "Free Buryatia Foundation")
        assert resolve_entity(conn, "Osyechkin") == resolve_entity(conn, "Владимир Осечкин")
        new = resolve_entity(conn, "Ivan Petrovsky")
        assert new == resolve_entity(conn, "Иван Петровский") == resolve_entity(conn, "Petrovsky")
        assert new != resolve_entity(conn, "Astra")


def test_case_forms_of_a_cyrillic_name_meet():
    assert canonical_key("Новой газеты") == canonical_key("Новая газета")
    assert canonical_key("Осечкина") == canonical_key("Осечкин") == canonical_key("Osechkin")
    assert canonical_key("Медиазоны") == canonical_key("Медиазона")


def _words(n: int, seed: int) -> list[str]:
    import random

    rng = random.Random(seed)
    vocabulary = [f"w{i}" for i in range(3000)]
    return [rng.choice(vocabulary) for _ in range(n)]


def test_the_minhash_estimate_rules_out_candidates_that_are_not_copies_and_never_a_copy():
    base = _words(400, 1)
    edited = base[:]
    for i in range(0, 400, 40):  # one word in forty changed: Jaccard about 0.6
        edited[i] = "changed"
    article = _words(300, 2) + base[:80] + _words(300, 3)  # a short post quoted inside a long article
    phrases = _words(300, 4) + base[:40] + _words(60, 5)  # shares one passage, as reports on one subject do
    sketch = lambda words: syndication.sketch(syndication.shingles(" ".join(words))).signature  # noqa: E731
    own, post = sketch(base), sketch(base[:80])
    for words in (edited, base):
        assert _is_copy(" ".join(base), " ".join(words))
        assert not syndication.surely_not_copies(own, sketch(words))
    assert not syndication.surely_not_copies(post, sketch(article))  # containment: a copy at a low Jaccard
    assert syndication.surely_not_copies(own, sketch(phrases))
    assert syndication.surely_not_copies(own, sketch(_words(400, 6)))
    # copies just above the Jaccard threshold are never ruled out, whatever their wording
    for seed in range(100):
        text = _words(300, 100 + seed)
        copy = text[:]
        for i in range(0, 300, 13):  # Jaccard about 0.53
            copy[i] = "x"
        assert _is_copy(" ".join(text), " ".join(copy))
        assert not syndication.surely_not_copies(sketch(text), sketch(copy)), seed


def test_candidates_are_ruled_out_and_overlapped_all_at_once_exactly_as_pair_by_pair():
    texts = [_words(n, seed) for seed, n in enumerate((400, 80, 300, 30, 5, 250), start=20)]
    texts.append(texts[0] + _words(200, 40))  # the first, quoted inside a longer text
    sketches = [syndication.sketch(syndication.shingles(" ".join(t))) for t in texts]
    own, others = sketches[0], sketches[1:]
    batch = syndication.ruled_out(own.signature, [o.signature for o in others])
    assert batch.tolist() == [syndication.surely_not_copies(own.signature, o.signature) for o in others]
    assert not batch[-1] and batch.any()  # the quoting text stays a candidate; some are ruled out
    hashes = [o.hashes for o in others] + [np.zeros(0, dtype=np.uint64), own.hashes]
    expected = [len(np.intersect1d(own.hashes, h, assume_unique=True)) for h in hashes]
    assert syndication.overlaps(own.hashes, hashes) == expected
    assert expected[-1] == len(own.hashes) and expected[-2] == 0 and expected[-3] >= len(own.hashes) - 3
    assert syndication.ruled_out(own.signature, []).tolist() == []
    assert syndication.overlaps(own.hashes, []) == []
