"""CI files: valid against the GitHub and GitLab schemas (offline) and within the security rules."""

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).parent.parent
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
CHECK = [sys.executable, "-m", "check_jsonschema"]


def test_workflows_match_the_github_schema():
    result = subprocess.run([*CHECK, "--builtin-schema", "vendor.github-workflows", *map(str, WORKFLOWS)],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert len(WORKFLOWS) == 2


def test_gitlab_ci_matches_the_gitlab_schema():
    result = subprocess.run([*CHECK, "--builtin-schema", "vendor.gitlab-ci", str(ROOT / ".gitlab-ci.yml")],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    stages = yaml.safe_load((ROOT / ".gitlab-ci.yml").read_text(encoding="utf-8"))["stages"]
    assert stages == ["validate", "build", "pages"]


def _load(path):
    # PyYAML reads the key `on` as True (YAML 1.1); that is the trigger section.
    return yaml.safe_load(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_workflow_security_rules(path):
    text = path.read_text(encoding="utf-8")
    workflow = _load(path)
    triggers = workflow.get("on", workflow.get(True))
    assert "pull_request_target" not in triggers
    assert workflow["permissions"] == {"contents": "read"}
    for name, job in workflow["jobs"].items():
        for step in job.get("steps", []):
            assert "${{" not in step.get("run", ""), f"{name}: expression inside run: {step['run']}"
            if "uses" in step:
                assert re.search(r"@(v\d+|[0-9a-f]{40})$", step["uses"]), step["uses"]
        extra = job.get("permissions", {})
        if extra:
            assert name == "deploy" and extra == {"pages": "write", "id-token": "write"}
    for line in text.splitlines():
        if "uses:" in line:
            assert "#" in line, f"pinned action without a comment: {line}"
    assert "concurrency" in workflow


def test_publish_deploys_with_deploy_pages_and_keeps_the_catalogue():
    workflow = _load(ROOT / ".github" / "workflows" / "publish.yml")
    steps = [s.get("uses", "") for job in workflow["jobs"].values() for s in job["steps"]]
    assert any(s.startswith("actions/deploy-pages@") for s in steps)
    assert workflow["concurrency"]["cancel-in-progress"] is False
    build = workflow["jobs"]["build"]["steps"]
    assert any(s.get("with", {}).get("name") == "catalogue" for s in build)


def test_pull_request_workflow_annotates_summarises_and_previews():
    workflow = _load(ROOT / ".github" / "workflows" / "pull-request.yml")
    runs = " ".join(s.get("run", "") for s in workflow["jobs"]["check"]["steps"])
    assert "validate --format github" in runs and "generator diff" in runs and "GITHUB_STEP_SUMMARY" in runs
    assert "make test" in runs and "generator build" in runs
    assert any(s.get("uses", "").startswith("actions/upload-artifact@") for s in workflow["jobs"]["check"]["steps"])


def test_the_sample_is_also_built_with_properdocs_in_ci():
    workflow = yaml.safe_load((ROOT / ".github/workflows/pull-request.yml").read_text(encoding="utf-8"))
    steps = workflow["jobs"]["properdocs"]["steps"]
    assert any(step.get("run") == ".ci/properdocs" for step in steps)
    assert ".ci/properdocs" in yaml.safe_load((ROOT / ".gitlab-ci.yml").read_text(encoding="utf-8"))["properdocs"]["script"]
    assert "properdocs==1.6." in (ROOT / ".ci/properdocs").read_text(encoding="utf-8")
