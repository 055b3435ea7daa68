package rdsmemcached.problems.boundary;

import jakarta.json.bind.annotation.JsonbPropertyOrder;
import jakarta.ws.rs.core.Response;

/** An RFC 9457 problem detail. The detail is always our own text, never an exception message. */
@JsonbPropertyOrder({"type", "title", "status", "detail"})
public record Problem(String type, String title, int status, String detail) {

  public static final String MEDIA_TYPE = "application/problem+json";

  public static Problem of(Response.StatusType status, String detail) {
    return new Problem("about:blank", status.getReasonPhrase(), status.getStatusCode(), detail);
  }

  public static Response response(Response.StatusType status, String detail) {
    return Response.status(status).type(MEDIA_TYPE).entity(of(status, detail)).build();
  }
}
