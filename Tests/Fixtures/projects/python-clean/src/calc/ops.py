def add(a: int, b: int) -> int:
    return a + b


def label(n: int) -> str:
    return str(n * 2)


def parse(text: str) -> int:
    return int(text)
