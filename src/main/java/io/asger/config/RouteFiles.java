package io.asger.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import org.apache.camel.CamelContext;
import org.apache.camel.spi.Resource;
import org.apache.camel.support.PluginHelper;

/**
 * Which route files asger loads, and loading them inside Camel's lifecycle (from {@code AsgerConfiguration}, so the
 * jar and {@code camel run} load the same): every {@code *.camel.yaml} and {@code *.camel.xml} in asger.routes-dir
 * (or, when the default directory is missing, the copies packaged in the jar), except the files of shipped tasks
 * that asger.tasks does not name ({@code chef.camel.yaml} when chef is off). So a task that is off has no routes,
 * no beans and no placeholders to resolve: a bad asger.consul.ca-file cannot stop an asger that does not run consul.
 */
public final class RouteFiles {

    private RouteFiles() {
    }

    /** Where the route files are: the directory, or the copies packaged in the jar when it is missing. */
    public static List<String> patterns(Path dir) {
        if (Files.isDirectory(dir)) {
            String abs = dir.toAbsolutePath().normalize().toString().replace('\\', '/');
            return List.of("file:" + abs + "/*.camel.yaml", "file:" + abs + "/*.camel.xml");
        }
        return List.of("classpath:routes/*.camel.yaml", "classpath:routes/*.camel.xml");
    }

    /** Whether a route file is loaded: not when it is the file of a shipped task that is off. */
    public static boolean isLoaded(String location, List<String> enabledTasks) {
        String name = location.substring(location.lastIndexOf('/') + 1);
        String task = name.replaceFirst("\\.camel\\.(yaml|xml)$", "");
        return !AsgerSettings.SHIPPED_TASKS.contains(task) || enabledTasks.contains(task);
    }

    /** Loads the route files of {@code core} into the (not yet started) context; answers their locations. */
    public static List<String> load(CamelContext context, CoreSettings core) throws Exception {
        List<Resource> resources = new ArrayList<>();
        for (String pattern : patterns(Path.of(core.routesDir()))) {
            Collection<Resource> found = PluginHelper.getPackageScanResourceResolver(context).findResources(pattern);
            found.stream().filter(r -> isLoaded(r.getLocation(), core.tasks()))
                    .sorted(java.util.Comparator.comparing(Resource::getLocation))
                    .forEach(resources::add);
        }
        PluginHelper.getRoutesLoader(context).loadRoutes(resources);
        return resources.stream().map(Resource::getLocation).toList();
    }
}
