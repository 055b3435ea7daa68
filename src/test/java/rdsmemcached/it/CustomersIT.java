package rdsmemcached.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static rdsmemcached.it.Stack.get;
import static rdsmemcached.it.Stack.slowQueries;
import static rdsmemcached.it.Stack.xCache;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The HTTP contract of DESIGN.md against the real stack (Payara Micro, MariaDB, memcached). */
@ExtendWith(Stack.Required.class)
class CustomersIT {

  static final String CUSTOMER_1 = "{\"id\":1,\"value\":\"Initial Value\",\"sleepResult\":0}";

  @BeforeEach
  void coldCache() {
    Stack.awaitCacheConnected();
    Stack.flushCache();
  }

  @Test
  void rootAnswersPlainOk() {
    var response = get("/");
    assertEquals(200, response.statusCode());
    assertEquals("OK", response.body());
  }

  @Test
  void dbAnswersTheOriginalsJsonAndRunsTheQueryEveryTime() {
    long before = slowQueries(1);
    for (int i = 0; i < 2; i++) {
      var response = get("/db/1");
      assertEquals(200, response.statusCode());
      assertEquals(CUSTOMER_1, response.body());
      assertEquals("application/json", response.headers().firstValue("Content-Type").orElseThrow());
      assertEquals("none", xCache(response));
    }
    assertEquals(before + 2, slowQueries(1), "two /db requests, two slow queries");
  }

  @Test
  void cacheMissesOnceThenHitsWithoutQuerying() {
    long before = slowQueries(1);
    var first = get("/cache/1");
    assertEquals(200, first.statusCode());
    assertEquals(CUSTOMER_1, first.body());
    assertEquals("MISS", xCache(first));
    for (int i = 0; i < 3; i++) {
      var again = get("/cache/1");
      assertEquals(CUSTOMER_1, again.body());
      assertEquals("HIT", xCache(again));
    }
    assertEquals(before + 1, slowQueries(1), "one miss, one slow query");
  }

  @Test
  void spellingsOfOneIdShareOneEntry() {
    assertEquals("MISS", xCache(get("/cache/42")));
    for (String spelling : new String[] {"042", "+42", "%2B42", "0000042"}) {
      var response = get("/cache/" + spelling);
      assertEquals(200, response.statusCode(), spelling);
      assertEquals("HIT", xCache(response), spelling);
      assertEquals("{\"id\":42,\"value\":\"Value 42\",\"sleepResult\":0}", response.body());
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "abc",
        "0",
        "-1",
        "1.0",
        "1%20x",
        "%201",
        "1e3",
        "0x10",
        "%EF%BC%91",
        "%D9%A1",
        "9223372036854775808",
        "99999999999999999999",
        "123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890"
            + "123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890"
            + "123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890"
            + "1234567890"
      })
  void badIdsAre400ProblemJsonOnBothPaths(String id) {
    for (String path : new String[] {"/db/", "/cache/"}) {
      var response = get(path + id);
      assertEquals(400, response.statusCode(), path + id);
      assertProblem(response, 400);
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "1%3BDROP%20TABLE%20customers",
        "1%20OR%201=1",
        "1'",
        "1%27%20OR%20%271%27=%271",
        "1%0D%0Aflush_all",
        "1%0Aget%20customer:v1:1",
        "1%09",
        "%2B%2B1",
        "1%2C2",
        "1:2",
        "%E2%80%8B1"
      })
  void injectionAttemptsInTheIdAre400(String id) {
    for (String path : new String[] {"/db/", "/cache/"}) {
      assertProblem(get(path + id), 400);
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "/db/1;DROP%20TABLE%20customers",
        "/cache/1;x=y",
        "/cache/1;",
        "/cache;v=1/1",
        "/customers/1;x"
      })
  void aPathSegmentWithSemicolonParametersIs400(String path) {
    // RFC 3986 makes ";" start a segment's parameters, which JAX-RS would silently drop: one
    // resource under many spellings. Refused like any other malformed id instead.
    var response =
        path.startsWith("/customers")
            ? Stack.put(Stack.uri(path), "application/json", "{\"value\":\"x\"}")
            : get(path);
    assertEquals(400, response.statusCode(), path);
    assertProblem(response, 400);
    assertTrue(response.body().contains(";parameters"), response.body());
    assertEquals(CUSTOMER_1, get("/db/1").body(), "the table is still there");
  }

  @Test
  void optionsAnswersNoWadlAndOpenApiDescribesTheApi() {
    var options =
        Stack.send(
            java.net.http.HttpRequest.newBuilder(Stack.uri("/cache/1"))
                .method("OPTIONS", java.net.http.HttpRequest.BodyPublishers.noBody())
                .build());
    assertFalse(options.body().contains("wadl"), options.body());
    assertFalse(
        options.headers().firstValue("Content-Type").orElse("").contains("wadl"),
        options.headers().toString());
    assertEquals(404, get("/application.wadl").statusCode());

    var openapi = get("/openapi");
    assertEquals(200, openapi.statusCode());
    String document = openapi.body();
    for (String expected :
        List.of(
            "title: rds-memcached",
            "/cache/{id}:",
            "/db/{id}:",
            "/customers/{id}:",
            "X-Cache",
            "application/problem+json",
            "CustomerUpdate",
            "maxLength: 1024",
            "\"503\":",
            "$ref: \"#/components/schemas/CustomerUpdate\"",
            "$ref: \"#/components/schemas/Problem\"",
            "$ref: \"#/components/parameters/id\"",
            "pattern: \"^\\\\+?[0-9]{1,32}$\"",
            "detail:")) {
      assertTrue(document.contains(expected), expected + " missing from /openapi:\n" + document);
    }
  }

  /**
   * Payara's generator reads the reads' {@code @Suspended AsyncResponse} as a request body; {@link
   * rdsmemcached.GetWithoutRequestBody} takes it off, and the PUT keeps its own.
   */
  @Test
  void openApiGivesNoGetARequestBody() {
    var openapi =
        Stack.send(
            java.net.http.HttpRequest.newBuilder(Stack.uri("/openapi"))
                .header("Accept", "application/json")
                .build());
    assertEquals(200, openapi.statusCode());
    JsonObject paths;
    try (var reader = Json.createReader(new StringReader(openapi.body()))) {
      paths = reader.readObject().getJsonObject("paths");
    }
    for (String path : List.of("/db/{id}", "/cache/{id}")) {
      JsonObject get = paths.getJsonObject(path).getJsonObject("get");
      assertFalse(get.containsKey("requestBody"), "GET " + path + ": " + get);
    }
    assertTrue(
        paths.getJsonObject("/customers/{id}").getJsonObject("put").containsKey("requestBody"),
        "the PUT lost its body: " + paths);
  }

  @Test
  void aHugePathIsAClientError() {
    int status = get("/cache/" + "9".repeat(20_000)).statusCode();
    assertTrue(status >= 400 && status < 500, "status " + status);
  }

  @Test
  void aNulByteIsRefusedByTheHttpServerItself() {
    // Grizzly answers 400 with no body before the application sees the request.
    assertEquals(400, get("/cache/1%00").statusCode());
  }

  @Test
  void largestIdIsValidAndMissing() {
    var response = get("/cache/9223372036854775807");
    assertEquals(404, response.statusCode());
    assertProblem(response, 404);
  }

  @Test
  void missingRowIs404AndIsRememberedSoTheQueryRunsOnce() {
    long id = 987654;
    long before = slowQueries(id);
    var first = get("/cache/" + id);
    assertEquals(404, first.statusCode());
    assertProblem(first, 404);
    assertEquals("MISS", xCache(first));
    var second = get("/cache/" + id);
    assertEquals(404, second.statusCode());
    assertEquals("HIT", xCache(second));
    assertEquals(before + 1, slowQueries(id), "the negative entry saved the second query");

    var direct = get("/db/" + id);
    assertEquals(404, direct.statusCode());
    assertProblem(direct, 404);
  }

  @Test
  void unknownPathsAndMethodsAreProblemsToo() {
    assertProblem(get("/nothing-here"), 404);
    var post =
        Stack.send(
            java.net.http.HttpRequest.newBuilder(Stack.uri("/db/1"))
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{}"))
                .build());
    assertEquals(405, post.statusCode());
    assertProblem(post, 405);
  }

  @Test
  void readinessReportsTheDatabaseAndEachCacheNodeAndMetricsToo() {
    var ready = get("/health/ready");
    assertEquals(200, ready.statusCode(), ready.body());
    assertTrue(ready.body().contains("\"reachable\":\"true\""), ready.body());
    for (String port : Stack.env("CACHE_PORTS").split(" ")) {
      assertTrue(ready.body().contains("\"127.0.0.1:" + port + "\":\"connected\""), ready.body());
    }
    assertEquals(200, get("/health/live").statusCode());
    assertEquals(1.0, Stack.gauge("database_reachable"));
    assertEquals(0.0, Stack.gauge("memcached_nodes_down"));
  }

  static void assertProblem(HttpResponse<String> response, int status) {
    assertEquals(status, response.statusCode(), response.body());
    assertEquals(
        "application/problem+json", response.headers().firstValue("Content-Type").orElse(""));
    assertTrue(response.body().contains("\"status\":" + status), response.body());
    assertNoInternals(response.body());
  }

  static void assertNoInternals(String body) {
    for (String leak : new String[] {"Exception", "SELECT", "jdbc", "\tat ", "mysql"}) {
      assertFalse(body.contains(leak), "body shows " + leak + ": " + body);
    }
  }
}
