#!/usr/bin/env bash
#
# scripts/services.sh: make sure the three services Ferry's tests need answer.
#
#   service     address (environment, default)                 requirements
#   redis       FERRY_REDIS_HOST 127.0.0.1  FERRY_REDIS_PORT 6379  version >= 7
#   mariadb     FERRY_MYSQL_HOST 127.0.0.1  FERRY_MYSQL_PORT 3306  root, empty password, database test
#   postgresql  FERRY_PG_HOST    127.0.0.1  FERRY_PG_PORT    5432  postgres, trust auth, database test
#
# For each service:
#   1. If something already answers at host:port, use it as it is. The only
#      change ever made to it is creating the database `test` if it is missing.
#   2. Otherwise, if the host is a loopback address (127.0.0.1, localhost, ::1),
#      start the daemon directly (no Docker, no systemd, no service manager),
#      with its data in .services/<service>-<port>/ in the repository. When the
#      daemon's binaries are missing, install them first with apt-get (root only).
#   3. A remote host that does not answer is an error: nothing is started there.
#
# Running it again does nothing but report "answering".
#
# Usage:
#   scripts/services.sh [--only redis,mariadb,postgresql] [--quiet]
#   scripts/services.sh stop [--only ...] [--quiet]
#
#   --only LIST  handle only these services (comma separated; mysql, postgres
#                and pg are accepted as aliases)
#   --quiet      print only failures
#   stop         stop the daemons this script started (those with a pid file
#                under .services/); their data is kept. Anything else, such as
#                a system-wide Redis on the same machine, is left alone.
#
# FERRY_SERVICES_DIR (optional) replaces <repo>/.services, e.g. when the
# repository lives where the postgres user cannot reach it (e.g. in root's home directory).
#
# Exit status: 0 when every selected service answers (for stop: when every
# daemon found has stopped), 1 otherwise, 2 for a usage error.
#
# For containers instead, see docker-compose.yml at the repository root.

set -euo pipefail

# ---------------------------------------------------------------------------
# Configuration
# ---------------------------------------------------------------------------

ROOT=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd -P)
SERVICES_DIR=${FERRY_SERVICES_DIR:-$ROOT/.services}
case $SERVICES_DIR in /*) ;; *) SERVICES_DIR=$PWD/$SERVICES_DIR ;; esac

REDIS_HOST=${FERRY_REDIS_HOST:-127.0.0.1}
REDIS_PORT=${FERRY_REDIS_PORT:-6379}
MYSQL_HOST=${FERRY_MYSQL_HOST:-127.0.0.1}
MYSQL_PORT=${FERRY_MYSQL_PORT:-3306}
PG_HOST=${FERRY_PG_HOST:-127.0.0.1}
PG_PORT=${FERRY_PG_PORT:-5432}

WAIT_SECONDS=30   # how long to wait for a daemon to answer, or to stop
ALL_SERVICES=(redis mariadb postgresql)

QUIET=0
RUN_TMP=""        # scratch directory for this run, removed on exit

# Set per service, inside that service's subshell (see main).
SVC=""            # service name, first column of the report
ADDR=""           # host:port, second column
STEPS=()          # what was found and done, joined with " -> " in the report

# ---------------------------------------------------------------------------
# Output
# ---------------------------------------------------------------------------

usage() {
  cat <<'EOF'
usage: scripts/services.sh [--only redis,mariadb,postgresql] [--quiet]
       scripts/services.sh stop [--only ...] [--quiet]

Makes sure Redis (>= 7), MariaDB and PostgreSQL answer at FERRY_REDIS_HOST/PORT,
FERRY_MYSQL_HOST/PORT and FERRY_PG_HOST/PORT (defaults 127.0.0.1:6379, :3306,
:5432), starting missing local ones with their data under .services/ and
installing them with apt-get when needed. `stop` stops only the daemons this
script started. See the comment at the top of this script for details.
EOF
}

usage_error() {
  printf 'services.sh: %s\n\n' "$1" >&2
  usage >&2
  exit 2
}

# report SERVICE ADDRESS WHAT STATUS: one aligned line of the summary.
report() {
  printf '%-10s %-15s %-44s %s\n' "$1" "$2" "$3" "$4"
}

# step TEXT: record something found or done for the current service.
step() {
  STEPS+=("$1")
}

steps_text() {
  local joined=""
  ((${#STEPS[@]} == 0)) || printf -v joined ' -> %s' "${STEPS[@]}"
  printf '%s\n' "${joined# -> }"
}

# ok: print the success line of the current service (unless --quiet).
ok() {
  ((QUIET)) || report "$SVC" "$ADDR" "$(steps_text)" ok
}

# fail LINE...: print the failure line of the current service, then the
# explanation (one argument per paragraph, indented), and leave the service's
# subshell with status 3, which main recognises as "already reported".
fail() {
  report "$SVC" "$ADDR" "$(steps_text)" FAILED
  printf '%s\n' "$@" | sed 's/^/    /' >&2
  exit 3
}

# note TEXT: progress message for slow steps (apt-get), to stderr.
note() {
  ((QUIET)) || printf '%-10s %-15s %s\n' "$SVC" "$ADDR" "$1 ..." >&2
}

# rel PATH: PATH relative to the repository root when it is inside it.
rel() {
  case $1 in
    "$ROOT"/*) printf '%s\n' "${1#"$ROOT"/}" ;;
    *) printf '%s\n' "$1" ;;
  esac
}

# printable TEXT: TEXT on one line, without control characters, at most 120
# characters (for replies from who knows what).
printable() {
  local text
  text=$(tr '\n' ' ' <<<"$1" | LC_ALL=C tr -cd '[:print:]')
  text=${text:0:120}
  printf '%s\n' "${text%"${text##*[! ]}"}"
}

# tail_of FILE: the last 20 lines of FILE, prefixed with "| ".
tail_of() {
  if [[ -s $1 ]]; then
    tail -n 20 -- "$1" | sed 's/^/| /'
  else
    printf '| (%s is empty or missing)\n' "$(rel "$1")"
  fi
}

# ---------------------------------------------------------------------------
# Small helpers
# ---------------------------------------------------------------------------

# find_bin NAME [DIR...]: print the path of the executable NAME, looked up on
# PATH and then in the given directories (daemons live in /usr/sbin, which is
# not always on PATH). Fails when it is nowhere.
find_bin() {
  local name=$1 path dir
  shift
  # (command -v also returns a non-executable file when it finds nothing better)
  path=$(command -v "$name" 2>/dev/null) || path=""
  if [[ $path == /* && -f $path && -x $path ]]; then
    printf '%s\n' "$path"
    return 0
  fi
  for dir in "$@"; do
    if [[ -f $dir/$name && -x $dir/$name ]]; then
      printf '%s\n' "$dir/$name"
      return 0
    fi
  done
  return 1
}

have() {
  find_bin "$1" >/dev/null
}

is_loopback() {
  case $1 in
    127.0.0.1 | localhost | ::1) return 0 ;;
    *) return 1 ;;
  esac
}

# bind_address HOST: the address a daemon we start listens on. "localhost"
# gets 127.0.0.1; clients resolving localhost try each of its addresses.
bind_address() {
  if [[ $1 == ::1 ]]; then echo ::1; else echo 127.0.0.1; fi
}

# host_port HOST PORT: "127.0.0.1:6379" or "[::1]:6379".
host_port() {
  case $1 in
    *:*) printf '[%s]:%s\n' "$1" "$2" ;;
    *) printf '%s:%s\n' "$1" "$2" ;;
  esac
}

# tcp_open HOST PORT: does anything accept TCP connections there?
tcp_open() {
  # shellcheck disable=SC2016 # $1 and $2 are expanded by the inner bash
  timeout 3 bash -c 'exec 3<>"/dev/tcp/$1/$2"' _ "$1" "$2" >/dev/null 2>&1
}

# pid_alive PID / pid_dead PID
pid_alive() {
  [[ -n $1 ]] && kill -0 "$1" 2>/dev/null
}
# shellcheck disable=SC2317 # called indirectly, by wait_for
pid_dead() {
  ! pid_alive "$1"
}

# pidfile_dead FILE: FILE exists but its process is gone (the daemon died).
# shellcheck disable=SC2317 # called indirectly, by wait_for
pidfile_dead() {
  local pid
  [[ -s $1 ]] || return 1
  pid=$(head -n 1 -- "$1" | tr -dc '0-9')
  pid_dead "$pid"
}

# shellcheck disable=SC2317 # called indirectly, by wait_for
never() {
  return 1
}

# wait_for SECONDS READY DEAD [ARG]: call the functions READY and DEAD (each
# given ARG) every half second. Returns 0 as soon as READY succeeds, 2 as soon
# as DEAD succeeds (the daemon died, no point in waiting), 1 after SECONDS.
wait_for() {
  local deadline=$((SECONDS + $1)) ready=$2 dead=$3 arg=${4:-}
  while true; do
    if "$ready" "$arg"; then return 0; fi
    if "$dead" "$arg"; then return 2; fi
    if ((SECONDS >= deadline)); then return 1; fi
    sleep 0.5
  done
}

# check_port_number NAME VALUE
check_port_number() {
  if ! [[ $2 =~ ^[0-9]+$ ]] || (($2 < 1 || $2 > 65535)); then
    printf 'services.sh: %s=%s is not a TCP port number\n' "$1" "$2" >&2
    exit 2
  fi
}

# fail_remote HOSTVAR PORTVAR WHAT
fail_remote() {
  fail "Nothing answers at $ADDR. It is not a loopback address, so this script does not start anything there." \
    "Start $3 on that host, or change $1 / $2 (unset them to use a local one on 127.0.0.1)."
}

# apt_install PACKAGE...: install Debian packages, running `apt-get update`
# once per run. Fails with instructions when that is not possible.
apt_install() {
  local log=$SERVICES_DIR/apt-get.log
  if ((EUID != 0)); then
    fail "$* must be installed, and this script is not running as root." \
      "Install with:  sudo apt-get install -y --no-install-recommends $*" \
      "(or run this script as root; or use the containers in docker-compose.yml)"
  fi
  have apt-get ||
    fail "$* must be installed, and this is not a Debian/Ubuntu system (no apt-get)." \
      "Install it with your package manager, or use the containers in docker-compose.yml."
  mkdir -p -- "$SERVICES_DIR"
  note "installing $* with apt-get (log: $(rel "$log"))"
  if [[ ! -e $RUN_TMP/apt-updated ]]; then
    apt-get update >>"$log" 2>&1 ||
      fail "apt-get update failed. Last 20 lines of $(rel "$log"):" "$(tail_of "$log")"
    : >"$RUN_TMP/apt-updated"
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$@" >>"$log" 2>&1 ||
    fail "apt-get install $* failed. Last 20 lines of $(rel "$log"):" "$(tail_of "$log")"
  step "apt-get install $*"
}

# ---------------------------------------------------------------------------
# Redis
# ---------------------------------------------------------------------------

REDIS_REPLY=""

# redis_call ARG...: run one Redis command, print the reply (CRs removed).
# Uses redis-cli when there is one, otherwise sends an inline command over
# bash's /dev/tcp followed by QUIT, so that the server closes the connection.
redis_call() {
  if have redis-cli; then
    timeout 5 redis-cli -h "$REDIS_HOST" -p "$REDIS_PORT" "$@" 2>&1
  else
    # shellcheck disable=SC2016 # $1.. are expanded by the inner bash
    timeout 5 bash -c 'exec 3<>"/dev/tcp/$1/$2" || exit 1
                       printf "%s\r\nQUIT\r\n" "$3" >&3
                       cat <&3' _ "$REDIS_HOST" "$REDIS_PORT" "$*" 2>/dev/null
  fi | tr -d '\r\0'
}

redis_answers() {
  REDIS_REPLY=$(redis_call PING || true)
  grep -qxE '\+?PONG' <<<"$REDIS_REPLY"
}

# redis_version_step: record "answering (VERSION)", fail unless VERSION >= 7.
redis_version_step() {
  local version
  version=$(redis_call INFO server | sed -n 's/^redis_version://p' || true)
  [[ $version =~ ^[0-9]+ ]] ||
    fail "Redis at $ADDR answers PING but INFO server shows no redis_version."
  step "answering ($version)"
  ((${version%%.*} >= 7)) ||
    fail "Redis at $ADDR is version $version; Ferry needs Redis >= 7." \
      "Upgrade or stop it, or set FERRY_REDIS_PORT to a free port so that this script starts a Redis 7 there."
}

ensure_redis() {
  SVC=redis
  ADDR=$(host_port "$REDIS_HOST" "$REDIS_PORT")
  STEPS=()
  local dir=$SERVICES_DIR/redis-$REDIS_PORT server version major out result=0

  if redis_answers; then
    redis_version_step
    ok
    return 0
  fi
  if tcp_open "$REDIS_HOST" "$REDIS_PORT"; then
    step "listening, but no PONG"
    fail "Something listens on $ADDR but does not answer PING with PONG (reply: $(printable "${REDIS_REPLY:-none}"))." \
      "If it is a Redis that needs a password or is still loading, fix that; otherwise stop it or set FERRY_REDIS_PORT to a free port."
  fi
  step "not answering"
  is_loopback "$REDIS_HOST" || fail_remote FERRY_REDIS_HOST FERRY_REDIS_PORT Redis

  if ! server=$(find_bin redis-server /usr/bin /usr/sbin /usr/local/bin); then
    STEPS=("not installed")
    apt_install redis-server
    # Where init scripts work, the package starts its own daemon on 6379.
    if redis_answers; then
      redis_version_step
      ok
      return 0
    fi
    server=$(find_bin redis-server /usr/bin /usr/sbin) ||
      fail "redis-server is still missing after installing the redis-server package."
  fi

  # Do not start an old redis-server: the tests need Redis 7 features.
  version=$("$server" --version | sed -n 's/.* v=\([0-9][0-9.]*\).*/\1/p' || true)
  major=${version%%.*}
  [[ $major =~ ^[0-9]+$ ]] || major=0
  ((major >= 7)) ||
    fail "The installed $server is version ${version:-unknown}; Ferry needs Redis >= 7." \
      "Install Redis 7 (Debian 12 ships 7.0; for older systems see https://redis.io/docs/install/), or use the redis service of docker-compose.yml."

  mkdir -p -- "$dir"
  rm -f -- "$dir/redis.pid"   # a stale one would make the liveness check below lie
  # --save "" and --appendonly no: test data is throwaway, never write it to disk.
  out=$("$server" --daemonize yes \
    --bind "$(bind_address "$REDIS_HOST")" --port "$REDIS_PORT" \
    --dir "$dir" --save "" --appendonly no \
    --logfile "$dir/redis.log" --pidfile "$dir/redis.pid" 2>&1) ||
    fail "redis-server refused to start:" "$out"
  wait_for "$WAIT_SECONDS" redis_answers pidfile_dead "$dir/redis.pid" || result=$?
  if ((result != 0)); then
    fail "Redis did not answer at $ADDR $( ((result == 2)) && echo "(it exited)" || echo "within $WAIT_SECONDS s"). Last 20 lines of $(rel "$dir/redis.log"):" \
      "$(tail_of "$dir/redis.log")" \
      "Next: fix the cause shown above (port $REDIS_PORT taken?) and run this script again, or set FERRY_REDIS_PORT to another port."
  fi
  step "started (data $(rel "$dir"))"
  ok
}

# ---------------------------------------------------------------------------
# MariaDB
# ---------------------------------------------------------------------------

MYSQL_CLIENT=""   # mariadb or mysql client, "" when there is none
MYSQL_ERR=""      # the client's error message of the last failed probe

find_mysql_client() {
  MYSQL_CLIENT=$(find_bin mariadb || find_bin mysql || true)
}

# mysql_call SQL: run SQL as root with an empty password over TCP (never the
# local socket, even for "localhost"); prints tab-separated rows.
# --no-defaults: ignore ~/.my.cnf and /etc/mysql, which may hold another setup.
mysql_call() {
  timeout 20 "$MYSQL_CLIENT" --no-defaults --protocol=TCP \
    -h "$MYSQL_HOST" -P "$MYSQL_PORT" -uroot --connect-timeout=5 -NBe "$1"
}

# mariadb_answers: can root log in (or, without a client, is the port open)?
mariadb_answers() {
  MYSQL_ERR=""
  if [[ -z $MYSQL_CLIENT ]]; then
    tcp_open "$MYSQL_HOST" "$MYSQL_PORT"
    return
  fi
  MYSQL_ERR=$(mysql_call 'SELECT 1' 2>&1 >/dev/null) && return 0
  return 1
}

mariadb_listening() {
  tcp_open "$MYSQL_HOST" "$MYSQL_PORT"
}

# mariadb_up: the server takes connections, even if root cannot log in.
# (Used while waiting for our own daemon; the client exists by then.)
# shellcheck disable=SC2317 # called indirectly, by wait_for
mariadb_up() {
  mariadb_answers || [[ $MYSQL_ERR == *"Access denied"* ]]
}

# mariadb_ensure_test_db: create the database test if it is missing.
mariadb_ensure_test_db() {
  local out
  out=$(mysql_call "SHOW DATABASES LIKE 'test'" 2>&1) || fail "SHOW DATABASES failed: $out"
  if [[ $out != test ]]; then
    out=$(mysql_call 'CREATE DATABASE IF NOT EXISTS test' 2>&1) ||
      fail "Could not create the database test: $out"
    step "created database test"
  fi
}

# mariadb_ready_steps: record "answering (VERSION)" and make sure the database
# test exists.
mariadb_ready_steps() {
  local out
  if [[ -z $MYSQL_CLIENT ]]; then
    step "answering (port open; no mariadb client, database test not checked)"
    return 0
  fi
  out=$(mysql_call 'SELECT VERSION()' 2>&1) || fail "SELECT VERSION() failed: $out"
  if [[ $out == *MariaDB* ]]; then
    step "answering (MariaDB ${out%%-*})"
  else
    step "answering (MySQL ${out%%-*})"
  fi
  mariadb_ensure_test_db
}

# fail_mariadb_listening: something listens at the address, but root cannot
# log in there; explain, depending on the client's error.
fail_mariadb_listening() {
  if [[ $MYSQL_ERR != *"Access denied"* ]]; then
    step "listening, but not as MariaDB"
    fail "Something listens on $ADDR, but the mariadb client cannot talk to it:" \
      "  ${MYSQL_ERR:-(no error message)}" \
      "Stop it, or set FERRY_MYSQL_PORT to a free port."
  fi
  step "listening, but root cannot log in"
  fail "Something listens on $ADDR, but root cannot log in with an empty password over TCP:" \
    "  ${MYSQL_ERR:-(no error message)}" \
    "Ferry's tests log in as root with an empty password. Either allow that on this server, e.g." \
    "  sudo mariadb -e \"CREATE USER IF NOT EXISTS root@'127.0.0.1'; ALTER USER root@'127.0.0.1' IDENTIFIED BY ''; GRANT ALL ON *.* TO root@'127.0.0.1' WITH GRANT OPTION;\"" \
    "(root@localhost instead when the server resolves host names), or set FERRY_MYSQL_PORT to a free port so that this script starts its own MariaDB there."
}

# mariadb_fix_root SOCKET: over the local socket of a daemon we started, let
# root log in over TCP with an empty password (needed when its data directory
# was initialised another way, e.g. with unix_socket authentication).
mariadb_fix_root() {
  local host sql=""
  for host in 127.0.0.1 ::1 localhost; do
    sql+="CREATE USER IF NOT EXISTS 'root'@'$host'; ALTER USER 'root'@'$host' IDENTIFIED BY '';"
    sql+="GRANT ALL PRIVILEGES ON *.* TO 'root'@'$host' WITH GRANT OPTION;"
  done
  timeout 20 "$MYSQL_CLIENT" --no-defaults --protocol=SOCKET --socket="$1" -uroot -e "$sql" 2>&1
}

ensure_mariadb() {
  SVC=mariadb
  ADDR=$(host_port "$MYSQL_HOST" "$MYSQL_PORT")
  STEPS=()
  local dir=$SERVICES_DIR/mariadb-$MYSQL_PORT daemon installer sock out pid new="" result=0
  local -a packages=() mariadbd_opts=()

  find_mysql_client
  if mariadb_answers; then
    mariadb_ready_steps
    ok
    return 0
  fi
  if mariadb_listening; then fail_mariadb_listening; fi
  step "not answering"
  is_loopback "$MYSQL_HOST" || fail_remote FERRY_MYSQL_HOST FERRY_MYSQL_PORT MariaDB

  # Starting our own needs the server, its installer and a client (for the
  # database test); install what is missing.
  daemon=$(find_bin mariadbd /usr/sbin /usr/bin || find_bin mysqld /usr/sbin /usr/bin || true)
  installer=$(find_bin mariadb-install-db /usr/bin /usr/sbin || find_bin mysql_install_db /usr/bin /usr/sbin || true)
  [[ -n $daemon && -n $installer ]] || packages+=(mariadb-server)
  [[ -n $MYSQL_CLIENT ]] || packages+=(mariadb-client)
  if ((${#packages[@]})); then
    [[ -n $daemon ]] || STEPS=("not installed")
    apt_install "${packages[@]}"
    find_mysql_client
    # Where init scripts work, the package starts its own daemon on 3306.
    if mariadb_answers; then
      mariadb_ready_steps
      ok
      return 0
    fi
    if mariadb_listening; then fail_mariadb_listening; fi
    daemon=$(find_bin mariadbd /usr/sbin /usr/bin || find_bin mysqld /usr/sbin /usr/bin || true)
    installer=$(find_bin mariadb-install-db /usr/bin /usr/sbin || find_bin mysql_install_db /usr/bin /usr/sbin || true)
    [[ -n $daemon && -n $installer && -n $MYSQL_CLIENT ]] ||
      fail "mariadbd, mariadb-install-db or the mariadb client is still missing after installing ${packages[*]}."
  fi

  # Options for both the installer and the daemon: utf8mb4 like Debian's
  # and the container's configuration; a 16 MB redo log (instead of 96 MB) is
  # plenty for test data. mariadbd refuses to run as root without --user=root.
  mariadbd_opts=(--character-set-server=utf8mb4 --collation-server=utf8mb4_general_ci
    --innodb-log-file-size=16M)
  ((EUID != 0)) || mariadbd_opts+=(--user=root)
  mkdir -p -- "$dir"
  # Unix socket paths are limited to 107 bytes; fall back to /tmp for deep checkouts.
  sock=$dir/mysqld.sock
  ((${#sock} <= 100)) || sock=${TMPDIR:-/tmp}/ferry-mariadb-$MYSQL_PORT.sock

  # --no-defaults everywhere: /etc/mysql configures the system-wide instance
  # (its datadir, socket, port...), which must not leak into ours.
  if [[ ! -d $dir/mysql ]]; then
    # --auth-root-authentication-method=normal creates root@localhost,
    # root@127.0.0.1 and root@::1 with an empty password.
    "$installer" --no-defaults --datadir="$dir" --auth-root-authentication-method=normal \
      --skip-test-db "${mariadbd_opts[@]}" >"$dir/install-db.log" 2>&1 ||
      fail "$(basename "$installer") failed. Last 20 lines of $(rel "$dir/install-db.log"):" \
        "$(tail_of "$dir/install-db.log")" \
        "Next: fix the cause, remove $(rel "$dir") and run this script again."
    new="new "
  fi

  # setsid + nohup: the daemon must outlive this script and its terminal.
  # --skip-name-resolve: no DNS lookups; TCP logins then match root@127.0.0.1.
  setsid nohup "$daemon" --no-defaults --datadir="$dir" \
    --port="$MYSQL_PORT" --bind-address="$(bind_address "$MYSQL_HOST")" \
    --socket="$sock" --pid-file="$dir/mariadbd.pid" --log-error="$dir/mariadb.log" \
    --skip-name-resolve "${mariadbd_opts[@]}" </dev/null >>"$dir/mariadb.log" 2>&1 &
  pid=$!   # no job control in a script, so setsid does not fork: this is mariadbd
  wait_for "$WAIT_SECONDS" mariadb_up pid_dead "$pid" || result=$?
  if ((result != 0)); then
    fail "MariaDB did not answer at $ADDR $( ((result == 2)) && echo "(it exited)" || echo "within $WAIT_SECONDS s"). Last 20 lines of $(rel "$dir/mariadb.log"):" \
      "$(tail_of "$dir/mariadb.log")" \
      "Next: fix the cause shown above and run this script again. If the data directory is broken, remove $(rel "$dir") (test data only)."
  fi
  step "started (${new}data $(rel "$dir"))"

  # Make sure root can log in over TCP with an empty password.
  if ! mariadb_answers; then
    out=$(mariadb_fix_root "$sock") || true
    mariadb_answers ||
      fail "Our MariaDB runs, but root cannot log in over TCP with an empty password: $MYSQL_ERR" \
        "Repairing that over the socket $sock failed: $out" \
        "Next: scripts/services.sh stop --only mariadb; remove $(rel "$dir"); run this script again."
    step "allowed root over TCP"
  fi
  mariadb_ensure_test_db
  ok
}

# ---------------------------------------------------------------------------
# PostgreSQL
# ---------------------------------------------------------------------------

PSQL=""
PG_ISREADY=""
PG_ERR=""

find_pg_clients() {
  PSQL=$(find_bin psql /usr/lib/postgresql/*/bin || true)
  PG_ISREADY=$(find_bin pg_isready /usr/lib/postgresql/*/bin || true)
}

# pg_server_bindir [VERSION]: directory with initdb and pg_ctl, of VERSION or
# else the newest installed (Debian keeps them out of PATH).
pg_server_bindir() {
  local dir
  local -a dirs
  if [[ -n ${1:-} ]]; then
    dirs=("/usr/lib/postgresql/$1/bin")
  else
    mapfile -t dirs < <(printf '%s\n' /usr/lib/postgresql/*/bin | sort -rV)
  fi
  for dir in "${dirs[@]}"; do
    if [[ -x $dir/initdb && -x $dir/pg_ctl ]]; then
      printf '%s\n' "$dir"
      return 0
    fi
  done
  return 1
}

# pg_call SQL [DATABASE]: run SQL as postgres over TCP, never prompting for
# a password; prints unaligned rows.
pg_call() {
  PGCONNECT_TIMEOUT=5 timeout 20 "$PSQL" -X -w -q -A -t \
    -h "$PG_HOST" -p "$PG_PORT" -U postgres -d "${2:-postgres}" -c "$1"
}

# pg_state: 0 accepting connections, 1 up but rejecting them (starting or
# stopping), 2 not answering. Uses pg_isready, else psql, else a TCP probe.
pg_state() {
  local rc=0
  if [[ -n $PG_ISREADY ]]; then
    timeout 10 "$PG_ISREADY" -q -h "$PG_HOST" -p "$PG_PORT" -t 5 || rc=$?
    case $rc in 0 | 1) return "$rc" ;; *) return 2 ;; esac
  elif [[ -n $PSQL ]]; then
    # A login failure also proves the server answers; the caller finds out.
    PG_ERR=$(pg_call 'SELECT 1' 2>&1 >/dev/null) && return 0
    [[ $PG_ERR == *"authentication"* || $PG_ERR == *"does not exist"* ]] && return 0
    return 2
  else
    tcp_open "$PG_HOST" "$PG_PORT" && return 0
    return 2
  fi
}

# shellcheck disable=SC2317 # called indirectly, by wait_for
pg_answers() {
  pg_state
}

# pg_ready_steps: record "answering (VERSION)", check that postgres can log in
# without a password and that the database test exists.
pg_ready_steps() {
  local out
  if [[ -z $PSQL ]]; then
    step "answering (no psql, login and database test not checked)"
    return 0
  fi
  out=$(pg_call 'SHOW server_version' 2>&1) ||
    fail "PostgreSQL answers at $ADDR, but user postgres cannot log in without a password:" \
      "  $out" \
      "Ferry's tests use trust authentication. Either allow it on this server (pg_hba.conf:" \
      "  host all postgres 127.0.0.1/32 trust   and   host all postgres ::1/128 trust, then reload)," \
      "or set FERRY_PG_PORT to a free port so that this script starts its own PostgreSQL there."
  step "answering (${out%% *})"
  pg_ensure_test_db
}

# pg_ensure_test_db: create the database test if it is missing.
pg_ensure_test_db() {
  local out
  out=$(pg_call "SELECT 1 FROM pg_database WHERE datname = 'test'" 2>&1) ||
    fail "Could not log in as postgres and list the databases: $out"
  if [[ $out != 1 ]]; then
    out=$(pg_call 'CREATE DATABASE test' 2>&1) || fail "Could not create the database test: $out"
    step "created database test"
  fi
}

# as_pg COMMAND...: run COMMAND as the owner of our PostgreSQL data: the
# postgres system user when we are root (PostgreSQL refuses to run as root),
# ourselves otherwise. From /, in case the current directory is unreadable.
as_pg() {
  if ((EUID != 0)); then
    (cd / && "$@")
  elif have runuser; then
    (cd / && runuser -u postgres -- "$@")
  else
    (cd / && su postgres -s /bin/sh -c "$(printf '%q ' "$@")")
  fi
}

# pg_check_reachable DIR: the postgres user must be able to enter every
# directory above its data directory; explain which one blocks it if not.
pg_check_reachable() {
  local dir=$1 path="" part
  local -a parts
  as_pg test -x "$dir" && return 0
  IFS=/ read -ra parts <<<"${dir#/}"
  for part in "${parts[@]}"; do
    path+=/$part
    if ! as_pg test -x "$path"; then
      fail "The postgres user cannot enter $path ($(stat -c '%A %U:%G' -- "$path"))." \
        "PostgreSQL refuses to run as root, so this script runs it as the postgres user, which must reach its data directory under $dir." \
        "Next: chmod o+x $path   (or set FERRY_SERVICES_DIR to a directory the postgres user can reach, e.g. /var/tmp/ferry-services)"
    fi
  done
}

ensure_postgresql() {
  SVC=postgresql
  ADDR=$(host_port "$PG_HOST" "$PG_PORT")
  STEPS=()
  local dir=$SERVICES_DIR/postgres-$PG_PORT bindir="" data_version="" locale=C sockdir new="" state=0
  local -a packages=()

  find_pg_clients
  pg_state || state=$?
  if ((state == 1)); then
    # Up but rejecting connections: starting, stopping or recovering. Wait.
    step "starting up"
    wait_for "$WAIT_SECONDS" pg_answers never ||
      fail "PostgreSQL at $ADDR kept rejecting connections for $WAIT_SECONDS s (starting, stopping or in recovery)." \
        "Look at its log, or set FERRY_PG_PORT to a free port so that this script starts its own PostgreSQL there."
    state=0
  fi
  if ((state == 0)); then
    pg_ready_steps
    ok
    return 0
  fi
  if tcp_open "$PG_HOST" "$PG_PORT"; then
    step "listening, but not as PostgreSQL"
    fail "Something listens on $ADDR but does not answer as PostgreSQL." \
      "Stop it, or set FERRY_PG_PORT to a free port."
  fi
  step "not answering"
  is_loopback "$PG_HOST" || fail_remote FERRY_PG_HOST FERRY_PG_PORT PostgreSQL

  # Reuse an existing data directory with the server version that created it.
  if [[ -s $dir/PG_VERSION ]]; then
    data_version=$(head -n 1 -- "$dir/PG_VERSION")
  fi
  bindir=$(pg_server_bindir "$data_version" || true)
  if [[ -z $bindir && -n $data_version ]] && pg_server_bindir >/dev/null; then
    fail "$(rel "$dir") was created by PostgreSQL $data_version, which is no longer installed." \
      "Next: remove $(rel "$dir") (it only holds test data) and run this script again."
  fi
  [[ -n $bindir ]] || packages+=(postgresql)
  [[ -n $PSQL ]] || packages+=(postgresql-client)
  if ((${#packages[@]})); then
    [[ -n $bindir ]] || STEPS=("not installed")
    apt_install "${packages[@]}"
    find_pg_clients
    # Where init scripts work, the package starts its own cluster on 5432.
    state=0
    pg_state || state=$?
    if ((state != 2)); then
      wait_for "$WAIT_SECONDS" pg_answers never || true
      pg_ready_steps
      ok
      return 0
    fi
    bindir=$(pg_server_bindir "$data_version" || true)
    [[ -n $bindir && -n $PSQL ]] ||
      fail "initdb, pg_ctl or psql is still missing after installing ${packages[*]}."
  fi

  if ((EUID == 0)); then
    if ! id -u postgres >/dev/null 2>&1; then
      useradd --system --user-group --no-create-home --home-dir /var/lib/postgresql \
        --shell /bin/bash --comment "PostgreSQL administrator" postgres ||
        fail "Could not create the postgres system user (useradd failed)."
      step "created user postgres"
    fi
    mkdir -p -- "$SERVICES_DIR"
    pg_check_reachable "$SERVICES_DIR"
  fi

  if [[ -z $data_version ]]; then
    # initdb wants an empty directory, owned by its user, mode 0700.
    mkdir -p -- "$dir"
    ((EUID != 0)) || chown postgres:postgres -- "$dir"
    chmod 700 -- "$dir"
    if grep -qixE 'c\.utf-?8' < <(locale -a 2>/dev/null); then locale=C.UTF-8; fi
    as_pg "$bindir/initdb" -D "$dir" --auth=trust -U postgres \
      --encoding=UTF8 --locale="$locale" >"$RUN_TMP/initdb.log" 2>&1 ||
      fail "initdb failed:" "$(tail_of "$RUN_TMP/initdb.log")" \
        "Next: fix the cause, remove $(rel "$dir") and run this script again."
    new="new "
  fi

  # The socket goes into the data directory (nothing else is writable by
  # postgres here), unless the path would exceed the 107-byte limit.
  sockdir=$dir
  ((${#sockdir} + 20 <= 107)) || sockdir=${TMPDIR:-/tmp}
  # pg_ctl passes -o through a shell, hence the quotes around the socket dir.
  # -w -t: wait until the server accepts connections, at most WAIT_SECONDS.
  as_pg "$bindir/pg_ctl" -D "$dir" -l "$dir/postgres.log" -w -t "$WAIT_SECONDS" \
    -o "-p $PG_PORT -c listen_addresses=$(bind_address "$PG_HOST") -k '$sockdir'" \
    start >"$RUN_TMP/pg_ctl.log" 2>&1 ||
    fail "PostgreSQL did not start. pg_ctl said:" "$(tail_of "$RUN_TMP/pg_ctl.log")" \
      "Last 20 lines of $(rel "$dir/postgres.log"):" "$(tail_of "$dir/postgres.log")" \
      "Next: fix the cause shown above and run this script again. If the data directory is broken, remove $(rel "$dir") (test data only)."
  wait_for "$WAIT_SECONDS" pg_answers never ||
    fail "pg_ctl started PostgreSQL, but it does not answer at $ADDR. Last 20 lines of $(rel "$dir/postgres.log"):" \
      "$(tail_of "$dir/postgres.log")"
  step "started (${new}data $(rel "$dir"))"

  pg_ensure_test_db
  ok
}

# ---------------------------------------------------------------------------
# stop
# ---------------------------------------------------------------------------

# stop_daemon PIDFILE SIGNAL COMM_PATTERN: stop the daemon whose pid is in
# PIDFILE, after checking that this pid really is such a daemon (pids get
# reused), and wait until it is gone.
stop_daemon() {
  local pidfile=$1 signal=$2 pattern=$3 dir pid comm port result=0
  dir=$(dirname -- "$pidfile")
  port=${dir##*-}
  ADDR="port $port"
  STEPS=()
  pid=$(head -n 1 -- "$pidfile" | tr -dc '0-9')
  comm=$(cat "/proc/$pid/comm" 2>/dev/null || true)
  # shellcheck disable=SC2053 # pattern match intended
  if [[ -z $pid ]] || ! pid_alive "$pid" || [[ $comm != $pattern ]]; then
    rm -f -- "$pidfile"
    step "not running (stale pid file $(rel "$pidfile") removed)"
    ok
    return 0
  fi
  kill "-$signal" "$pid" || fail "kill -$signal $pid failed."
  wait_for "$WAIT_SECONDS" pid_dead never "$pid" || result=$?
  ((result == 0)) ||
    fail "$comm (pid $pid, data $(rel "$dir")) is still running $WAIT_SECONDS s after SIG$signal." \
      "Next: kill -9 $pid"
  step "stopped (pid $pid, data $(rel "$dir"))"
  ok
}

# stop_service NAME: stop every daemon of NAME that has a pid file under
# $SERVICES_DIR. Daemons delete their pid file when they stop cleanly.
stop_service() {
  SVC=$1
  local pidfile rc=0 found=0
  local -a pidfiles=()
  shopt -s nullglob
  case $1 in
    # SIGTERM: redis and mariadb shut down cleanly; SIGINT: postgres "fast" shutdown.
    redis) pidfiles=("$SERVICES_DIR"/redis-*/redis.pid) ;;
    mariadb) pidfiles=("$SERVICES_DIR"/mariadb-*/mariadbd.pid) ;;
    postgresql) pidfiles=("$SERVICES_DIR"/postgres-*/postmaster.pid) ;;
  esac
  shopt -u nullglob
  for pidfile in "${pidfiles[@]}"; do
    found=1
    case $1 in
      redis) (stop_daemon "$pidfile" TERM 'redis-server*') || rc=1 ;;
      mariadb) (stop_daemon "$pidfile" TERM '@(mariadbd|mysqld)') || rc=1 ;;
      postgresql) (stop_daemon "$pidfile" INT 'postgres*') || rc=1 ;;
    esac
  done
  if ((!found)); then
    ADDR="-"
    STEPS=("nothing started by this script is running")
    ok
  fi
  return "$rc"
}

# ---------------------------------------------------------------------------
# main
# ---------------------------------------------------------------------------

main() {
  local action=start only="" name svc status rc=0
  local -a selected=()

  while (($#)); do
    case $1 in
      start | stop) action=$1 ;;
      --only)
        (($# >= 2)) || usage_error "--only needs a list, e.g. --only redis,postgresql"
        only=$2
        shift
        ;;
      --only=*) only=${1#*=} ;;
      -q | --quiet) QUIET=1 ;;
      -h | --help)
        usage
        exit 0
        ;;
      *) usage_error "unknown argument: $1" ;;
    esac
    shift
  done

  # Selected services, always in the same order, aliases accepted.
  if [[ -z $only ]]; then
    selected=("${ALL_SERVICES[@]}")
  else
    local -A wanted=()
    local -a names
    IFS=, read -ra names <<<"$only"
    for name in "${names[@]}"; do
      case $name in
        redis) wanted[redis]=1 ;;
        mariadb | mysql) wanted[mariadb]=1 ;;
        postgresql | postgres | pg) wanted[postgresql]=1 ;;
        "") ;;
        *) usage_error "unknown service in --only: $name (known: ${ALL_SERVICES[*]})" ;;
      esac
    done
    for svc in "${ALL_SERVICES[@]}"; do
      [[ -z ${wanted[$svc]:-} ]] || selected+=("$svc")
    done
    ((${#selected[@]})) || usage_error "--only selects no service"
  fi

  if [[ $action == stop ]]; then
    for svc in "${selected[@]}"; do
      stop_service "$svc" || rc=1
    done
    exit "$rc"
  fi

  check_port_number FERRY_REDIS_PORT "$REDIS_PORT"
  check_port_number FERRY_MYSQL_PORT "$MYSQL_PORT"
  check_port_number FERRY_PG_PORT "$PG_PORT"
  RUN_TMP=$(mktemp -d "${TMPDIR:-/tmp}/ferry-services.XXXXXX")
  trap 'rm -rf -- "$RUN_TMP"' EXIT

  # Each service runs in its own subshell with errexit on, so that one
  # failure is reported and the others are still checked. fail() exits with
  # 3 after printing its message; any other status is an unexpected error.
  for svc in "${selected[@]}"; do
    set +e
    (
      set -e
      case $svc in
        redis) ensure_redis ;;
        mariadb) ensure_mariadb ;;
        postgresql) ensure_postgresql ;;
      esac
    )
    status=$?
    set -e
    case $status in
      0) ;;
      3) rc=1 ;;
      *)
        report "$svc" "" "unexpected error (status $status)" FAILED
        printf "    Rerun with 'bash -x scripts/services.sh --only %s' to see where.\n" "$svc" >&2
        rc=1
        ;;
    esac
  done
  exit "$rc"
}

main "$@"
