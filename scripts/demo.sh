#!/usr/bin/env bash
# Ferry's demo, end to end on this machine: services, build, control plane, deploy of the example pipeline
# (examples/write-behind-emp), a worker, an application writing hashes and the rows they become in MariaDB.
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

step "Worker (captures Redis' replication stream, applies the change log to MariaDB)"
FERRY_DEMO_DB_PASSWORD="" node bin/ferry.js worker --redis "$redis_url" --id demo-worker --threads 2 \
  2>.services/demo-worker.log &
worker_pid=$!
if ! $keep; then
  trap 'kill "$worker_pid" 2>/dev/null; wait "$worker_pid" 2>/dev/null || true; [ -n "$cp_pid" ] && kill "$cp_pid" 2>/dev/null; wait 2>/dev/null || true' EXIT
fi
for _ in $(seq 1 50); do
  if ferry workers 2>/dev/null | grep -q demo-worker; then break; fi
  sleep 0.2
done
echo "started (pid $worker_pid, log .services/demo-worker.log)"

sql() { mariadb -h "${FERRY_MYSQL_HOST:-127.0.0.1}" -P "${FERRY_MYSQL_PORT:-3306}" -uroot ferry_demo -e "$1"; }
wait_rows() { # wait until the query answers the expected value
  for _ in $(seq 1 100); do
    if [ "$(mariadb -h "${FERRY_MYSQL_HOST:-127.0.0.1}" -P "${FERRY_MYSQL_PORT:-3306}" -uroot ferry_demo -N -e "$1")" = "$2" ]; then return 0; fi
    sleep 0.2
  done
  echo "timed out waiting for: $1 = $2 (see .services/demo-worker.log)"; return 1
}
export FERRY_REDIS_URL="$redis_url"

step "The application writes 100 hashes emp:1..emp:100 to Redis"
sql "DELETE FROM emp"
node scripts/demo-writes.mjs insert 1 100
wait_rows "SELECT COUNT(*) FROM emp" 100
sql "SELECT * FROM emp ORDER BY emp_id LIMIT 5"

step "It updates emp:1..emp:10 and deletes emp:91..emp:100"
node scripts/demo-writes.mjs update 1 10
node scripts/demo-writes.mjs delete 91 100
wait_rows "SELECT COUNT(*) FROM emp WHERE last_name LIKE 'Renamed%'" 10
wait_rows "SELECT COUNT(*) FROM emp" 90
sql "SELECT * FROM emp ORDER BY emp_id LIMIT 3"
echo "rows in ferry_demo.emp: 90 (emp:91..emp:100 deleted)"

step "ferry status"
ferry status

step "What a mistake looks like: ferry validate of a broken copy"
broken=$(mktemp -d)
cp -r "$example"/. "$broken"
sed -i 's/write_batch_size: 200/write_batch_size: -3/; s/connection: target/connection: warehouse/' "$broken/config.yaml" "$broken/jobs/emp.yaml"
ferry validate --dir "$broken" || echo "(exit code $? : rejected input)"
rm -rf "$broken"

printf '\nDone: Redis hashes became rows of ferry_demo.emp and followed their updates and deletes.\n'
if $keep; then
  echo "The control plane (pid ${cp_pid:-already running}) and the worker (pid $worker_pid) keep running."
  echo "Try: node scripts/demo-writes.mjs insert 200 300; node bin/ferry.js status"
fi
