import pytest

from analytics import mean


def test_mean_of_three() -> None:
    assert mean([1.0, 2.0, 6.0]) == 3.0


def test_mean_of_nothing_is_refused() -> None:
    with pytest.raises(ValueError):
        mean([])
