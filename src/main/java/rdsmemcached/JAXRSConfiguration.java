package rdsmemcached;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Components;
import org.eclipse.microprofile.openapi.annotations.OpenAPIDefinition;
import org.eclipse.microprofile.openapi.annotations.enums.ParameterIn;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.info.Info;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import rdsmemcached.problems.boundary.Problem;

/**
 * The application answers at the server root, like the original (ALB health checks hit "/"). Its
 * API is described at {@code /openapi} (MicroProfile OpenAPI, from the resources' annotations).
 */
@ApplicationPath("")
@OpenAPIDefinition(
    info =
        @Info(
            title = "rds-memcached",
            version = "1.0",
            description =
                "A slow MySQL query made fast with memcached (cache-aside). Every error is"
                    + " application/problem+json (RFC 9457)."),
    components =
        @Components(
            parameters =
                @Parameter(
                    name = JAXRSConfiguration.CUSTOMER_ID,
                    in = ParameterIn.PATH,
                    required = true,
                    description =
                        "a positive 64-bit integer in ASCII digits; a leading + and leading zeros"
                            + " name the same id",
                    example = "1",
                    schema = @Schema(type = SchemaType.STRING, pattern = "^\\+?[0-9]{1,32}$")),
            responses = {
              @APIResponse(
                  name = JAXRSConfiguration.BAD_ID,
                  responseCode = "400",
                  description =
                      "the id is not a positive 64-bit integer in ASCII digits, or a path segment"
                          + " carries ;parameters",
                  content =
                      @Content(
                          mediaType = Problem.MEDIA_TYPE,
                          schema = @Schema(ref = JAXRSConfiguration.PROBLEM))),
              @APIResponse(
                  name = JAXRSConfiguration.NOT_FOUND,
                  responseCode = "404",
                  description = "no customer with this id (remembered by the cache for a while)",
                  content =
                      @Content(
                          mediaType = Problem.MEDIA_TYPE,
                          schema = @Schema(ref = JAXRSConfiguration.PROBLEM))),
              @APIResponse(
                  name = JAXRSConfiguration.UNAVAILABLE,
                  responseCode = "503",
                  description =
                      "the database cannot answer and the cache holds nothing for this id, or the"
                          + " instance is shutting down; see Retry-After where given",
                  content =
                      @Content(
                          mediaType = Problem.MEDIA_TYPE,
                          schema = @Schema(ref = JAXRSConfiguration.PROBLEM)))
            }))
public class JAXRSConfiguration extends Application {

  /** Names of the shared responses, referred to by the resources' {@code @APIResponse(ref)}. */
  public static final String BAD_ID = "BadId";

  /**
   * The path's customer id, described once for every operation that takes one. Payara uses the name
   * as the component's key too, and a path parameter's name must be its template's: "id".
   */
  public static final String CUSTOMER_ID = "id";

  public static final String PROBLEM = "Problem";

  public static final String NOT_FOUND = "NotFound";
  public static final String UNAVAILABLE = "Unavailable";

  /**
   * Jersey answers {@code OPTIONS} and {@code /application.wadl} with a WADL of every resource by
   * default: a second, unasked-for API description; {@code /openapi} is the one we keep.
   */
  @Override
  public Map<String, Object> getProperties() {
    return Map.of("jersey.config.server.wadl.disableWadl", true);
  }
}
