package io.asger.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Every setting asger checks at start-up, in one place: the core settings, what asger checks before it believes a
 * message ({@link TrustSettings}), and the settings of each shipped task
 * that asger.tasks names (a task that is off is neither read nor checked, and its route file is not loaded: see
 * {@link RouteFiles}). All problems are gathered first, so a start-up with several bad settings names them all at
 * once, one line each.
 *
 * <p>To add a settings area (as asger.lifecycle.* is added): a record ({@link LifecycleSettings}) in this package with
 * its property names as constants and a {@code static read(Settings s)} that notes problems with
 * {@code s.problem(...)} (or uses the {@link Settings} getters, which do), a component here read in {@link #read},
 * its keys commented in application.properties and a row each in the README's configuration table. For a task's
 * area, add it to {@link #TASK_SETTINGS} instead.
 */
public record AsgerSettings(CoreSettings core, LifecycleSettings lifecycle, TrustSettings trust,
        AccountSettings accounts, ReconcileSettings reconcile,
        Map<String, Object> taskSettings) {

    /** The shipped tasks whose settings asger checks, by task name. Their route files are named after them. */
    public static final Map<String, Function<Settings, Object>> TASK_SETTINGS = Map.of(
            ChefSettings.TASK, ChefSettings::read,
            Route53Settings.TASK, Route53Settings::read,
            ConsulSettings.TASK, ConsulSettings::read,
            WebhookSettings.TASK, WebhookSettings::read);

    /** Every shipped task: the ones above and {@code log}, which has no settings. */
    public static final List<String> SHIPPED_TASKS = List.of("log", ChefSettings.TASK, Route53Settings.TASK,
            ConsulSettings.TASK, WebhookSettings.TASK);

    /** Reads and checks everything; throws one InvalidSettingException naming every bad setting. */
    public static AsgerSettings read(Settings s) {
        CoreSettings core = CoreSettings.from(s);
        LifecycleSettings lifecycle = LifecycleSettings.read(s);
        TrustSettings trust = TrustSettings.read(s);
        AccountSettings accounts = AccountSettings.read(s, trust.accounts());
        ReconcileSettings reconcile = ReconcileSettings.read(s);
        OperationsSettings.from(s);
        Map<String, Object> tasks = new LinkedHashMap<>();
        for (String task : core.tasks()) {
            Function<Settings, Object> reader = TASK_SETTINGS.get(task);
            if (reader != null) {
                tasks.put(task, reader.apply(s));
            }
        }
        s.check();
        return new AsgerSettings(core, lifecycle, trust, accounts, reconcile, Map.copyOf(tasks));
    }

    /** The settings of an enabled shipped task, e.g. {@code task(ChefSettings.class)}; empty when it is off. */
    public <T> Optional<T> task(Class<T> type) {
        return taskSettings.values().stream().filter(type::isInstance).map(type::cast).findFirst();
    }
}
