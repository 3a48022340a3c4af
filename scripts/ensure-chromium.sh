#!/usr/bin/env bash
# `npm test` renders the HTML forensics report in headless Chromium. On a fresh Debian machine where we
# run as root (CI, the project's dev boxes) install it; elsewhere say how, and let the test fail loudly.
command -v chromium >/dev/null && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "installing Debian's chromium for the HTML report test (once)..." >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null && exit 0
fi
echo "note: chromium is not installed; the HTML report test will fail. Install it: sudo apt-get install chromium" >&2
exit 0
