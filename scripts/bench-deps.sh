#!/usr/bin/env bash
# Installs from Debian's packages what `npm run bench` needs beyond npm: wrk (load generator), caddy and nginx (S7).
# Not part of `npm test`. Safe to run repeatedly: it only installs what is missing.
set -euo pipefail

need_pkgs=()
command -v wrk >/dev/null 2>&1 || need_pkgs+=(wrk)
command -v caddy >/dev/null 2>&1 || need_pkgs+=(caddy)
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || need_pkgs+=(nginx)

if [ ${#need_pkgs[@]} -gt 0 ]; then
  echo "bench-deps: installing from Debian: ${need_pkgs[*]}"
  if [ "$(id -u)" != 0 ]; then
    echo "bench-deps: need root to apt-get install ${need_pkgs[*]}" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need_pkgs[@]}" >/dev/null
  # Debian starts nginx/caddy as services where systemd exists; the bench runs its own instances.
  (service nginx stop || true) >/dev/null 2>&1
  (service caddy stop || true) >/dev/null 2>&1
fi
echo "bench-deps: $(wrk --version 2>&1 | head -1 | cut -d' ' -f1-2), caddy $(caddy version 2>/dev/null | cut -d' ' -f1), $(/usr/sbin/nginx -v 2>&1 | cut -d' ' -f3), ready"
