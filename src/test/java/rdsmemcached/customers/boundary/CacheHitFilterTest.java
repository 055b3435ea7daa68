package rdsmemcached.customers.boundary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import jakarta.servlet.http.HttpServletRequest;
import java.lang.reflect.Proxy;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The hot path's reading of the raw path: it answers only {@code /cache/{id}} exactly, and leaves
 * every other spelling to the resource, which answers it (400 for a bad id) as it always did.
 */
class CacheHitFilterTest {

  static HttpServletRequest request(String contextPath, String uri) {
    return (HttpServletRequest)
        Proxy.newProxyInstance(
            HttpServletRequest.class.getClassLoader(),
            new Class<?>[] {HttpServletRequest.class},
            (proxy, method, arguments) ->
                switch (method.getName()) {
                  case "getRequestURI" -> uri;
                  case "getContextPath" -> contextPath;
                  default -> throw new UnsupportedOperationException(method.getName());
                });
  }

  @ParameterizedTest
  @CsvSource({
    "/cache/1, 1",
    "/cache/01, 1",
    "/cache/+7, 7",
    "/cache/9223372036854775807, 9223372036854775807"
  })
  void aPlainIdIsServedOnTheFastLane(String uri, long id) {
    assertEquals(id, CacheHitFilter.plainId(request("", uri)));
  }

  @ParameterizedTest
  @CsvSource({"/app, /app/cache/5, 5", "'', /cache/5, 5"})
  void theContextPathIsSkipped(String context, String uri, long id) {
    assertEquals(id, CacheHitFilter.plainId(request(context, uri)));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "/cache/",
        "/cache/0",
        "/cache/-1",
        "/cache/abc",
        "/cache/1;x=y",
        "/cache/1;",
        "/cache/1/",
        "/cache/1/2",
        "/cache/%31",
        "/cache/1%00",
        "/cache/99999999999999999999",
        "/cache/1.0"
      })
  void everythingElseGoesToTheResource(String uri) {
    assertNull(CacheHitFilter.plainId(request("", uri)), uri);
  }
}
