package rdsmemcached.loads.control;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ContextNotActiveException;
import jakarta.inject.Inject;
import jakarta.interceptor.AroundInvoke;
import jakarta.interceptor.Interceptor;
import jakarta.interceptor.InvocationContext;
import rdsmemcached.loads.boundary.LoadSlot;

/**
 * Holds a load slot around a {@link LoadSlot} method. Its priority puts it inside the cache-aside
 * interceptor ({@code APPLICATION}): only a load that really goes to the database takes a slot.
 */
@LoadSlot
@Interceptor
@Priority(Interceptor.Priority.APPLICATION + 10)
public class LoadSlotInterceptor {

  @Inject LoadSlots slots;
  @Inject LoadDeadline deadline;

  @AroundInvoke
  public Object holdSlot(InvocationContext call) throws Exception {
    return slots.run(deadline(), call::proceed);
  }

  private long deadline() {
    long fromNow = slots.deadline(System.nanoTime());
    try {
      return deadline.orElse(fromNow);
    } catch (ContextNotActiveException noRequest) {
      return fromNow;
    }
  }
}
