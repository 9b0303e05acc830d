"""What is wrong with a cohort file: located problems, and the exception that carries all of them.

A message never holds a patient's value; it says where (spreadsheet row, column) and what.
Messages are written in the language current when the problem is found (lib.i18n); a column
keeps its header as written in the file, or its canonical name.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

from lib.evidence import text as fmt
from lib.i18n import _, _f, _nf, current_language, using_language
from lib.i18n.languages import language_spec

#: Problems of one kind in one column listed one by one before the rest are summed up, so a file
#: with a wrong column of 200,000 rows gives a readable report rather than 200,000 lines.
ROWS_LISTED_PER_PROBLEM = 20
#: At most this many lines in all (a file with thousands of unknown columns, say).
MAX_PROBLEMS_LISTED = 200

ProblemKind = Literal["invalid", "refused"]


@dataclass(frozen=True)
class CohortProblem:
    """One problem. `row` counts as a spreadsheet does (the header is row 1); None: the whole file.

    `kind` is "refused" for a privacy refusal (the file looks identifying), else "invalid".
    `language` is the one the message was written in (the current one when the problem was
    found): the line is printed in it too, so that a report kept and shown later in another
    language is not half one, half the other.
    """

    row: int | None
    column: str
    message: str
    kind: ProblemKind = "invalid"
    language: str = field(default_factory=current_language, compare=False)

    def __str__(self) -> str:
        with using_language(self.language):
            if self.row is None:
                return f"{self.column}{_colon()}{self.message}"
            return _f(
                "row {row}: {column}: {message}",
                row=self.row,
                column=self.column,
                message=self.message,
            )


def file_problem(message: str, kind: ProblemKind = "invalid") -> CohortProblem:
    """A problem of the whole file (size, encoding, sheets), printed as `file: message` (the word
    "file" in the current language)."""
    return CohortProblem(None, _("file"), message, kind)


def _colon() -> str:
    # Punctuation, not words: nothing for a catalogue to translate.
    return language_spec(current_language()).punctuation["colon"]


def listed(names: Iterable[str]) -> str:
    """Names in a message, one after the other: "a, b" in English, "a、b" in Chinese."""
    return language_spec(current_language()).punctuation["enumeration"].join(names)


def quoted(name: str) -> str:
    """A name from the file (a sheet's) quoted in a message: 'Sheet1' in English, “Sheet1” in
    Chinese."""
    opening, closing = language_spec(current_language()).quotes
    return f"{opening}{name}{closing}"


class CohortRejected(Exception):
    """The file gave no cohort. Carries every problem found; `privacy` when it was refused.

    `problems` are the lines to show (summarised); `problem_count` and `row_count` count every
    problem and every row with one, from `counted` (the problems before summarising) when given.
    """

    def __init__(
        self,
        problems: Iterable[CohortProblem],
        counted: Iterable[CohortProblem] | None = None,
    ):
        self.problems: tuple[CohortProblem, ...] = tuple(problems)
        every = self.problems if counted is None else tuple(counted)
        self.problem_count = len(every)
        self.row_count = len({problem.row for problem in every if problem.row is not None})
        self.privacy = any(problem.kind == "refused" for problem in self.problems)
        super().__init__("\n".join(str(problem) for problem in self.problems))


def summarised(problems: Iterable[CohortProblem]) -> list[CohortProblem]:
    """The problems in order, with each (column, message) listed for at most 20 rows.

    The 21st and later rows with the same message become one line naming the first of them and
    how many there are.
    """
    problems = list(problems)
    seen: dict[tuple, int] = defaultdict(int)
    first_unlisted: dict[tuple, CohortProblem] = {}
    kept: list[CohortProblem] = []
    for problem in problems:
        key = (problem.column, problem.message, problem.kind)
        seen[key] += 1
        if problem.row is None or seen[key] <= ROWS_LISTED_PER_PROBLEM:
            kept.append(problem)
        elif key not in first_unlisted:
            first_unlisted[key] = problem
    for key, problem in first_unlisted.items():
        more = seen[key] - ROWS_LISTED_PER_PROBLEM
        kept.append(
            CohortProblem(
                problem.row,
                problem.column,
                _nf(
                    "{message} (and the same in {n} more row after this one)",
                    "{message} (and the same in {n} more rows after this one)",
                    more - 1,
                    message=problem.message,
                    n=fmt.count(more - 1),
                )
                if more > 1
                else problem.message,
                problem.kind,
                problem.language,
            )
        )
    kept.sort(key=_reading_order)
    if len(kept) > MAX_PROBLEMS_LISTED:
        unlisted = len(kept) - MAX_PROBLEMS_LISTED + 1
        kept = kept[: MAX_PROBLEMS_LISTED - 1] + [
            file_problem(
                _nf(
                    "{n} more problem not listed; fix these first",
                    "{n} more problems not listed; fix these first",
                    unlisted,
                    n=fmt.count(unlisted),
                ),
                kept[-1].kind,
            )
        ]
    return kept


def _reading_order(problem: CohortProblem) -> tuple:
    # File-wide problems first, then by row; within a row, the order they were found.
    return (problem.row is not None, problem.row or 0)
