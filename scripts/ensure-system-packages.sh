#!/usr/bin/env bash
# Debian packages the portal needs beyond Python: pango (WeasyPrint), poppler (PDF text in tests),
# Chromium + driver (end-to-end tests), gettext (translations), wrk (HTTP load tool for `make bench`).
# Installed only when missing.
set -euo pipefail
packages=(libpango-1.0-0 libpangoft2-1.0-0 poppler-utils chromium chromium-driver gettext wrk)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "Installing system packages: ${missing[*]}"
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
