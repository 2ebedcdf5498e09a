package io.asger;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.asger.config.Settings;
import org.slf4j.LoggerFactory;
import org.apache.camel.main.Main;

/**
 * Builds the Camel Main that runs asger: the same for {@code java -jar asger.jar} and for the tests. Everything that
 * happens at start-up lives in {@link AsgerConfiguration} and the routes, inside Camel's lifecycle.
 */
public final class AsgerApplication {

    /** Defaults packaged in the jar, then an operator's application.properties in the working directory. */
    public static final String PROPERTY_LOCATIONS =
            "classpath:application.properties;optional=true,file:application.properties;optional=true";

    public static final String ROUTES_DIR = "asger.routes-dir";

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
     */
    public static Main create(Map<String, String> overrides, List<String> extraRoutes) {
        Settings settings = AsgerProperties.load(overrides);
        Main main = new Main();
        main.setDefaultPropertyPlaceholderLocation(PROPERTY_LOCATIONS);
        List<String> patterns = new ArrayList<>();
        patterns.add(routesPattern(Path.of(settings.text(ROUTES_DIR, "routes"))));
        patterns.addAll(extraRoutes);
        main.configure().withRoutesIncludePattern(String.join(",", patterns));
        LoggerFactory.getLogger(AsgerApplication.class).info("Routes: {}", String.join(",", patterns));
        overrides.forEach(main::addOverrideProperty);
        return main;
    }

    /**
     * Routes come from the filesystem so operators edit them without rebuilding; the copies packaged in the jar are
     * used only when the directory is not there.
     */
    static String routesPattern(Path dir) {
        if (Files.isDirectory(dir)) {
            String abs = dir.toAbsolutePath().normalize().toString().replace('\\', '/');
            return "file:" + abs + "/*.camel.yaml,file:" + abs + "/*.camel.xml";
        }
        return "classpath:routes/*.camel.yaml,classpath:routes/*.camel.xml";
    }
}
