#!/bin/sh
# need_package.sh PACKAGE PROGRAM PURPOSE
# Installs Debian's PACKAGE when PROGRAM (a path, or a command name) is missing and we are root;
# otherwise (or with RAG_NO_APT=1) stops with the one command to run. Used by `make test` for
# Chromium and npm.
set -eu
package=$1 program=$2 purpose=$3
case $program in
  /*) [ -x "$program" ] && exit 0 ;;
  *) command -v "$program" >/dev/null 2>&1 && exit 0 ;;
esac
if [ "$(id -u)" -eq 0 ] && [ "${RAG_NO_APT:-}" != 1 ]; then
  echo "Installing Debian's $package for $purpose ..."
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$package" >/dev/null
else
  echo "Missing Debian's $package ($program), needed for $purpose: run 'sudo apt-get install -y $package', then 'make test' again." >&2
  exit 1
fi
