package rdsmemcached.migration;

import java.io.PrintStream;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationInfo;

/**
 * The schema's one source: the versioned migrations of {@code DB_MIGRATION_LOCATIONS} (Flyway),
 * then the demo rows when {@code DB_DEMO_DATA} is true, then the application's own database user
 * ({@code DB_USER}/{@code DB_PASS}, SELECT/INSERT/UPDATE/DELETE on {@code DB_NAME} only). Runs as
 * the migration user ({@code DB_MIGRATION_USER}, e.g. RDS's master), never inside the app: {@code
 * server-config/migrate.sh migrate|info|repair}, before the app starts (bin/run, bin/it-stack,
 * compose's migrate service, bin/deploy's one-off ECS task). Settings come from the environment,
 * their defaults from server-config/defaults.env (migrate.sh reads it).
 */
public final class Migrations {

  static final String DEMO_LOCATION = "classpath:db/demo";

  private final Map<String, String> env;
  private final PrintStream out;

  Migrations(Map<String, String> env, PrintStream out) {
    this.env = env;
    this.out = out;
  }

  public static void main(String[] args) {
    String command = args.length == 1 ? args[0] : "";
    Migrations migrations = new Migrations(System.getenv(), System.out);
    int status;
    try {
      status =
          switch (command) {
            case "migrate" -> migrations.migrate();
            case "info" -> migrations.info();
            case "repair" -> migrations.repair();
            default -> {
              System.err.println("usage: server-config/migrate.sh migrate|info|repair");
              yield 2;
            }
          };
    } catch (IllegalArgumentException e) {
      System.err.println("[migrate] " + e.getMessage());
      status = 64;
    }
    System.exit(status);
  }

  int migrate() {
    Flyway flyway = flyway();
    say("migrating " + target() + " as " + setting("DB_MIGRATION_USER") + " from " + locations());
    try {
      var result = flyway.migrate();
      say(
          "applied "
              + result.migrationsExecuted
              + " migration(s); schema version "
              + (result.targetSchemaVersion == null
                  ? (result.initialSchemaVersion == null ? "none" : result.initialSchemaVersion)
                  : result.targetSchemaVersion));
    } catch (FlywayException e) {
      reportFailure(flyway, e);
      return 1;
    }
    try {
      grantAppUser();
    } catch (SQLException e) {
      say("FAILED to set up the application's user " + setting("DB_USER") + ": " + e.getMessage());
      say(
          "the schema itself is migrated; fix the cause and run server-config/migrate.sh migrate again");
      return 1;
    }
    return 0;
  }

  int info() {
    Flyway flyway = flyway();
    say("migrations of " + target() + " (" + locations() + ")");
    printInfo(flyway.info().all());
    return 0;
  }

  int repair() {
    Flyway flyway = flyway();
    var result = flyway.repair();
    say(
        "repaired "
            + target()
            + ": removed failed entries "
            + result.migrationsRemoved.stream().map(m -> m.version + " " + m.description).toList()
            + "; realigned checksums "
            + result.migrationsAligned.stream().map(m -> m.version + " " + m.description).toList());
    say("now run server-config/migrate.sh migrate");
    return 0;
  }

  private void reportFailure(Flyway flyway, FlywayException e) {
    say("FAILED: " + firstLines(e.getMessage(), 12));
    MigrationInfo[] all;
    try {
      all = flyway.info().all();
    } catch (FlywayException again) {
      say("the state of the schema cannot be read: " + again.getMessage());
      return;
    }
    printInfo(all);
    List<String> failed = new ArrayList<>();
    for (MigrationInfo m : all) {
      if (m.getState().isFailed()) {
        failed.add(name(m));
      }
    }
    if (!failed.isEmpty()) {
      say(
          "the schema may be HALF-APPLIED: "
              + String.join(", ", failed)
              + " failed part-way, and MySQL commits each DDL statement at once, so the statements"
              + " before the failing one stay in the database (Flyway recorded the failure in"
              + " flyway_schema_history)");
      say(
          "to recover: undo or finish those statements by hand, fix the migration, then"
              + " server-config/migrate.sh repair (drops the failed entry) and"
              + " server-config/migrate.sh migrate; server-config/migrate.sh info shows the state");
    } else {
      say(
          "nothing was recorded as applied by this run; server-config/migrate.sh info shows the state");
    }
  }

  private void printInfo(MigrationInfo[] all) {
    if (all.length == 0) {
      say("  (no migrations found)");
    }
    for (MigrationInfo m : all) {
      say(
          String.format(
              "  %-10s %-32s %-10s %s",
              m.isVersioned() ? m.getVersion().toString() : "repeatable",
              m.getDescription(),
              m.getState().getDisplayName(),
              m.getInstalledOn() == null ? "" : m.getInstalledOn().toInstant().toString()));
    }
  }

  private static String name(MigrationInfo m) {
    return (m.isVersioned() ? "V" + m.getVersion() : "R") + " " + m.getDescription();
  }

  private static String firstLines(String message, int lines) {
    String[] all = String.valueOf(message).split("\n");
    return String.join("\n", Arrays.copyOf(all, Math.min(lines, all.length))).strip();
  }

  Flyway flyway() {
    return Flyway.configure()
        .dataSource(jdbcUrl(), setting("DB_MIGRATION_USER"), setting("DB_MIGRATION_PASS"))
        .locations(locations().toArray(String[]::new))
        .failOnMissingLocations(true)
        // the demo rows may be switched off after they were applied
        .ignoreMigrationPatterns("*:future", "repeatable:missing")
        .connectRetries(Integer.parseInt(setting("DB_MIGRATION_CONNECT_RETRIES")))
        .load();
  }

  List<String> locations() {
    List<String> locations = new ArrayList<>();
    for (String location : setting("DB_MIGRATION_LOCATIONS").split(",")) {
      if (!location.isBlank()) {
        locations.add(location.strip());
      }
    }
    if (Boolean.parseBoolean(setting("DB_DEMO_DATA"))) {
      locations.add(DEMO_LOCATION);
    }
    return locations;
  }

  String jdbcUrl() {
    return "jdbc:mysql://"
        + setting("DB_HOST")
        + ":"
        + setting("DB_PORT")
        + "/"
        + setting("DB_NAME")
        + "?connectTimeout="
        + setting("DB_CONNECT_TIMEOUT_MS")
        + "&characterEncoding=UTF-8";
  }

  private String target() {
    return setting("DB_NAME") + " on " + setting("DB_HOST") + ":" + setting("DB_PORT");
  }

  /** Creates the app's user if missing, sets its password, grants it what the app needs. */
  private void grantAppUser() throws SQLException {
    AppUser user = new AppUser(setting("DB_USER"), setting("DB_APP_USER_HOST"), setting("DB_NAME"));
    if (user.name().equals(setting("DB_MIGRATION_USER"))) {
      say("DB_USER is the migration user: no separate application user is set up");
      return;
    }
    try (Connection connection =
        DriverManager.getConnection(
            jdbcUrl(), setting("DB_MIGRATION_USER"), setting("DB_MIGRATION_PASS"))) {
      user.apply(connection, setting("DB_PASS"));
    }
    say("application user " + user.account() + ": " + AppUser.PRIVILEGES + " on " + user.schema());
  }

  String setting(String name) {
    String value = env.get(name);
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(
          name
              + " is not set (server-config/migrate.sh reads the defaults of server-config/defaults.env)");
    }
    return value;
  }

  private void say(String line) {
    out.println("[migrate] " + line);
  }
}
