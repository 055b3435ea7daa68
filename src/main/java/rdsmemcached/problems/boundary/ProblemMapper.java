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

  static final String RETRY_AFTER = "Retry-After";
  static final System.Logger LOG = System.getLogger(ProblemMapper.class.getName());

  @Override
  public Response toResponse(Throwable failure) {
    if (failure instanceof ProblemException problem) {
      var answer =
          Response.status(problem.status())
              .type(Problem.MEDIA_TYPE)
              .entity(Problem.of(problem.status(), problem.getMessage()));
      if (problem.retryAfterSeconds() > 0) {
        answer.header(RETRY_AFTER, problem.retryAfterSeconds());
      }
      return answer.build();
    }
    if (failure instanceof WebApplicationException web) {
      Response.StatusType status = web.getResponse().getStatusInfo();
      if (status.getFamily() == Response.Status.Family.CLIENT_ERROR) {
        return Problem.response(status, status.getReasonPhrase());
      }
    }
    LOG.log(Level.ERROR, "unexpected failure", failure);
    return Problem.response(
        Response.Status.INTERNAL_SERVER_ERROR, "unexpected error; see the server log");
  }
}
