"""``{% load statements %}``: a quote or paraphrase written as rivalries.statements decides."""

from django import template
from django.utils.safestring import SafeString
from django.utils.translation import get_language

from rivalries import statements

register = template.Library()


@register.filter
def statement_headline(statement: statements.Statement, length: int = 80) -> str:
    """For ``<title>`` and the like."""
    return statements.headline(statement, length)


@register.filter
def statement_description(statement: statements.Statement, length: int = 200) -> str:
    """For the meta, OpenGraph and Twitter descriptions."""
    return statements.description(statement, length)


@register.filter
def statement_plain(statement: statements.Statement, length: int | None = None) -> str:
    """The words alone, in quotation marks or after the paraphrase marker."""
    return statements.plain(statement, length)


@register.simple_tag
def statement_html(
    statement: statements.Statement, words: str | None = None, lang: str = ""
) -> SafeString:
    """``{% statement_html quote %}``: a quote's blockquote or a paraphrase's reported words."""
    return statements.html(statement, words, lang)


@register.simple_tag
def statement_shown(statement: statements.Statement) -> statements.Shown:
    """``{% statement_shown quote as shown %}``: original and translation, the reader's first."""
    return statements.shown(statement, getattr(statement, "language", ""), get_language())
