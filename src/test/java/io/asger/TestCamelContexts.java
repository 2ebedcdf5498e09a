package io.asger;

import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.spi.CliConnectorFactory;

/** CamelContexts for tests that build routes in a context of their own (not through Camel Main). */
public final class TestCamelContexts {

    private TestCamelContexts() {
    }

    /**
     * A DefaultCamelContext without Camel's CLI connector. camel-cli-connector is on the classpath (for {@code camel
     * ps}), so every context starts one while it is still creating its routes, and the connector's first status
     * call binds a {@code metricsRegistry} into the context's registry (MicrometerConsole, when none is bound) on its
     * own thread while route creation looks through that registry on the test's: a ConcurrentModificationException
     * now and then. (The application binds its meter registry before the context starts, so it has no such race; a
     * test needs no {@code camel ps} and no status files in ~/.camel.)
     */
    public static DefaultCamelContext withoutCliConnector() {
        DefaultCamelContext context = new DefaultCamelContext();
        CliConnectorFactory cli = context.getCamelContextExtension().getContextPlugin(CliConnectorFactory.class);
        if (cli != null) {
            cli.setEnabled(false);
        }
        return context;
    }
}
