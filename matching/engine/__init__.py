"""The matching engine: pure Python + NumPy/SciPy (no Django). See docs/matching.md.

from matching.engine import load_problem, propose, MatchSession
result = propose(load_problem(data), language="ja")     # Result; result.to_json() is the open output format
"""

from .assign import Assignment, AssignmentError, assign
from .core import FactorValue, MatchSession, Proposal, Result, propose
from .problem import (
    DEFAULT_WEIGHTS,
    FACTORS,
    Application,
    Challenge,
    Conflict,
    Pair,
    Problem,
    ProblemError,
    Startup,
    TrackRecord,
    Weights,
    load_problem,
)
from .travel import GeoTravelModel, TravelModel, default_travel_model

__all__ = [
    "DEFAULT_WEIGHTS",
    "FACTORS",
    "Application",
    "Assignment",
    "AssignmentError",
    "Challenge",
    "Conflict",
    "FactorValue",
    "GeoTravelModel",
    "MatchSession",
    "Pair",
    "Problem",
    "ProblemError",
    "Proposal",
    "Result",
    "Startup",
    "TrackRecord",
    "TravelModel",
    "Weights",
    "assign",
    "default_travel_model",
    "load_problem",
    "propose",
]
