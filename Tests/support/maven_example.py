"""What tests change in a copy of examples/maven-multi."""
import json
from pathlib import Path


def chain(project: Path) -> None:
    """Declares, in the Maven coordinate form the discovery tools write, that the copy's service
    depends on core (and on a library, junit) and web on service."""
    path = project / ".plan" / "project-architecture" / "derived-data.json"
    data = json.loads(path.read_text())
    data["modules"]["service"]["dependencies"] = ["com.example.planbuild:core:compile", "junit:junit:test"]
    data["modules"]["web"]["dependencies"] = ["com.example.planbuild:service:compile"]
    path.write_text(json.dumps(data, indent=2))
