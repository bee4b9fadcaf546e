"""Exceptions with messages meant for users: each names the file or setting and the problem."""

from __future__ import annotations

from pathlib import Path


class PlanqaError(Exception):
    """Base class for every error planqa reports to a user."""


class IngestError(PlanqaError):
    """A document could not be read or cleaned; names the file and the reason."""

    def __init__(self, path: str | Path, reason: str):
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{self.path}: {reason}")


class IndexMismatchError(PlanqaError):
    """The index on disk was built with other settings than those requested."""


class MissingDependencyError(ImportError):
    """An optional dependency is not installed; says what to install."""

    def __init__(self, package: str, feature: str, extra: str | None = None):
        hint = f"pip install {package}" if extra is None else f"pip install {package}  (or: pip install 'planqa[{extra}]')"
        super().__init__(f"{feature} needs the package '{package}', which is not installed. Install it with: {hint}")
        self.package = package
