"""Levels: YAML lessons that set up a world, state objectives the engine checks, and keep score.

No Textual here; the game's level screens use this API.
"""

from taosandbox.world.actions import Answer
from taosandbox.levels.constraints import Constraints
from taosandbox.levels.errors import LevelError, LevelProblem
from taosandbox.levels.level import Level, LevelInfo, SolutionStep, find_level, list_levels, load_level, parse_level
from taosandbox.levels.objectives import KINDS, ObjectiveGroup, ObjectiveSpec
from taosandbox.levels.progress import load_progress, record_result
from taosandbox.levels.run import LevelResult, LevelRun, attach
from taosandbox.levels.session import LevelSession, build_world

__all__ = [
    "Answer", "Constraints", "KINDS", "Level", "LevelError", "LevelInfo", "LevelProblem", "LevelResult",
    "LevelRun", "LevelSession", "ObjectiveGroup", "ObjectiveSpec", "SolutionStep", "attach", "build_world", "find_level", "list_levels",
    "load_level", "load_progress", "parse_level", "record_result",
]
