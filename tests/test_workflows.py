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
    assert [p.name for p in WORKFLOWS] == ["check.yml", "publish.yml", "pull-request.yml"]


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
                assert re.fullmatch(r"[\w.-]+/[\w.-]+@[0-9a-f]{40}", step["uses"]), f"not pinned by commit SHA: {step['uses']}"
        extra = job.get("permissions", {})
        if extra:
            allowed = {("publish.yml", "deploy"): {"pages": "write", "id-token": "write"},
                       ("check.yml", "check"): {"contents": "read", "issues": "write"}}
            assert allowed.get((path.name, name)) == extra, (path.name, name, extra)
    for line in text.splitlines():
        if "uses:" in line:
            assert re.search(r"@[0-9a-f]{40}  # v\d+\.\d+\.\d+$", line), f"a pinned action needs its version in a comment: {line}"
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
    runs = " ".join(s.get("run", "") for job in ("validate", "test") for s in workflow["jobs"][job]["steps"])
    assert "validate --format github" in runs and "generator diff" in runs and "GITHUB_STEP_SUMMARY" in runs
    assert "make test" in runs and "make site" in runs
    assert any(s.get("uses", "").startswith("actions/upload-artifact@") for s in workflow["jobs"]["test"]["steps"])


def test_the_sample_is_also_built_with_properdocs_in_ci():
    workflow = yaml.safe_load((ROOT / ".github/workflows/pull-request.yml").read_text(encoding="utf-8"))
    steps = workflow["jobs"]["properdocs"]["steps"]
    assert any(step.get("run") == ".ci/properdocs" for step in steps)
    assert ".ci/properdocs" in yaml.safe_load((ROOT / ".gitlab-ci.yml").read_text(encoding="utf-8"))["properdocs"]["script"]
    assert "properdocs==1.6." in (ROOT / ".ci/properdocs").read_text(encoding="utf-8")


def test_jobs_that_run_our_commands_use_the_gitlab_ci_image():
    image = yaml.safe_load((ROOT / ".gitlab-ci.yml").read_text(encoding="utf-8"))["image"]
    for path in WORKFLOWS:
        for name, job in _load(path)["jobs"].items():
            if any("run" in step for step in job["steps"]):
                assert job.get("container") == image, (path.name, name)


def test_a_clerk_gets_validation_and_the_change_summary_first_without_a_browser():
    jobs = _load(ROOT / ".github" / "workflows" / "pull-request.yml")["jobs"]
    first = " ".join(s.get("run", "") for s in jobs["validate"]["steps"])
    assert "validate --format github" in first and "generator diff" in first and "GITHUB_STEP_SUMMARY" in first
    assert "generator fmt --check" in first
    assert "make test" not in first and "system-test" not in first and "chromium" not in first and "make site" not in first
    assert any(s.get("uses", "").startswith("actions/cache@") for s in jobs["validate"]["steps"])
    assert jobs["test"]["needs"] == "validate" and jobs["properdocs"]["needs"] == "validate"


def test_the_tracking_issue_is_kept_by_a_weekly_job_that_alone_may_write_issues():
    workflow = _load(ROOT / ".github" / "workflows" / "check.yml")
    triggers = workflow.get("on", workflow.get(True))
    assert "workflow_dispatch" in triggers and triggers["schedule"][0]["cron"].split()[-1] in ("1", "MON")
    runs = [s.get("run", "") for s in workflow["jobs"]["check"]["steps"]]
    assert any("check --links --format markdown" in r for r in runs) and any(".ci/tracking-issue github" in r for r in runs)
    gitlab = yaml.safe_load((ROOT / ".gitlab-ci.yml").read_text(encoding="utf-8"))
    assert gitlab["check"]["rules"] == [{"if": '$CI_PIPELINE_SOURCE == "schedule"'}]
    assert all(gitlab[job]["rules"][0]["if"].endswith('!= "schedule"') for job in ("validate", "build", "properdocs", "pages"))
