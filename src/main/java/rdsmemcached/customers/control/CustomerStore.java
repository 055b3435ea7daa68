package rdsmemcached.customers.control;

import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.lang.System.Logger.Level;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import javax.sql.DataSource;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import rdsmemcached.caching.boundary.CacheAside;
import rdsmemcached.caching.boundary.CacheInvalidate;
import rdsmemcached.caching.boundary.CacheKey;
import rdsmemcached.customers.entity.Customer;
import rdsmemcached.loads.boundary.LoadSlot;

/**
 * The customers table, read through the deliberately slow query. Knows SQL; what is cached is
 * declared with annotations and done by the caching interceptors.
 *
 * <p>A CDI bean, not an EJB: the reads need no transaction, and the EJB container's call path
 * (proxies, security check, its interceptor chain) was 7 % of a slow request's CPU in the profile
 * of issue #17. The write's transaction comes from {@code @Transactional}.
 */
@ApplicationScoped
public class CustomerStore {

  static final String SLOW_QUERY = "SELECT id, value, SLEEP(?) FROM customers WHERE id = ?";
  static final String UPDATE = "UPDATE customers SET value = ? WHERE id = ?";
  static final System.Logger LOG = System.getLogger(CustomerStore.class.getName());

  /** Created by Payara Micro from server-config/post-boot-commands.asadmin. */
  @Resource(lookup = "jdbc/customers")
  DataSource dataSource;

  /** Seconds the query sleeps ({@code SLOW_QUERY_SECONDS}); decimals allowed. */
  @Inject
  @ConfigProperty(name = "SLOW_QUERY_SECONDS")
  BigDecimal slowQuerySeconds;

  /** Seconds the database may take beyond the sleep before the query is cancelled. */
  @Inject
  @ConfigProperty(name = "DB_QUERY_TIMEOUT_MARGIN_SECONDS")
  int queryTimeoutMarginSeconds;

  @LoadSlot
  public Optional<Customer> find(long id) {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement query = connection.prepareStatement(SLOW_QUERY)) {
      query.setBigDecimal(1, slowQuerySeconds);
      query.setLong(2, id);
      query.setQueryTimeout(slowQuerySeconds.intValue() + 1 + queryTimeoutMarginSeconds);
      try (ResultSet row = query.executeQuery()) {
        if (!row.next()) {
          return Optional.empty();
        }
        return Optional.of(new Customer(row.getLong(1), row.getString(2), row.getLong(3)));
      }
    } catch (SQLException e) {
      LOG.log(Level.WARNING, "customers query failed for id {0}: {1}", id, e.toString());
      throw new StoreUnavailableException("database unavailable", e);
    }
  }

  /** Its load slot is taken inside the cache-aside: only when it really loads. */
  @CacheAside(namespace = "customer")
  @LoadSlot
  public Optional<Customer> findCached(long id) {
    return find(id);
  }

  /** Changes the value; false when there is no such row. The cached entry goes after commit. */
  @Transactional
  @CacheInvalidate(namespace = "customer")
  public boolean update(@CacheKey long id, String value) {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement update = connection.prepareStatement(UPDATE)) {
      update.setString(1, value);
      update.setLong(2, id);
      update.setQueryTimeout(queryTimeoutMarginSeconds);
      return update.executeUpdate() > 0;
    } catch (SQLException e) {
      LOG.log(Level.WARNING, "customers update failed for id {0}: {1}", id, e.toString());
      throw new StoreUnavailableException("database unavailable", e);
    }
  }

  /** Drops the cached entry; the row is untouched. */
  @CacheInvalidate(namespace = "customer")
  public void evict(long id) {}
}
