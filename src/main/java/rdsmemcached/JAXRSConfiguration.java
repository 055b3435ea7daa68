package rdsmemcached;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

/** The application answers at the server root, like the original (ALB health checks hit "/"). */
@ApplicationPath("")
public class JAXRSConfiguration extends Application {}
