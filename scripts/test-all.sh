#!/usr/bin/env bash
# `make test`: every lane, each result printed; exits non-zero if any lane failed.
set -uo pipefail
cd "$(dirname "$0")/.."
bin=.venv/bin
export TESTING=1 DJANGO_ALLOW_ASYNC_UNSAFE=true PYTHONHASHSEED=0
export SECRET_KEY=test-secret-key-not-for-production VAR_DIR=${VAR_DIR:-$PWD/var/test}
mkdir -p "$VAR_DIR"
workers=${TEST_WORKERS:-2}
declare -a names=() results=()
started=$(date +%s)

lane() {  # lane NAME COMMAND...
  local name=$1; shift
  local t0=$(date +%s)
  echo; echo "=== $name"
  if "$@"; then results+=("ok"); else results+=("FAILED"); fi
  names+=("$name ($(( $(date +%s) - t0 ))s)")
}

drift() {
  local tmp; tmp=$(mktemp)
  $bin/chinhquyen spectacular --lang en --file "$tmp" --validate 2>/dev/null || { rm -f "$tmp"; return 1; }
  if ! diff -u docs/openapi.yaml "$tmp"; then echo "docs/openapi.yaml is out of date: run 'make schema'"; rm -f "$tmp"; return 1; fi
  rm -f "$tmp"
}

lane "ruff" bash -c "$bin/ruff check src tests bench && $bin/ruff format --check src tests bench"
lane "import rules" $bin/lint-imports
lane "mypy" $bin/mypy src/chinhquyen
lane "migrations" $bin/chinhquyen makemigrations --check --dry-run
lane "openapi drift" drift
DATABASE_URL="sqlite:///$VAR_DIR/unused.sqlite3" lane "suite on SQLite" $bin/pytest -q -m "not browser" -n "$workers"

pgdir=$(mktemp -d /tmp/chinhquyen-pg.XXXXXX)
if url=$(scripts/pg-cluster.sh start "$pgdir"); then
  DATABASE_URL="$url" lane "suite on PostgreSQL" $bin/pytest -q -m "not browser" -n "$workers"
else
  names+=("suite on PostgreSQL (cluster did not start)"); results+=("FAILED")
fi
scripts/pg-cluster.sh stop "$pgdir"

DATABASE_URL="sqlite:///$VAR_DIR/unused.sqlite3" lane "browser (Chromium)" $bin/pytest -q -m browser -p no:xdist

echo; echo "=== summary ($(( $(date +%s) - started ))s)"
passed=0; failed=0
for i in "${!names[@]}"; do
  printf '  %-8s %s\n' "${results[$i]}" "${names[$i]}"
  if [ "${results[$i]}" = ok ]; then passed=$((passed+1)); else failed=$((failed+1)); fi
done
echo "lanes: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
