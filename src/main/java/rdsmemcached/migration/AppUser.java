package rdsmemcached.migration;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The application's database account: the data of one schema, nothing else (no DDL, no other
 * schema, no GRANT). Its password is set on every migration run, so a new one (a deployment's
 * rotation) takes effect before the tasks that use it start.
 */
record AppUser(String name, String host, String schema) {

  static final String PRIVILEGES = "SELECT, INSERT, UPDATE, DELETE";

  AppUser {
    if (!name.matches("[A-Za-z0-9_]{1,32}")) {
      throw new IllegalArgumentException(
          "DB_USER must be 1-32 letters, digits or _ (is: " + name + ")");
    }
    if (!host.matches("[A-Za-z0-9_.%:-]{1,255}")) {
      throw new IllegalArgumentException("DB_APP_USER_HOST is no host pattern: " + host);
    }
    if (!schema.matches("[A-Za-z0-9_]{1,64}")) {
      throw new IllegalArgumentException(
          "DB_NAME must be letters, digits or _ (is: " + schema + ")");
    }
  }

  String account() {
    return "'" + name + "'@'" + host + "'";
  }

  String grant() {
    return "GRANT " + PRIVILEGES + " ON `" + schema + "`.* TO " + account();
  }

  void apply(Connection connection, String password) throws SQLException {
    // Connector/J substitutes the password client-side, escaped: account statements take no
    // server-side parameters
    try (PreparedStatement create =
            connection.prepareStatement(
                "CREATE USER IF NOT EXISTS " + account() + " IDENTIFIED BY ?");
        PreparedStatement alter =
            connection.prepareStatement("ALTER USER " + account() + " IDENTIFIED BY ?");
        Statement grant = connection.createStatement()) {
      create.setString(1, password);
      create.executeUpdate();
      alter.setString(1, password);
      alter.executeUpdate();
      grant.executeUpdate(grant());
    }
  }
}
