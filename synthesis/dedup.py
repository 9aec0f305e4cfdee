"""De-duplication of bibliographic records: duplicate groups (never deletion), why each pair matched, and a
queue of possible duplicates for a person to decide.

Pairs are proposed by blocking (same DOI, same normalised title, title prefix or suffix, or same year, volume
and first page) and decided by rules that prefer missing a duplicate to merging two different papers, each
rule giving its reason in ``pairs.csv``/``possible.csv``:

- the same DOI (or a Cochrane DOI differing only in its ``.pubN`` version) is a duplicate, even with pages typed
  differently, unless the titles are unrelated, one title names another kind of document ("Erratum: ...") or
  titles and pages both differ (a supplement or an issue may carry one DOI for all its abstracts); two different
  DOIs never match, not even through a chain;
- records that differ in pages (an abbreviated range "1234-45" read as 1234-1245; a page count such as "215 p"
  places nothing), issue, volume, article number, a number in the title (part, trial, wave, series, written in
  digits, roman numerals, words or ordinals: "FOCUS 1"/"FOCUS II", "two-year"/"three-year") or kind of document
  (erratum, retraction, comment, reply, thesis, journal-club commentary, conference abstract vs article, preprint
  vs article) are never merged automatically: they go to the possible queue when they look alike (a reply or
  erratum even when its authors differ). A title names its kind only by the words naming the document
  ("Correction to:", "- Reply", an erratum's citation of its article), never by its subject ("Correction of
  scoliosis"). A conference abstract and the record of the journal printing it (in a supplement issue or on
  one page) are one abstract;
- titles that recur in every volume of a journal (editorials, "Editor's comments", "Reviewer acknowledgement",
  "Correction", "Book review", a title that is the journal's name) match only when year, volume and first page
  agree too;
- otherwise a near-identical title in the same year with compatible first authors and no disagreement, or a
  close or truncated title with year, volume and first page agreeing. A record published online first (no
  volume or issue, pages from 1), or one in the same volume with the same author list (one list may be cut
  short or carry the study group), may be a year earlier than its issue record, a thesis than its Dissertation
  Abstracts record. The same journal, year, volume and page range (of several pages) with the same first author
  is a duplicate when the titles are related: a title translated or reworded by one database.

Decisions a person made on possible pairs (``search/duplicate_decisions.csv``) are applied first.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path
from typing import Callable

import numpy as np
import pandas as pd
from rapidfuzz import fuzz

from synthesis.errors import ReviewError
from synthesis.records import RECORD_FIELDS, normalise_doi

__all__ = ["DedupResult", "prepare", "candidate_pairs", "decide", "deduplicate", "pairwise_scores",
           "read_decisions", "preference_rank"]

_MAX_BLOCK = 60
# Venues of conference papers and abstracts ("Proceedings of the National Academy of Sciences" and of the
# Royal Society are journals), and "Conf", the ISO 4 abbreviation of conference ("Annu Int Conf IEEE Eng Med Biol
# Soc" is how PubMed names the proceedings Embase calls "Conference proceedings: ...").
_CONFERENCE = re.compile(r"proceedings?(?! of the (?:national academy|royal society|ieee\b))|conference|\bconf\b|"
                         r"congress|symposium|meeting|workshop|abstract|amcis|hicss|icis|ecis", re.IGNORECASE)
# Annotations databases add to titles: "[Erratum appears in ...]", "[Review] [57 refs]", ". [Russian]",
# "(Structured abstract)", "[corrected]"; a truncated "[Erratum ..." without its closing bracket too.
_ANNOTATION = re.compile(
    r"\[(?:[^\]]*(?:erratum|refs|review|corrected|comment|abstract|retracted|reprint)[^\]]*|[a-z]+)\]"
    r"|\((?:structured abstract|abstract|review)\)|\[(?:published )?erratum[^\]]*$"
    # a trailing citation of the corrected article: "(vol 360, pg 542, 2009)", "(N Engl J Med (2009) 360 (542))"
    r"|\((?:vol \d+[^)]*|[^()]*\(\d{4}\)[^()]*(?:\([^()]*\))?)\)\s*$", re.IGNORECASE)


_NOT_ALPHANUMERIC = re.compile(r"[^a-z0-9]+")
_MARKUP = re.compile(r"<[^>]+>")


def _fold(text: str) -> str:
    text = str(text or "")
    if not text.isascii():  # most records are ASCII: decomposing them would only cost time
        text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    if "<" in text:
        text = _MARKUP.sub(" ", text)
    return _NOT_ALPHANUMERIC.sub(" ", text.lower()).strip()


_ERRATUM = re.compile(r"^\s*(?:erratum|correction|corrigendum)\s*(?:to)?\s*[:.-]\s*|\(vol \d+, pg \d+", re.IGNORECASE)

# The kind of document, from its title, type and venue. Two records of different kinds are never merged
# automatically: an erratum, a comment or a journal-club commentary repeats the title of the article it is about.
# Only a word that names the document, not its subject, counts: "Correction of scoliosis", "Response to
# eculizumab" and "Retraction of the upper eyelid" are articles.
_TITLE_KINDS = re.compile(
    r"^\s*(?:(?P<erratum>(?:erratum|corrigendum|errata|addendum)\b|correction\s*(?:to\b|notice\b|[:.]|$)"
    r"|notice of correction\b|(?:author|publisher)(?:'?s)? correction\b)"
    r"|(?P<retraction>(?:retraction|retracted|withdrawn)\s*(?:[:.]|$|note\b|notice\b|of (?:an?|the) "
    r"(?:article|paper|publication)\b)|notice of retraction\b|expression of concern\b)"
    r"|(?P<reply>(?:reply|response)\s*(?:[:.]|$|to (?:the )?(?:letters?|comments?|editor|correspondence|"
    r"commentary|critique)\b)|in reply\b|authors?'? (?:reply|response)\b)"
    r"|(?P<comment>comment(?:ary)?s? (?:on|to)\b|(?:commentary|editorial|letter)\s*:|re\s*:"
    r"|letter to the editor\b))", re.IGNORECASE)
# A reply named at the end of the title it answers: "... streptococcus - Reply", "...: authors' reply" (a dash
# without a space before it is a compound: "dose-response").
_TRAILING_REPLY = re.compile(r"(?:\s[-\u2013\u2014]|[:.(\[])\s*(?:(?:the )?authors?'? )?(?:reply|response)\W*$",
                             re.IGNORECASE)
# An erratum's title ends with a citation of the corrected article: "(vol 360, pg 542, 2009)" (Web of Science),
# "(New England Journal of Medicine (2009) 360 (542-544))" (Embase).
_CORRECTED_CITATION = re.compile(r"\(vol \d+, pg \d+|\([^()]*\(\d{4}\)\s*\d+[^()]*\(\d[^()]*\)\s*\)\s*\.?\s*$",
                                 re.IGNORECASE)
_OTHER_KINDS = [
    ("erratum", re.compile(r"erratum|correction", re.IGNORECASE), "type"),
    ("retraction", re.compile(r"retract", re.IGNORECASE), "type"),
    ("comment", re.compile(r"\b(?:comment|letter|editorial)\b", re.IGNORECASE), "type"),
    ("thesis", re.compile(r"thesis|dissertation", re.IGNORECASE), "type"),
    ("thesis", re.compile(r"dissertation", re.IGNORECASE), "journal"),
    ("thesis", re.compile(r"^\s*(?:ph\.?\s*d|m\.?\s*phil|d\.?\s*phil|doctoral|master)", re.IGNORECASE), "volume"),
    ("journal-club commentary", re.compile(r"journal club|\bj club\b|evid(?:ence)?[ -]based (?:med|nurs|dent|ment)",
                                           re.IGNORECASE), "journal"),
    ("preprint", re.compile(r"rxiv|preprint|ssrn|research square|preprints\.org", re.IGNORECASE), "journal"),
    ("preprint", re.compile(r"preprint|posted[- ]content", re.IGNORECASE), "type"),
    ("preprint", re.compile(r"^10\.(?:1101|21203|2139|48550|31234|31219|20944)/"), "doi"),
]


def _title_kind(title: str) -> str:
    match = _TITLE_KINDS.match(title)
    if match:
        return match.lastgroup
    if _TRAILING_REPLY.search(title):
        return "reply"
    return "erratum" if "(" in title and _CORRECTED_CITATION.search(title) else ""


def _other_kind(kind: str, journal: str, doi: str, volume: str) -> str:
    fields = {"type": kind, "journal": journal, "doi": doi, "volume": volume}
    return next((name for name, pattern, where in _OTHER_KINDS if fields[where] and pattern.search(fields[where])),
                "article")


# Titles printed in every volume of a journal, as folded by _clean_title ("Editor's" -> "editor s"); records
# bearing them are compared on every field.
_RECURRING = re.compile(
    r"^(?:(?:guest |an? )?editorials?|editors?(?: s)? (?:comments?|notes?|introduction|choice|preface)|from the editors?"
    r"|(?:reviewer|referee)s? acknowledge?ments?|acknowledge?ments? (?:to|of) (?:the )?(?:reviewers?|referees)"
    r"|thank you to (?:our )?reviewers|corrections?|errat(?:um|a)|corrigend(?:um|a)|book reviews?|reviews?"
    r"|letters?(?: to the editor)?|introduction|preface|foreword|in this issue|announcements?|news|commentary"
    r"|reply|response|index|(?:table of )?contents|abstracts|notes on contributors|unknown|untitled|obituary)$")
_SERIES_NUMBER = re.compile(r"\b(?:part|phase|wave|series|stage|study|trial|volume|vol|chapter|section|round|cycle|"
                            r"report|paper|year|issue|no|type|grade|class|level)\s+"
                            r"([ivx]+|\d+|one|two|three|four|five|six|seven|eight|nine|ten)\b")
_SERIES_WORDS = {"part", "phase", "wave", "series", "stage", "study", "trial", "volume", "vol", "chapter", "section",
                 "round", "cycle", "report", "paper", "year", "issue", "no", "type", "grade", "class", "level"}
# A number is the same number however it is written: "Phase II", "phase 2", "part two", "second", "2nd".
_NUMBER_WORDS = {word: str(value) for value, words in enumerate(
    [(), ("i", "one", "first", "1st"), ("ii", "two", "second", "2nd"), ("iii", "three", "third", "3rd"),
     ("iv", "four", "fourth", "4th"), ("v", "five", "fifth", "5th"), ("vi", "six", "sixth", "6th"),
     ("vii", "seven", "seventh", "7th"), ("viii", "eight", "eighth", "8th"), ("ix", "nine", "ninth", "9th"),
     ("x", "ten", "tenth", "10th")]) for word in words}
# Written numbers that stand alone: "FOCUS II" / "FOCUS III", "two-year" / "three-year", "second-line" /
# "first-line". A lone "i", "v" or "x" is a letter ("type i error", "v" for versus), not a number.
_LONE_NUMBERS = {word: value for word, value in _NUMBER_WORDS.items() if word not in ("i", "v", "x")}


def _title_numbers(folded: str) -> str:
    """The numbers a cleaned title (:func:`_clean_title`) carries ("FOCUS 2", "Part II", "wave three",
    "second-line"), each in digits ("Phase II" and "phase 2" carry the same number)."""
    words = folded.split()
    numbers = {w.lstrip("0") or "0" for w in words if w.isdigit()}
    numbers.update(_LONE_NUMBERS[w] for w in words if w in _LONE_NUMBERS)
    if _SERIES_WORDS.intersection(words):
        numbers.update(_NUMBER_WORDS.get(m.group(1), m.group(1)) for m in _SERIES_NUMBER.finditer(folded)
                       if not m.group(1).isdigit())
    return " ".join(sorted(numbers))


_THOUSANDS = re.compile(r"(?<=\d)[,\s](?=\d{3}\b)")


def _clean_title(title: str) -> str:
    """The title folded to lower-case words, without database annotations ("[33 refs]", an erratum's
    citation of its article) or thousands separators ("2,000" and "2000" alike)."""
    title = _THOUSANDS.sub("", str(title or ""))
    title = _ERRATUM.sub(" ", title).strip()
    if title.startswith("[") and title.rstrip(".").endswith("]") and title.count("[") == 1:
        title = title.strip("[].")  # a translated title is printed in brackets
    return _fold(_ANNOTATION.sub(" ", title))


def _surname(author: str) -> str:
    author = _fold(author.split(",")[0] if "," in author else author.split(" ")[0] if author else "")
    return author.replace(" ", "")


def _digits(value) -> str:
    match = re.search(r"\d+", str(value or ""))
    return match.group(0).lstrip("0") if match else ""


_PAGE_COUNT = re.compile(r"^\s*\d+\s*(?:p|pp|pages?|leaves)\b\.?\s*$", re.IGNORECASE)


def _first_page(value) -> str:
    """The first page's digits ('S7' -> 7, 'c37' -> 37, 'e12410' -> 12410); '' for 'Suppl-11' and the like, and
    for a page count ('215 p', '215 pp.': a book or thesis, which places nothing)."""
    value = str(value or "")
    match = re.match(r"^\s*[A-Za-z]?(\d+)", value)
    return match.group(1).lstrip("0") if match and not _PAGE_COUNT.match(value) else ""


def _last_page(value) -> str:
    """The last page's digits ('943-945' -> 945, '945' -> 945), an abbreviated range written out in full
    ('1234-45' -> 1245, 'e8-e9' -> 9)."""
    first = _first_page(value)
    numbers = re.findall(r"\d+", str(value or ""))
    if not numbers or not first:
        return ""
    last = numbers[-1].lstrip("0")
    if len(numbers) == 2 and len(last) < len(first) and int(first[-len(last):] or 0) <= int(last or 0):
        last = first[:len(first) - len(last)] + last
    return last


def _pages_conflict(a, b) -> bool:
    """Whether two records' pages place them in different places: page ranges that neither overlap nor end on
    the same page. An article number ('e12724', 'a1754') beside a page range is no conflict: journals such as
    BMJ and PLoS print both, and databases pick one."""
    if not a["first_page"] or not b["first_page"] or a["article_number"] != b["article_number"]:
        return False
    if a["last_page"] == b["last_page"]:
        return False
    first_a, last_a = int(a["first_page"]), max(int(a["first_page"]), int(a["last_page"] or 0))
    first_b, last_b = int(b["first_page"]), max(int(b["first_page"]), int(b["last_page"] or 0))
    return last_a < first_b or last_b < first_a


_DOI_VERSION = re.compile(r"^(10\.1002/14651858\.[a-z]{2}\d+)(?:\.pub\d+)?$")


def _doi_work(doi: str) -> str:
    """The DOI of the work, without a version suffix (Cochrane reviews: ``.pub2``, ``.pub3`` of one review)."""
    match = _DOI_VERSION.match(doi)
    return match.group(1) if match else doi


_AUTHOR_SEPARATOR = re.compile(r";| and ")
# A supplement issue ("Suppl. 2", "S2", "Supplement"), where journals print conference abstracts.
_SUPPLEMENT = re.compile(r"suppl|(?:^|\s)s\d", re.IGNORECASE)
# An article number: a letter or two before digits ("e0123456", "a1754", Cochrane's "CD006273").
_ARTICLE_NUMBER = re.compile(r"^\s*[A-Za-z]{1,2}\d")


def _each(function: Callable[[str], object], values: list[str]) -> list:
    """``function`` of every value, computed once per distinct value (journals, volumes and pages repeat)."""
    results = {value: function(value) for value in set(values)}
    return [results[value] for value in values]


def prepare(records: pd.DataFrame) -> pd.DataFrame:
    """The comparison keys of each record: folded title, first-author surname, year, volume, issue, first page,
    DOI, numbers in the title, kind of document and whether the title recurs in every issue."""
    def column(name: str) -> list[str]:
        values = records[name] if name in records else pd.Series([""] * len(records), index=records.index)
        return ["" if v is None or (not isinstance(v, str) and v != v) else str(v) for v in values.tolist()]

    text = {name: column(name) for name in RECORD_FIELDS if name not in ("line", "year")}
    years = pd.to_numeric(records["year"], errors="coerce").astype("float64").tolist()
    titles = [_clean_title(t) for t in text["title"]]
    dois = _each(normalise_doi, text["doi"])
    venues = [f"{j} {t}" for j, t in zip(text["journal"], text["type"])]
    journals = _each(_fold, text["journal"])
    # The kind of document: its title says it first ("Erratum: ...", "Reply"), then its type, venue or DOI.
    # A DOI's prefix up to its "/" (preprint servers' prefixes run to five digits: 10.21203/).
    doi_prefixes = [d.partition("/")[0] + "/" if d else "" for d in dois]
    venue_kinds = _each(lambda key: _other_kind(*key),
                        list(zip(text["type"], text["journal"], doi_prefixes, text["volume"])))
    title_kinds = [_title_kind(t) for t in text["title"]]
    kinds = [t or k for t, k in zip(title_kinds, venue_kinds)]
    content = ["\x1f".join(values) for values in zip(*(text[c] for c in RECORD_FIELDS if c not in (
        "record_id", "source_file", "line", "database", "year")), (str(y) for y in years))]
    frame = pd.DataFrame({
        "record_id": text["record_id"],
        "title": titles,
        "title_key": [t.replace(" ", "") for t in titles],
        "first_author": [_surname(_AUTHOR_SEPARATOR.split(a, 1)[0].strip()) for a in text["authors"]],
        "author_text": [_fold(a).replace(" ", "") for a in text["authors"]],
        # Python ints (None when missing): compared pair by pair, they cost far less than pandas' scalars.
        "year": pd.Series([None if y != y else int(y) for y in years], dtype=object),
        "volume": _each(_digits, text["volume"]),
        "issue": _each(_digits, text["issue"]),
        "first_page": _each(_first_page, text["pages"]),
        "last_page": _each(_last_page, text["pages"]),
        "pages": _each(lambda v: re.sub(r"\s+", "", v.lower()), text["pages"]),
        "article_number": _each(lambda v: bool(_ARTICLE_NUMBER.match(v)), text["pages"]),
        "doi": dois,
        "doi_work": _each(_doi_work, dois),
        "pmid": _each(_digits, text["pmid"]),
        "conference": _each(lambda v: bool(_CONFERENCE.search(v)), venues),
        "venue": [bool(j.strip()) for j in text["journal"]],
        "kind": kinds,
        "title_kind": title_kinds,
        "journal": journals,
        "supplement": [bool(_SUPPLEMENT.search(f"{i} {v} {p}"))
                       for i, v, p in zip(text["issue"], text["volume"], text["pages"])],
        "numbers": [_title_numbers(t) for t in titles],
        "recurring": [bool(_RECURRING.match(t)) or (bool(j) and t.startswith(j)) or not t
                      for t, j in zip(titles, journals)],
        "content": [hashlib.sha1(c.encode("utf-8")).hexdigest() for c in content],
    })
    frame.index = records.index
    return frame


def _prepare_in_parallel(records: pd.DataFrame, workers: int) -> pd.DataFrame:
    """:func:`prepare` on ``workers`` processes, each a slice of the records, joined in input order."""
    if workers <= 1 or len(records) < _PARALLEL_FROM:
        return prepare(records)
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    slices = [records.iloc[positions] for positions in np.array_split(np.arange(len(records)), workers)]
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
        return pd.concat(list(pool.map(prepare, slices)))


#: Below this many records, starting worker processes costs more than it saves.
_PARALLEL_FROM = 50_000


def candidate_pairs(prepared: pd.DataFrame, report: Callable[[str], None] | None = None) -> set[tuple[int, int]]:
    """Pairs of row positions worth comparing, from several blocking keys (oversized blocks are skipped)."""
    keys: list[tuple[str, pd.Series]] = [
        ("identical content", prepared["content"]),
        ("DOI", prepared["doi_work"].where(prepared["doi_work"] != "")),
        ("PubMed id", prepared["pmid"].where(prepared["pmid"] != "")),
        ("title", prepared["title_key"].where(prepared["title_key"].str.len() >= 12)),
        ("title start", prepared["title_key"].str[:30].where(prepared["title_key"].str.len() >= 30)),
        ("title end", prepared["title_key"].str[-30:].where(prepared["title_key"].str.len() >= 30)),
        ("year, volume, first page", (prepared["year"].astype(str) + "|" + prepared["volume"] + "|" +
         prepared["first_page"]).where((prepared["volume"] != "") & (prepared["first_page"] != ""))),
        # An article number names an article within its journal (Cochrane's CD006273, PLoS' e0123456), with
        # or without a volume.
        ("year, journal, article number", (prepared["year"].astype(str) + "|" + prepared["journal"] + "|" +
         prepared["pages"]).where(prepared["article_number"])),
    ]
    pairs: set[tuple[int, int]] = set()
    for index, (name, key) in enumerate(keys):
        codes = pd.factorize(key, use_na_sentinel=True)[0]
        order = np.argsort(codes, kind="stable")
        ordered = codes[order]
        # Runs of equal codes are the blocks; a code of -1 is a record without this key.
        boundaries = np.flatnonzero(np.diff(ordered)) + 1
        starts = np.concatenate(([0], boundaries))
        ends = np.concatenate((boundaries, [len(ordered)]))
        sizes = ends - starts
        before = len(pairs)
        for start, end in zip(starts[sizes >= 2], ends[sizes >= 2]):
            if ordered[start] < 0 or (end - start > _MAX_BLOCK and index > 0):
                continue
            pairs.update(combinations(sorted(order[start:end].tolist()), 2))
        if report:
            report(f"blocking on {name}: {len(pairs) - before} new candidate pairs")
    return pairs


@dataclass(frozen=True)
class Decision:
    """The verdict on one pair: ``duplicate``, ``possible`` or ``distinct``, with the evidence."""

    verdict: str
    title_similarity: float
    reason: str


def _authors_compatible(a, b) -> bool:
    if not a["first_author"] or not b["first_author"]:
        return True
    if a["first_author"] in b["author_text"] or b["first_author"] in a["author_text"]:
        return True
    return fuzz.ratio(a["first_author"], b["first_author"]) >= 80


_JOURNAL_FILLER = {"the", "of", "and", "for", "in", "on", "de", "la", "le", "der", "und", "journal", "j"}


def _journals_compatible(a: str, b: str) -> bool:
    """Whether two folded journal names can name one journal: equal, or one abbreviating the other word by word
    ("new engl j med" / "new england journal of medicine"; "the" and "of" aside). A missing name is compatible."""
    if not a or not b or a == b:
        return True
    short, full = sorted(([w for w in a.split() if w not in _JOURNAL_FILLER],
                          [w for w in b.split() if w not in _JOURNAL_FILLER]), key=len)
    words = iter(full)
    return bool(short) and all(any(word.startswith(abbreviation) for word in words) for abbreviation in short)


def _same_author_list(a: str, b: str) -> bool:
    """Whether two folded author lists are one: nearly equal, or one the other cut short or with a group author
    appended (databases cut long lists and add or drop the study group), the shorter naming several authors."""
    if not a or not b:
        return False
    shorter, longer = sorted((a, b), key=len)
    return fuzz.ratio(a, b) >= 90 or (len(shorter) >= 30 and longer.startswith(shorter))


def _online_first(record) -> bool:
    """Published online before its issue: no volume or issue, and pages (if any) counted from 1."""
    return not record["volume"] and not record["issue"] and record["first_page"] in ("", "1")


def _truncated(a, b, shortest: int) -> bool:
    """Whether one title is the other cut short (or without its opening words), and at least ``shortest`` long."""
    shorter, longer = sorted((a["title"], b["title"]), key=len)
    return len(shorter) >= shortest and (longer.startswith(shorter) or longer.endswith(shorter))


def _by_identity(a, b, similarity: float) -> Decision | None:
    """The verdict from what identifies a record (identical content, DOI, PubMed id); None when none decides.

    A DOI names one work, but a supplement or an issue may carry one DOI for all its abstracts, and an erratum
    record may carry its article's DOI: a shared DOI with different pages and titles that are not the same, or
    with a title saying the record is another kind of document, is left to a person. Without DOIs on both, the
    same PubMed id (which Embase, Scopus and Ovid copy from MEDLINE) is weighed the same way; different PubMed
    ids are a conflict (:func:`_conflicts`).
    """
    if a["content"] == b["content"]:
        return Decision("duplicate", 100.0, "identical records")
    if a["doi"] and b["doi"]:
        if a["doi_work"] != b["doi_work"]:
            return Decision("distinct", similarity, "different DOIs")
        same = f"same DOI {a['doi']}" if a["doi"] == b["doi"] else f"same DOI {a['doi_work']} in other versions"
    elif a["pmid"] and a["pmid"] == b["pmid"]:
        same = f"same PubMed id {a['pmid']}"
        if a["title"] and b["title"] and fuzz.token_set_ratio(a["title"], b["title"]) < 60:
            # No supplement shares a PubMed id; unrelated titles are a translated one (Embase keeps the
            # original title): the fields decide.
            return None
    else:
        return None
    return _same_identifier(a, b, similarity, same, "DOI" if a["doi"] and b["doi"] else "PubMed id")


def _same_identifier(a, b, similarity: float, same: str, identifier: str) -> Decision:
    """Two records that carry one identifier: a duplicate unless their titles say otherwise."""
    if a["title_kind"] != b["title_kind"]:
        kinds = " vs ".join(sorted((a["title_kind"] or "article", b["title_kind"] or "article")))
        return Decision("possible", similarity, f"{same} but {kinds}; never merged automatically")
    if a["title"] and b["title"] and fuzz.token_set_ratio(a["title"], b["title"]) < 60:
        return Decision("possible", similarity, f"{same} but unrelated titles")
    if not _pages_conflict(a, b):
        return Decision("duplicate", similarity, same)
    # Abstracts of one supplement may share its DOI and differ in a word of the title: only the same title (or
    # one cut short) with no number disagreeing makes the other pages a typing difference.
    if (similarity >= 95 or _truncated(a, b, 30)) and _numbers_agree(a, b):
        return Decision("duplicate", similarity, f"{same}, same title; pages written differently")
    return Decision("possible", similarity, f"{same} but other pages and titles: the {identifier} of a "
                                            f"supplement or issue?; never merged automatically")


def _conflicts(a, b, located: bool, online_first: bool) -> list[str]:
    """What tells two records apart: volume, issue, pages, article number, a number in the title, the kind of
    document, journal vs conference."""
    conflicts = [n for n in ("volume", "issue") if a[n] and b[n] and a[n] != b[n]
                 # an issue number mistyped in one database where volume and first page agree is no other paper
                 and not (n == "issue" and located)]
    if not online_first and _pages_conflict(a, b):
        conflicts.append("article number" if a["article_number"] else "pages")
    if a["pmid"] and b["pmid"] and a["pmid"] != b["pmid"]:
        conflicts.append("PubMed id")
    if not _numbers_agree(a, b):
        conflicts.append(f"number in title ({a['numbers'] or 'none'} vs {b['numbers'] or 'none'})")
    if a["kind"] != b["kind"]:
        conflicts.append(" vs ".join(sorted((a["kind"], b["kind"]))))
    if (a["conference"] != b["conference"] and a["venue"] and b["venue"] and not located
            and not _printed_abstract(a, b)):
        conflicts.append("journal vs conference")
    return conflicts


def _numbers_agree(a, b) -> bool:
    """Whether the numbers of two titles agree. A title cut short or without its subtitle carries fewer
    numbers: only numbers on both sides that disagree ("FOCUS 1" / "FOCUS 2") tell two papers apart."""
    numbers_a, numbers_b = set(a["numbers"].split()), set(b["numbers"].split())
    return numbers_a <= numbers_b or numbers_b <= numbers_a


def _printed_abstract(a, b) -> bool:
    """Whether one record is a conference abstract and the other the same abstract as printed in the journal
    that published the conference's abstracts: a record in that journal in a supplement issue or on one page
    (an article runs to several)."""
    conference, journal = (a, b) if a["conference"] else (b, a)
    one_page = journal["first_page"] != "" and journal["last_page"] in ("", journal["first_page"])
    return (conference["conference"] and not journal["conference"] and (journal["supplement"] or one_page)
            and _journals_compatible(conference["journal"], journal["journal"]))


def decide(a, b) -> Decision:
    """Compare two prepared records (rows of :func:`prepare`).

    In order: identical content is a duplicate; the same DOI (or version of a DOI) is a duplicate unless the
    titles are unrelated, the title names another kind of document, or pages and titles both differ (a
    supplement's DOI); two different DOIs are distinct. Without a shared DOI, a disagreement in pages, issue,
    volume, a number in the title or the kind of document keeps the pair from being merged (it is possible when
    alike); a recurring title needs year, volume and first page to agree. Then a near-identical title (>= 95)
    in the same year with compatible first authors, or a close title (>= 90) or one cut short with year, volume
    and first page agreeing, is a duplicate; a year apart is accepted with volume and first page agreeing, or
    when one record is the online-first version, a thesis's Dissertation Abstracts record or has the same author
    list (one cut short or with the study group). The same journal, year, volume and page range with the same
    first author is a duplicate when the titles are related (a translated or reworded title). A conference
    abstract and its printing in the journal (a supplement issue, or one page) are one. Near-misses go to the
    possible queue.
    """
    similarity = fuzz.ratio(a["title"], b["title"]) if a["title"] and b["title"] else 0.0
    known = _by_identity(a, b, similarity)
    if known:
        return known
    agree = [n for n in ("volume", "first_page") if a[n] and a[n] == b[n]]
    # Volume and first page place a record in its journal; so does an article number, which journals give once.
    located = len(agree) == 2 or _same_article_number(a, b)
    if similarity < 85 and not located and a["title"] and b["title"] and not _truncated(a, b, 30):
        # Most candidate pairs end here: titles apart, and nothing places the two records together.
        return Decision("distinct", similarity, f"title {similarity:.0f}")
    online_first = _online_first(a) != _online_first(b)
    conflicts = _conflicts(a, b, located, online_first)
    authors = _authors_compatible(a, b)
    evidence = f"title {similarity:.0f}; year {'same' if a['year'] == b['year'] else 'differs'}"
    if agree:
        evidence += "; same " + ", ".join(n.replace("_", " ") for n in agree)
    if conflicts:
        evidence += "; differs: " + ", ".join(conflicts)
    if not authors:
        evidence += "; first authors differ"
    alike = ((similarity >= 85 or _truncated(a, b, 20 if located else 30))
             and abs((a["year"] or 0) - (b["year"] or 0)) <= 1)
    if conflicts:
        # A reply or comment has other authors than the article it answers: alike is enough to be asked.
        asked = alike and (authors or a["kind"] != b["kind"])
        return Decision("possible" if asked else "distinct", similarity, evidence + "; never merged automatically")
    return _by_fields(a, b, similarity, evidence, located, online_first, authors, alike, agree)


def _by_fields(a, b, similarity: float, evidence: str, located: bool, online_first: bool, authors: bool,
               alike: bool, agree: list[str]) -> Decision:
    """The verdict on two records that nothing tells apart, from how closely title, year, authors, journal,
    volume and pages agree (the rules of :func:`decide`, after the conflicts)."""
    same_year = a["year"] == b["year"]
    year_gap = abs((a["year"] or 0) - (b["year"] or 0))
    same_authors = _same_author_list(a["author_text"], b["author_text"])
    truncated = _truncated(a, b, 20 if located else 30)
    if a["recurring"] or b["recurring"]:
        # Editorials carry roman page numbers ("iii-v"): the pages as written must agree where no digits do.
        placed = "volume" in agree and (located or (a["pages"] != "" and a["pages"] == b["pages"]))
        if similarity >= 95 and same_year and placed and authors:
            return Decision("duplicate", similarity, evidence + "; recurring title, every field agrees")
        return Decision("possible" if alike and authors and placed else "distinct", similarity,
                        evidence + "; recurring title, compared on every field")
    if a["conference"] != b["conference"] and a["venue"] and b["venue"] and _printed_abstract(a, b):
        evidence += "; a conference abstract and its printing in the journal"
    if similarity >= 95 and same_year and (located or authors):
        return Decision("duplicate", similarity, evidence)
    if similarity >= 95 and year_gap == 1 and a["kind"] == "thesis" and same_authors:
        return Decision("duplicate", similarity, evidence + "; a thesis and its Dissertation Abstracts record a year "
                                                            "later")
    if (similarity >= 90 or truncated) and same_year and located and authors:
        return Decision("duplicate", similarity, evidence + ("; one title cut short" if truncated else ""))
    if (similarity >= 90 or truncated) and same_year and same_authors and _same_article_number(a, b):
        return Decision("duplicate", similarity, evidence + "; same journal, article number and author list")
    if similarity >= 95 and year_gap == 1 and authors and (located or (online_first and same_authors)):
        return Decision("duplicate", similarity, evidence + ("; years one apart" if located
                                                               else "; online-first record, a year earlier"))
    if similarity >= 95 and year_gap == 1 and "volume" in agree and same_authors:
        return Decision("duplicate", similarity, evidence + "; years one apart (online and print), same author list")
    if truncated and same_year and "volume" in agree and same_authors:
        return Decision("duplicate", similarity, evidence + "; one title cut short; same author list")
    if _same_citation(a, b) and same_year and fuzz.token_set_ratio(a["title"], b["title"]) >= 60:
        return Decision("duplicate", similarity, evidence + "; same journal, volume and page range and first "
                                                            "author: the title translated or reworded")
    if alike or (located and year_gap <= 1 and authors):
        return Decision("possible", similarity, evidence)
    return Decision("distinct", similarity, evidence)


def _same_article_number(a, b) -> bool:
    """Whether two records carry one article number in one journal (an article number names an article there)."""
    return (a["article_number"] and a["pages"] == b["pages"] and bool(a["journal"]) and bool(b["journal"])
            and _journals_compatible(a["journal"], b["journal"]))


def _same_citation(a, b) -> bool:
    """Whether two records cite one place as a DOI would: the same journal, volume and page range (of more than
    one page: several abstracts share a page), by the same first author (both named)."""
    return (bool(a["journal"] and b["journal"] and a["first_author"] and b["first_author"])
            and a["volume"] == b["volume"] != "" and a["first_page"] == b["first_page"] != ""
            and a["last_page"] == b["last_page"] != a["first_page"]
            and _journals_compatible(a["journal"], b["journal"]) and _authors_compatible(a, b))


class _Groups:
    """Union-find that refuses to join groups holding different DOIs or different PubMed ids (no chain may
    merge two of either) or two records a person decided are not duplicates."""

    def __init__(self, dois: list[str], apart: dict[int, set[int]] | None = None,
                 pmids: list[str] | None = None) -> None:
        self.parent = list(range(len(dois)))
        self.dois = [{d} if d else set() for d in dois]
        self.pmids = [{p} if p else set() for p in (pmids or [""] * len(dois))]
        apart = apart or {}
        # For groups holding a record with a "not duplicate" decision: those records, and the ones they refuse.
        self.flagged = {i: {i} for i in apart}
        self.refused = {i: set(others) for i, others in apart.items()}

    def find(self, item: int) -> int:
        while self.parent[item] != item:
            self.parent[item] = self.parent[self.parent[item]]
            item = self.parent[item]
        return item

    def union(self, a: int, b: int, override_doi: bool = False) -> str:
        """Join the groups of ``a`` and ``b``; '' when joined, else why not."""
        root_a, root_b = self.find(a), self.find(b)
        if root_a == root_b:
            return ""
        if self.refused.get(root_a, set()) & self.flagged.get(root_b, set()) or \
                self.refused.get(root_b, set()) & self.flagged.get(root_a, set()):
            return "would join records decided not to be duplicates"
        if not override_doi and self.dois[root_a] and self.dois[root_b] and not (self.dois[root_a] & self.dois[root_b]):
            return "would join records with different DOIs"
        if not override_doi and self.pmids[root_a] and self.pmids[root_b] and not (self.pmids[root_a] & self.pmids[root_b]):
            return "would join records with different PubMed ids"
        self.parent[root_b] = root_a
        self.dois[root_a] |= self.dois[root_b]
        self.pmids[root_a] |= self.pmids[root_b]
        for sets in (self.flagged, self.refused):
            if root_b in sets:
                sets.setdefault(root_a, set()).update(sets.pop(root_b))
        return ""


def read_decisions(path: str | Path) -> pd.DataFrame:
    """Decisions on possible duplicates (``search/duplicate_decisions.csv``), validated against their schema.

    Returns
    -------
    DataFrame
        The columns of the schema and ``line`` (the row's line in the file), with ``attrs["path"]`` set.

    Raises
    ------
    ReviewProblems
        Every invalid row, by line and column.
    """
    from synthesis.errors import ReviewProblems
    from synthesis.schemas import read_table, schema_for

    path = Path(path)
    table, problems, lines = read_table(path, schema_for("search/duplicate_decisions.csv"), str(path))
    if problems:
        raise ReviewProblems(problems)
    table["line"] = lines
    table.attrs["path"] = str(path)
    return table


def _decided(decisions: pd.DataFrame, position_of: dict[str, int]) -> tuple[list[tuple[int, int, str]], dict]:
    """Decided duplicates as (a, b, reason) and, per record, the records decided not to be its duplicates."""
    path = decisions.attrs.get("path", "duplicate_decisions.csv")
    lines = decisions["line"] if "line" in decisions else pd.Series(range(2, len(decisions) + 2),
                                                                    index=decisions.index)
    duplicates, apart = [], {}
    for index, row in decisions.iterrows():
        for column in ("record_a", "record_b"):
            if str(row[column]) not in position_of:
                raise ReviewError(path, f"no record {row[column]!r} among the records being de-duplicated",
                                  line=int(lines[index]), field=column,
                                  hint="use record ids from records.csv (as in possible.csv); a record re-imported "
                                       "under another id needs its decision again")
        a, b = position_of[str(row["record_a"])], position_of[str(row["record_b"])]
        decision = str(row["decision"]).strip()
        if decision == "duplicate":
            note = row.get("note")
            why = f"decided by {row['decided_by']}" + (f" on {row['date']}" if row.get("date") else "")
            duplicates.append((a, b, why + (f" ({note})" if note else "")))
        elif decision == "not duplicate":
            apart.setdefault(a, set()).add(b)
            apart.setdefault(b, set()).add(a)
        else:
            raise ReviewError(path, f"decision {decision!r} is neither 'duplicate' nor 'not duplicate'",
                              line=int(lines[index]), field="decision", hint="write duplicate or not duplicate")
    return duplicates, apart


@dataclass
class DedupResult:
    """The outcome of :func:`deduplicate`.

    Attributes
    ----------
    groups : DataFrame
        One row per input record: ``record_id``, ``group_id``, ``kept`` (True for the one kept per group),
        ``reason`` (why it was kept, or which record it duplicates and why).
    pairs : DataFrame
        Every pair judged a duplicate, with the title similarity and the evidence.
    possible : DataFrame
        Pairs for a person to decide, with the same columns.
    """

    groups: pd.DataFrame
    pairs: pd.DataFrame
    possible: pd.DataFrame

    def unique(self, records: pd.DataFrame) -> pd.DataFrame:
        """The kept record of every group, in input order."""
        kept = set(self.groups.loc[self.groups["kept"], "record_id"])
        return records[records["record_id"].astype(str).isin(kept)]


def _completeness(records: pd.DataFrame) -> pd.Series:
    fields = ["title", "authors", "year", "journal", "volume", "issue", "pages", "doi", "abstract"]
    present = [records[f].notna() & (records[f].astype(str).str.strip() != "") for f in fields if f in records]
    return sum(p.astype(int) for p in present)


def deduplicate(records: pd.DataFrame, prefer: list[str] | None = None,
                progress: Callable[[str], None] | None = None,
                decisions: pd.DataFrame | str | Path | None = None, workers: int = 1) -> DedupResult:
    """Group duplicate records; nothing is deleted.

    Parameters
    ----------
    records : DataFrame
        Records in the schema of :data:`synthesis.records.RECORD_FIELDS` (``record_id`` unique).
    prefer : list of str, optional
        Databases (the records' ``database`` column) in order of preference for the record kept in each group
        (e.g. ``["PubMed", "Embase"]``); then the most complete record, then the first in input order.
    progress : callable, optional
        Receives a line per stage.
    decisions : DataFrame or path, optional
        A person's decisions on pairs (``search/duplicate_decisions.csv``, see :func:`read_decisions`):
        a decided duplicate is grouped with the reason "decided by <who>"; a decided non-duplicate is never
        grouped, not even through a chain of other matches; decided pairs leave the possible queue.
    workers : int
        Processes that prepare the comparison keys of large sets (from 50,000 records); the result is the same.

    Returns
    -------
    DedupResult

    Raises
    ------
    ReviewError
        A decision naming a record that is not among ``records`` (naming its row).
    """
    report = progress or (lambda line: None)
    records = records.reset_index(drop=True)
    if records["record_id"].duplicated().any():
        duplicated = records.loc[records["record_id"].duplicated(), "record_id"].iloc[0]
        raise ValueError(f"record_id {duplicated!r} is not unique")
    if decisions is not None and not isinstance(decisions, pd.DataFrame):
        decisions = read_decisions(decisions)
    position_of = {str(r): i for i, r in enumerate(records["record_id"])}
    decided, apart = _decided(decisions, position_of) if decisions is not None else ([], {})
    prepared = _prepare_in_parallel(records, workers)
    pairs = candidate_pairs(prepared, report)
    report(f"{len(records)} records, {len(pairs)} candidate pairs")
    columns = {name: prepared[name].tolist() for name in prepared.columns}
    rows = [dict(zip(columns, values)) for values in zip(*columns.values())]
    del columns
    groups = _Groups(list(prepared["doi_work"]), apart, list(prepared["pmid"]))
    matched = _apply_decided(decided, rows, groups, decisions)
    decided_pairs = {tuple(sorted((a, b))) for a, b, _ in decided} | {
        tuple(sorted((a, b))) for a, others in apart.items() for b in others}
    found, possible = _match_pairs(sorted(pairs - decided_pairs), rows, groups)
    matched += found
    report(f"{len(matched)} duplicate pairs, {len(possible)} possible")
    columns = ["record_a", "record_b", "title_similarity", "evidence"]
    return DedupResult(_group_table(records, groups, matched, prefer), pd.DataFrame(matched, columns=columns),
                       pd.DataFrame(possible, columns=columns))


def _pair_entry(rows: list[dict], i: int, j: int, similarity: float, evidence: str) -> dict:
    return {"record_a": rows[i]["record_id"], "record_b": rows[j]["record_id"],
            "title_similarity": round(similarity, 1), "evidence": evidence}


def _apply_decided(decided: list[tuple[int, int, str]], rows: list[dict], groups: _Groups,
                   decisions: pd.DataFrame | None) -> list[dict]:
    """Group the pairs a person decided are duplicates; their entries for ``pairs.csv``."""
    matched = []
    for i, j, why in decided:
        refused = groups.union(i, j, override_doi=True)
        entry = _pair_entry(rows, i, j, fuzz.ratio(rows[i]["title"], rows[j]["title"]), why)
        if refused:
            raise ReviewError(decisions.attrs.get("path", "duplicate_decisions.csv"),
                              f"{entry['record_a']} and {entry['record_b']} are decided duplicates, which {refused}",
                              field="decision", hint="the decisions contradict each other; correct one of them")
        matched.append(entry)
    return matched


def _match_pairs(pairs: list[tuple[int, int]], rows: list[dict], groups: _Groups) -> tuple[list[dict], list[dict]]:
    """Decide every candidate pair and group the duplicates: the entries of ``pairs.csv`` and of
    ``possible.csv`` (a duplicate the groups refuse, as joining two DOIs, is left possible)."""
    matched, possible = [], []
    for i, j in pairs:
        decision = decide(rows[i], rows[j])
        entry = _pair_entry(rows, i, j, decision.title_similarity, decision.reason)
        if decision.verdict == "duplicate":
            refused = groups.union(i, j)
            if not refused:
                matched.append(entry)
            else:
                possible.append({**entry, "evidence": f"{decision.reason}; {refused}"})
        elif decision.verdict == "possible":
            possible.append(entry)
    return matched, possible


def _group_table(records: pd.DataFrame, groups: _Groups, matched: list[dict],
                 prefer: list[str] | None) -> pd.DataFrame:
    """One row per record: its group, whether it is the one kept (preferred database, then the most complete,
    then the first) and why."""
    roots = [groups.find(i) for i in range(len(records))]
    databases = (records["database"].astype(object).where(records["database"].notna(), "").astype(str)
                 if "database" in records else pd.Series([""] * len(records)))
    rank = {database: preference_rank(prefer or [], database) for database in set(databases)}
    order = pd.DataFrame({
        "root": roots,
        "preference": databases.map(rank),
        "completeness": -_completeness(records),
        "position": range(len(records)),
    })
    order = order.sort_values(["root", "preference", "completeness", "position"], kind="stable")
    kept_position = order.groupby("root")["position"].first().to_dict()
    group_number = {root: n for n, root in enumerate(sorted(kept_position, key=kept_position.get), start=1)}
    why_pair = {}
    for entry in matched:
        why_pair.setdefault(entry["record_a"], entry)
        why_pair.setdefault(entry["record_b"], entry)
    group_sizes = pd.Series(roots).value_counts().to_dict()
    record_ids = records["record_id"].tolist()
    result_rows = []
    for position, root in enumerate(roots):
        kept = kept_position[root] == position
        record_id = record_ids[position]
        if kept:
            members = group_sizes[root]
            reason = "unique" if members == 1 else _kept_reason(prefer, databases[position], members)
        else:
            pair = why_pair.get(record_id, {})
            reason = f"duplicate of {record_ids[kept_position[root]]}: {pair.get('evidence', 'same group')}"
        result_rows.append({"record_id": record_id, "group_id": f"G{group_number[root]:06d}", "kept": kept,
                            "reason": reason})
    return pd.DataFrame(result_rows)


# Names one database goes by in exports and in a reviewer's --prefer: PubMed is MEDLINE's interface.
_DATABASE_ALIASES = {"pubmed": "medline"}


def _database_key(name: str) -> str:
    key = re.sub(r"[^a-z0-9]", "", name.lower())
    return _DATABASE_ALIASES.get(key, key)


def preference_rank(prefer: list[str], database: str) -> int:
    """The place of ``database`` in ``prefer`` (len(prefer) when absent). Names match loosely: case and
    punctuation aside, a preferred name within the database's ("CINAHL" in "CINAHL Plus", "MEDLINE" in "Ovid
    MEDLINE(R)"), and PubMed as MEDLINE."""
    key = _database_key(database)
    return next((index for index, name in enumerate(prefer) if key and _database_key(name) in key), len(prefer))


def _kept_reason(prefer, database, members) -> str:
    if prefer and preference_rank(prefer, database) < len(prefer):
        return f"kept of {members}: database {database} preferred (--prefer {','.join(prefer)})"
    return f"kept of {members}: most complete record"


def pairwise_scores(predicted_groups: list[set[str]], true_groups: list[set[str]]) -> dict[str, float]:
    """Pairwise precision and recall of predicted duplicate groups against true ones (false merges counted)."""
    def pair_set(groups):
        return {tuple(sorted(p)) for g in groups for p in combinations(sorted(g), 2)}

    predicted, true = pair_set(predicted_groups), pair_set(true_groups)
    correct = predicted & true
    return {"predicted_pairs": len(predicted), "true_pairs": len(true), "correct": len(correct),
            "false_merges": len(predicted - true),
            "precision": len(correct) / len(predicted) if predicted else 1.0,
            "recall": len(correct) / len(true) if true else 1.0}
