package rdsmemcached.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The schema comes from the migrations only, and the app never starts on one they did not finish:
 * bin/run against an empty database migrates it and serves; a failing migration stops bin/run with
 * what was applied and how to recover; and the app user's password changes the way a deployment
 * changes it on AWS (bin/deploy: the other of two app users gets a new password from the migration,
 * new instances start with it, the old ones drain) while a load runs, losing none of its requests.
 * Each case works on a database of its own on the stack's MariaDB.
 */
@ExtendWith(Stack.Required.class)
class MigrationsIT {

  static final String CUSTOMER_1 = "{\"id\":1,\"value\":\"Initial Value\",\"sleepResult\":0}";

  final List<Process> started = new ArrayList<>();

  @AfterEach
  void stopWhatWasStarted() throws InterruptedException {
    for (Process process : started) {
      process.destroy();
      if (!process.waitFor(40, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
      }
    }
  }

  @Test
  void binRunMigratesAnEmptyDatabaseThenServesWithALeastPrivilegeUser() throws Exception {
    String database = emptyDatabase("fresh");
    int port = freePort();
    Map<String, String> env = appEnv(database, "fresh_app", password(), port);
    Path log = logFile("bin-run-fresh.log");
    Process run = start(env, log, bin("run"));
    URI base = URI.create("http://127.0.0.1:" + port);
    awaitReady(base, run, log);

    var db = Stack.get(base.resolve("/db/1"));
    assertEquals(200, db.statusCode(), db.body());
    assertEquals(CUSTOMER_1, db.body());
    assertEquals(200, Stack.get(base.resolve("/cache/1")).statusCode());
    var row = Stack.get(base.resolve("/db/10000"));
    assertEquals(200, row.statusCode(), "the demo rows for the load tests: " + row.body());

    String output = Files.readString(log);
    assertTrue(output.contains("[migrate] applied 2 migration(s)"), output);
    // the app's user reads and writes the rows, and can do nothing else
    try (Connection app = connect(database, "fresh_app", env.get("DB_PASS"));
        Statement sql = app.createStatement()) {
      sql.executeUpdate("UPDATE customers SET value = value WHERE id = 1");
      assertThrows(SQLException.class, () -> sql.execute("CREATE TABLE t (id INT)"));
      assertThrows(SQLException.class, () -> sql.execute("DROP TABLE customers"));
      assertThrows(SQLException.class, () -> sql.executeQuery("SELECT * FROM mysql.user"));
    }
  }

  @Test
  void aFailingMigrationStopsStartUpAndSaysWhatIsHalfApplied() throws Exception {
    String database = emptyDatabase("broken");
    Path extra = Files.createTempDirectory("migrations");
    // the first statement succeeds and stays (MySQL commits DDL at once), the second fails
    Files.writeString(
        extra.resolve("V2__orders.sql"),
        "CREATE TABLE orders (id BIGINT NOT NULL PRIMARY KEY);\n"
            + "ALTER TABLE no_such_table ADD COLUMN x INT;\n");
    int port = freePort();
    Map<String, String> env = appEnv(database, "broken_app", password(), port);
    env.put("DB_MIGRATION_LOCATIONS", "classpath:db/migration,filesystem:" + extra);
    Path log = logFile("bin-run-broken.log");
    Process run = start(env, log, bin("run"));
    assertTrue(run.waitFor(120, TimeUnit.SECONDS), "bin/run did not stop");
    String output = Files.readString(log);
    assertEquals(1, run.exitValue(), output);
    assertTrue(
        output.contains("[run] STOPPED: the migration failed, the app was not started"), output);
    assertTrue(output.contains("HALF-APPLIED"), output);
    assertTrue(output.contains("V2 orders failed part-way"), output);
    assertTrue(output.contains("server-config/migrate.sh repair"), output);
    assertFalse(output.contains("starting Payara Micro"), output);
    assertFalse(listens(port), "nothing may listen on :" + port);

    String info = migrate(env, "info");
    assertTrue(info.matches("(?s).*\\s1\\s+customers\\s+Success.*"), info);
    assertTrue(info.matches("(?s).*\\s2\\s+orders\\s+Failed.*"), info);

    // the documented recovery: undo the half, fix the migration, repair, migrate
    try (Connection admin = connect(database, "admin", Stack.env("DB_MIGRATION_PASS"));
        Statement sql = admin.createStatement()) {
      assertTrue(
          sql.executeQuery("SHOW TABLES LIKE 'orders'").next(), "V2's first statement stayed");
      sql.execute("DROP TABLE orders");
    }
    Files.writeString(
        extra.resolve("V2__orders.sql"), "CREATE TABLE orders (id BIGINT NOT NULL PRIMARY KEY);\n");
    assertTrue(migrate(env, "repair").contains("removed failed entries [2 orders]"));
    String migrated = migrate(env, "migrate");
    assertTrue(migrated.contains("schema version 2"), migrated);
  }

  /**
   * What bin/deploy does on AWS, played locally: the running instance uses app_a; the deployment's
   * migration sets a new password for app_b, new instances start with app_b and take the traffic,
   * the old instance drains and stops. app_a's password is never changed while it is in use, so no
   * request is lost: the documented window is none.
   */
  @Test
  void aPasswordRotationByDeploymentLosesNoRequest() throws Exception {
    String database = emptyDatabase("rotation");
    String passwordA = password();
    Map<String, String> a = appEnv(database, "app_a", passwordA, freePort());
    migrate(a, "migrate");
    URI oldInstance = startInstance(a, "rotation-a.log");

    try (Balancer balancer = new Balancer(oldInstance)) {
      balancer.runFor(Duration.ofSeconds(3));

      // the deployment: migrate with the other user's new password, start, shift, drain, stop
      Map<String, String> b = appEnv(database, "app_b", password(), freePort());
      String migrated = migrate(b, "migrate");
      assertTrue(migrated.contains("application user 'app_b'@'%'"), migrated);
      try (Connection stillA = connect(database, "app_a", passwordA)) {
        assertTrue(stillA.isValid(2), "the running user's password is left alone");
      }
      URI newInstance = startInstance(b, "rotation-b.log");
      balancer.register(newInstance);
      balancer.runFor(Duration.ofSeconds(3));
      balancer.deregister(oldInstance);
      // the load balancer's deregistration delay: requests sent to the old instance finish first
      balancer.awaitIdle(oldInstance, Duration.ofSeconds(30));
      Process old = started.remove(0);
      old.destroy();
      assertTrue(old.waitFor(40, TimeUnit.SECONDS), "the old instance did not stop");
      balancer.runFor(Duration.ofSeconds(3));
      balancer.stop();

      System.out.printf(
          "[migrations] rotation under load: %d requests, %d failed (%s)%n",
          balancer.sent.get(), balancer.failed.get(), balancer.firstFailure.get());
      assertTrue(balancer.sent.get() > 50, "too little load to show anything: " + balancer.sent);
      assertEquals(0, balancer.failed.get(), "first failure: " + balancer.firstFailure.get());
      assertTrue(balancer.servedBy(newInstance) > 0, "the new instance served nothing");
    }
  }

  /** Round robin over registered instances, like the ALB, with a few users sending GETs. */
  static final class Balancer implements AutoCloseable {
    final AtomicReference<List<URI>> targets;
    final Map<URI, AtomicLong> inFlight = new java.util.concurrent.ConcurrentHashMap<>();
    final Map<URI, AtomicLong> served = new java.util.concurrent.ConcurrentHashMap<>();
    final AtomicLong sent = new AtomicLong();
    final AtomicLong failed = new AtomicLong();
    final AtomicReference<String> firstFailure = new AtomicReference<>("none");
    final AtomicBoolean running = new AtomicBoolean(true);
    final ExecutorService users = Executors.newFixedThreadPool(4);

    Balancer(URI first) {
      targets = new AtomicReference<>(List.of(first));
      for (int u = 0; u < 4; u++) {
        users.submit(this::user);
      }
    }

    void register(URI target) {
      targets.updateAndGet(
          list -> {
            var more = new ArrayList<>(list);
            more.add(target);
            return List.copyOf(more);
          });
    }

    void deregister(URI target) {
      targets.updateAndGet(list -> list.stream().filter(t -> !t.equals(target)).toList());
    }

    long servedBy(URI target) {
      return served.getOrDefault(target, new AtomicLong()).get();
    }

    void awaitIdle(URI target, Duration atMost) {
      long deadline = System.nanoTime() + atMost.toNanos();
      while (inFlight.getOrDefault(target, new AtomicLong()).get() > 0
          && System.nanoTime() < deadline) {
        Stack.sleep(Duration.ofMillis(50));
      }
    }

    void runFor(Duration duration) {
      Stack.sleep(duration);
    }

    private void user() {
      while (running.get()) {
        List<URI> now = targets.get();
        URI target = now.get(ThreadLocalRandom.current().nextInt(now.size()));
        // half hits on row 1, half cold rows: each a slow query on a pool connection
        long id = ThreadLocalRandom.current().nextBoolean() ? 1 : 2 + sent.get() % 9000;
        inFlight.computeIfAbsent(target, t -> new AtomicLong()).incrementAndGet();
        sent.incrementAndGet();
        try {
          var response =
              Stack.HTTP.send(
                  HttpRequest.newBuilder(target.resolve("/cache/" + id))
                      .timeout(Duration.ofSeconds(15))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
          if (response.statusCode() != 200) {
            fail(target + " /cache/" + id + " " + response.statusCode() + " " + response.body());
          } else {
            served.computeIfAbsent(target, t -> new AtomicLong()).incrementAndGet();
          }
        } catch (IOException e) {
          fail(target + " /cache/" + id + " " + e);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        } finally {
          inFlight.get(target).decrementAndGet();
        }
      }
    }

    private void fail(String what) {
      failed.incrementAndGet();
      firstFailure.compareAndSet("none", what);
    }

    void stop() throws InterruptedException {
      running.set(false);
      users.shutdown();
      users.awaitTermination(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
      stop();
    }
  }

  URI startInstance(Map<String, String> env, String logName) throws Exception {
    Path log = logFile(logName);
    Process payara =
        start(env, log, Path.of(Stack.env("PROJECT_DIR"), "server-config", "start-payara.sh"));
    URI base = URI.create("http://127.0.0.1:" + env.get("PORT"));
    awaitReady(base, payara, log);
    return base;
  }

  /** The stack's settings for an app on its own database, user and port. */
  static Map<String, String> appEnv(String database, String user, String password, int port) {
    Map<String, String> env = new HashMap<>(Stack.settings());
    env.put("DB_NAME", database);
    env.put("DB_USER", user);
    env.put("DB_PASS", password);
    env.put("PORT", Integer.toString(port));
    env.put("WARMUP_SECONDS", "1");
    env.put("CLOUDWATCH_METRICS_SECONDS", "0");
    env.remove("DB_MIGRATION_LOCATIONS");
    return env;
  }

  static String emptyDatabase(String prefix) {
    String name = prefix + "_" + Long.toString(System.nanoTime() % 1_000_000);
    Stack.services("sql", "CREATE DATABASE `" + name + "`");
    return name;
  }

  static String password() {
    return UUID.randomUUID().toString().replace("-", "");
  }

  static Connection connect(String database, String user, String password) throws SQLException {
    return DriverManager.getConnection(
        "jdbc:mysql://127.0.0.1:" + Stack.env("DB_PORT") + "/" + database, user, password);
  }

  /** server-config/migrate.sh with the given command; its output, or a failure with it. */
  static String migrate(Map<String, String> env, String command) throws Exception {
    Path script = Path.of(Stack.env("PROJECT_DIR"), "server-config", "migrate.sh");
    ProcessBuilder builder =
        new ProcessBuilder(script.toString(), command).redirectErrorStream(true);
    builder.environment().putAll(env);
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes());
    assertTrue(process.waitFor(120, TimeUnit.SECONDS));
    assertEquals(0, process.exitValue(), output);
    return output;
  }

  Process start(Map<String, String> env, Path log, Path command) throws IOException {
    ProcessBuilder builder =
        new ProcessBuilder(command.toString())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    builder.environment().putAll(env);
    Process process = builder.start();
    started.add(process);
    return process;
  }

  static Path bin(String name) {
    return Path.of(Stack.env("PROJECT_DIR"), "bin", name);
  }

  static Path logFile(String name) {
    return Path.of(Stack.env("STATE_DIR"), name);
  }

  static void awaitReady(URI base, Process process, Path log) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new AssertionError("exited with " + process.exitValue() + ":\n" + tail(log));
      }
      try {
        var ready =
            Stack.HTTP.send(
                HttpRequest.newBuilder(base.resolve("/health/ready"))
                    .timeout(Duration.ofSeconds(5))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        if (ready.statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      Thread.sleep(500);
    }
    throw new AssertionError(base + " not ready after 180 s:\n" + tail(log));
  }

  static String tail(Path log) throws IOException {
    List<String> lines = Files.readAllLines(log);
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
  }

  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  static boolean listens(int port) {
    try (var socket = new java.net.Socket("127.0.0.1", port)) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
