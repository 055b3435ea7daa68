#!/bin/sh
# Runs the schema migrations (rdsmemcached.migration, Flyway) the one way bin/run, bin/it-stack,
# compose's migrate service and bin/deploy's ECS task all use:
#   server-config/migrate.sh migrate   apply what is pending, then set up the app's user (DB_USER)
#   server-config/migrate.sh info      what is applied, pending or failed
#   server-config/migrate.sh repair    after a failed migration was cleaned up by hand: drop its entry
# Connects as DB_MIGRATION_USER/DB_MIGRATION_PASS; defaults from defaults.env. Exit status 0 only
# when everything was applied. Paths can be overridden (the image does): MIGRATE_DIR, JDBC_DRIVER.
set -eu
here=$(CDPATH='' cd -- "$(dirname -- "$0")" && pwd)
target="$here/../target"

# shellcheck source=server-config/load-defaults.sh
. "$here/load-defaults.sh"
: "${DB_MIGRATION_PASS:?DB_MIGRATION_PASS is not set (the password of DB_MIGRATION_USER, e.g. RDS master)}"
: "${MIGRATE_DIR:=$target/migrate}"
: "${JDBC_DRIVER:=$target/lib/mysql-connector-j.jar}"
[ -d "$MIGRATE_DIR/lib" ] || { echo "[migrate] $MIGRATE_DIR has no build: run ./mvnw package first" >&2; exit 1; }

# a small heap: the migration is a short JDBC client, and in the image it may run beside nothing else
exec java -Xmx128m -XX:TieredStopAtLevel=1 -cp "$MIGRATE_DIR/*:$MIGRATE_DIR/lib/*:$JDBC_DRIVER" \
  rdsmemcached.migration.Migrations "$@"
