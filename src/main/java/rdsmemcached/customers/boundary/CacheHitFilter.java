package rdsmemcached.customers.boundary;

import jakarta.inject.Inject;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.ws.rs.core.MediaType;
import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import rdsmemcached.caching.boundary.CacheOutcome;
import rdsmemcached.caching.control.FreshHits;
import rdsmemcached.customers.control.CustomerStore;
import rdsmemcached.problems.boundary.ProblemException;

/**
 * The hot path: {@code GET /cache/{id}} answered from a fresh memcached entry in the servlet
 * filter, before JAX-RS, the EJB container and JSON-B (the entry holds the answer's JSON). Every
 * other case — a miss, a negative entry, an early refresh, memcached failing, an id that is not
 * plain, another method — continues to {@link CustomersResource#fromCache}, which answers exactly
 * as before and does not ask memcached a second time. Mapped in web.xml, after the in-flight filter
 * (graceful shutdown counts hits too).
 */
public class CacheHitFilter extends HttpFilter {

  private static final long serialVersionUID = 1L;
  static final String PATH = "/cache/";
  public static final Method FIND_CACHED = findCached();

  @Inject transient FreshHits hits;

  @Override
  protected void doFilter(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws IOException, ServletException {
    Long id = "GET".equals(request.getMethod()) ? plainId(request) : null;
    String json = id == null ? null : hits.json(FIND_CACHED, id);
    if (json != null) {
      byte[] body = json.getBytes(StandardCharsets.UTF_8);
      response.setContentType(MediaType.APPLICATION_JSON);
      response.setHeader(CacheStatusHeader.NAME, CacheOutcome.HIT.name());
      response.setContentLength(body.length);
      response.getOutputStream().write(body);
      return;
    }
    chain.doFilter(request, response);
  }

  /**
   * The id of {@code /cache/{id}} when the raw path is exactly that and the id valid, else null.
   */
  static Long plainId(HttpServletRequest request) {
    return plainId(request, PATH);
  }

  /** The id of {@code <path>{id}} when the raw path is exactly that and the id valid, else null. */
  static Long plainId(HttpServletRequest request, String path) {
    String uri = request.getRequestURI();
    int start = request.getContextPath().length() + path.length();
    if (uri.length() <= start
        || !uri.startsWith(path, start - path.length())
        || uri.indexOf('/', start) >= 0
        || uri.indexOf(';', start) >= 0) {
      return null;
    }
    try {
      return CustomerIds.parse(uri.substring(start));
    } catch (ProblemException invalid) {
      return null; // the resource answers it with the 400 problem
    }
  }

  private static Method findCached() {
    try {
      return CustomerStore.class.getMethod("findCached", long.class);
    } catch (NoSuchMethodException e) {
      throw new IllegalStateException(e);
    }
  }
}
