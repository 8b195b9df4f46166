#!/usr/bin/env bash
# Installs (from Debian's packages) and starts what the test suite needs beyond npm.
# Safe to run repeatedly: it only acts on what is missing or stopped.
set -euo pipefail

need_pkgs=()
command -v caddy >/dev/null 2>&1 || need_pkgs+=(caddy)
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || need_pkgs+=(nginx)
command -v redis-server >/dev/null 2>&1 || need_pkgs+=(redis-server)
command -v pg_ctlcluster >/dev/null 2>&1 || need_pkgs+=(postgresql)
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
echo "test-deps: caddy $(caddy version 2>/dev/null | cut -d' ' -f1), $(/usr/sbin/nginx -v 2>&1 | cut -d' ' -f3), ready"
