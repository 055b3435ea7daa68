package rdsmemcached.problems.boundary;

import jakarta.ws.rs.core.Response;

/** A failure the client should see, with a status and a detail text safe to show. */
public class ProblemException extends RuntimeException {

  private final Response.StatusType status;

  public ProblemException(Response.StatusType status, String detail) {
    super(detail, null, false, false);
    this.status = status;
  }

  public Response.StatusType status() {
    return status;
  }
}
