"""WeasyPrint may load only the project's own files and data: URIs."""

from __future__ import annotations

import pytest

from pipelines.report.fetcher import ForbiddenResource, check_allowed, make_url_fetcher


def test_data_and_files_under_allowed_roots_pass(tmp_path):
    (tmp_path / "a.css").write_text("p{}")
    check_allowed("data:text/plain,hi", [tmp_path])
    check_allowed((tmp_path / "a.css").as_uri(), [tmp_path])


@pytest.mark.parametrize("url", ["http://127.0.0.1/x.png", "https://example.org/a.css", "ftp://host/file", "file:///etc/passwd", "file://otherhost/share/x"])
def test_everything_else_is_refused(url, tmp_path):
    with pytest.raises(ForbiddenResource):
        check_allowed(url, [tmp_path])


def test_path_traversal_out_of_a_root_is_refused(tmp_path):
    inner = tmp_path / "templates"
    inner.mkdir()
    with pytest.raises(ForbiddenResource):
        check_allowed((inner / ".." / ".." / "etc" / "passwd").as_uri(), [inner])


def test_the_renderer_never_fetches_a_remote_image(tmp_path):
    from pipelines.report.pdf_assembly import write_pdf

    html = '<html lang="en"><head><title>t</title></head><body><p>x</p><img src="http://127.0.0.1:9/tracker.png"><img src="file:///etc/hostname"></body></html>'
    result = write_pdf(html, tmp_path / "x.pdf", base_dir=tmp_path, allowed_roots=[tmp_path])
    assert len(result.warnings) == 2 and all("blocked" in w for w in result.warnings)
    fetcher = make_url_fetcher([tmp_path])
    with pytest.raises(ForbiddenResource):
        fetcher.fetch("http://127.0.0.1:9/x")


def test_a_css_or_resource_problem_fails_the_build(tmp_path):
    """WeasyPrint's warnings are collected; the report_pdf asset raises on any of them."""
    from pipelines.report.pdf_assembly import write_pdf

    html = '<html lang="en"><head><title>t</title><style>p { colour: red; }</style></head><body><p>x</p><img src="missing.png" alt="x"></body></html>'
    result = write_pdf(html, tmp_path / "x.pdf", base_dir=tmp_path, allowed_roots=[tmp_path])
    assert any("colour" in w for w in result.warnings)
    assert any("missing.png" in w for w in result.warnings)


def test_the_papers_own_data_urls_are_fetched_by_reference_and_no_other(tmp_path):
    """The parts of the paper refer to its data: URLs by digest (pipelines/report/paged_parts.py)."""
    from pipelines.report.paged_parts import INLINED, split

    paged = '<html><head><style>@font-face { src: url("data:text/plain,face"); }</style></head><body><main><section id="a"><img src="data:text/plain,chart" alt="c"><p>The text says url(&#34;data:x&#34;) and src=&#34;data:y&#34;.</p></section></main></body></html>'
    paper = split(paged)
    assert sorted(paper.inlined.values()) == ["data:text/plain,chart", "data:text/plain,face"]
    assert "The text says url(&#34;data:x&#34;) and src=&#34;data:y&#34;." in paper.parts[0].html  # text (escaped by the template) stays as it is
    fetcher = make_url_fetcher([tmp_path], paper.inlined)
    reference = next(ref for ref, url in paper.inlined.items() if url.endswith("chart"))
    assert reference in paper.parts[0].html and "data:text/plain,chart" not in paper.parts[0].html
    assert fetcher.fetch(reference).read() == b"chart"
    with pytest.raises(ForbiddenResource):
        fetcher.fetch(INLINED + "0" * 64)
    with pytest.raises(ForbiddenResource):
        make_url_fetcher([tmp_path]).fetch(reference)  # a fetcher given no paper knows no reference
