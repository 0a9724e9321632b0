"""The module graph from Maven coordinates (graph() and `architecture.py graph`) on a copy of
examples/maven-multi whose derived-data.json lists dependencies as the discovery tools write them."""

import json

import pytest

import architecture
from conftest import EXAMPLE, PYTHON_DIR, copy_tracked, run
from maven_example import chain


@pytest.fixture
def chained(tmp_path):
    """service depends on core, web on service, in groupId:artifactId:scope form, plus libraries."""
    project = copy_tracked(EXAMPLE, tmp_path / 'maven-multi')
    chain(project)
    return project


def test_graph_resolves_maven_coordinates(chained):
    reply = architecture.graph(chained)
    assert reply['modules'] == ['maven-multi', 'core', 'service', 'web']
    assert [(e['from'], e['to']) for e in reply['edges']] == [('service', 'core'), ('web', 'service')]
    assert reply['external'] == [{'module': 'service', 'declared': 'junit:junit:test'}]
    assert reply['cycle'] is None


def test_graph_script_formats(chained):
    toon = run([PYTHON_DIR / 'architecture.py', '--project-dir', chained, 'graph'], chained)
    assert toon.returncode == 0, toon.stderr
    assert 'edges[5]{from,to,kind,scope}:\n  maven-multi\tcore\taggregates\t-\n' in toon.stdout
    assert '\n  service\tcore\tdepends\tcompile\n' in toon.stdout
    dot = run([PYTHON_DIR / 'architecture.py', '--project-dir', chained, 'graph', '--format', 'dot'], chained)
    assert '"web" -> "service"' in dot.stdout
    as_json = run([PYTHON_DIR / 'architecture.py', '--project-dir', chained, 'graph', '--format', 'json'], chained)
    assert json.loads(as_json.stdout)['edges'][0]['declared'] == 'com.example.planbuild:core:compile'
    bad = run([PYTHON_DIR / 'architecture.py', '--project-dir', chained, 'graph', '--format', 'svg'], chained)
    assert bad.returncode == 2 and "invalid choice: 'svg'" in bad.stderr


def test_graph_of_a_missing_architecture_is_an_error(tmp_path):
    with pytest.raises(architecture.QueryError, match='not found'):
        architecture.graph(tmp_path)
