"""Spreadsheet-formula neutralising for text written into CSV cells (OWASP CSV injection rule).

Kept to one small pure function so that every CSV the app writes can share it.
"""

#: A cell starting with one of these is run as a formula by Excel, LibreOffice or Sheets.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralise_csv_cell(text: str) -> str:
    """The text with a leading ' when it starts like a formula (`=HYPERLINK(...)` -> `'=HYPER...`).

    Apply to text cells only: numbers are written as numbers, so a negative number stays one.
    The csv module's quoting handles commas, quotes and line breaks inside the cell.
    """
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text
