"""FAQ grouping: each ## question and its answer become one section."""

from __future__ import annotations

from leaflet.source.markdown.qa import QaExtension

from .markdown_tools import assert_renders


def test_groups_question_with_answer():
    assert_renders(
        "前書き\n\n## 質問1\n\n答え1\n\n- 項目\n\n## 質問2\n\n答え2",
        '<p>前書き</p>\n'
        '<section class="qa"><h2 class="q">質問1</h2>\n<div class="a"><p>答え1</p>\n<ul>\n<li>項目</li>\n</ul>\n</div></section>\n'
        '<section class="qa"><h2 class="q">質問2</h2>\n<div class="a"><p>答え2</p>\n</div></section>',
        [QaExtension()],
    )


def test_without_questions_is_unchanged():
    assert_renders("ただの段落", "<p>ただの段落</p>", [QaExtension()])
