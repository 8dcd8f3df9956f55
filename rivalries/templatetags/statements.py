"""``{% load statements %}``: a quote or paraphrase written as rivalries.statements decides."""

from django import template

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
