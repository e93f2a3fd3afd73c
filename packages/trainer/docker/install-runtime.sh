#!/bin/sh
# Installs the packed trainer and its workspace dependency with production
# dependencies only: the runtime stage of the Dockerfile, and what the package
# test reproduces from freshly packed tarballs.
#
# Usage: install-runtime.sh <directory with the .tgz files> <application directory>
set -eu

packages_dir=$1
app_dir=$2

mkdir -p "$app_dir"
cd "$app_dir"
# Both tarballs in one install: @org/trainer's dependency on @org/jobspec-builder
# is met by the tarball beside it, not looked up in the registry.
npm install --omit=dev --no-audit --no-fund --no-update-notifier "$packages_dir"/*.tgz
