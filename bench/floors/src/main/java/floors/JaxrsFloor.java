package floors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Application;
import jakarta.ws.rs.core.MediaType;

/** Floor 2: an {@code @ApplicationScoped} JAX-RS resource, constant bytes. */
@ApplicationScoped
@Path("jaxrs/{id}")
public class JaxrsFloor {

  @ApplicationPath("")
  public static class Config extends Application {}

  @GET
  @Produces(MediaType.APPLICATION_JSON)
  public byte[] constant(@PathParam("id") String id) {
    return Floors.BODY;
  }
}
