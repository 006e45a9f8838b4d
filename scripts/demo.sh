#!/usr/bin/env bash
# Ferry's demo, end to end on this machine: services, build, control plane, deploy of the example pipeline
# (examples/write-behind-emp), jobs and status from the CLI.
#
#   bash scripts/demo.sh           run it and stop what it started
#   bash scripts/demo.sh --keep    leave the control plane running afterwards (stop it with: kill <pid>)
#
# Environment: FERRY_DEMO_LISTEN (default 127.0.0.1:50051), FERRY_REDIS_PORT / FERRY_MYSQL_PORT / FERRY_PG_PORT
# as for scripts/services.sh.
set -euo pipefail
cd "$(dirname "$0")/.."

keep=false
[ "${1:-}" = "--keep" ] && keep=true
listen="${FERRY_DEMO_LISTEN:-127.0.0.1:50051}"
redis_url="redis://${FERRY_REDIS_HOST:-127.0.0.1}:${FERRY_REDIS_PORT:-6379}"
example=examples/write-behind-emp

step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }
ferry() { node bin/ferry.js --server "$listen" "$@"; }

step "Services (Redis, MariaDB, PostgreSQL)"
bash scripts/services.sh

step "Dependencies and build"
if [ ! -d node_modules ]; then npm ci --no-audit --no-fund; fi
npm run --silent build
echo "built dist/"

step "Target table ferry_demo.emp in MariaDB"
if command -v mariadb >/dev/null 2>&1; then
  mariadb -h "${FERRY_MYSQL_HOST:-127.0.0.1}" -P "${FERRY_MYSQL_PORT:-3306}" -uroot <"$example/schema.sql"
  echo "created (or found) ferry_demo.emp"
else
  echo "no mariadb client here; create the table with $example/schema.sql"
fi

step "Control plane on $listen"
mkdir -p .services
if ferry status >/dev/null 2>&1; then
  echo "a control plane already answers on $listen; using it"
  cp_pid=""
else
  node bin/ferry.js control-plane --listen "$listen" --redis "$redis_url" 2>.services/demo-control-plane.log &
  cp_pid=$!
  if ! $keep; then trap 'kill "$cp_pid" 2>/dev/null; wait "$cp_pid" 2>/dev/null || true' EXIT; fi
  for _ in $(seq 1 50); do
    if ferry status >/dev/null 2>&1; then break; fi
    if ! kill -0 "$cp_pid" 2>/dev/null; then
      echo "the control plane exited; its log:"; tail -n 20 .services/demo-control-plane.log; exit 2
    fi
    sleep 0.2
  done
  echo "started (pid $cp_pid, log .services/demo-control-plane.log)"
fi

step "ferry validate --dir $example"
ferry validate --dir "$example"

step "ferry deploy --dir $example"
FERRY_DEMO_DB_PASSWORD="" ferry deploy --dir "$example" --description "demo"

step "ferry list-jobs"
ferry list-jobs

step "ferry describe-job emp"
ferry describe-job emp | head -n 25

step "ferry status"
ferry status

step "What a mistake looks like: ferry validate of a broken copy"
broken=$(mktemp -d)
cp -r "$example"/. "$broken"
sed -i 's/write_batch_size: 200/write_batch_size: -3/; s/connection: target/connection: warehouse/' "$broken/config.yaml" "$broken/jobs/emp.yaml"
ferry validate --dir "$broken" || echo "(exit code $? : rejected input)"
rm -rf "$broken"

printf '\nThe apply engine (ferry worker) is not built yet, so the demo stops after deploy and status.\n'
if $keep && [ -n "$cp_pid" ]; then
  echo "The control plane keeps running (pid $cp_pid). Try: node bin/ferry.js status; stop it with: kill $cp_pid"
fi
