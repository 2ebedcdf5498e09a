package io.asger;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.asger.config.AsgerProperties;
import io.asger.config.AsgerSettings;
import io.asger.config.CoreSettings;
import io.asger.config.InvalidSettingException;
import io.asger.config.RouteFiles;
import org.slf4j.LoggerFactory;
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
        List<String> patterns = new ArrayList<>();
        patterns.add(RouteFiles.includePattern(Path.of(settings.core().routesDir())));
        patterns.addAll(extraRoutes);
        main.configure().withRoutesIncludePattern(String.join(",", patterns));
        String excluded = RouteFiles.excludePattern(settings.core().tasks());
        if (!excluded.isEmpty()) {
            main.configure().withRoutesExcludePattern(excluded);
        }
        LoggerFactory.getLogger(AsgerApplication.class).info("Routes: {} (tasks that are off: {})",
                String.join(",", patterns), excluded.isEmpty() ? "none" : excluded);
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
