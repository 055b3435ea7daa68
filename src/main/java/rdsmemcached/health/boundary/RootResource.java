package rdsmemcached.health.boundary;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** The original's load-balancer path: plain OK, no dependency checked (see /health/ready). */
@Path("")
public class RootResource {

  @GET
  @Produces(MediaType.TEXT_PLAIN)
  public String ok() {
    return "OK";
  }
}
