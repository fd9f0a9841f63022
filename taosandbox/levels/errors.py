"""Problems in a level file, each pointing at a file, a line and a field."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class LevelProblem:
    """One mistake: ``FILE:LINE: field.path: what is wrong (expected ...)``."""

    file: str
    line: int
    path: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.path or '(file)'}: {self.message}"


class LevelError(ValueError):
    """A level file was refused; ``problems`` holds every mistake found, one line each."""

    def __init__(self, problems: list[LevelProblem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

    @property
    def lines(self) -> list[str]:
        return [str(p) for p in self.problems]
