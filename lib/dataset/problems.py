"""What can be wrong with the data, located: file, record, field and message. Which file holds
which collection (and which file each language's text), so every rule names the file a reviewer
opens."""

from dataclasses import dataclass

from lib.i18n.languages import LANGUAGES, SOURCE_LANGUAGE, overlay_file

#: Which top-level keys each file holds. Every file is required.
FILES: dict[str, tuple[str, ...]] = {
    "dataset.yaml": ("info",),
    "sources.yaml": ("documents", "publications"),
    "studies.yaml": ("studies",),
    "outcomes.yaml": ("outcomes",),
    "comparisons.yaml": ("comparisons",),
    "key_facts.yaml": ("key_facts",),
    "notes.yaml": ("notes", "consensus"),
    "glossary.yaml": ("glossary",),
}
COLLECTION_FILE = {key: file for file, keys in FILES.items() for key in keys}
#: The dataset's text in each other language, relative to the data directory. Required: every
#: language is checked whichever one is loaded.
TRANSLATION_FILES: dict[str, str] = {
    code: overlay_file(code) for code in LANGUAGES if code != SOURCE_LANGUAGE
}


@dataclass(frozen=True)
class Problem:
    """One problem in a data file, printable as `file: record: field: message`."""

    file: str
    record: str
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.record}: {self.field}: {self.message}"


class DataError(Exception):
    """The data directory does not hold a valid dataset; `problems` says every reason."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))
