package org.weverywhere.daemon.endpoint;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

/**
 * Roots the daemon's REST resources at {@code /weverywhere} ({@code /health} is MicroProfile's).
 */
@ApplicationPath("/weverywhere")
public class BulkApplication extends Application {}
