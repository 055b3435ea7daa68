package rdsmemcached.customers.boundary;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import rdsmemcached.customers.control.CustomerStore;
import rdsmemcached.customers.entity.Customer;
import rdsmemcached.problems.boundary.ProblemException;

/** The original's two paths: the slow query every time, and the same through the cache. */
@Path("")
@Produces(MediaType.APPLICATION_JSON)
public class CustomersResource {

  @Inject CustomerStore store;

  @GET
  @Path("db/{id}")
  public Customer fromDatabase(@PathParam("id") String id) {
    long customerId = CustomerIds.parse(id);
    return store.find(customerId).orElseThrow(() -> notFound(customerId));
  }

  /** The {@code X-Cache} header is added by {@link CacheStatusHeader}. */
  @GET
  @Path("cache/{id}")
  public Customer fromCache(@PathParam("id") String id) {
    long customerId = CustomerIds.parse(id);
    return store.findCached(customerId).orElseThrow(() -> notFound(customerId));
  }

  static ProblemException notFound(long id) {
    return new ProblemException(Response.Status.NOT_FOUND, "no customer with id " + id);
  }
}
