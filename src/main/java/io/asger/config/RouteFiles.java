package io.asger.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Which route files asger loads: every {@code *.camel.yaml} and {@code *.camel.xml} in asger.routes-dir (or, when
 * the default directory is missing, the copies packaged in the jar), except the files of shipped tasks that
 * asger.tasks does not name ({@code chef.camel.yaml} when chef is off). So a task that is off has no routes, no
 * beans and no placeholders to resolve: a bad asger.consul.ca-file cannot stop an asger that does not run consul.
 */
public final class RouteFiles {

    private RouteFiles() {
    }

    /** Camel Main's routes include pattern for the routes directory. */
    public static String includePattern(Path dir) {
        if (Files.isDirectory(dir)) {
            String abs = dir.toAbsolutePath().normalize().toString().replace('\\', '/');
            return "file:" + abs + "/*.camel.yaml,file:" + abs + "/*.camel.xml";
        }
        return "classpath:routes/*.camel.yaml,classpath:routes/*.camel.xml";
    }

    /** Camel Main's routes exclude pattern: the shipped tasks that are off. Empty when every one is on. */
    public static String excludePattern(List<String> enabledTasks) {
        List<String> off = new ArrayList<>();
        for (String task : AsgerSettings.SHIPPED_TASKS) {
            if (!enabledTasks.contains(task)) {
                off.add("**/" + task + ".camel.yaml");
                off.add("**/" + task + ".camel.xml");
            }
        }
        return String.join(",", off);
    }
}
