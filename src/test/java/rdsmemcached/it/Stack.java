package rdsmemcached.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The running stack bin/it-stack started (for bin/test or {@code ./mvnw verify}), its settings read
 * from {@code .run/test/stack.env} (environment variables win): Payara Micro over HTTP, MariaDB
 * over JDBC (to count the slow queries it really ran, from its general log), memcached over its
 * text protocol, and bin/services to stop and start them.
 */
public final class Stack {

  static final HttpClient HTTP =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  private Stack() {}

  static final Path SETTINGS = Path.of(".run", "test", "stack.env");
  static final Map<String, String> SETTINGS_READ = readSettings();

  /** The stack's settings: bin/it-stack's file, then the environment over it. */
  static Map<String, String> settings() {
    Map<String, String> all = new HashMap<>(SETTINGS_READ);
    System.getenv().forEach((name, value) -> all.merge(name, value, (file, env) -> env));
    return all;
  }

  private static Map<String, String> readSettings() {
    Map<String, String> read = new HashMap<>();
    try {
      if (Files.exists(SETTINGS)) {
        for (String line : Files.readAllLines(SETTINGS)) {
          int equals = line.indexOf('=');
          if (equals > 0) {
            read.put(line.substring(0, equals), line.substring(equals + 1));
          }
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + SETTINGS, e);
    }
    return read;
  }

  public static String env(String name) {
    String value = settings().get(name);
    if (value == null || value.isBlank()) {
      throw new IllegalStateException(
          name + " is not set: run the integration tests with bin/test or ./mvnw verify");
    }
    return value;
  }

  /**
   * Skips a class of integration tests, with the reason, where bin/it-stack could not start the
   * stack (no root to install MariaDB and memcached): one clear cause instead of every test
   * erroring out on a connection refused.
   */
  public static final class Required implements ExecutionCondition {
    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
      String unavailable = settings().get("IT_STACK_UNAVAILABLE");
      return unavailable == null
          ? ConditionEvaluationResult.enabled("the stack is up")
          : ConditionEvaluationResult.disabled("no test stack: " + unavailable);
    }
  }

  public static URI uri(String path) {
    return URI.create(env("IT_BASE_URL") + path);
  }

  /** The second Payara Micro instance, sharing the database and memcached with the first. */
  public static URI second(String path) {
    return URI.create(env("IT_SECOND_URL") + path);
  }

  public static HttpResponse<String> get(URI uri) {
    return send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).GET().build());
  }

  public static HttpResponse<String> put(URI uri, String contentType, String body) {
    return send(
        HttpRequest.newBuilder(uri)
            .timeout(Duration.ofSeconds(30))
            .header("Content-Type", contentType)
            .PUT(HttpRequest.BodyPublishers.ofString(body))
            .build());
  }

  /** A counter of the application's cache metrics, e.g. {@code cache_hits_total}. */
  public static double metric(URI base, String name) {
    var metrics = get(base.resolve("/metrics?scope=application"));
    if (metrics.statusCode() == 404) {
      return 0; // no application metric registered yet: nothing was cached so far
    }
    for (String line : metrics.body().split("\n")) {
      if (line.startsWith(name + "{") && line.contains("cache=\"customer\"")) {
        return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    throw new IllegalStateException(name + " not in /metrics: " + metrics.body());
  }

  /** An application gauge without tags at /metrics, e.g. {@code database_reachable}. */
  public static double gauge(String name) {
    return untagged(name);
  }

  /** An application counter without tags at /metrics, e.g. {@code loads_shed_total}. */
  public static double counter(String name) {
    return untagged(name);
  }

  private static double untagged(String name) {
    var metrics = get(uri("/metrics?scope=application"));
    for (String line : metrics.body().split("\n")) {
      if (line.startsWith(name + "{mp_scope=\"application\"} ")) {
        return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    throw new IllegalStateException(name + " not in /metrics: " + metrics.body());
  }

  /** Writes a raw item to every memcached node (the key lives on one of them). */
  public static void memcachedSet(String key, int ttlSeconds, String value) {
    byte[] data = value.getBytes(StandardCharsets.UTF_8);
    byte[] header =
        ("set " + key + " 0 " + ttlSeconds + " " + data.length + "\r\n")
            .getBytes(StandardCharsets.US_ASCII);
    byte[] command = new byte[header.length + data.length + 2];
    System.arraycopy(header, 0, command, 0, header.length);
    System.arraycopy(data, 0, command, header.length, data.length);
    command[command.length - 2] = '\r';
    command[command.length - 1] = '\n';
    onEveryNode(command, "STORED");
  }

  /** Sends one text-protocol command to each node and expects the reply to start as given. */
  private static void onEveryNode(byte[] command, String expectedReply) {
    for (String port : env("CACHE_PORTS").split(" ")) {
      try (Socket socket = new Socket("127.0.0.1", Integer.parseInt(port))) {
        socket.setSoTimeout(2000);
        OutputStream out = socket.getOutputStream();
        out.write(command);
        out.flush();
        InputStream in = socket.getInputStream();
        byte[] reply = new byte[16];
        int read = in.read(reply);
        String text = new String(reply, 0, Math.max(read, 0), StandardCharsets.US_ASCII);
        if (!text.startsWith(expectedReply)) {
          throw new IllegalStateException("memcached on " + port + " answered " + text);
        }
      } catch (IOException e) {
        throw new IllegalStateException("memcached on port " + port + " unreachable", e);
      }
    }
  }

  public static HttpResponse<String> get(String path) {
    return send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30)).GET().build());
  }

  public static HttpResponse<String> send(HttpRequest request) {
    try {
      return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Sends all GETs at once and waits for every answer. */
  public static List<HttpResponse<String>> getAll(List<String> paths) {
    List<CompletableFuture<HttpResponse<String>>> pending = new ArrayList<>();
    for (String path : paths) {
      var request = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30)).build();
      pending.add(HTTP.sendAsync(request, HttpResponse.BodyHandlers.ofString()));
    }
    return pending.stream().map(CompletableFuture::join).toList();
  }

  public static String xCache(HttpResponse<?> response) {
    return response.headers().firstValue("X-Cache").orElse("none");
  }

  /** How often the database ran the slow query for this id (MariaDB's general log). */
  public static long slowQueries(long id) {
    String sql =
        "SELECT COUNT(*) FROM mysql.general_log WHERE command_type = 'Query'"
            + " AND argument LIKE 'SELECT id, value, SLEEP(%) FROM customers WHERE id = "
            + id
            + "'";
    try (Connection db =
            DriverManager.getConnection(
                "jdbc:mysql://127.0.0.1:" + env("DB_PORT") + "/" + env("DB_NAME"),
                env("DB_USER"),
                env("DB_PASS"));
        PreparedStatement count = db.prepareStatement(sql);
        ResultSet result = count.executeQuery()) {
      result.next();
      return result.getLong(1);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Requests the paths until every one is a hit (a fill may be skipped under load: BYPASS). */
  public static void cacheAll(List<String> paths) {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      if (getAll(paths).stream().allMatch(r -> "HIT".equals(xCache(r)))) {
        return;
      }
    }
    throw new AssertionError("not every id could be cached within 30 s");
  }

  /** Empties every memcached node, so a test starts cold. */
  public static void flushCache() {
    onEveryNode("flush_all\r\n".getBytes(StandardCharsets.US_ASCII), "OK");
  }

  /** Waits until the app's memcached client is connected to every node again (readiness data). */
  public static void awaitCacheConnected() {
    for (URI base : new URI[] {uri("/health/ready"), second("/health/ready")}) {
      var ready = getUntil(base, Stack::allNodesAnswer, Duration.ofSeconds(20));
      if (!allNodesAnswer(ready)) {
        throw new IllegalStateException("memcached nodes did not come back: " + ready.body());
      }
    }
  }

  private static boolean allNodesAnswer(HttpResponse<String> ready) {
    return !ready.body().contains("unavailable") && !ready.body().contains("skipped");
  }

  /** Runs bin/services with the test stack's settings, e.g. {@code services("stop-cache", "1")}. */
  public static void services(String... arguments) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(env("PROJECT_DIR"), "bin", "services").toString());
    command.addAll(List.of(arguments));
    try {
      ProcessBuilder builder = new ProcessBuilder(command).inheritIO();
      builder.environment().putAll(settings());
      Process process = builder.start();
      if (process.waitFor() != 0) {
        throw new IllegalStateException("bin/services " + String.join(" ", arguments) + " failed");
      }
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Payara Micro's log as bin/test captured it. */
  public static String serverLog() {
    try {
      return Files.readString(Path.of(env("PAYARA_LOG")));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Repeats the GET until the answer passes, for at most the given time; returns the last. */
  public static HttpResponse<String> getUntil(
      String path, Predicate<HttpResponse<String>> passes, Duration atMost) {
    return getUntil(uri(path), passes, atMost);
  }

  public static HttpResponse<String> getUntil(
      URI target, Predicate<HttpResponse<String>> passes, Duration atMost) {
    long deadline = System.nanoTime() + atMost.toNanos();
    HttpResponse<String> last = get(target);
    while (!passes.test(last) && System.nanoTime() < deadline) {
      sleep(Duration.ofMillis(200));
      last = get(target);
    }
    return last;
  }

  public static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
