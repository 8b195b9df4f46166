#!/usr/bin/env bash
# Installs (from Debian's packages) and starts what the test suite needs beyond npm.
# Safe to run repeatedly: it only acts on what is missing or stopped.
set -euo pipefail

need_pkgs=()
command -v caddy >/dev/null 2>&1 || need_pkgs+=(caddy)
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || need_pkgs+=(nginx)
command -v redis-server >/dev/null 2>&1 || need_pkgs+=(redis-server)
command -v pg_ctlcluster >/dev/null 2>&1 || need_pkgs+=(postgresql)
[ -x /usr/sbin/mariadbd ] || [ -x /usr/sbin/mysqld ] || need_pkgs+=(mariadb-server)
command -v fail2ban-regex >/dev/null 2>&1 || need_pkgs+=(fail2ban)
command -v chromium >/dev/null 2>&1 || need_pkgs+=(chromium)

if [ ${#need_pkgs[@]} -gt 0 ]; then
  echo "test-deps: installing from Debian: ${need_pkgs[*]}"
  if [ "$(id -u)" != 0 ]; then
    echo "test-deps: need root (or sudo) to apt-get install ${need_pkgs[*]}" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need_pkgs[@]}" >/dev/null
  # Debian starts nginx/caddy as services where systemd exists; the tests run their own instances.
  (service nginx stop || true) >/dev/null 2>&1
  (service caddy stop || true) >/dev/null 2>&1
  (service fail2ban stop || true) >/dev/null 2>&1
fi

if ! (exec 3<>/dev/tcp/127.0.0.1/6379) 2>/dev/null; then
  echo "test-deps: starting redis on 127.0.0.1:6379"
  mkdir -p /var/lib/redis /var/log/redis
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/ci.log
fi

if ! (exec 3<>/dev/tcp/127.0.0.1/5432) 2>/dev/null; then
  echo "test-deps: starting postgresql on 127.0.0.1:5432"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start || true
fi
if ! (exec 3<>/dev/tcp/127.0.0.1/3306) 2>/dev/null; then
  echo "test-deps: starting mariadb on 127.0.0.1:3306"
  mkdir -p /run/mysqld && chown mysql:mysql /run/mysqld 2>/dev/null || true
  start-stop-daemon --start --oknodo --background --exec "$( [ -x /usr/sbin/mariadbd ] && echo /usr/sbin/mariadbd || echo /usr/sbin/mysqld )"
  for _ in $(seq 1 60); do (exec 3<>/dev/tcp/127.0.0.1/3306) 2>/dev/null && break; sleep 0.5; done
fi

# The tests connect as root without a password (PostgreSQL trust auth, MariaDB root over TCP) to database `test`.
if command -v psql >/dev/null 2>&1 && ! psql -h 127.0.0.1 -U root -d test -c 'SELECT 1' >/dev/null 2>&1; then
  echo "test-deps: creating PostgreSQL role root and database test"
  su postgres -c "psql -q -c \"CREATE ROLE root SUPERUSER LOGIN\"" >/dev/null 2>&1 || true
  su postgres -c "createdb -O root test" >/dev/null 2>&1 || true
  hba="$(ls /etc/postgresql/*/main/pg_hba.conf | head -1)"
  if ! psql -h 127.0.0.1 -U root -d test -c 'SELECT 1' >/dev/null 2>&1 && [ -n "$hba" ]; then
    sed -i '1i host all root 127.0.0.1/32 trust' "$hba"
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main reload || true
  fi
fi
if command -v mariadb >/dev/null 2>&1 && ! mariadb -h 127.0.0.1 -uroot -e 'SELECT 1' test >/dev/null 2>&1; then
  echo "test-deps: giving MariaDB's root a passwordless TCP login and database test"
  mariadb -uroot -e "CREATE DATABASE IF NOT EXISTS test; ALTER USER 'root'@'localhost' IDENTIFIED VIA mysql_native_password USING PASSWORD('') OR unix_socket; CREATE USER IF NOT EXISTS 'root'@'127.0.0.1' IDENTIFIED BY ''; GRANT ALL ON *.* TO 'root'@'127.0.0.1' WITH GRANT OPTION;" >/dev/null 2>&1 || true
fi
echo "test-deps: caddy $(caddy version 2>/dev/null | cut -d' ' -f1), $(/usr/sbin/nginx -v 2>&1 | cut -d' ' -f3), ready"
