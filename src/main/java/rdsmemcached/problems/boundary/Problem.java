package rdsmemcached.problems.boundary;

import jakarta.json.bind.annotation.JsonbPropertyOrder;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** An RFC 9457 problem detail. The detail is always our own text, never an exception message. */
@JsonbPropertyOrder({"type", "title", "status", "detail"})
@Schema(name = "Problem", description = "RFC 9457 problem details")
public record Problem(
    @Schema(description = "always about:blank: the status says what kind", example = "about:blank")
        String type,
    @Schema(description = "the status's reason phrase", example = "Bad Request") String title,
    @Schema(description = "the HTTP status", example = "400") int status,
    @Schema(
            description = "what was wrong, in our words (never an exception's message)",
            example = "id must be a positive 64-bit integer in ASCII digits")
        String detail) {

  public static final String MEDIA_TYPE = "application/problem+json";

  public static Problem of(Response.StatusType status, String detail) {
    return new Problem("about:blank", status.getReasonPhrase(), status.getStatusCode(), detail);
  }

  public static Response response(Response.StatusType status, String detail) {
    return Response.status(status).type(MEDIA_TYPE).entity(of(status, detail)).build();
  }
}
