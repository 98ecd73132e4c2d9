#!/usr/bin/env bash
# Installs code-server (a real VS Code served to a browser) for the end-to-end suite, using
# only the npm registry and Debian's packages.
#
#   usage: test/e2e/install-code-server.sh            prints the install folder on stdout
#   env:   VALE_FFI_CACHE (default ~/.cache/vale-ffi)  where installs are kept between runs
#          CODE_SERVER_VERSION (default 4.100.3)       4.100.3 = VS Code 1.100.3, the last on Node 20
#
# The install is cached: a folder per version, marked complete only after every step passed,
# so an interrupted run starts over instead of leaving a half install that looks finished.
# Progress goes to stderr; the full npm output goes to install.log beside the install.
set -euo pipefail
VERSION=${CODE_SERVER_VERSION:-4.100.3}
CACHE=${VALE_FFI_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/vale-ffi}
DEST="$CACHE/code-server-$VERSION"
say() { echo "[install-code-server] $*" >&2; }

# The system packages it builds with (ripgrep, pkg-config, the headers of its native modules)
# come from scripts/system-tools.ts, group e2e; it installs them as root or names them.
if ! (cd "$(dirname "$0")/../.." && npx --no-install tsx scripts/system-tools.ts e2e); then
  say "system packages for code-server are missing (see above)"
  exit 1
fi

if [ -f "$DEST/.complete" ]; then
  say "cached: $DEST"
  echo "$DEST"
  exit 0
fi

WORK="$DEST.partial.$$"
LOG="$CACHE/install-$VERSION.log"
mkdir -p "$WORK"
: > "$LOG"
trap 'rm -rf "$WORK"; say "failed; see $LOG"' ERR
run() { "$@" >>"$LOG" 2>&1; }
# Root may run install scripts; npx may fetch node-gyp from the registry without asking.
export npm_config_unsafe_perm=true npm_config_yes=true npm_config_audit=false npm_config_fund=false

say "1/5 npm install code-server@$VERSION (scripts off: they would download binaries)"
echo '{"private":true}' > "$WORK/package.json"
(cd "$WORK" && run npm install --ignore-scripts "code-server@$VERSION")

VSCODE="$WORK/node_modules/code-server/lib/vscode"
say "2/5 VS Code's own dependencies"
(cd "$VSCODE" && run npm install --omit=dev --ignore-scripts)

say "3/5 native modules rebuilt against this Node; Debian's rg in place of the downloaded one"
mkdir -p "$VSCODE/node_modules/@vscode/ripgrep/bin"
cp "$(command -v rg)" "$VSCODE/node_modules/@vscode/ripgrep/bin/rg"
(cd "$VSCODE" && run npm rebuild $(cd node_modules && ls -d * @*/* | grep -v -E '^@[^/]*$|^@vscode/ripgrep$'))
# code-server's layout expects these names next to the modules and the CLI helpers.
ln -sfn node_modules "$VSCODE/node_modules.asar"
ln -sfn code-linux.sh "$VSCODE/bin/remote-cli/code-server"
ln -sfn browser-linux.sh "$VSCODE/bin/helpers/browser.sh"

say "4/5 built-in extensions' dependencies"
(cd "$VSCODE/extensions" && run npm install --omit=dev)

say "5/5 argon2 from source (its prebuilt binary is a download)"
(cd "$WORK" && npm_config_build_from_source=true run npm rebuild argon2)

"$WORK/node_modules/.bin/code-server" --version >>"$LOG" 2>&1
rm -rf "$DEST"
mv "$WORK" "$DEST"
trap - ERR
touch "$DEST/.complete"
say "installed: $DEST ($("$DEST/node_modules/.bin/code-server" --version | head -n1))"
echo "$DEST"
