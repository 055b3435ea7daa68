package rdsmemcached.customers.boundary;

import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.container.AsyncResponse;
import jakarta.ws.rs.container.Suspended;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.InputStream;
import java.util.concurrent.Callable;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.headers.Header;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import rdsmemcached.JAXRSConfiguration;
import rdsmemcached.caching.control.FastLaneHandOff;
import rdsmemcached.customers.control.CustomerStore;
import rdsmemcached.customers.entity.Customer;
import rdsmemcached.customers.entity.CustomerUpdate;
import rdsmemcached.loads.control.SlowLane;
import rdsmemcached.problems.boundary.Problem;
import rdsmemcached.problems.boundary.ProblemException;

/**
 * The original's two paths — the slow query every time, and the same through the cache — plus the
 * write and eviction that make a cache go stale in real life. The two reads run on the {@link
 * SlowLane}: an HTTP thread never waits for the database. A read of a plain id is answered before
 * JAX-RS, by {@link CacheHitFilter} (a hit) or {@link SlowReadFilter} (the rest), with the same
 * answers; here come the other spellings of the path (a malformed id: 400), and the API is
 * described from here.
 */
@Path("")
@Produces(MediaType.APPLICATION_JSON)
public class CustomersResource {

  static final String X_CACHE =
      "what the cache did: HIT (from memcached), MISS (loaded from the database and cached),"
          + " BYPASS (memcached unusable, served from the database)";

  @Inject CustomerStore store;
  @Inject SlowLane slowLane;
  @Inject FastLaneHandOff handOff;

  @GET
  @Path("db/{id}")
  @Operation(summary = "The slow query, every time (the original's /db/{id})")
  @APIResponse(
      responseCode = "200",
      description = "the row and what the query's SLEEP returned",
      content = @Content(schema = @Schema(implementation = Customer.class)))
  @APIResponse(responseCode = "400", ref = JAXRSConfiguration.BAD_ID)
  @APIResponse(responseCode = "404", ref = JAXRSConfiguration.NOT_FOUND)
  @APIResponse(responseCode = "503", ref = JAXRSConfiguration.UNAVAILABLE)
  public void fromDatabase(
      @Parameter(ref = JAXRSConfiguration.CUSTOMER_ID) @PathParam("id") String id,
      @Suspended AsyncResponse response) {
    slowLane.submit(response, dbRead(store, CustomerIds.parse(id)));
  }

  /**
   * Reached only for an id {@link SlowReadFilter} does not take; what the fast lane ({@link
   * CacheHitFilter}) read of memcached goes along to the slow lane. The {@code X-Cache} header is
   * added by {@link CacheStatusHeader}.
   */
  @GET
  @Path("cache/{id}")
  @Operation(
      summary = "The same answer through memcached (cache-aside, the original's /cache/{id})")
  @APIResponse(
      responseCode = "200",
      description = "the row, from memcached or loaded once and cached",
      headers = @Header(name = CacheStatusHeader.NAME, description = X_CACHE),
      content = @Content(schema = @Schema(implementation = Customer.class)))
  @APIResponse(responseCode = "400", ref = JAXRSConfiguration.BAD_ID)
  @APIResponse(
      responseCode = "404",
      ref = JAXRSConfiguration.NOT_FOUND,
      headers = @Header(name = CacheStatusHeader.NAME, description = X_CACHE))
  @APIResponse(responseCode = "503", ref = JAXRSConfiguration.UNAVAILABLE)
  public void fromCache(
      @Parameter(ref = JAXRSConfiguration.CUSTOMER_ID) @PathParam("id") String id,
      @Suspended AsyncResponse response) {
    long customerId = CustomerIds.parse(id);
    FastLaneHandOff.Parcel read = handOff.handOver();
    slowLane.submit(response, read.cached(), cacheRead(store, handOff, read, customerId));
  }

  @PUT
  @Path("customers/{id}")
  @Consumes(MediaType.APPLICATION_JSON)
  @Operation(summary = "Change a customer's value; once it returns, no instance serves the old one")
  @APIResponse(responseCode = "204", description = "changed, and the cached entry evicted")
  @APIResponse(responseCode = "400", ref = JAXRSConfiguration.BAD_ID)
  @APIResponse(responseCode = "404", ref = JAXRSConfiguration.NOT_FOUND)
  @APIResponse(
      responseCode = "413",
      description = "the body is over 8192 bytes",
      content =
          @Content(
              mediaType = Problem.MEDIA_TYPE,
              schema = @Schema(ref = JAXRSConfiguration.PROBLEM)))
  @APIResponse(
      responseCode = "415",
      description = "the body is not application/json",
      content =
          @Content(
              mediaType = Problem.MEDIA_TYPE,
              schema = @Schema(ref = JAXRSConfiguration.PROBLEM)))
  @APIResponse(responseCode = "503", ref = JAXRSConfiguration.UNAVAILABLE)
  public Response update(
      @Parameter(ref = JAXRSConfiguration.CUSTOMER_ID) @PathParam("id") String id,
      @RequestBody(
              required = true,
              content =
                  @Content(
                      mediaType = MediaType.APPLICATION_JSON,
                      schema = @Schema(ref = CustomerUpdate.SCHEMA)))
          InputStream body) {
    long customerId = CustomerIds.parse(id);
    String value = CustomerUpdates.value(body);
    if (!store.update(customerId, value)) {
      throw notFound(customerId);
    }
    return Response.noContent().build();
  }

  @DELETE
  @Path("cache/{id}")
  @Operation(summary = "Evict the cached entry; the next read loads it from the database")
  @APIResponse(responseCode = "204", description = "evicted (or there was none)")
  @APIResponse(responseCode = "400", ref = JAXRSConfiguration.BAD_ID)
  @APIResponse(responseCode = "503", ref = JAXRSConfiguration.UNAVAILABLE)
  public Response evict(
      @Parameter(ref = JAXRSConfiguration.CUSTOMER_ID) @PathParam("id") String id) {
    store.evict(CustomerIds.parse(id));
    return Response.noContent().build();
  }

  /** {@code /db/{id}}'s work on the slow lane (here and in {@link SlowReadFilter}). */
  static Callable<Customer> dbRead(CustomerStore store, long id) {
    return () -> store.find(id).orElseThrow(() -> notFound(id));
  }

  /**
   * {@code /cache/{id}}'s work on the slow lane, continuing from what the fast lane read (here and
   * in {@link SlowReadFilter}).
   */
  static Callable<Customer> cacheRead(
      CustomerStore store, FastLaneHandOff handOff, FastLaneHandOff.Parcel read, long id) {
    return () -> {
      handOff.receive(read);
      return store.findCached(id).orElseThrow(() -> notFound(id));
    };
  }

  static ProblemException notFound(long id) {
    return new ProblemException(Response.Status.NOT_FOUND, "no customer with id " + id);
  }
}
