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
                have pkg-config || missing+=(pkg-config) ;;
            desktop)
                pkg-config --exists webkit2gtk-4.1 2>/dev/null ||
                    missing+=(libwebkit2gtk-4.1-dev libgtk-3-dev libsoup-3.0-dev librsvg2-dev) ;;
            postgres)
                ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql) ;;
            browser)
                have chromium || missing+=(chromium) ;;
            display)
                have Xvfb || missing+=(xvfb xauth)
                have WebKitWebDriver || missing+=(webkit2gtk-driver) ;;
        esac
    done
    if ! have node || ! have npm; then missing+=(nodejs npm); fi
    [ ${#missing[@]} -eq 0 ] || apt_install "${missing[@]}"
    if ! have cargo; then
        echo "CD4MM Field needs Rust (cargo). Install it with rustup (https://rustup.rs), then run this again." >&2
        exit 1
    fi
}

# The UI's packages, exactly as the lockfile says, when they changed.
ensure_ui_packages() {
    if [ ! -e ui/node_modules/.package-lock.json ] || [ ui/package-lock.json -nt ui/node_modules/.package-lock.json ]; then
        npm --prefix ui ci --no-audit --no-fund
    fi
}
