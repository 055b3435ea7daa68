package rdsmemcached.customers.boundary;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.Provider;
import java.lang.System.Logger.Level;
import rdsmemcached.problems.boundary.Problem;

/**
 * Refuses a path segment that carries {@code ;} parameters ({@code /cache/1;x=y}) with the 400 of
 * any malformed id. JAX-RS would read the id as the part before the {@code ;} and ignore the rest:
 * one resource under many spellings, and a way around rules written against the raw path (Spring
 * Security's firewall refuses them for the same reason). The hot-path filter already declines such
 * paths, so they arrive here.
 */
@Provider
@PreMatching
public class PathParameterFilter implements ContainerRequestFilter {

  static final System.Logger LOG = System.getLogger(PathParameterFilter.class.getName());
  static final String RULE = "a path segment must not carry ;parameters";

  @Override
  public void filter(ContainerRequestContext request) {
    String path = request.getUriInfo().getRequestUri().getRawPath();
    if (path != null && path.indexOf(';') >= 0) {
      LOG.log(Level.DEBUG, "refused a path with ;parameters: {0}", path);
      request.abortWith(Problem.response(Response.Status.BAD_REQUEST, RULE));
    }
  }
}
