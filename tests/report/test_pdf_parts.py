"""The PDF laid out part by part and joined (pipelines/report/pdf_assembly.py): the pages, numbers,
links and structure of one layout of the whole paper, on the real afml-13 paper."""

from __future__ import annotations

import datetime as dt
import html as html_lib
import json
import pickle
import re

import pikepdf
import pytest
from pypdf import PdfReader

from pipelines.report.paged_parts import INLINED, PART_LINK, PartLayout, numbering, part_document, split
from pipelines.report.pdf_assembly import PartStore, write_pdf
from pipelines.report.render import write_part

BUILD_DATE = dt.datetime(2020, 11, 10, tzinfo=dt.timezone.utc)


@pytest.fixture(scope="module")
def paged_html(afml13_build) -> str:
    stored = afml13_build.instance.storage_directory()
    with open(f"{stored}/report_paged_html/afml-13", "rb") as value:
        return pickle.load(value)


@pytest.fixture(scope="module")
def joined(afml13_build):
    with pikepdf.open(afml13_build.edition_dir / "report.pdf") as pdf:
        yield pdf


def _destinations(pdf) -> dict[str, int]:
    """Named destination -> page index."""
    pages = {page.objgen: i for i, page in enumerate(pdf.pages)}
    names = pdf.Root.Names.Dests.Names
    return {str(names[i]): pages[names[i + 1][0].objgen] for i in range(0, len(names), 2)}


def _text(value: str) -> str:
    return re.sub(r"\s+", " ", html_lib.unescape(re.sub(r"<[^>]+>", "", value))).strip()


def test_the_paper_is_cut_into_its_front_matter_and_one_part_per_chapter_and_appendix(paged_html):
    paper = split(paged_html)
    names = [part.name for part in paper.parts]
    assert names[0] == "cover" and names[1] == "sec-1" and "sec-2" in names and names[-1] == "sec-colophon"
    assert [part.restarts_numbering for part in paper.parts].count(True) == 1 and paper.parts[1].restarts_numbering
    owner = paper.owner
    assert sum(len(part.ids) for part in paper.parts) == len(owner)  # every anchor in exactly one part
    rejoined = paper.head + "".join(part.html for part in paper.parts) + paper.tail
    # The data: URLs (fonts, charts) are references by digest in the parts, and nothing else changed.
    assert not re.search(r'(src="|url\(")data:', rejoined) and set(re.findall(INLINED + "[0-9a-f]{64}", rejoined)) == set(paper.inlined)
    assert len(paper.inlined) >= 14 + 6  # the 14 charts and the faces
    assert re.sub(INLINED + "[0-9a-f]{64}", lambda ref: paper.inlined[ref.group(0)], rejoined) == paged_html  # nothing lost


def test_every_page_number_printed_for_a_link_is_the_label_of_the_page_it_leads_to(paged_html, joined, afml13_build):
    """The contents and the cross-references, across parts: what the page prints is where the link goes."""
    destinations = _destinations(joined)
    labels = [page.label for page in joined.pages]
    text = re.sub(r"\s+", " ", " ".join(page.extract_text() for page in PdfReader(afml13_build.edition_dir / "report.pdf").pages))
    checked = 0
    for tag, target, inner in re.findall(r'(<a [^>]*href="#([^"]+)"[^>]*>)(.*?)</a>', paged_html):
        if 'class="xref"' not in tag:
            continue
        label = labels[destinations[target]]
        assert f"{_text(inner)}, page {label}" in text, (target, label)
        checked += 1
    contents = paged_html[paged_html.index('id="contents"') :]
    contents = contents[: contents.index("</section>")]
    for target, inner in re.findall(r'<a [^>]*href="#([^"]+)"[^>]*>(.*?)</a>', contents):
        label = labels[destinations[target]]
        assert re.search(re.escape(_text(inner)) + r" ?\.*\s?" + re.escape(label) + r"\b", text), (target, label)
        checked += 1
    assert checked > 40  # 36 contents entries and the cross-references


def test_every_link_of_the_joined_pdf_leads_to_an_anchor_of_the_paper(paged_html, joined):
    destinations = _destinations(joined)
    wanted = {html_lib.unescape(target) for target in re.findall(r'href="#([^"]+)"', paged_html)}
    linked = set()
    for page in joined.pages:
        for annotation in page.obj.get("/Annots", []):
            if annotation.get("/Subtype") != "/Link":
                continue
            uri = annotation.get("/A", {}).get("/URI")
            assert uri is None or not str(uri).startswith(PART_LINK)
            if "/Dest" in annotation:
                assert str(annotation.Dest) in destinations
                linked.add(str(annotation.Dest))
    assert wanted <= linked  # every internal link of the paper, within and across parts


def test_the_joined_structure_tree_ties_each_page_and_link_to_its_own_entry(joined):
    tree = joined.Root.StructTreeRoot
    numbers = tree.ParentTree.Nums
    keys = [int(numbers[i]) for i in range(0, len(numbers), 2)]
    assert len(keys) == len(set(keys)) and int(tree.ParentTreeNextKey) > max(keys)
    used = [int(page.obj.StructParents) for page in joined.pages]
    used += [int(a.StructParent) for page in joined.pages for a in page.obj.get("/Annots", []) if "/StructParent" in a]
    assert len(used) == len(set(used)) and set(used) <= set(keys)
    assert len(tree.K) == 1 and tree.K[0].S == "/Document" and len(tree.K[0].K) > 50
    assert [str(page.label) for page in joined.pages[:3]] == ["i", "ii", "iii"] and "1" in [page.label for page in joined.pages]


def _runs(path) -> list[list[tuple]]:
    """Each page's text runs with their positions (rounded to 0.1 pt). A no-break space counts as a
    space: both are one glyph, which each PDF's font maps back to whichever of the two it met first."""
    pages = []
    for page in PdfReader(path).pages:
        runs = []
        page.extract_text(visitor_text=lambda text, cm, tm, font, size: runs.append((text.replace("\xa0", " "), round(tm[4] * cm[0] + cm[4], 1), round(tm[5] * cm[3] + cm[5], 1))) if text.strip() else None)
        pages.append(runs)
    return pages


def test_parts_laid_out_apart_and_joined_give_the_pages_of_one_layout_of_the_whole(paged_html, tmp_path):
    """Real sections of the paper (the front matter with its contents, a chapter with cross-references
    to another part, two appendices): every text run on every page at the same place, whether the paper
    is laid out whole or in parts, with its page numbers, contents and footers."""
    paper = split(paged_html)
    chosen = [part for part in paper.parts if part.name in ("cover", "sec-1", "sec-3", "sec-4", "sec-appendix-1", "sec-appendix-3")]
    small = paper.head + "".join(part.html for part in chosen) + paper.tail
    options = {"base_dir": tmp_path, "allowed_roots": [tmp_path], "build_date": BUILD_DATE}
    whole = write_part(small, tmp_path / "whole.pdf", **options)
    parts = write_pdf(small, tmp_path / "parts.pdf", processes=2, **options)
    assert parts.pages == whole.pages and sorted(parts.warnings) == sorted(set(whole.warnings))  # links to the sections left out
    assert _runs(tmp_path / "parts.pdf") == _runs(tmp_path / "whole.pdf")


def test_the_pdf_depends_on_the_html_only_not_on_the_guesses_or_the_parts_reused(paged_html, tmp_path):
    """A layout with no plan, one with a plan that is wrong, and one reusing stored parts: the same bytes."""
    paper = split(paged_html)
    chosen = [part for part in paper.parts if part.name in ("cover", "sec-1", "sec-3", "sec-4")]
    small = paper.head + "".join(part.html for part in chosen) + paper.tail
    options = {"base_dir": tmp_path, "allowed_roots": [tmp_path], "build_date": BUILD_DATE}
    store = PartStore(tmp_path / "store")
    cold = write_pdf(small, tmp_path / "cold.pdf", store=store, **options)
    plan_file = store.plan_file(split(small))
    wrong = {name: {**entry, "pages": entry["pages"] + 3} for name, entry in json.loads(plan_file.read_text()).items()}
    plan_file.write_text(json.dumps(wrong))
    misled = write_pdf(small, tmp_path / "misled.pdf", store=store, **options)
    reusing = write_pdf(small, tmp_path / "reused.pdf", store=PartStore(tmp_path / "store", reuse=True), **options)
    assert (tmp_path / "cold.pdf").read_bytes() == (tmp_path / "misled.pdf").read_bytes() == (tmp_path / "reused.pdf").read_bytes()
    # written: each part once when cold (its first layout only learns the numbers), some parts twice
    # when the plan misled, none when every part is reused
    assert cold.parts_laid_out == len(chosen) < misled.parts_laid_out and reusing.parts_laid_out == 0


def test_a_link_to_another_part_carries_the_label_of_its_page_and_the_front_matter_counts_in_roman():
    paper = split('<html><head></head><body><main><section class="front" id="a"><a href="#c" class="xref">x</a><a href="#a">self</a></section><section class="body-start" id="b"><p class="footnote">n</p></section><section id="c"></section></main></body></html>')
    numbers = numbering([PartLayout(3, None, {"a": 0}), PartLayout(2, 0, {"b": 0}), PartLayout(4, None, {"c": 1})])
    firsts, labels = numbers.firsts, numbers.labels
    assert firsts == [1, 1, 3] and labels == {"a": "i", "b": "1", "c": "4"} and numbers.body_start == 3
    front = part_document(paper, 0, firsts[0], labels, 0)
    assert f'href="{PART_LINK}c" data-page="4"' in front and 'href="#a"' in front
    last = part_document(paper, 2, firsts[2], labels, 1)
    assert "counter-reset: page 3" in last and "counter-reset: footnote 1" in last


def test_the_store_keeps_the_parts_of_the_papers_laid_out_last_and_drops_the_rest(tmp_path):
    from pipelines.report.pdf_assembly import KEPT_PLANS

    store = PartStore(tmp_path / "store")
    options = {"base_dir": tmp_path, "allowed_roots": [tmp_path], "build_date": BUILD_DATE}
    for number in range(KEPT_PLANS + 2):  # papers with other titles: each has a plan of its own
        paper = f'<html><head></head><body data-title="Paper {number}"><main><section id="s"><h2>Paper {number}</h2></section></main></body></html>'
        write_pdf(paper, tmp_path / "paper.pdf", store=store, **options)
    plans = list(store.folder.glob("plan-*.json"))
    named = {entry["key"] for plan in plans for entry in json.loads(plan.read_text()).values()}
    kept = {path.stem for path in store.folder.glob("*.pdf")}
    assert len(plans) == KEPT_PLANS and kept == named and len(kept) == KEPT_PLANS
    assert not list(store.folder.glob("*.part"))
