package rdsmemcached;

import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.PathItem;

/**
 * Takes the request body off every {@code GET} of {@code /openapi} (named by {@code
 * mp.openapi.filter}). Payara 6's generator reads a resource method's parameter without a JAX-RS
 * parameter annotation it knows as the body, {@code @Suspended AsyncResponse} included, and
 * {@code @Parameter(hidden = true)} does not stop it; a GET carries no body.
 */
public class GetWithoutRequestBody implements OASFilter {

  @Override
  public PathItem filterPathItem(PathItem path) {
    if (path.getGET() != null) {
      path.getGET().setRequestBody(null);
    }
    return path;
  }
}
