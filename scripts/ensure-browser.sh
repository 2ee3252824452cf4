#!/usr/bin/env bash
# Runs before `npm test`: the console's browser tests drive Debian's Chromium (playwright-core,
# executablePath /usr/bin/chromium), with a CJK font so that the Chinese UI renders in their
# screenshots. On a fresh Debian machine (as root) this installs them; elsewhere it says what is missing.
set -euo pipefail
if [ -x /usr/bin/chromium ] && [ -d /usr/share/fonts/truetype/wqy ]; then exit 0; fi
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null; then
  echo "the console's browser tests need /usr/bin/chromium and a CJK font: apt-get install chromium fonts-wqy-zenhei" >&2
  exit 1
fi
echo "installing Debian's chromium and fonts-wqy-zenhei for the console's browser tests..." >&2
export DEBIAN_FRONTEND=noninteractive
apt-get install -y --no-install-recommends chromium fonts-wqy-zenhei >/dev/null ||
  { apt-get update >/dev/null && apt-get install -y --no-install-recommends chromium fonts-wqy-zenhei >/dev/null; }
