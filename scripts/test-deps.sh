#!/usr/bin/env bash
# The tagging tests read PDFs back with poppler's pdfinfo (-struct-text) and pdftotext.
# Installed with apt-get when missing and we are root (CI); otherwise say what to install
# and let those tests skip themselves. Called by `make test`, not by `make pdf`.
set -euo pipefail

PACKAGES=(poppler-utils)

command -v pdfinfo >/dev/null && command -v pdftotext >/dev/null && exit 0

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "Installing the tagging tests' PDF tools: ${PACKAGES[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${PACKAGES[@]}" >/dev/null
  exit 0
fi

echo "The poppler tests will be skipped: pdfinfo/pdftotext are missing." >&2
echo "Install as root to run them:  sudo apt-get install ${PACKAGES[*]}" >&2
exit 0
