#!/usr/bin/env bash
# WeasyPrint needs Pango (and HarfBuzz's subsetter for small, exact font subsets).
# Installed with apt-get when missing and we are root; otherwise say what to install.
set -euo pipefail

PACKAGES=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fontconfig)

# ldconfig lives in /sbin, which is not on an ordinary user's PATH.
PATH="$PATH:/usr/sbin:/sbin"
missing=()
for lib in libpango-1.0.so.0 libpangoft2-1.0.so.0 libharfbuzz-subset.so.0 libfontconfig.so.1; do
  ldconfig -p 2>/dev/null | grep -q "$lib" || missing+=("$lib")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "Installing WeasyPrint's system libraries: ${PACKAGES[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${PACKAGES[@]}" >/dev/null
  exit 0
fi

echo "WeasyPrint needs system libraries that are missing: ${missing[*]}" >&2
echo "Install them as root:  sudo apt-get install ${PACKAGES[*]}" >&2
exit 1
