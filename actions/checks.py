"""System checks of the actions app."""

from __future__ import annotations

from django.core import checks


@checks.register()
def check_workbook_text_is_utf8(app_configs, **kwargs) -> list[checks.CheckMessage]:
    """The workbook's text is written as UTF-8 only when openpyxl writes with et_xmlfile
    (``OPENPYXL_LXML=False``, set in ``cities4csr/__init__.py``); through lxml every
    letter outside ASCII becomes a numeric character reference."""
    from openpyxl import xml

    if not xml.LXML:
        return []
    return [
        checks.Warning(
            "openpyxl writes workbooks through lxml: their text becomes numeric "
            "character references (&#1044; for Д), about twice the size.",
            hint="Leave OPENPYXL_LXML unset or 'False', and import openpyxl only after "
            "the cities4csr package (it sets OPENPYXL_LXML before openpyxl reads it).",
            id="actions.W001",
        )
    ]
