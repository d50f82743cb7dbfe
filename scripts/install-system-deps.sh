#!/usr/bin/env bash
# Debian packages the tests use: Graphviz (the system dot engine) and Chromium for the
# browser tests. Installs them when missing and we may (root with apt-get); otherwise
# says what is missing: the tests then use the graphviz-pure wheel and skip the browser.
set -u
missing=()
command -v dot >/dev/null 2>&1 || missing+=(graphviz)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing ${missing[*]} with apt-get"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null && apt-get install -y -qq "${missing[@]}" >/dev/null \
        || echo "warning: apt-get could not install ${missing[*]}; browser tests will be skipped"
else
    echo "note: ${missing[*]} not installed and no root apt-get; browser tests will be skipped"
fi
exit 0
