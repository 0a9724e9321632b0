import pytest


class TestMore:
    def test_div(self):
        assert 1 / 0 == 1  # fault: test_failure

    @pytest.fixture
    def boom(self):
        raise RuntimeError("fixture broke")  # fault: error at setup

    def test_fixture(self, boom):
        assert boom

    def test_fine(self):
        assert True
