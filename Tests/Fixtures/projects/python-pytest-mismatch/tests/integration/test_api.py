def test_connects():
    assert "localhost".startswith("local")
