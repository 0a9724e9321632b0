import os  # FAULT: F401 unused import


def add(a: int, b: int) -> int:
    return a + b
