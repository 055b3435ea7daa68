# shellcheck shell=sh disable=SC2154 # $here is set by the script that sources this file
# Sourced by start-payara.sh and migrate.sh: exports each setting of defaults.env that the
# environment does not set (an environment variable of the same name wins). Needs $here.
while IFS='=' read -r name value; do
  case "$name" in '' | '#'*) continue ;; esac
  if [ -z "$(printenv "$name" || true)" ]; then
    export "$name=$value"
  fi
done <"$here/defaults.env"
