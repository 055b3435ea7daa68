package rdsmemcached.customers.boundary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import rdsmemcached.caching.boundary.CacheOutcome;
import rdsmemcached.caching.boundary.CacheStatus;
import rdsmemcached.customers.control.StoreUnavailableException;
import rdsmemcached.customers.entity.Customer;
import rdsmemcached.loads.boundary.LoadsSaturatedException;

/**
 * The slow lane's answers written without JAX-RS: the same status, body, {@code X-Cache} and {@code
 * Retry-After} the resource and its exception mappers give, and the asynchronous request completed
 * exactly once on every path, a client gone included.
 */
class SlowReadFilterTest {

  final SlowReadFilter filter = new SlowReadFilter();
  final AtomicInteger completed = new AtomicInteger();
  final Map<String, String> headers = new HashMap<>();
  final ByteArrayOutputStream body = new ByteArrayOutputStream();
  int status;
  String contentType;
  boolean clientGone;

  SlowReadFilterTest() {
    filter.init();
    filter.status = new CacheStatus();
  }

  @AfterEach
  void close() {
    filter.destroy();
  }

  SlowReadFilter.Answer answer() {
    var async =
        (AsyncContext)
            Proxy.newProxyInstance(
                getClass().getClassLoader(),
                new Class<?>[] {AsyncContext.class},
                (proxy, method, arguments) -> {
                  if (method.getName().equals("complete")) {
                    completed.incrementAndGet();
                    return null;
                  }
                  throw new UnsupportedOperationException(method.getName());
                });
    var out =
        new ServletOutputStream() {
          @Override
          public void write(int b) throws IOException {
            if (clientGone) {
              throw new IOException("Broken pipe");
            }
            body.write(b);
          }

          @Override
          public boolean isReady() {
            return true;
          }

          @Override
          public void setWriteListener(WriteListener listener) {}
        };
    var response =
        (HttpServletResponse)
            Proxy.newProxyInstance(
                getClass().getClassLoader(),
                new Class<?>[] {HttpServletResponse.class},
                (proxy, method, arguments) ->
                    switch (method.getName()) {
                      case "setStatus" -> {
                        status = (int) arguments[0];
                        yield null;
                      }
                      case "setContentType" -> {
                        contentType = (String) arguments[0];
                        yield null;
                      }
                      case "setHeader" -> {
                        headers.put((String) arguments[0], (String) arguments[1]);
                        yield null;
                      }
                      case "setContentLength" -> {
                        headers.put("Content-Length", arguments[0].toString());
                        yield null;
                      }
                      case "getOutputStream" -> out;
                      default -> throw new UnsupportedOperationException(method.getName());
                    });
    return filter.new Answer(async, response);
  }

  String body() {
    return body.toString(StandardCharsets.UTF_8);
  }

  @Test
  void aRowIsTheOriginalsJsonWithWhatTheCacheDid() {
    filter.status.record(CacheOutcome.MISS);
    answer().resume((Object) new Customer(1, "a", 0));
    assertEquals(200, status);
    assertEquals("application/json", contentType);
    assertEquals("{\"id\":1,\"value\":\"a\",\"sleepResult\":0}", body());
    assertEquals("MISS", headers.get("X-Cache"));
    assertEquals(Integer.toString(body().length()), headers.get("Content-Length"));
    assertEquals(1, completed.get());
  }

  @Test
  void aShedRequestGets503ProblemWithRetryAfter() {
    answer().resume(new LoadsSaturatedException());
    assertEquals(503, status);
    assertEquals("application/problem+json", contentType);
    assertEquals("1", headers.get("Retry-After"));
    assertEquals(
        "{\"type\":\"about:blank\",\"title\":\"Service Unavailable\",\"status\":503,"
            + "\"detail\":\"too many requests are waiting for the database; retry shortly\"}",
        body());
    assertNull(headers.get("X-Cache"), "no cached call was made");
    assertEquals(1, completed.get());
  }

  @Test
  void aMissingRowIs404ProblemAndSaysWhatTheCacheDid() {
    filter.status.record(CacheOutcome.HIT);
    answer().resume(CustomersResource.notFound(42));
    assertEquals(404, status);
    assertEquals("application/problem+json", contentType);
    assertEquals("HIT", headers.get("X-Cache"));
    assertEquals(
        "{\"type\":\"about:blank\",\"title\":\"Not Found\",\"status\":404,"
            + "\"detail\":\"no customer with id 42\"}",
        body());
    assertEquals(1, completed.get());
  }

  @Test
  void theDatabaseDownIs503WithoutItsInternals() {
    answer()
        .resume(
            new StoreUnavailableException(
                "database unavailable", new SQLException("Communications link failure")));
    assertEquals(503, status);
    assertNull(headers.get("Retry-After"));
    assertEquals(
        "{\"type\":\"about:blank\",\"title\":\"Service Unavailable\",\"status\":503,"
            + "\"detail\":\"the database is unavailable; try again later\"}",
        body());
    assertEquals(1, completed.get());
  }

  @Test
  void anythingElseIs500WithoutItsMessage() {
    answer().resume(new IllegalStateException("secret internals"));
    assertEquals(500, status);
    assertEquals("application/problem+json", contentType);
    assertFalse(body().contains("secret"), body());
    assertFalse(body().contains("Exception"), body());
    assertEquals(1, completed.get());
  }

  @Test
  void aClientThatLeftStillCompletesTheRequestOnce() {
    clientGone = true;
    answer().resume((Object) new Customer(1, "a", 0));
    assertEquals(1, completed.get());
  }
}
