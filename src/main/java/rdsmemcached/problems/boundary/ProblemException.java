package rdsmemcached.problems.boundary;

import jakarta.ws.rs.core.Response;

/** A failure the client should see, with a status and a detail text safe to show. */
public class ProblemException extends RuntimeException {

  private final Response.StatusType status;
  private final int retryAfterSeconds;

  public ProblemException(Response.StatusType status, String detail) {
    this(status, detail, 0);
  }

  /** A problem worth retrying: answered with {@code Retry-After} (seconds, when positive). */
  public ProblemException(Response.StatusType status, String detail, int retryAfterSeconds) {
    super(detail, null, false, false);
    this.status = status;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  public Response.StatusType status() {
    return status;
  }

  /** Seconds for {@code Retry-After}; 0 for none. */
  public int retryAfterSeconds() {
    return retryAfterSeconds;
  }
}
