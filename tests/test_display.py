"""How reports show themselves in Python and Jupyter: short reprs, _repr_html_, _repr_markdown_."""
from __future__ import annotations

import inspect
from html.parser import HTMLParser

import lossaudit


def _huber():
    return lossaudit.audit("huber")


def test_reprs_are_short_and_say_what_they_hold():
    report = _huber()
    text = repr(report)
    # huber: all but sparsity hold; it elicits no named statistic; the other three are for classifiers
    assert len(text) < 200 and "huber" in text and "5 hold, 2 fail" in text and "3 not applicable" in text
    assert repr(report.results[0]).startswith("<LossResult huber (regression): convexity holds")
    assert len(repr(report["convexity"])) < 200 and "convexity: holds by proof" in repr(report["convexity"])


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags, self.text = [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)

    def handle_data(self, data):
        self.text.append(data)


def test_repr_html_is_a_fragment_with_the_table_and_the_sentences():
    report = _huber()
    html = report._repr_html_()
    parser = _Tags()
    parser.feed(html)
    assert "html" not in parser.tags and "table" in parser.tags and "details" in parser.tags
    text = " ".join(parser.text)
    assert "Not sparse" in text  # the sparsity verdict's sentence, not only its mark
    assert report.results[0]._repr_html_().count("<table>") == 1


def test_repr_markdown_has_the_table_and_the_sentences():
    md = _huber()._repr_markdown_()
    assert md.startswith("| loss | kind |") and "- sparsity: fails by counterexample. Not sparse" in md


def test_the_public_api_has_real_signatures():
    params = inspect.signature(lossaudit.audit).parameters
    assert {"target", "kind", "properties", "seed", "require"} <= set(params)
    from lossaudit.testing import assert_properties
    assert "kind" in inspect.signature(assert_properties).parameters
