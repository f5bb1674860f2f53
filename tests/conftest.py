import datetime
import shutil
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
TODAY = datetime.date(2026, 11, 1)


@pytest.fixture
def valid_dir(tmp_path) -> Path:
    """A copy of the small valid directory, safe to modify."""
    target = tmp_path / "directory"
    shutil.copytree(FIXTURES / "valid", target)
    return target
