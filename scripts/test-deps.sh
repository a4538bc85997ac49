#!/usr/bin/env bash
# Installs what the integration tests start by themselves when it is missing: Dovecot (a real IMAP
# server) and Chromium (the console's browser tests), both from Debian's packages. The tests start
# their own Dovecot and SMTP server on loopback ports; Redis and PostgreSQL must be running.
set -euo pipefail
need=()
[ -x /usr/sbin/dovecot ] || need+=(dovecot-imapd dovecot-core)
[ -x /usr/bin/chromium ] || need+=(chromium)
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "test set-up: please install ${need[*]} (apt-get install -y --no-install-recommends ${need[*]})" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends "${need[@]}"
