package io.asger.config;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Settings that are missing or wrong: stops start-up (exit code 78) with one line per setting, each naming the
 * setting and where to set it. {@link Settings} gathers every problem of a start-up into one of these.
 */
public class InvalidSettingException extends IllegalArgumentException {

    /** One bad setting: its name and what is wrong with it. */
    public record Problem(String setting, String problem) {
        /** {@code asger.x: problem (set it in application.properties, as -Dasger.x=..., or as ASGER_X)}. */
        public String line() {
            return setting + ": " + problem + " (set it in application.properties, as -D" + setting + "=..., or as "
                    + Settings.envName(setting) + ")";
        }
    }

    private final List<Problem> problems;

    public InvalidSettingException(String setting, String problem) {
        this(List.of(new Problem(setting, problem)));
    }

    public InvalidSettingException(List<Problem> problems) {
        super(problems.stream().map(Problem::line).collect(Collectors.joining("\n")));
        this.problems = List.copyOf(problems);
    }

    /** The first bad setting. */
    public String getSetting() {
        return problems.get(0).setting();
    }

    public List<Problem> getProblems() {
        return problems;
    }

    /** One line per bad setting. */
    public List<String> lines() {
        return problems.stream().map(Problem::line).toList();
    }
}
