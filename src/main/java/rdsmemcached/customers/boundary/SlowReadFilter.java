package rdsmemcached.customers.boundary;

import jakarta.enterprise.context.ContextNotActiveException;
import jakarta.inject.Inject;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.ws.rs.core.MediaType;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import rdsmemcached.caching.boundary.CacheOutcome;
import rdsmemcached.caching.boundary.CacheStatus;
import rdsmemcached.caching.control.FastLaneHandOff;
import rdsmemcached.customers.control.CustomerStore;
import rdsmemcached.customers.control.StoreUnavailableException;
import rdsmemcached.loads.control.SlowLane;
import rdsmemcached.problems.boundary.Problem;
import rdsmemcached.problems.boundary.ProblemMapper;

/**
 * The slow path of the two reads, {@code GET /db/{id}} and a {@code GET /cache/{id}} the hot path
 * ({@link CacheHitFilter}, mapped before this one) could not answer: the HTTP thread starts the
 * servlet's asynchronous mode, hands the request to the {@link SlowLane} and returns; the lane's
 * thread runs the read and writes the answer itself. The same store calls, problems (those of the
 * resource's own exception mappers) and {@code X-Cache} header as {@link CustomersResource}, which
 * still answers every other spelling of these paths (a bad id: 400) and documents them.
 *
 * <p>Why not through JAX-RS, as before: profiled in the default task (0.5 vCPU), a slow request
 * cost the CPU of about 10 hits, and Jersey's dispatch, resume and response writing were about a
 * third of it — CPU the hits beside a storm of misses did not get. This way (and with the store no
 * longer an EJB) a miss costs about 6 hits and a {@code /db} request 5 (docs/benchmarks.md, #17).
 */
public class SlowReadFilter extends HttpFilter {

  private static final long serialVersionUID = 1L;
  static final String DB_PATH = "/db/";
  static final System.Logger LOG = System.getLogger(SlowReadFilter.class.getName());

  @Inject transient CustomerStore store;
  @Inject transient SlowLane slowLane;
  @Inject transient FastLaneHandOff handOff;
  @Inject transient CacheStatus status;

  private transient Jsonb json;
  private transient byte[] unexpected;

  @Override
  public void init() {
    json = JsonbBuilder.create(); // thread-safe; as Jersey's JSON-B provider writes
    unexpected = json.toJson(ProblemMapper.UNEXPECTED).getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public void destroy() {
    try {
      json.close();
    } catch (Exception e) {
      LOG.log(Level.DEBUG, "closing JSON-B: {0}", e.toString());
    }
  }

  @Override
  protected void doFilter(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws IOException, ServletException {
    Long cacheId = null;
    Long dbId = null;
    if ("GET".equals(request.getMethod())) {
      cacheId = CacheHitFilter.plainId(request, CacheHitFilter.PATH);
      dbId = cacheId == null ? CacheHitFilter.plainId(request, DB_PATH) : null;
    }
    if (cacheId == null && dbId == null) {
      chain.doFilter(request, response);
      return;
    }
    AsyncContext async = request.startAsync();
    async.setTimeout(0); // bounded by the lane: LOAD_WAIT_MS, the query's timeout, the lease's
    var answer = new Answer(async, response);
    if (cacheId != null) {
      FastLaneHandOff.Parcel read = handOff.handOver();
      slowLane.submit(
          answer, read.cached(), CustomersResource.cacheRead(store, handOff, read, cacheId));
    } else {
      slowLane.submit(answer, false, CustomersResource.dbRead(store, dbId));
    }
  }

  /** Writes the lane's answer as {@link CustomersResource} and its providers would, once. */
  final class Answer implements SlowLane.Answer {
    private final AsyncContext async;
    private final HttpServletResponse response;

    Answer(AsyncContext async, HttpServletResponse response) {
      this.async = async;
      this.response = response;
    }

    @Override
    public void resume(Object result) {
      write(HttpServletResponse.SC_OK, MediaType.APPLICATION_JSON, result, null);
    }

    @Override
    public void resume(Throwable failure) {
      Problem problem =
          failure instanceof StoreUnavailableException
              ? StoreUnavailableMapper.PROBLEM
              : ProblemMapper.problemOf(failure); // logs what is unexpected
      int retryAfter = ProblemMapper.retryAfterSeconds(failure);
      write(
          problem.status(),
          Problem.MEDIA_TYPE,
          problem,
          retryAfter > 0 ? Integer.toString(retryAfter) : null);
    }

    private void write(int code, String type, Object entity, String retryAfter) {
      try {
        byte[] body;
        try {
          body = json.toJson(entity).getBytes(StandardCharsets.UTF_8);
        } catch (RuntimeException unwritable) {
          LOG.log(Level.ERROR, "cannot write the answer as JSON", unwritable);
          code = HttpServletResponse.SC_INTERNAL_SERVER_ERROR;
          type = Problem.MEDIA_TYPE;
          body = unexpected;
          retryAfter = null;
        }
        response.setStatus(code);
        response.setContentType(type);
        CacheOutcome outcome = outcome();
        if (outcome != null) {
          response.setHeader(CacheStatusHeader.NAME, outcome.name());
        }
        if (retryAfter != null) {
          response.setHeader(ProblemMapper.RETRY_AFTER, retryAfter);
        }
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
      } catch (IOException | RuntimeException gone) {
        LOG.log(Level.DEBUG, "answer not written (client gone?): {0}", gone.toString());
      } finally {
        async.complete();
      }
    }

    /** What the cache did, when this runs in the request's context (not so if shed at once). */
    private CacheOutcome outcome() {
      try {
        return status.outcome();
      } catch (ContextNotActiveException none) {
        return null;
      }
    }
  }
}
