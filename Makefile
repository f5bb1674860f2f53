# make site: set up .venv and build the site from the sample directory into site/
# make test: the same set-up, then lint and every test (what CI runs)
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
SITE_PACKAGES := fonts-noto-cjk libharfbuzz-subset0
TEST_PACKAGES := $(SITE_PACKAGES) chromium poppler-utils nodejs

.PHONY: site test serve lint clean system-site system-test bench

$(VENV)/.installed: requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $@

system-site:
	@.ci/system-packages $(SITE_PACKAGES) || echo "（没有这些软件包时网站照常生成，但印刷版目录无法生成。）"

system-test:
	@.ci/system-packages $(TEST_PACKAGES)
	@command -v npm >/dev/null || .ci/system-packages npm

# test-only JavaScript (axe-core), pinned by package-lock.json
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

site: system-site $(VENV)/.installed
	$(BIN)/python -m generator build

serve: $(VENV)/.installed
	$(BIN)/mkdocs serve

lint: $(VENV)/.installed
	$(BIN)/ruff check generator tests benchmarks

test: system-test $(VENV)/.installed node_modules/.installed lint
	$(BIN)/python -m pytest

clean:
	rm -rf $(VENV) site node_modules

# make bench [N=1000,3000,10000]: validation, build and search figures by directory size (table + benchmarks/results/)
bench: system-test $(VENV)/.installed
	$(BIN)/python benchmarks/run.py $(if $(N),--sizes $(N))
