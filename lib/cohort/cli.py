"""Command line: a cohort file's landmark estimates as CSV or JSON, or every problem with it.

    python -m lib.cohort FILE [--times 12,24,36] [--format csv|json] [--sheet NAME]

Exit 0 with the estimates on stdout (warnings on stderr for CSV); exit 1 with one line per problem
on stderr (`row N: column: message`, or `file: message`); exit 2 when the file is refused as
identifying. A usage error exits 1 too, so that 2 always means a privacy refusal.
"""

import argparse
import sys

from lib.cohort.columns import MAX_MONTHS
from lib.cohort.estimates import DEFAULT_LANDMARKS, estimate_cohort
from lib.cohort.export import estimates_json, landmarks_csv
from lib.cohort.loading import load_cohort_file
from lib.cohort.problems import CohortRejected

EXIT_OK, EXIT_PROBLEMS, EXIT_REFUSED = 0, 1, 2


class _UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # argparse would exit 2, the code that means "refused"
        raise _UsageError(message)


def parse_times(text: str) -> tuple[float, ...]:
    """'12,24,36' -> (12.0, 24.0, 36.0); ValueError with a readable message otherwise."""
    times = []
    for part in text.split(","):
        try:
            month = float(part.strip())
        except ValueError:
            raise ValueError(f"'{part.strip()}' is not a number of months") from None
        if not 0 < month <= MAX_MONTHS:
            raise ValueError(f"{part.strip()} months is outside 0-{MAX_MONTHS:g}")
        times.append(month)
    return tuple(sorted(set(times)))


def main(argv: list[str] | None = None) -> int:
    parser = _Parser(prog="python -m lib.cohort", description=__doc__.split("\n")[0])
    parser.add_argument(
        "file", help="the cohort file: CSV (UTF-8 or GB18030), .xlsx (also .xls, .ods)"
    )
    parser.add_argument(
        "--times",
        default=",".join(f"{month:g}" for month in DEFAULT_LANDMARKS),
        help="landmark times in months, comma-separated (default: 12,24,36)",
    )
    parser.add_argument("--format", choices=("csv", "json"), default="csv")
    parser.add_argument("--sheet", help="the workbook sheet to read (needed with several)")
    try:
        args = parser.parse_args(argv)
        times = parse_times(args.times)
    except _UsageError as error:
        print(f"{parser.format_usage().strip()}\nerror: {error}", file=sys.stderr)
        return EXIT_PROBLEMS
    except ValueError as error:
        print(f"option --times: {error}", file=sys.stderr)
        return EXIT_PROBLEMS
    try:
        cohort = load_cohort_file(args.file, sheet=args.sheet)
        estimates = estimate_cohort(cohort, times, curves=False)
    except CohortRejected as rejection:
        for problem in rejection.problems:
            print(problem, file=sys.stderr)
        return EXIT_REFUSED if rejection.privacy else EXIT_PROBLEMS
    except Exception:
        # A traceback could quote a patient's cell; say only that it failed.
        print("file: could not be processed (an internal error; no content shown)", file=sys.stderr)
        return EXIT_PROBLEMS
    if args.format == "json":
        print(estimates_json(estimates))
        return EXIT_OK
    sys.stdout.write(landmarks_csv(estimates))
    for note in cohort.notes:
        print(f"note: {note}", file=sys.stderr)
    for landmark in estimates.landmarks:
        for warning in landmark.warnings:
            print(
                f"warning: {landmark.disease} {landmark.phase} group {landmark.group!r} "
                f"{landmark.endpoint} at {landmark.months:g} months: {warning}",
                file=sys.stderr,
            )
    return EXIT_OK
