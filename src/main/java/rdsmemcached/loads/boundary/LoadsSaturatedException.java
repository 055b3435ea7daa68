package rdsmemcached.loads.boundary;

import jakarta.ws.rs.core.Response;
import rdsmemcached.problems.boundary.ProblemException;

/** A load found no free slot in time: shed, so that the client retries rather than queues. */
public class LoadsSaturatedException extends ProblemException {

  /** Seconds a shed client is asked to wait: a slot frees as soon as one query ends. */
  public static final int RETRY_AFTER_SECONDS = 1;

  public LoadsSaturatedException() {
    super(
        Response.Status.SERVICE_UNAVAILABLE,
        "too many requests are waiting for the database; retry shortly",
        RETRY_AFTER_SECONDS);
  }
}
