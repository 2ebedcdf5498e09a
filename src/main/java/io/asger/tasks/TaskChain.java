package io.asger.tasks;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import io.asger.config.InvalidSettingException;
import io.asger.event.AsgEvent;
import io.asger.event.EventType;
import org.apache.camel.CamelContext;
import org.apache.camel.model.Model;

/**
 * The order tasks run in. A task {@code X} is any route file that consumes {@code direct:X-up}, {@code direct:X-down},
 * {@code direct:X-up-failed} or {@code direct:X-down-failed}; a direction a task lacks is skipped. Up (and up-failed)
 * runs {@code asger.tasks} in order, down (and down-failed) in reverse, as the original asger did.
 */
public class TaskChain {

    static final List<EventType> DIRECTIONS = List.of(EventType.UP, EventType.DOWN, EventType.UP_FAILED, EventType.DOWN_FAILED);

    /** What the shipped intake, tasks, dead-letter and message-done files provide: without them nothing would be handled. */
    static final List<String> CORE_ENDPOINTS = List.of("route-by-event-type", "run-task-chain", "run-one-task", "dead-letter",
            "message-done");

    private final List<String> tasks;
    private final Map<EventType, List<String>> chains = new EnumMap<>(EventType.class);

    public TaskChain(List<String> tasks) {
        this.tasks = List.copyOf(tasks);
    }

    /** Checks every named task against the routes Camel loaded, and fixes the chains. Called before routes start. */
    public void resolve(CamelContext context) {
        // The route model, not context.getRoutes(): this runs before the routes have started.
        Model model = context.getCamelContextExtension().getContextPlugin(Model.class);
        Set<String> directs = model.getRouteDefinitions().stream()
                .map(route -> context.resolvePropertyPlaceholders(route.getInput().getEndpointUri()))
                .filter(uri -> uri.startsWith("direct:"))
                .map(uri -> uri.replaceFirst("^direct:(//)?", "").replaceFirst("\\?.*$", ""))
                .collect(Collectors.toSet());
        for (String core : CORE_ENDPOINTS) {
            if (!directs.contains(core)) {
                throw new InvalidSettingException("asger.routes-dir", "has no route consuming direct:" + core
                        + " (intake, tasks, dead-letter and message-done route files must all be there)");
            }
        }
        for (String task : tasks) {
            boolean any = DIRECTIONS.stream().anyMatch(d -> directs.contains(endpointName(task, d)));
            if (!any) {
                throw new InvalidSettingException("asger.tasks", "names '" + task + "', but no route consumes direct:"
                        + task + "-up, -down, -up-failed or -down-failed (is routes/" + task + ".camel.yaml there?)");
            }
        }
        for (EventType direction : DIRECTIONS) {
            List<String> ordered = new ArrayList<>(tasks);
            if (direction == EventType.DOWN || direction == EventType.DOWN_FAILED) {
                Collections.reverse(ordered);
            }
            ordered.removeIf(task -> !directs.contains(endpointName(task, direction)));
            chains.put(direction, List.copyOf(ordered));
        }
    }

    static String endpointName(String task, EventType direction) {
        return task + "-" + direction.name().toLowerCase().replace('_', '-');
    }

    /** The tasks to run for an event, in order: e.g. {@code [consul, chef, log]} for a DOWN event. */
    public List<String> tasksFor(AsgEvent event) {
        EventType type = event.getType();
        List<String> chain = chains.get(type);
        if (chain == null) {
            throw new IllegalStateException("no task chain for " + type + " (chains are resolved when Camel starts)");
        }
        return chain;
    }

    public List<String> tasks() {
        return tasks;
    }

    @Override
    public String toString() {
        return chains.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(" "));
    }
}
