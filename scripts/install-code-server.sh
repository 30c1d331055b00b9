#!/usr/bin/env bash
# Installs a pinned code-server into .vscode-test/code-server so integration and e2e tests can run
# inside a real VS Code without downloading one. Idempotent; quiet when there is nothing to install,
# and says what it is doing (with the elapsed time) while it installs, which takes minutes.
set -euo pipefail

VERSION=4.100.3
# @vscode/ripgrep's postinstall looks for this cache before downloading (which fails offline).
RIPGREP_PKG_VERSION=1.15.11
RIPGREP_BIN_VERSION=v13.0.0-10

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BASE=$ROOT/.vscode-test/code-server
LOG=$BASE/install.log

say() {
  echo "install-code-server: $*" >&2
}

# Prints the elapsed time every 15 s while a long step runs, so a first run is never silent.
with_progress() {
  local what=$1 started=$SECONDS
  shift
  ( while sleep 15; do say "$what… $((SECONDS - started)) s"; done ) &
  local ticker=$!
  local status=0
  "$@" || status=$?
  kill "$ticker" 2>/dev/null || true
  wait "$ticker" 2>/dev/null || true
  return "$status"
}

installed_version() {
  node -p "require('$BASE/node_modules/code-server/package.json').version" 2>/dev/null || true
}

# The version alone could belong to an install whose postinstall (VS Code's own modules) failed.
is_installed() {
  [ "$(installed_version)" = "$VERSION" ] && [ -x "$BASE/node_modules/code-server/lib/vscode/node_modules/@vscode/ripgrep/bin/rg" ]
}

missing_apt_packages() {
  local missing=()
  command -v rg >/dev/null || missing+=(ripgrep)
  command -v chromium >/dev/null || missing+=(chromium)
  # The kerberos native module includes this header while code-server installs.
  [ -f /usr/include/gssapi/gssapi.h ] || missing+=(libkrb5-dev)
  { command -v make >/dev/null && command -v g++ >/dev/null; } || missing+=(build-essential)
  # node-gyp runs on Python.
  command -v python3 >/dev/null || missing+=(python3)
  echo "${missing[@]}"
}

apt_install() {
  { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$@"; } >>"$LOG" 2>&1
}

# As root, code-server's postinstall refuses to run without --unsafe-perm. Native modules build
# against the running Node's own headers ($1): node-gyp cannot download them here.
npm_install_code_server() {
  (cd "$BASE" && npm_config_yes=true npm_config_nodedir=$1 npm_config_fund=false npm_config_audit=false \
    npm install --unsafe-perm "code-server@$VERSION") >>"$LOG" 2>&1
}

install_apt_packages() {
  local missing
  missing=$(missing_apt_packages)
  [ -z "$missing" ] && return 0
  if [ "$(id -u)" != 0 ]; then
    echo "install-code-server: missing Debian packages: $missing (run as root or apt-get install them)" >&2
    exit 1
  fi
  say "installing Debian packages: $missing (log: $LOG)"
  # shellcheck disable=SC2086 # one word per package
  with_progress "installing Debian packages" apt_install $missing
}

ripgrep_target() {
  case "$(uname -m)" in
    x86_64) echo x86_64-unknown-linux-musl ;;
    aarch64) echo aarch64-unknown-linux-musl ;;
    *) echo "install-code-server: unsupported architecture $(uname -m)" >&2; exit 1 ;;
  esac
}

seed_ripgrep_cache() {
  local cache=$TMPDIR/vscode-ripgrep-cache-$RIPGREP_PKG_VERSION
  mkdir -p "$cache"
  tar -C "$(dirname "$(command -v rg)")" -czf "$cache/ripgrep-$RIPGREP_BIN_VERSION-$(ripgrep_target).tar.gz" rg
}

main() {
  mkdir -p "$BASE"
  : >"$LOG"
  trap 'status=$?; [ "$status" = 0 ] || { echo "install-code-server: failed, log follows" >&2; cat "$LOG" >&2; }' EXIT
  # Checked on every run: the tests need Chromium and ripgrep even when code-server is cached.
  install_apt_packages
  is_installed && return 0
  export TMPDIR=$BASE/tmp
  seed_ripgrep_cache
  # A package.json of its own keeps npm from walking up into the extension's project.
  [ -f "$BASE/package.json" ] || echo '{"private":true}' >"$BASE/package.json"
  local nodedir
  nodedir=$(node -p "require('path').resolve(process.execPath, '../..')")
  say "installing code-server $VERSION into .vscode-test/code-server: about 2 minutes on a first run (log: $LOG)"
  with_progress "installing code-server" npm_install_code_server "$nodedir"
  is_installed || { echo "install-code-server: code-server $VERSION is incomplete after npm install" >&2; exit 1; }
  say "code-server $VERSION is installed"
  rm -rf "$TMPDIR"
}

main
