package rdsmemcached.problems.boundary;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import java.lang.System.Logger.Level;

/**
 * Every error leaves as problem+json. Client errors keep their status; anything unexpected is
 * logged with its stack trace here and answered with a bare 500.
 */
@Provider
public class ProblemMapper implements ExceptionMapper<Throwable> {

  public static final String RETRY_AFTER = "Retry-After";
  static final System.Logger LOG = System.getLogger(ProblemMapper.class.getName());

  /** What anything unexpected is answered with (its details stay in the log). */
  public static final Problem UNEXPECTED =
      Problem.of(Response.Status.INTERNAL_SERVER_ERROR, "unexpected error; see the server log");

  @Override
  public Response toResponse(Throwable failure) {
    Problem problem = problemOf(failure);
    var answer = Response.status(problem.status()).type(Problem.MEDIA_TYPE).entity(problem);
    int retryAfter = retryAfterSeconds(failure);
    if (retryAfter > 0) {
      answer.header(RETRY_AFTER, retryAfter);
    }
    return answer.build();
  }

  /**
   * The problem to answer {@code failure} with; an unexpected one is logged here with its stack
   * trace. For the answers written without JAX-RS too (the slow lane's reads).
   */
  public static Problem problemOf(Throwable failure) {
    if (failure instanceof ProblemException problem) {
      return Problem.of(problem.status(), problem.getMessage());
    }
    if (failure instanceof WebApplicationException web) {
      Response.StatusType status = web.getResponse().getStatusInfo();
      if (status.getFamily() == Response.Status.Family.CLIENT_ERROR) {
        return Problem.of(status, status.getReasonPhrase());
      }
    }
    LOG.log(Level.ERROR, "unexpected failure", failure);
    return Problem.of(
        Response.Status.INTERNAL_SERVER_ERROR, "unexpected error; see the server log");
  }

  /** Seconds for the answer's {@code Retry-After}; 0 for none. */
  public static int retryAfterSeconds(Throwable failure) {
    return failure instanceof ProblemException problem ? problem.retryAfterSeconds() : 0;
  }
}
