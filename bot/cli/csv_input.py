"""Reading an import file: rows numbered by their line in the file (the header is row 1)."""

from __future__ import annotations

import csv
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field

from inspections.intake import RowProblem, check_columns


class UnreadableFile(Exception):
    pass


@dataclass
class CsvTable:
    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)


def read_table(path: str, columns: tuple[str, ...], optional: tuple[str, ...] = ()) -> CsvTable:
    """The rows, with any problem of the file's shape (header, ragged rows) already found."""
    table = CsvTable()
    try:
        with open(path, newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            table.problems += check_columns(reader.fieldnames, columns, optional)
            for record in reader:
                if None in record:  # DictReader files surplus values under the key None
                    message = "more values than the header has columns"
                    table.problems.append(RowProblem(reader.line_num, None, message))
                    continue
                table.rows.append((reader.line_num, record))
    except OSError as error:
        raise UnreadableFile(f"{path}: cannot read the file: {error.strerror or error}") from error
    except UnicodeDecodeError as error:
        raise UnreadableFile(f"{path}: not UTF-8 text (byte {error.start})") from error
    except csv.Error as error:
        raise UnreadableFile(f"{path}: not a readable CSV file: {error}") from error
    return table


def print_problems(path: str, problems: Sequence[RowProblem], *, what: str) -> None:
    print(
        f"{path}: {len(problems)} problem(s); nothing was imported. Fix every row listed "
        f"and import the whole file again ({what}).",
        file=sys.stderr,
    )
    for problem in problems:
        print(f"  {problem}", file=sys.stderr)
