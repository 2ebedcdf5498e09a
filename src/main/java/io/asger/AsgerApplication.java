package io.asger;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.Map;

import io.asger.config.AsgerProperties;
import io.asger.config.AsgerSettings;
import io.asger.config.CoreSettings;
import io.asger.config.InvalidSettingException;
import org.apache.camel.main.Main;

/**
 * Builds the Camel Main that runs asger: the same for {@code java -jar asger.jar} and for the tests. The settings
 * are checked here first (every bad one named at once, before Camel starts), and again inside Camel's lifecycle by
 * {@link AsgerConfiguration}, which also registers the core beans.
 */
public final class AsgerApplication {

    private AsgerApplication() {
    }

    /**
     * @param overrides properties that take precedence over every other source (the tests use them)
     */
    public static Main create(Map<String, String> overrides) {
        return create(overrides, List.of());
    }

    /**
     * @param extraRoutes further route resources (Camel resource URIs) to load beside asger.routes-dir
     * @throws io.asger.config.InvalidSettingException naming every bad setting
     */
    public static Main create(Map<String, String> overrides, List<String> extraRoutes) {
        AsgerSettings settings = AsgerSettings.read(AsgerProperties.load(overrides));
        if (settings.core().localMode()) {
            requireFreeLocalPort(settings.core().localPort());
        }
        Main main = new Main();
        main.setDefaultPropertyPlaceholderLocation(AsgerProperties.LOCATIONS);
        // asger.routes-dir is loaded by AsgerConfiguration, inside Camel's lifecycle (io.asger.config.RouteFiles);
        // Camel Main loads only what a caller adds (the tests' own task files).
        if (!extraRoutes.isEmpty()) {
            main.configure().withRoutesIncludePattern(String.join(",", extraRoutes));
        }
        overrides.forEach(main::addOverrideProperty);
        return main;
    }

    /**
     * Checked before Camel starts, so that a second asger on one machine gets the one configuration line, not the
     * embedded queue's own bind errors and traces. (AsgerConfiguration still reports a port taken in between.)
     */
    static void requireFreeLocalPort(int port) {
        try (ServerSocket probe = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            probe.setReuseAddress(true);
        } catch (IOException e) {
            throw new InvalidSettingException(CoreSettings.LOCAL_PORT, "cannot serve the local queue on 127.0.0.1:"
                    + port + " (" + e.getMessage() + "); is another asger running?");
        }
    }
}
