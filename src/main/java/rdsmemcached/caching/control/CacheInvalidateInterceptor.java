package rdsmemcached.caching.control;

import jakarta.annotation.Priority;
import jakarta.annotation.Resource;
import jakarta.inject.Inject;
import jakarta.interceptor.AroundInvoke;
import jakarta.interceptor.Interceptor;
import jakarta.interceptor.InvocationContext;
import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionSynchronizationRegistry;
import rdsmemcached.caching.boundary.CacheInvalidate;

/**
 * Deletes the entry after the method succeeded, and after the commit when a transaction is active:
 * deleting earlier would let a reader reload the old row before the write is visible.
 */
@CacheInvalidate
@Interceptor
@Priority(Interceptor.Priority.APPLICATION)
public class CacheInvalidateInterceptor {

  @Inject CacheEntries entries;
  @Inject CacheMetrics metrics;
  @Inject CachedMethods methods;
  @Inject LoadFlights flights;

  @Resource TransactionSynchronizationRegistry transactions;

  @AroundInvoke
  public Object invalidate(InvocationContext call) throws Exception {
    CachedMethod method = methods.describe(call.getMethod());
    String key = method.key(call.getParameters());
    Object result = call.proceed();
    if (transactions.getTransactionStatus() == Status.STATUS_ACTIVE) {
      transactions.registerInterposedSynchronization(
          new Synchronization() {
            @Override
            public void beforeCompletion() {}

            @Override
            public void afterCompletion(int status) {
              if (status == Status.STATUS_COMMITTED) {
                delete(key, method);
              }
            }
          });
    } else {
      delete(key, method);
    }
    return result;
  }

  private void delete(String key, CachedMethod method) {
    flights.forgetBoth(key);
    entries.invalidate(key);
    metrics.of(method.namespace()).invalidations().inc();
  }
}
