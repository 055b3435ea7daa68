package rdsmemcached.monitoring.boundary;

import jakarta.inject.Inject;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import rdsmemcached.lifecycle.boundary.WhenDone;
import rdsmemcached.monitoring.control.RouteLatencies;
import rdsmemcached.monitoring.control.RouteLatencies.Route;

/**
 * Times {@code GET /db/*} and {@code GET /cache/*} from the first filter after the in-flight count
 * to the last byte handed to the container, hits answered by the hot-path filter included (mapped
 * before it in web.xml) and requests answered later by the slow lane (until their answer is
 * complete). Two clock reads and a counter per request.
 */
public class RouteLatencyFilter extends HttpFilter {

  @Inject RouteLatencies latencies;

  @Override
  protected void doFilter(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws IOException, ServletException {
    if (!"GET".equals(request.getMethod())) {
      chain.doFilter(request, response);
      return;
    }
    // mapped to /db/* and /cache/* only (web.xml)
    String path = request.getRequestURI().substring(request.getContextPath().length());
    Route route = path.startsWith("/db/") ? Route.DB : Route.CACHE;
    long started = System.nanoTime();
    Runnable record = () -> latencies.record(route, System.nanoTime() - started);
    boolean async = false;
    try {
      chain.doFilter(request, response);
      async = request.isAsyncStarted();
      if (async) {
        request.getAsyncContext().addListener(new WhenDone(record)); // answered by the slow lane
      }
    } finally {
      if (!async) {
        record.run();
      }
    }
  }
}
