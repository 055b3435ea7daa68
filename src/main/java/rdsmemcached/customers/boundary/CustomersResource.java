package rdsmemcached.customers.boundary;

import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.InputStream;
import rdsmemcached.customers.control.CustomerStore;
import rdsmemcached.customers.entity.Customer;
import rdsmemcached.problems.boundary.ProblemException;

/**
 * The original's two paths — the slow query every time, and the same through the cache — plus the
 * write and eviction that make a cache go stale in real life.
 */
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

  @PUT
  @Path("customers/{id}")
  @Consumes(MediaType.APPLICATION_JSON)
  public Response update(@PathParam("id") String id, InputStream body) {
    long customerId = CustomerIds.parse(id);
    String value = CustomerUpdates.value(body);
    if (!store.update(customerId, value)) {
      throw notFound(customerId);
    }
    return Response.noContent().build();
  }

  @DELETE
  @Path("cache/{id}")
  public Response evict(@PathParam("id") String id) {
    store.evict(CustomerIds.parse(id));
    return Response.noContent().build();
  }

  static ProblemException notFound(long id) {
    return new ProblemException(Response.Status.NOT_FOUND, "no customer with id " + id);
  }
}
