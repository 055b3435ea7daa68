#!/bin/sh
# Starts Payara Micro the one way bin/run, bin/test and the Docker image all use: the JVM flags
# in jvm.options, the pools from post-boot-commands.asadmin, JSON log lines from
# logging.properties, defaults from defaults.env.
# Paths can be overridden (the image does): PAYARA_MICRO_JAR, APP_WAR, JDBC_DRIVER.
set -eu
here=$(CDPATH='' cd -- "$(dirname -- "$0")" && pwd)
target="$here/../target"

while IFS='=' read -r name value; do
  case "$name" in '' | '#'*) continue ;; esac
  if [ -z "$(printenv "$name" || true)" ]; then
    export "$name=$value"
  fi
done <"$here/defaults.env"
: "${DB_PASS:?DB_PASS is not set (bin/run generates one for its local database)}"
case "$DB_PASS" in *[[:space:]]*)
  echo "DB_PASS must not contain whitespace (Payara's post-boot command parser splits on it)" >&2
  exit 64 ;;
esac
# Post-boot commands see ${ENV=...} values before parsing "name=value:name=value" lists, so
# the password's \ : = ' " are escaped (an RDS-generated password may contain them).
DB_PASS_ASADMIN=$(printf '%s' "$DB_PASS" | sed 's/[\\:="'"'"']/\\&/g')
export DB_PASS_ASADMIN
: "${PAYARA_MICRO_JAR:=$target/payara-micro.jar}"
: "${APP_WAR:=$target/rds-memcached.war}"
: "${JDBC_DRIVER:=$target/lib/mysql-connector-j.jar}"

jvm_options=$(grep -v -e '^#' -e '^$' "$here/jvm.options" | tr '\n' ' ')
# shellcheck disable=SC2086 # word splitting of the option lists is intended
exec java $jvm_options ${JAVA_OPTS:-} -jar "$PAYARA_MICRO_JAR" \
  --nohazelcast --disablephonehome \
  --port "$PORT" --contextroot / \
  --postbootcommandfile "$here/post-boot-commands.asadmin" \
  --logproperties "$here/logging.properties" \
  --addlibs "$JDBC_DRIVER" \
  --deploy "$APP_WAR" ${PAYARA_OPTS:-}
