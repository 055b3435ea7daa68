package rdsmemcached.customers.boundary;

import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import rdsmemcached.customers.control.StoreUnavailableException;
import rdsmemcached.problems.boundary.Problem;

/** The database is down or too slow: 503, so clients and load balancers retry elsewhere. */
@Provider
public class StoreUnavailableMapper implements ExceptionMapper<StoreUnavailableException> {

  static final Problem PROBLEM =
      Problem.of(
          Response.Status.SERVICE_UNAVAILABLE, "the database is unavailable; try again later");

  @Override
  public Response toResponse(StoreUnavailableException unavailable) {
    return Problem.response(Response.Status.SERVICE_UNAVAILABLE, PROBLEM.detail());
  }
}
