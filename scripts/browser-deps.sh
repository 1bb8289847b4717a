#!/usr/bin/env bash
# The browser tests drive Debian's Chromium with Playwright (no browser download) and
# need a Japanese font, or Chromium draws boxes instead of Japanese text.
# Installed with apt-get when missing and we are root (CI); otherwise say what to install
# and let the browser tests skip themselves. Called by `make test`, not by `make pdf`.
set -euo pipefail

PACKAGES=(chromium fonts-morisawa-bizud-gothic)

missing=()
command -v chromium >/dev/null || missing+=(chromium)
fc-list :lang=ja family 2>/dev/null | grep -q . || missing+=(fonts-morisawa-bizud-gothic)
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "Installing the browser tests' Chromium and Japanese font: ${missing[*]} (first time: ~25 s, ~480 MB)" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  exit 0
fi

echo "The browser tests will be skipped: missing ${missing[*]}." >&2
echo "Install as root to run them:  sudo apt-get install ${PACKAGES[*]}" >&2
exit 0
