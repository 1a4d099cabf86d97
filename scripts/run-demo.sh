#!/usr/bin/env bash
# `make run`: migrate the SQLite database under var/, load the demo province (idempotent),
# then serve on 127.0.0.1:PORT with the background worker beside it. Ctrl-C stops both.
set -euo pipefail
cd "$(dirname "$0")/.."
port=${1:-${PORT:-8000}}
bin=.venv/bin
mkdir -p var
# A secret key of this deployment, made once and kept in var/ (never the default one).
[ -s var/secret.key ] || $bin/python -c 'import secrets; print(secrets.token_urlsafe(50))' > var/secret.key
export SECRET_KEY=${SECRET_KEY:-$(cat var/secret.key)}
export DEBUG=${DEBUG:-false}
export SECURE_COOKIES=${SECURE_COOKIES:-false}   # plain http on 127.0.0.1 in the demo
export ALLOWED_HOSTS=${ALLOWED_HOSTS:-127.0.0.1,localhost}
export DEMO_PASSWORD=${DEMO_PASSWORD:-ChinhQuyen@2026}
$bin/chinhquyen migrate --no-input -v0
$bin/chinhquyen load_demo
# Signing keys for the demo leaders and agencies (DEMO PKI; password printed), once per database.
[ -s var/pki/.loaded ] || { $bin/chinhquyen pki demo var/pki --load && date -u > var/pki/.loaded; }
echo
echo "chinhquyen chạy tại / is serving at: http://127.0.0.1:$port/"
echo "Tài khoản demo / demo logins (mật khẩu / password: $DEMO_PASSWORD):"
$bin/chinhquyen demo_accounts
echo
echo "Ctrl-C để dừng / to stop."
trap 'trap - INT TERM EXIT; kill 0 2>/dev/null; wait 2>/dev/null' INT TERM EXIT
$bin/chinhquyen db_worker &
$bin/chinhquyen runserver "127.0.0.1:$port" --noreload --insecure &
wait
