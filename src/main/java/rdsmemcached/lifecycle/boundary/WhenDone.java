package rdsmemcached.lifecycle.boundary;

import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs an action once when an asynchronous request has ended — completed, failed or timed out;
 * whichever the container reports first (it may report an error and then the completion).
 */
public final class WhenDone implements AsyncListener {

  private final Runnable action;
  private final AtomicBoolean done = new AtomicBoolean();

  public WhenDone(Runnable action) {
    this.action = action;
  }

  private void once() {
    if (done.compareAndSet(false, true)) {
      action.run();
    }
  }

  @Override
  public void onComplete(AsyncEvent event) {
    once();
  }

  @Override
  public void onError(AsyncEvent event) {
    once();
  }

  @Override
  public void onTimeout(AsyncEvent event) {
    once();
  }

  @Override
  public void onStartAsync(AsyncEvent event) {
    event.getAsyncContext().addListener(this); // a new async cycle drops the listeners
  }
}
