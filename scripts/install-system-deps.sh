#!/usr/bin/env bash
# Debian packages the tests use: Graphviz (the system dot engine) and Chromium for the
# browser tests. Installs them with apt-get when missing and we may (as root, or with sudo
# without a password); otherwise says what is missing: the tests then use the
# graphviz-pure wheel and skip the browser.
# Under CI (CI set to any non-empty value, as .ci/run does) a package that cannot be
# installed is an error here, so the run stops at the install step with the reason.
set -u
missing=()
command -v dot >/dev/null 2>&1 || missing+=(graphviz)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
[ ${#missing[@]} -eq 0 ] && exit 0

cannot() {
    if [ -n "${CI:-}" ]; then
        echo "error: $1; CI is set, so this is an error (install them: apt-get install ${missing[*]})" >&2
        exit 1
    fi
    echo "$1; the browser tests will be skipped and diagrams drawn with the graphviz-pure wheel"
    exit 0
}

# root runs apt-get itself; another user needs sudo without a password (as on CI runners)
as_root=()
if [ "$(id -u)" != 0 ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
        as_root=(sudo -n env DEBIAN_FRONTEND=noninteractive)
    else
        as_root=(none)
    fi
fi
if [ "${as_root[*]}" != none ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing ${missing[*]} with apt-get"
    export DEBIAN_FRONTEND=noninteractive
    "${as_root[@]}" apt-get update -qq >/dev/null && "${as_root[@]}" apt-get install -y -qq "${missing[@]}" >/dev/null \
        || cannot "apt-get could not install ${missing[*]}"
else
    cannot "${missing[*]} not installed, and apt-get cannot run here (it needs root or sudo without a password)"
fi
exit 0
