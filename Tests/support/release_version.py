"""PlanBuild's release version as its one source writes it (PLANBUILD_VERSION of the version
header), for tests that check what the command, the library, pkg-config and the wheel say."""
import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
HEADER = REPO / "Sources" / "CPlanBuildSupport" / "include" / "planbuild_version.h"
VERSION = re.search(r'^#define PLANBUILD_VERSION "([^"]+)"$', HEADER.read_text(), re.M).group(1)
