"""The JVM options of the Maven and Gradle runs that tests start."""
import os

# C1 only and the serial collector: a build of a few seconds spends about half its CPU time in the
# JIT's second tier and the parallel collector's threads, and on two cores several builds run at
# once in the tests. The tools do and print the same. A value already set is kept.
QUICK_START = "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC"


def use_quick_start() -> None:
    for variable in ("MAVEN_OPTS", "GRADLE_OPTS"):
        os.environ.setdefault(variable, QUICK_START)
