# shellcheck shell=bash
# Helpers shared by the scripts in scripts/. Source it; it defines functions and sets nothing else.
#
#   hearth_root                      the checkout's root folder
#   log MESSAGE... / die MESSAGE...  progress and fatal errors, on stderr
#   ensure_system_packages PKG...    installs the Debian packages that are missing
#   pg_bindir                        the folder holding PostgreSQL's initdb and pg_ctl
#
# Everything a script prints for people goes to stderr, so stdout stays clean for values other
# programs read (URLs, for example).

# The Debian packages Hearth needs to build, test and run.
# shellcheck disable=SC2034  # used by the scripts that source this file
HEARTH_SYSTEM_PACKAGES=(postgresql postgresql-contrib libpq-dev libssl-dev pkg-config python3-yaml)
# What only the tests need: a browser to open the HTML reports in.
HEARTH_TEST_PACKAGES=(chromium)

hearth_root() {
    (cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
}

log() {
    printf '%s: %s\n' "$(basename "$0")" "$*" >&2
}

die() {
    printf '%s: error: %s\n' "$(basename "$0")" "$*" >&2
    exit 1
}

is_root() {
    [ "$(id -u)" -eq 0 ]
}

package_installed() {
    dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'
}

_hearth_apt_updated=""

apt_get() {
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 "$@" </dev/null >&2
}

# Installs each named Debian package that is not installed yet. As root it runs apt-get (with one
# `apt-get update` first); otherwise it prints the command to run and fails.
ensure_system_packages() {
    command -v dpkg-query >/dev/null 2>&1 \
        || die "dpkg-query not found: these scripts expect Debian or Ubuntu; install the equivalents of: $*"
    local missing=() package
    for package in "$@"; do
        package_installed "$package" || missing+=("$package")
    done
    [ ${#missing[@]} -eq 0 ] && return 0

    if ! is_root; then
        printf '%s: missing system packages: %s\n' "$(basename "$0")" "${missing[*]}" >&2
        printf 'Install them with:\n\n    sudo apt-get install -y --no-install-recommends %s\n\n' "${missing[*]}" >&2
        exit 1
    fi
    log "installing missing system packages: ${missing[*]}"
    if [ -z "$_hearth_apt_updated" ]; then
        apt_get update || die "apt-get update failed"
        _hearth_apt_updated=1
    fi
    apt_get install -y --no-install-recommends "${missing[@]}" \
        || die "apt-get install ${missing[*]} failed"
}

# Prints the folder holding initdb and pg_ctl: $HEARTH_PG_BINDIR when set, else pg_config's
# bindir, else the newest /usr/lib/postgresql/<major>/bin, else wherever PATH finds initdb.
pg_bindir() {
    local candidate
    if [ -n "${HEARTH_PG_BINDIR:-}" ]; then
        [ -x "$HEARTH_PG_BINDIR/initdb" ] || die "HEARTH_PG_BINDIR=$HEARTH_PG_BINDIR has no initdb"
        echo "$HEARTH_PG_BINDIR"
        return 0
    fi
    if command -v pg_config >/dev/null 2>&1; then
        candidate="$(pg_config --bindir 2>/dev/null || true)"
        if [ -n "$candidate" ] && [ -x "$candidate/initdb" ] && [ -x "$candidate/pg_ctl" ]; then
            echo "$candidate"
            return 0
        fi
    fi
    candidate="$(find /usr/lib/postgresql -mindepth 3 -maxdepth 3 -path '*/bin/initdb' 2>/dev/null \
        | sort -V | tail -n 1)"
    if [ -n "$candidate" ]; then
        dirname "$candidate"
        return 0
    fi
    candidate="$(command -v initdb 2>/dev/null || true)"
    if [ -n "$candidate" ]; then
        dirname "$candidate"
        return 0
    fi
    die "PostgreSQL server binaries (initdb, pg_ctl) not found; install the 'postgresql' package or set HEARTH_PG_BINDIR"
}
