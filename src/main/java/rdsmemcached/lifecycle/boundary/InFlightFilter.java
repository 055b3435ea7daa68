package rdsmemcached.lifecycle.boundary;

import jakarta.inject.Inject;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import rdsmemcached.JAXRSConfiguration;
import rdsmemcached.lifecycle.control.InFlightRequests;
import rdsmemcached.problems.boundary.Problem;

/**
 * Counts every request the application serves, so that SIGTERM can wait for them, and refuses new
 * ones while draining: 503 problem+json, {@code Connection: close}, {@code Retry-After}. Mapped
 * first in web.xml, so a refused request costs nothing further down. An asynchronous request (the
 * slow lane's) is counted out when its answer is complete.
 */
public class InFlightFilter extends HttpFilter {

  /**
   * The servlet Jakarta REST registers for the application: every request of ours. Payara's {@code
   * /health}, {@code /metrics} and {@code /openapi} servlets live in the same root context and pass
   * untouched: while draining, liveness stays UP and readiness says DOWN itself.
   */
  static final String APPLICATION_SERVLET = JAXRSConfiguration.class.getName();

  static final String RETRY_AFTER_SECONDS = "1";

  @Inject InFlightRequests inFlight;

  private byte[] refusal;

  @Override
  public void init() throws ServletException {
    var problem =
        Problem.of(
            Response.Status.SERVICE_UNAVAILABLE,
            "this instance is shutting down; retry, another one will answer");
    try (Jsonb jsonb = JsonbBuilder.create()) {
      refusal = jsonb.toJson(problem).getBytes(StandardCharsets.UTF_8);
    } catch (Exception e) {
      throw new ServletException("cannot render the shutdown problem", e);
    }
  }

  @Override
  protected void doFilter(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws IOException, ServletException {
    if (!APPLICATION_SERVLET.equals(request.getHttpServletMapping().getServletName())) {
      chain.doFilter(request, response);
      return;
    }
    if (!inFlight.enter()) {
      refuse(response);
      return;
    }
    boolean async = false;
    try {
      chain.doFilter(request, response);
      async = request.isAsyncStarted();
      if (async) {
        // the slow lane answers later: counted out when it has
        request.getAsyncContext().addListener(new WhenDone(inFlight::exit));
      } else if (inFlight.draining()) {
        response.flushBuffer(); // on the wire before the count lets the JVM exit
      }
    } finally {
      if (!async) {
        inFlight.exit();
      }
    }
  }

  private void refuse(HttpServletResponse response) throws IOException {
    response.setStatus(HttpServletResponse.SC_SERVICE_UNAVAILABLE);
    response.setContentType(Problem.MEDIA_TYPE);
    response.setHeader("Connection", "close");
    response.setHeader("Retry-After", RETRY_AFTER_SECONDS);
    response.setContentLength(refusal.length);
    response.getOutputStream().write(refusal);
  }
}
